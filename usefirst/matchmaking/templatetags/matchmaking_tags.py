"""The "express intent" block on achievement and demand detail pages (catalog templates include it)."""

from __future__ import annotations

from typing import Any

from django import template

from usefirst.accounts.context_processors import current_membership
from usefirst.catalog.choices import DemandStatus

from .. import selectors

register = template.Library()


@register.inclusion_tag("matchmaking/_intent_block.html", takes_context=True)
def intent_button(context: Any) -> dict[str, Any]:
    request = context.get("request")
    achievement, demand = context.get("a"), context.get("d")
    shown: dict[str, Any] = {"show": False, "own_count": None}
    if request is None or (achievement is None and demand is None):
        return shown
    if achievement is not None and not achievement.is_public:
        return shown
    if demand is not None and (achievement is not None or demand.effective_status != DemandStatus.PUBLISHED):
        return shown
    shown.update(show=True, achievement=achievement, demand=demand, request=request)
    if not request.user.is_authenticated:
        return shown
    membership = current_membership(request)
    org = membership.organisation if membership else None
    owner_id = achievement.owner_id if achievement is not None else demand.enterprise_id
    if org is None:
        shown["show"] = False
        return shown
    if org.pk == owner_id:
        # The owner sees how many engagements its item has drawn, not a button.
        item = {"achievement": achievement} if achievement is not None else {"demand": demand}
        shown["own_count"] = selectors.engagement_list(user=request.user).filter(**item).count()
        return shown
    shown["org"] = org
    shown["existing"] = selectors.open_engagement_for(organisation=org, achievement=achievement, demand=demand)
    return shown
