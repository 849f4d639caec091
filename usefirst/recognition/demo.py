"""Demo: one achievement with ≥ 500,000.00 CNY received taken from the eligibility notice
through recommendation, review and public notice to recognition, all through the services
(for the demo loader: `from usefirst.recognition.demo import seed_recognition_demo`).

It needs a signed pay_later licence or transfer contract that followed a free-use licence
(the contracts demo) and finance's receipt service. The public notice period cannot pass
during a demo load, so its dates are moved into the past (demo data only, written in the
event row's reason).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Any

from django.db.models import F
from django.utils import timezone

from usefirst.catalog.choices import ProjectCategory
from usefirst.contracts.models import Contract
from usefirst.core import workflow
from usefirst.core.actors import Actor
from usefirst.core.dates import today

from . import services
from .models import Recognition, RecognitionApplication
from .tasks import notify_achievement_if_eligible
from .workflows import APPLICATION, ApplicationEventType


def seed_recognition_demo(
    *, contract: Contract, unit_user: Actor, reviewer: Actor, log: Callable[[str], None] = print
) -> Recognition | None:
    """Receipts up to 520,000.00 on the contract's (first) achievement, then the whole workflow.
    Returns the recognition, or None (with a log line) when the contract does not qualify."""
    from usefirst.finance import services as finance
    from usefirst.finance.selectors import received_for_contract

    link = contract.achievements.select_related("achievement").first()
    if link is None or contract.signed_at is None:
        log("认定演示：合同未签署或没有成果，跳过")
        return None
    achievement = link.achievement
    if achievement.plan_project_category != ProjectCategory.KEY_TECHNOLOGY:
        achievement.plan_project_category = ProjectCategory.KEY_TECHNOLOGY  # declared by the unit for the demo
        achievement.save(update_fields=["plan_project_category"])
    missing = Decimal("520000.00") - received_for_contract(contract)
    if missing > 0:
        day = max(timezone.localdate(contract.signed_at), today() - dt.timedelta(days=30))  # Shanghai date
        from usefirst.finance.demo import confirm_as_payer, demo_slip

        receipt, _ = finance.receipt_record(
            actor=unit_user,
            contract=contract,
            received_on=min(day, today()),
            amount=str(missing.quantize(Decimal("0.01"))),
            payer=contract.licensee.name if contract.licensee else "企业",
            voucher_number=f"DEMO-RECOG-{contract.pk}",
            idempotency_key=f"demo-recognition-{contract.pk}",
            slip=demo_slip(f"DEMO-RECOG-{contract.pk}"),
        )
        confirm_as_payer(receipt)
    notify_achievement_if_eligible(achievement)
    application = services.application_create(
        actor=unit_user, achievement=achievement, statement="演示：先用后转许可实际到账已达门槛"
    )
    services.application_recommend(actor=unit_user, application=application, opinion="经单位审核，同意推荐")
    services.application_select(
        actor=reviewer, application=application, key_technology_confirmed=True, opinion="择优入选，进入公示"
    )
    move_notice_into_the_past(application)
    recognition = services.application_recognise(actor=reviewer, application=application)
    log(f"认定演示：{achievement.title} 认定编号 {recognition.number}")
    return recognition


def move_notice_into_the_past(application: RecognitionApplication) -> RecognitionApplication:
    """Demo data only: the public notice period cannot pass during a demo, so its dates move into
    the past by its own length (with an event row that says so)."""
    application.refresh_from_db()
    days = (
        (application.notice_end - application.notice_start).days + 1 if application.notice_end and application.notice_start else 8
    )
    RecognitionApplication.objects.filter(pk=application.pk).update(
        notice_start=F("notice_start") - dt.timedelta(days=days), notice_end=F("notice_end") - dt.timedelta(days=days)
    )
    workflow.record(APPLICATION, application, ApplicationEventType.NOTICE_MOVED, actor=None, reason="演示数据：公示期移至过去")
    application.refresh_from_db()
    return application


def seed_recognition_stages(
    *,
    achievements: list[tuple[str, Any]],
    unit_user: Actor,
    reviewer: Actor,
    at: Callable[..., AbstractContextManager[None]],
    log: Callable[[str], None] | None = None,
) -> dict[str, RecognitionApplication | None]:
    """Achievements that already have ≥ 500,000.00 received, each taken to a stage, every step
    on its own day through `at(days_ago, hour=…)` (the demo loader's clock), through the services:

    - "eligible": the unit is notified this morning and the application page comes pre-filled;
      the demo user submits it (nothing more is done here);
    - "recommended": drafted and recommended by the unit, awaiting the provincial review;
    - "public_notice": selected three days ago, in its seven-day public notice;
    - "recognised": selected 35 days ago, notice over, recognised 25 days ago (public list, PDF);
    - "rejected": recommended, then not recognised by the provincial reviewer.

    The inventors of the achievements must differ (one recognition per person per year)."""
    applications: dict[str, RecognitionApplication | None] = {}
    with at(46, hour=2):  # the nightly sweep after the receipt that crossed the threshold
        for stage, achievement in achievements:
            if stage != "eligible":
                notify_achievement_if_eligible(achievement)
    with at(0, hour=2):  # this morning's sweep: the newest notice in the unit's inbox
        for stage, achievement in achievements:
            if stage == "eligible":
                notify_achievement_if_eligible(achievement)
    for n, (stage, achievement) in enumerate(achievements):
        if stage == "eligible":
            applications[f"{stage}-{n}"] = None
            continue
        with at(44, hour=9 + n):
            application = services.application_create(
                actor=unit_user,
                achievement=achievement,
                statement="先用后转许可合同实际到账已达认定门槛，申请视同省级科技计划立项。",
            )
        with at(43, hour=9 + n):
            application = services.application_recommend(
                actor=unit_user, application=application, opinion="经学校科研院审核，材料真实，同意推荐。"
            )
        if stage == "recognised":
            with at(35, hour=9 + n):
                services.application_select(
                    actor=reviewer, application=application, key_technology_confirmed=True, opinion="择优入选，进入公示。"
                )
            with at(25, hour=9 + n):
                services.application_recognise(actor=reviewer, application=application)
        elif stage == "public_notice":
            with at(3, hour=9 + n):
                services.application_select(
                    actor=reviewer, application=application, key_technology_confirmed=True, opinion="择优入选，进入公示。"
                )
        elif stage == "rejected":
            with at(33, hour=9 + n):
                services.application_reject(
                    actor=reviewer,
                    application=application,
                    reason="经审核，该项目转化内容为工艺改进，不属于科研攻关类项目，不予认定。",
                )
        application.refresh_from_db()
        applications[f"{stage}-{n}"] = application
    if log is not None:
        log("认定：" + "，".join(f"{key} {a.get_status_display() if a else '待申报'}" for key, a in applications.items()))
    return applications
