from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from . import roles
from .models import Membership

SESSION_KEY = "current_organisation_id"


def _memberships(user: Any) -> list[Membership]:
    return list(roles.active_memberships(user).select_related("organisation").order_by("pk"))


def _chosen(request: HttpRequest, memberships: list[Membership]) -> Membership | None:
    """The membership the person switched to in this session, else their first."""
    wanted = request.session.get(SESSION_KEY)
    for membership in memberships:
        if membership.organisation_id == wanted:
            return membership
    return memberships[0] if memberships else None


def current_membership(request: HttpRequest) -> Membership | None:
    return _chosen(request, _memberships(request.user))


def current_organisation(request: HttpRequest) -> dict[str, Any]:
    # No user on a request refused before the authentication middleware (an unknown Host header
    # answered with the 400 page): nothing to show, like for a visitor.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memberships = _memberships(user)
    membership = _chosen(request, memberships)
    return {
        "current_membership": membership,
        "current_organisation": membership.organisation if membership else None,
        # More than one: the header shows a switcher (one person may serve several organisations).
        "switchable_memberships": memberships if len(memberships) > 1 else [],
    }
