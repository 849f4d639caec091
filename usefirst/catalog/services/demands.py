"""Technology demands (技术需求): draft → submitted → published → closed / expired (the lifecycle is
declared in catalog/workflows.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from usefirst.accounts.models import Organisation, OrganisationKind
from usefirst.core import workflow
from usefirst.core.actors import Actor
from usefirst.core.dates import today
from usefirst.core.errors import DomainError, IllegalTransition
from usefirst.core.money import to_cny
from usefirst.core.permissions import Action
from usefirst.core.regions import OUTSIDE_PROVINCE, is_valid_county

from ..choices import CooperationForm, DemandStatus
from ..models import Demand
from ..workflows import DEMAND
from ..workflows import DemandEventType as E
from .common import Notice, full_clean, normalise_keywords, require, require_member, require_reason

MAX_BUDGET = Decimal("999999999999.99")


@dataclass
class DemandData:
    title: str
    description: str
    field_id: int
    deadline: dt.date
    city: str
    county: str = ""
    keywords: list[str] | str = field(default_factory=list)
    budget_min: Decimal | str | None = None
    budget_max: Decimal | str | None = None
    cooperation_forms: list[str] = field(default_factory=list)


def _money(value: Decimal | str | None, name: str, errors: dict[str, list[str]]) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        errors.setdefault(name, []).append("金额应为数字（元）")
        return None
    if not amount.is_finite() or amount < 0 or amount > MAX_BUDGET:
        errors.setdefault(name, []).append("金额应为不小于 0 的数字（元）")
        return None
    return to_cny(amount)


def _prepare(demand: Demand, data: DemandData) -> Demand:
    errors: dict[str, list[str]] = {}
    demand.title = (data.title or "").strip()
    demand.description = (data.description or "").strip()
    demand.field_id = data.field_id
    demand.deadline = data.deadline
    demand.city = (data.city or "").strip()
    demand.county = (data.county or "").strip()
    demand.budget_min = _money(data.budget_min, "budget_min", errors)
    demand.budget_max = _money(data.budget_max, "budget_max", errors)
    try:
        demand.keywords = normalise_keywords(data.keywords)
    except DomainError as exc:
        for name, messages in exc.field_errors.items():
            errors.setdefault(name, []).extend(messages)
    forms = list(dict.fromkeys(data.cooperation_forms or []))
    unknown = [f for f in forms if f not in CooperationForm.values]
    if unknown:
        errors.setdefault("cooperation_forms", []).append("期望合作方式取值无效：" + "、".join(map(str, unknown)))
    demand.cooperation_forms = forms
    try:
        full_clean(demand, exclude=["keywords", "cooperation_forms", "budget_min", "budget_max", "region"])
    except DomainError as exc:
        for name, messages in exc.field_errors.items():
            errors.setdefault(name, []).extend(messages)
    if demand.budget_min is not None and demand.budget_max is not None and demand.budget_min > demand.budget_max:
        errors.setdefault("budget_max", []).append("预算上限不能低于预算下限")
    if isinstance(demand.deadline, dt.date) and demand.deadline < today():
        errors.setdefault("deadline", []).append("截止日期不能早于今天")
    if demand.city and demand.city != OUTSIDE_PROVINCE and not is_valid_county(demand.city, demand.county):
        errors.setdefault("county", []).append(f"区县“{demand.county}”不属于{demand.city}")
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(f"输入有误：{first}", code="validation_failed", field_errors=errors)
    return demand


def _event(demand: Demand, event_type: str, *, actor: Actor, reason: str, from_status: str | None = None) -> None:
    """An event that is not a transition (creation: `from_status=""`): the status stays what it is."""
    workflow.record(DEMAND, demand, event_type, actor=actor, reason=reason, from_status=from_status)


def _lock(demand: Demand) -> Demand:
    return Demand.objects.select_for_update().select_related("enterprise").get(pk=demand.pk)


def _url(demand: Demand) -> str:
    return reverse("catalog:demand_detail", args=[demand.pk])


def demand_create(*, actor: Actor, enterprise: Organisation, data: DemandData) -> Demand:
    require_member(actor, enterprise)
    if not enterprise.is_active or enterprise.kind != OrganisationKind.ENTERPRISE:
        raise DomainError("只有已认证的企业可以发布技术需求", code="not_an_enterprise", status=403)
    with transaction.atomic():
        demand = _prepare(Demand(enterprise=enterprise, created_by=actor, status=DemandStatus.DRAFT), data)
        demand.save()
        _event(demand, E.CREATE, actor=actor, reason="创建需求草稿", from_status="")
    return demand


def demand_update(*, actor: Actor, demand: Demand, data: DemandData) -> Demand:
    require(actor, Action.CHANGE, demand)
    with transaction.atomic():
        demand = _lock(demand)
        if not demand.is_editable:
            raise IllegalTransition(f"需求当前状态为“{demand.get_effective_status_display()}”，不能修改", code="not_editable")
        demand = _prepare(demand, data)
        demand.updated_at = timezone.now()
        demand.save()
        _event(demand, E.UPDATE, actor=actor, reason="修改需求信息")
    return demand


def _move(
    demand: Demand,
    name: str,
    *,
    actor: Actor | None,
    reason: str = "",
    also: dict[str, Any] | None = None,
    notice: Notice | None = None,
) -> Demand:
    return workflow.move(DEMAND, demand, name, actor=actor, reason=reason, also=also, notices=[notice] if notice else [])


def demand_submit(*, actor: Actor, demand: Demand) -> Demand:
    return _move(
        demand,
        "submit",
        actor=actor,
        notice=Notice(
            demand.enterprise.reviewing_department,
            kind="catalog.demand.submitted",
            title=f"有新的技术需求待审核：{demand.title}",
            url=reverse("catalog:review_demands"),
        ),
    )


def demand_approve(*, actor: Actor, demand: Demand) -> Demand:
    return _move(
        demand,
        "approve",
        actor=actor,
        reason="审核通过，予以发布",
        also={"published_at": timezone.now()},
        notice=Notice(
            demand.enterprise, kind="catalog.demand.published", title=f"技术需求已发布：{demand.title}", url=_url(demand)
        ),
    )


def demand_return(*, actor: Actor, demand: Demand, reason: str) -> Demand:
    require(actor, Action.REVIEW, demand)  # before the reason: an outsider learns nothing
    reason = require_reason(reason)
    return _move(
        demand,
        "return",
        actor=actor,
        reason=reason,
        notice=Notice(
            demand.enterprise,
            kind="catalog.demand.returned",
            title=f"技术需求被退回修改：{demand.title}",
            body=f"退回理由：{reason}",
            url=_url(demand),
        ),
    )


def demand_withdraw(*, actor: Actor, demand: Demand, reason: str = "") -> Demand:
    """The enterprise pulls a submission back to draft."""
    return _move(demand, "withdraw", actor=actor, reason=(reason or "").strip())


def demand_close(*, actor: Actor, demand: Demand, reason: str = "") -> Demand:
    return _move(
        demand,
        "close",
        actor=actor,
        reason=(reason or "").strip(),
        notice=Notice(demand.enterprise, kind="catalog.demand.closed", title=f"技术需求已关闭：{demand.title}", url=_url(demand)),
    )


def demand_expire(*, demand: Demand) -> Demand:
    """The scheduler's catch-up: the demand already shows as expired; this records it."""
    with transaction.atomic():
        demand = _lock(demand)
        if not demand.can_expire():
            return demand
        return _move(
            demand,
            "expire",
            actor=None,
            reason=f"已过截止日期 {demand.deadline.isoformat()}",
            notice=Notice(
                demand.enterprise, kind="catalog.demand.expired", title=f"技术需求已到期：{demand.title}", url=_url(demand)
            ),
        )


def expire_overdue(*, on: dt.date | None = None) -> int:
    day = on or today()
    overdue = list(
        Demand.objects.filter(status=DemandStatus.PUBLISHED, deadline__lt=day).order_by("pk").values_list("pk", flat=True)
    )
    expired = 0
    for pk in overdue:
        demand = demand_expire(demand=Demand.objects.get(pk=pk))
        expired += demand.status == DemandStatus.EXPIRED
    return expired
