from __future__ import annotations

from typing import Any

from django.db.models import Count

from usefirst.accounts.models import Organisation, OrganisationKind, OrganisationStatus
from usefirst.catalog.choices import AchievementStatus, DemandStatus
from usefirst.catalog.models import Achievement, Demand
from usefirst.core.dates import today


def platform_figures() -> dict[str, Any]:
    """Figures for the home page, computed from the data: only public items are counted."""
    published = Achievement.objects.filter(status=AchievementStatus.PUBLISHED, restriction="")
    modes = published.aggregate()
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
        "by_field": list(published.values("field__parent__name").annotate(n=Count("id")).order_by("-n")[:8]),
        **modes,
    }
