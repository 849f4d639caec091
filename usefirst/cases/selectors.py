"""Reads of typical cases: the public, searchable list (exemplary first) and one's own."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from usefirst.core.actors import Visitor
from usefirst.core.permissions import Action, restrict

from .choices import CaseStatus
from .models import Case


def published(user: Visitor, *, q: str = "", mode: str = "", region: str = "", exemplary: bool = False) -> QuerySet[Case]:
    cases = restrict(Case.objects.select_related("author"), user, Action.VIEW).filter(status=CaseStatus.PUBLISHED)
    if q:
        cases = cases.filter(
            Q(title__icontains=q) | Q(summary__icontains=q) | Q(story__icontains=q) | Q(field_label__icontains=q)
        )
    if mode:
        cases = cases.filter(mode_label=mode)
    if region:
        cases = cases.filter(region=region)
    if exemplary:
        cases = cases.filter(exemplary=True)
    return cases.order_by("-exemplary", "-published_at", "-id")


def involved(user: Visitor) -> QuerySet[Case]:
    """Cases the person's organisations drafted, are asked to consent to, or review."""
    return restrict(Case.objects.select_related("author", "contract"), user, Action.HISTORY).order_by("-created_at", "-id")


def review_queue(user: Visitor) -> QuerySet[Case]:
    return restrict(Case.objects.select_related("author"), user, Action.REVIEW).filter(status=CaseStatus.SUBMITTED)
