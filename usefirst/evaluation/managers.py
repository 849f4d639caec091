"""Technology managers (技术经理人, DOMAIN.md rule 5): the host agency's registry, the credit of each
person on the engagements their agency facilitated (only where both sides of the engagement
confirmed the agency), a grade from the platform's facts of the year, and the yearly filing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum

from usefirst.accounts import roles
from usefirst.accounts.models import Organisation, OrganisationKind
from usefirst.core.actors import Actor
from usefirst.core.audit import audit
from usefirst.core.dates import today
from usefirst.core.errors import Conflict, DomainError, Forbidden, from_validation_error
from usefirst.core.permissions import Action, can
from usefirst.core.text import clean_reason, clean_text

from .models import ManagerClass, ManagerCredit, ManagerFiling, TechnologyManager

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Grades from the year's facts: (label, contracts signed at least, contract value at least in 元).
GRADES = (("A（优秀）", 3, Decimal("500000")), ("B（良好）", 1, Decimal("0")))
LOWEST_GRADE = "C（待提升）"
GRADE_CODES = {label[0]: label for label in (*(g[0] for g in GRADES), LOWEST_GRADE)}  # "A" → "A（优秀）"


def _save(obj: object) -> None:
    try:
        obj.full_clean()  # type: ignore[attr-defined]
    except ValidationError as exc:
        raise from_validation_error(exc) from exc
    obj.save()  # type: ignore[attr-defined]


def manager_register(
    *, actor: Actor, agency: Organisation, name: str, certificate_number: str, manager_class: str = ManagerClass.JUNIOR
) -> TechnologyManager:
    if agency.kind != OrganisationKind.AGENCY or not roles.is_member(actor, agency):
        raise Forbidden("只有技术转移转化服务机构可以登记本机构的技术经理人", code="evaluation_forbidden")
    if TechnologyManager.objects.filter(certificate_number=str(certificate_number).strip()).exists():
        raise Conflict("该证书编号已登记", code="evaluation_manager_exists")
    manager = TechnologyManager(
        agency=agency,
        name=clean_text(name, field="name", label="姓名", max_chars=32),
        certificate_number=clean_text(certificate_number, field="certificate_number", label="证书编号", max_chars=40),
        manager_class=manager_class,
        registered_by=actor,
    )
    try:
        with transaction.atomic():
            _save(manager)
            audit(actor=actor, action="evaluation.manager_register", obj=manager)
    except IntegrityError:
        raise Conflict("该证书编号已登记", code="evaluation_manager_exists") from None
    return manager


def manager_credit(*, actor: Actor, manager: TechnologyManager, engagement_id: int) -> ManagerCredit:
    """Credit a manager on an engagement: refused unless both sides confirmed the manager's agency
    as facilitator of that engagement."""
    from usefirst.matchmaking.models import Engagement

    if not can(actor, Action.CHANGE, manager):
        raise Forbidden("只能为本机构的技术经理人登记业绩", code="evaluation_forbidden")
    engagement = Engagement.objects.filter(pk=engagement_id, facilitator_id=manager.agency_id).first()
    if engagement is None:
        raise Conflict(
            "该对接未经企业和成果单位双方确认由本机构促成，不能计入技术经理人业绩", code="evaluation_not_confirmed_facilitator"
        )
    try:
        with transaction.atomic():
            credit = ManagerCredit.objects.create(manager=manager, engagement=engagement, credited_by=actor)
            audit(actor=actor, action="evaluation.manager_credit", obj=credit, engagement=engagement.pk)
    except IntegrityError:
        raise Conflict("该对接已计入该技术经理人业绩", code="evaluation_manager_exists") from None
    return credit


def manager_file(*, actor: Actor, manager: TechnologyManager, year: int, summary: str) -> ManagerFiling:
    """The host agency files a manager's business of a past or the current year (年度业务备案), once."""
    if not can(actor, Action.CHANGE, manager):
        raise Forbidden("只能为本机构的技术经理人备案", code="evaluation_forbidden")
    if not 2000 <= int(year) <= today().year:
        message = f"备案年度应在 2000 至 {today().year} 之间"
        raise DomainError(message, code="validation_failed", field_errors={"year": [message]})
    if ManagerFiling.objects.filter(manager=manager, year=year).exists():
        raise Conflict(f"{year} 年度已备案", code="evaluation_manager_exists")
    filing = ManagerFiling(
        manager=manager, year=year, summary=clean_reason(summary, field="summary", label="年度业务情况"), filed_by=actor
    )
    try:
        with transaction.atomic():
            _save(filing)
            audit(actor=actor, action="evaluation.manager_file", obj=filing, year=year)
    except IntegrityError:
        raise Conflict(f"{year} 年度已备案", code="evaluation_manager_exists") from None
    return filing


@dataclass(frozen=True)
class Standing:
    manager: TechnologyManager
    engagements: int
    contracts: int
    contract_value: Decimal
    received: Decimal
    filed: bool
    grade: str


def standing(manager: TechnologyManager, year: int) -> Standing:
    """The manager's year from platform facts: credited engagements, contracts signed from them in
    the year and their value (成交额), confirmed receipts in the year."""
    from usefirst.contracts.models import Contract
    from usefirst.finance.models import Receipt, ReceiptStatus

    engagement_ids = list(
        manager.credits.filter(engagement__facilitator_id=manager.agency_id).values_list("engagement_id", flat=True)
    )
    start = dt.datetime(year, 1, 1, tzinfo=SHANGHAI)
    end = dt.datetime(year + 1, 1, 1, tzinfo=SHANGHAI)
    signed = Contract.objects.filter(engagement_id__in=engagement_ids, signed_at__gte=start, signed_at__lt=end).aggregate(
        n=Count("id"), v=Sum("price")
    )
    received = Receipt.objects.filter(
        contract__engagement_id__in=engagement_ids,
        status=ReceiptStatus.CONFIRMED,
        received_on__gte=dt.date(year, 1, 1),
        received_on__lte=dt.date(year, 12, 31),
    ).aggregate(v=Sum("amount"))["v"] or Decimal("0")
    contracts, value = signed["n"] or 0, signed["v"] or Decimal("0")
    grade = next((label for label, n, v in GRADES if contracts >= n and value >= v), LOWEST_GRADE)
    return Standing(
        manager=manager,
        engagements=len(engagement_ids),
        contracts=contracts,
        contract_value=value,
        received=received,
        filed=manager.filings.filter(year=year).exists(),
        grade=grade,
    )
