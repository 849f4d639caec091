from __future__ import annotations

from typing import Any

from django import template
from django.contrib.auth.models import AnonymousUser

from usefirst.catalog.models import Achievement, Demand
from usefirst.matching.models import ItemKind
from usefirst.matching.selectors import RecommendationView, recommendations_for

register = template.Library()


@register.simple_tag(takes_context=True)
def item_recommendations(context: Any) -> list[RecommendationView]:
    """The recommendations of the detail page's item (`a` or `d` in the catalog's templates)."""
    request = context.get("request")
    user = getattr(request, "user", None) or AnonymousUser()
    item = context.get("a") or context.get("d")
    if isinstance(item, Achievement) and item.is_public:
        return recommendations_for(user=user, kind=ItemKind.ACHIEVEMENT, object_id=item.pk, limit=5)
    if isinstance(item, Demand) and item.effective_status == "published":
        return recommendations_for(user=user, kind=ItemKind.DEMAND, object_id=item.pk, limit=5)
    return []
