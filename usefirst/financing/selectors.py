"""Reads of bank financing, already scoped by the chokepoint."""

from __future__ import annotations

from django.db.models import QuerySet

from usefirst.core import workflow
from usefirst.core.actors import Visitor
from usefirst.core.permissions import Action, restrict

from .choices import ApplicationStatus, PledgeStatus, ProductStatus
from .models import LoanApplication, LoanProduct, Pledge


def products_of_bank(user: Visitor, bank_ids: set[int]) -> QuerySet[LoanProduct]:
    return (
        restrict(LoanProduct.objects.all(), user, Action.CHANGE)
        .filter(bank_id__in=bank_ids)
        .select_related("bank")
        .order_by("series", "-version")
    )


def products_waiting_review(user: Visitor) -> QuerySet[LoanProduct]:
    return (
        restrict(LoanProduct.objects.all(), user, Action.REVIEW)
        .filter(status=ProductStatus.SUBMITTED)
        .select_related("bank")
        .order_by("submitted_at", "id")
    )


def published_products(user: Visitor) -> QuerySet[LoanProduct]:
    return (
        restrict(LoanProduct.objects.all(), user, Action.VIEW)
        .filter(status=ProductStatus.PUBLISHED)
        .select_related("bank")
        .order_by("kind", "bank__name", "name")
    )


def versions_of(user: Visitor, product: LoanProduct) -> QuerySet[LoanProduct]:
    return restrict(LoanProduct.objects.all(), user, Action.VIEW).filter(series=product.series).order_by("-version")


def product_history(product: LoanProduct) -> list[workflow.HistoryRow]:
    from .workflows import LOAN_PRODUCT

    return workflow.history(LOAN_PRODUCT, product.events.select_related("actor").order_by("at", "pk"))


def visible_applications(user: Visitor) -> QuerySet[LoanApplication]:
    return (
        restrict(LoanApplication.objects.all(), user, Action.VIEW)
        .select_related("product", "bank", "applicant", "contract")
        .order_by("-applied_at", "-id")
    )


def applications_awaiting_bank(user: Visitor) -> QuerySet[LoanApplication]:
    return restrict(LoanApplication.objects.all(), user, Action.REVIEW).filter(status=ApplicationStatus.APPLIED)


def applications_awaiting_applicant(user: Visitor) -> QuerySet[LoanApplication]:
    return restrict(LoanApplication.objects.all(), user, Action.CHANGE).filter(status=ApplicationStatus.INFO_REQUESTED)


def application_history(application: LoanApplication) -> list[workflow.HistoryRow]:
    from .workflows import APPLICATION

    return workflow.history(APPLICATION, application.events.select_related("actor").order_by("at", "pk"))


def pledges_of_application(user: Visitor, application: LoanApplication) -> QuerySet[Pledge]:
    return restrict(Pledge.objects.all(), user, Action.VIEW).filter(application=application).select_related("ip_item")


def pledges_of_achievement(user: Visitor, achievement_id: int) -> QuerySet[Pledge]:
    """The standing pledges of an achievement's IP items this person may see: the owner unit, the
    bank (and the pledgor, the provincial department)."""
    return (
        restrict(Pledge.objects.all(), user, Action.VIEW)
        .filter(ip_item__achievement_id=achievement_id, status=PledgeStatus.REGISTERED)
        .select_related("ip_item", "bank")
        .order_by("registered_on", "pk")
    )
