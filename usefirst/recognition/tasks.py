"""Background work of recognition (the scheduler imports `<app>.tasks` of every installed app).

- `notify_if_eligible`: tell the unit (once a batch year) that an achievement became eligible;
  the application page then comes pre-filled. Enqueued after each receipt is committed
  (signals.py) and swept nightly.
- `check_recognised_receipts`: a reversal that takes a recognised project's amount below the
  threshold flags it for review. Enqueued after each receipt, and swept hourly in case a
  receipt reached the database by another path.
"""

from __future__ import annotations

from crontask import cron
from django.db import IntegrityError, transaction
from django.tasks import task
from django.urls import reverse

from usefirst.catalog.choices import ProjectCategory
from usefirst.catalog.models import Achievement
from usefirst.core.dates import today
from usefirst.notifications.services import notify

from . import services
from .eligibility import evaluate
from .models import OPEN_STATUSES, EligibilityNotice, RecognitionApplication


def notify_achievement_if_eligible(achievement: Achievement) -> bool:
    on = today()
    year = services.batch_year(on)
    if EligibilityNotice.objects.filter(achievement=achievement, year=year).exists():
        return False
    if RecognitionApplication.objects.filter(achievement=achievement, status__in=OPEN_STATUSES).exists():
        return False
    result = evaluate(achievement, year=year, on=on)
    if not result.eligible:
        return False
    try:
        with transaction.atomic():
            EligibilityNotice.objects.create(achievement=achievement, year=year, amount=result.amount)
            notify(
                recipients=services._unit_members(achievement.owner),
                kind="recognition_eligible",
                title=f"成果可申请视同省级科技计划立项认定：{achievement.title}",
                body=f"实际到账 {result.amount} 元，已达到认定门槛。申请表已按平台数据预填。",
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


@cron("20 1 * * *")
@task()
def sweep_eligibility() -> int:
    candidates = Achievement.objects.filter(
        plan_project_category=ProjectCategory.KEY_TECHNOLOGY, contract_links__isnull=False
    ).distinct()
    return sum(1 for a in candidates if notify_achievement_if_eligible(a))


@cron("35 * * * *")
@task()
def sweep_reversals() -> int:
    return services.check_reversals()
