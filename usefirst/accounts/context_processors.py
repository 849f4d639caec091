from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from . import roles
from .models import Membership

SESSION_KEY = "current_organisation_id"


def current_membership(request: HttpRequest) -> Membership | None:
    memberships = list(roles.active_memberships(request.user).select_related("organisation").order_by("pk"))
    if not memberships:
        return None
    wanted = request.session.get(SESSION_KEY)
    for membership in memberships:
        if membership.organisation_id == wanted:
            return membership
    return memberships[0]


def current_organisation(request: HttpRequest) -> dict[str, Any]:
    # No user on a request refused before the authentication middleware (an unknown Host header
    # answered with the 400 page): nothing to show, like for a visitor.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memberships = list(roles.active_memberships(request.user).select_related("organisation").order_by("pk"))
    membership = current_membership(request)
    return {
        "current_membership": membership,
        "current_organisation": membership.organisation if membership else None,
        # More than one: the header shows a switcher (one person may serve several organisations).
        "switchable_memberships": memberships if len(memberships) > 1 else [],
    }
