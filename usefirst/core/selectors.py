from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.db.models.functions import Coalesce

from usefirst.accounts.models import Organisation, OrganisationKind, OrganisationStatus
from usefirst.catalog.choices import AchievementStatus, DemandStatus
from usefirst.catalog.models import Achievement, Demand
from usefirst.core.dates import today


def platform_figures() -> dict[str, Any]:
    """Figures for the home page, computed from the data: only public items are counted."""
    published = Achievement.objects.filter(status=AchievementStatus.PUBLISHED, restriction="")
    units = (
        Organisation.objects.filter(status=OrganisationStatus.ACTIVE)
        .exclude(kind=OrganisationKind.ENTERPRISE)
        .filter(achievements__status=AchievementStatus.PUBLISHED)
        .distinct()
        .count()
    )
    return {
        "achievements": published.count(),
        "pay_later": published.filter(offers_pay_later=True).count(),
        "cooperate_later": published.filter(offers_cooperate_later=True).count(),
        "demands": Demand.objects.filter(status=DemandStatus.PUBLISHED, deadline__gte=today()).count(),
        "units": units,
        "enterprises": Organisation.objects.filter(status=OrganisationStatus.ACTIVE, kind=OrganisationKind.ENTERPRISE).count(),
        # An achievement may be filed under a top field or one of its sub-fields: count by the top.
        "by_field": list(
            published.annotate(top_field=Coalesce("field__parent__name", "field__name"))
            .values("top_field")
            .annotate(n=Count("id"))
            .order_by("-n")[:8]
        ),
    }
