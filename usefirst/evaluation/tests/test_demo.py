"""The demo's evaluations: last year's published with excellent lists, this year's under review
and in publicity with an objection waiting."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from usefirst.evaluation.choices import EvaluationStatus, Grade
from usefirst.evaluation.models import Evaluation, Objection


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[None]:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with override_settings(DEMO_MODE=True):
                call_command("load_demo", "--limit", "40", "--demand-limit", "10", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


pytestmark = pytest.mark.django_db


def test_last_years_evaluations_are_published_with_an_excellent_list(demo: None) -> None:
    published = Evaluation.objects.filter(status=EvaluationStatus.PUBLISHED)
    assert {e.kind for e in published} == {"agency", "unit"}
    for evaluation in published:
        assert evaluation.results.filter(grade=Grade.EXCELLENT).exists(), evaluation


def test_this_years_evaluations_are_in_review_and_in_publicity_with_an_objection(demo: None) -> None:
    statuses = dict(Evaluation.objects.exclude(status=EvaluationStatus.PUBLISHED).values_list("kind", "status"))
    assert statuses == {"agency": EvaluationStatus.IN_REVIEW, "unit": EvaluationStatus.PUBLICITY}
    assert Objection.objects.filter(answered_at__isnull=True).count() == 1


def test_the_demo_pages_of_the_evaluations_answer(demo: None, client) -> None:
    from usefirst.accounts.models import User

    for email in ("institution@usefirst.example", "agency@usefirst.example", "province-reviewer@usefirst.example"):
        client.force_login(User.objects.get(email=email))
        for evaluation in Evaluation.objects.all():
            assert client.get(f"/evaluation/{evaluation.pk}/").status_code == 200
        assert client.get("/evaluation/").status_code == 200
        assert client.get("/evaluation/mine/").status_code == 200
        workspace = client.get(reverse("accounts:workspace"))
        assert workspace.status_code == 200
        assert "优秀名单" in workspace.content.decode()
    assert client.get("/evaluation/excellent/").status_code == 200
