"""The open-licence block on an achievement's detail page (the catalog template includes it)."""

from __future__ import annotations

from typing import Any

from django import template

from usefirst.accounts import roles
from usefirst.core.dates import today

from .. import selectors

register = template.Library()


@register.inclusion_tag("contracts/_achievement_open_licences.html", takes_context=True)
def achievement_open_licences(context: Any) -> dict[str, Any]:
    request = context.get("request")
    achievement = context.get("a")
    if request is None or achievement is None:
        return {"show": False}
    records = list(selectors.open_licences_of(request.user, achievement.pk))
    user = request.user
    is_unit = user.is_authenticated and roles.is_member(user, achievement.owner)
    day = today()
    return {
        "show": bool(records) or is_unit,
        "achievement": achievement,
        "is_unit": is_unit,
        "count": len(records),
        "in_force": [r for r in records if r.in_force_on(day)],
    }
