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
from decimal import Decimal
from typing import Any

from django.db.models import F

from usefirst.catalog.choices import ProjectCategory
from usefirst.contracts.models import Contract
from usefirst.core.dates import today

from . import services
from .models import ApplicationEvent, Recognition, RecognitionApplication
from .tasks import notify_achievement_if_eligible


def seed_recognition_demo(
    *, contract: Contract, unit_user: Any, reviewer: Any, log: Callable[[str], None] = print
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
        day = max(contract.signed_at.date(), today() - dt.timedelta(days=30))
        finance.receipt_record(
            actor=unit_user,
            contract=contract,
            received_on=min(day, today()),
            amount=str(missing.quantize(Decimal("0.01"))),
            payer=contract.licensee.name if contract.licensee else "企业",
            voucher_number=f"DEMO-RECOG-{contract.pk}",
            idempotency_key=f"demo-recognition-{contract.pk}",
        )
    notify_achievement_if_eligible(achievement)
    application = services.application_create(
        actor=unit_user, achievement=achievement, statement="演示：先用后转许可实际到账已达门槛"
    )
    services.application_recommend(actor=unit_user, application=application, opinion="经单位审核，同意推荐")
    services.application_select(
        actor=reviewer, application=application, key_technology_confirmed=True, opinion="择优入选，进入公示"
    )
    days = (
        (application.notice_end - application.notice_start).days + 1 if application.notice_end and application.notice_start else 8
    )
    RecognitionApplication.objects.filter(pk=application.pk).update(
        notice_start=F("notice_start") - dt.timedelta(days=days), notice_end=F("notice_end") - dt.timedelta(days=days)
    )
    ApplicationEvent.objects.create(
        subject=application, actor=None, from_status="public_notice", to_status="public_notice", reason="演示数据：公示期移至过去"
    )
    recognition = services.application_recognise(actor=reviewer, application=application)
    log(f"认定演示：{achievement.title} 认定编号 {recognition.number}")
    return recognition
