"""Reads of the evaluations, scoped through the chokepoint."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from usefirst.accounts import roles
from usefirst.core import workflow
from usefirst.core.actors import Visitor
from usefirst.core.permissions import Action, restrict

from . import sources
from .choices import EvaluationStatus, Grade
from .models import Evaluation, Indicator, Result, SelfReport
from .workflows import EVALUATION


def evaluations(user: Visitor, *, kind: str = "", year: int | None = None) -> QuerySet[Evaluation]:
    qs = restrict(Evaluation.objects.all(), user, Action.VIEW)
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "kind", "-version")


def results(user: Visitor, evaluation: Evaluation) -> QuerySet[Result]:
    return (
        restrict(Result.objects.filter(evaluation=evaluation), user, Action.VIEW)
        .select_related("organisation")
        .order_by("rank", "organisation__name", "pk")
    )


def my_results(user: Visitor) -> QuerySet[Result]:
    return (
        restrict(Result.objects.filter(organisation_id__in=roles.organisation_ids(user)), user, Action.CHANGE)
        .select_related("organisation", "evaluation")
        .order_by("-evaluation__year", "evaluation__kind", "-evaluation__version")
    )


def excellent_lists(user: Visitor) -> list[tuple[Evaluation, list[Result]]]:
    """The published excellent lists (优秀名单), newest year first, with their scheme and version."""
    published = Evaluation.objects.filter(status=EvaluationStatus.PUBLISHED).order_by("-year", "kind")
    found = []
    for evaluation in published:
        listed = list(
            restrict(Result.objects.filter(evaluation=evaluation, grade=Grade.EXCELLENT), user, Action.VIEW)
            .select_related("organisation")
            .order_by("rank", "organisation__name")
        )
        found.append((evaluation, listed))
    return found


def self_reports_to_review(user: Visitor, evaluation: Evaluation) -> QuerySet[SelfReport]:
    return (
        restrict(SelfReport.objects.filter(evaluation=evaluation), user, Action.VIEW)
        .select_related("organisation")
        .order_by("organisation__city", "organisation__name")
    )


@dataclass(frozen=True)
class Line:
    indicator: Indicator
    source_label: str
    origin: str
    figure: Decimal
    score: Decimal
    contribution: Decimal


def breakdown(result: Result) -> list[Line]:
    """Each indicator of a result: the figure it was computed from, its 0–100 score, and what it
    added to the total (score × weight)."""
    lines = []
    for indicator in result.evaluation.indicators.all():
        source = sources.get_source(indicator.source)
        figure = Decimal(result.figures.get(indicator.key, "0"))
        score = Decimal(result.scores.get(indicator.key, "0"))
        lines.append(
            Line(
                indicator=indicator,
                source_label=source.label if source else indicator.source,
                origin=source.origin if source else "",
                figure=figure,
                score=score,
                contribution=(score * indicator.weight / 100).quantize(Decimal("0.01")),
            )
        )
    return lines


def history(evaluation: Evaluation) -> list[Any]:
    return workflow.history(EVALUATION, evaluation.events.select_related("actor").all())


def result_count(evaluation: Evaluation) -> int:
    return evaluation.results.count()


@dataclass(frozen=True)
class PublishedSummary:
    """The latest published evaluation of a kind (of `year`, when given) for a dashboard: its grade
    counts and its results in rank order — all of Guangdong, or the organisations of one city."""

    evaluation: Evaluation | None
    grades: dict[str, int]
    ranked: list[Result]


def published_summary(kind: str, *, city: str = "", year: int | None = None, top: int = 10) -> PublishedSummary:
    """For the province and city dashboards (staff pages: the view checks who may see them)."""
    qs = Evaluation.objects.filter(kind=kind, status=EvaluationStatus.PUBLISHED)
    if year:
        qs = qs.filter(year=year)
    evaluation = qs.order_by("-year", "-version").first()
    if evaluation is None:
        return PublishedSummary(None, dict.fromkeys(Grade.values, 0), [])
    results = Result.objects.filter(evaluation=evaluation).select_related("organisation")
    if city:
        results = results.filter(organisation__city=city)
    grades = dict.fromkeys(Grade.values, 0)
    for grade in results.values_list("grade", flat=True):
        grades[grade] += 1
    ranked = list(results.order_by("rank", "organisation__name", "pk")[:top])
    return PublishedSummary(evaluation, grades, ranked)
