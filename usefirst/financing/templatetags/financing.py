"""Template helpers of bank financing: a product's lists in words, and the pledges of an
achievement's IP items shown on the achievement's page (to the owner unit and the bank)."""

from __future__ import annotations

from typing import Any

from django import template

from usefirst.catalog.choices import USE_FIRST_MODE_CHOICES
from usefirst.risk.forms import REGION_CHOICES, SIZE_CHOICES

from .. import selectors

register = template.Library()

_LABELS = {"modes": dict(USE_FIRST_MODE_CHOICES), "sizes": dict(SIZE_CHOICES), "regions": dict(REGION_CHOICES)}


@register.filter
def labels(values: Any, kind: str) -> str:
    """“先使用后付费、先使用后合作”; empty when the list is (不限 is the template's word)."""
    words = _LABELS.get(kind, {})
    return "、".join(str(words.get(v, v)) for v in values or [])


@register.inclusion_tag("financing/_achievement_pledges.html", takes_context=True)
def achievement_pledges(context: template.Context, achievement: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return {"pledges": []}
    return {"pledges": list(selectors.pledges_of_achievement(user, achievement.pk))}
