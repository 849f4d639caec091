"""Background work of recognition (the scheduler imports `<app>.tasks` of every installed app).

- `notify_if_eligible`: tell the unit (once a batch year) that an achievement became eligible;
  the application page then comes pre-filled. Enqueued after each receipt is committed
  (hooks.py, on finance's `receipt_changed`) and swept every business date by the daily job
  `recognition.eligibility` (usefirst/core/daily_jobs.py; a notice is sent once per achievement
  and batch year, so a date run again or caught up sends nothing twice).
- `check_recognised_receipts`: a reversal that takes a recognised project's amount below the
  threshold flags it for review. Enqueued after each receipt, and swept hourly in case a
  receipt reached the database by another path.
"""

from __future__ import annotations

import datetime as dt

from crontask import cron
from django.db import IntegrityError, transaction
from django.tasks import task
from django.urls import reverse

from usefirst.catalog.choices import ProjectCategory
from usefirst.catalog.models import Achievement
from usefirst.core.daily_jobs import daily_job, progress
from usefirst.core.dates import today
from usefirst.core.money import format_cny
from usefirst.notifications.services import notify

from . import services
from .eligibility import Eligibility, evaluate
from .models import OPEN_STATUSES, EligibilityNotice, RecognitionApplication


def _eligible_unnotified(achievement: Achievement, on: dt.date) -> Eligibility | None:
    """The achievement's eligibility on `on` if it is eligible, has no open application and its
    unit was not yet told this batch year."""
    year = services.batch_year(on)
    if EligibilityNotice.objects.filter(achievement=achievement, year=year).exists():
        return None
    if RecognitionApplication.objects.filter(achievement=achievement, status__in=OPEN_STATUSES).exists():
        return None
    result = evaluate(achievement, year=year, on=on)
    return result if result.eligible else None


def notify_achievement_if_eligible(achievement: Achievement, *, on: dt.date | None = None) -> bool:
    on = on or today()
    year = services.batch_year(on)
    result = _eligible_unnotified(achievement, on)
    if result is None:
        return False
    try:
        with transaction.atomic():
            EligibilityNotice.objects.create(achievement=achievement, year=year, amount=result.amount)
            notify(
                recipients=services._unit_members(achievement.owner),
                kind="recognition.eligible",
                title=f"成果可申请视同省级科技计划立项认定：{achievement.title}",
                body=f"实际到账 {format_cny(result.amount)}，已达到认定门槛。申请表已按平台数据预填。",
                url=reverse("recognition:application_new", args=[achievement.pk]),
            )
    except IntegrityError:
        return False
    return True


@task()
def notify_if_eligible(*, achievement_ids: list[int]) -> int:
    return sum(1 for a in Achievement.objects.filter(pk__in=achievement_ids) if notify_achievement_if_eligible(a))


@task()
def check_recognised_receipts(*, achievement_ids: list[int] | None = None) -> int:
    return services.check_reversals(achievement_ids=achievement_ids)


def _candidates() -> list[Achievement]:
    return list(
        Achievement.objects.filter(plan_project_category=ProjectCategory.KEY_TECHNOLOGY, contract_links__isnull=False)
        .distinct()
        .order_by("pk")
    )


def eligibility_due(day: dt.date) -> dict[str, list[str]]:
    return {"达到认定门槛、将通知成果单位的成果": [f"#{a.pk} {a.title}" for a in _candidates() if _eligible_unnotified(a, day)]}


@daily_job(
    "recognition.eligibility",
    "达到认定门槛的成果通知成果单位（每个批次年度一次）",
    at=dt.time(1, 20),
    due=eligibility_due,
    labels={"count": "通知的成果数"},
)
def sweep_eligibility(day: dt.date) -> int:
    candidates = _candidates()
    notified = 0
    for done, achievement in enumerate(candidates, start=1):
        notified += notify_achievement_if_eligible(achievement, on=day)
        progress(done, len(candidates))
    return notified


@cron("35 * * * *")
@task()
def sweep_reversals() -> int:
    return services.check_reversals()
