"""Writes of local support measures: a draft by a city's department or a development zone,
edited while a draft, published, withdrawn."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from usefirst.accounts import roles
from usefirst.accounts.models import Organisation, OrganisationKind
from usefirst.core import workflow
from usefirst.core.actors import Actor
from usefirst.core.dates import parse_date
from usefirst.core.errors import DomainError, Forbidden
from usefirst.core.money import parse_amount
from usefirst.core.regions import CITY_COUNTIES, is_valid_county
from usefirst.core.text import clean_reason, clean_text

from .choices import PUBLISHER_KINDS, MeasureKind, MeasureStatus
from .models import SupportMeasure
from .workflows import MEASURE, MeasureEventType

FIELDS = (
    "title",
    "kind",
    "city",
    "county",
    "eligibility",
    "amount",
    "rate",
    "valid_from",
    "valid_until",
    "contact_name",
    "contact_phone",
    "document_ref",
)


def may_publish(organisation: Organisation | None) -> bool:
    return organisation is not None and organisation.kind in PUBLISHER_KINDS and organisation.is_active


def _validated(publisher: Organisation, data: Mapping[str, Any]) -> dict[str, Any]:
    """Every field checked, every problem named on its field; nothing saved when any is wrong."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}

    def check(field: str, fn: Any) -> Any:
        try:
            return fn()
        except DomainError as exc:
            for name, messages in (exc.field_errors or {field: [exc.detail]}).items():
                errors.setdefault(name if name in FIELDS else field, []).extend(messages)
            return None

    values["title"] = check("title", lambda: clean_text(data.get("title"), field="title", label="措施名称", max_chars=200))
    kind = str(data.get("kind") or "")
    if kind not in MeasureKind.values:
        errors["kind"] = ["请选择支持方式"]
    values["kind"] = kind
    # A city's department and a zone publish for their own city; the province for any city.
    city = str(data.get("city") or "").strip()
    if publisher.kind != OrganisationKind.PROVINCIAL_DEPARTMENT:
        city = publisher.city
    if city not in CITY_COUNTIES:
        errors["city"] = ["请选择适用地市"]
    county = str(data.get("county") or "").strip()
    if publisher.kind == OrganisationKind.DEVELOPMENT_ZONE and not county:
        county = publisher.county
    if county and city in CITY_COUNTIES and not is_valid_county(city, county):
        errors["county"] = [f"区县“{county}”不属于{city}"]
    values["city"], values["county"] = city, county
    values["eligibility"] = check(
        "eligibility",
        lambda: clean_reason(
            data.get("eligibility"), field="eligibility", label="支持对象与条件", max_chars=3000, required_code=None
        ),
    )
    amount = data.get("amount")
    values["amount"] = check("amount", lambda: parse_amount(amount, label="支持金额上限")) if amount not in (None, "") else None
    rate_text = str(data.get("rate") or "").strip().rstrip("%％")
    values["rate"] = None
    if rate_text:
        try:
            rate = Decimal(rate_text)
        except InvalidOperation:
            rate = None
        if rate is None or not Decimal("0") < rate <= Decimal("100") or rate.as_tuple().exponent < -2:  # type: ignore[operator]
            errors["rate"] = ["支持比例应为 0 到 100 之间的百分数，最多两位小数"]
        else:
            values["rate"] = rate
    if values["amount"] is None and values["rate"] is None and "amount" not in errors:
        errors["amount"] = ["请填写支持金额上限或支持比例（至少一项）"]
    start = data.get("valid_from")
    values["valid_from"] = check("valid_from", lambda: parse_date(start, label="有效期起", field="valid_from")) if start else None
    if not start:
        errors["valid_from"] = ["请填写有效期起"]
    end = data.get("valid_until")
    values["valid_until"] = check("valid_until", lambda: parse_date(end, label="有效期止", field="valid_until")) if end else None
    if values["valid_from"] and values["valid_until"] and values["valid_until"] < values["valid_from"]:
        errors["valid_until"] = ["有效期止不能早于有效期起"]
    values["contact_name"] = check(
        "contact_name", lambda: clean_text(data.get("contact_name"), field="contact_name", label="联系人", max_chars=64)
    )
    values["contact_phone"] = check(
        "contact_phone",
        lambda: clean_text(data.get("contact_phone"), field="contact_phone", label="联系电话", max_chars=32),
    )
    values["document_ref"] = check(
        "document_ref",
        lambda: clean_text(data.get("document_ref"), field="document_ref", label="政策文件", max_chars=200, required=False),
    )
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(f"支持措施信息有误：{first}", code="validation_failed", field_errors=errors)
    return values


def measure_create(*, actor: Actor, publisher: Organisation, data: Mapping[str, Any]) -> SupportMeasure:
    if not roles.is_member(actor, publisher) or not may_publish(publisher):
        raise Forbidden("只有地市管理部门和省级以上开发区可以发布地方支持措施", code="not_measure_publisher")
    values = _validated(publisher, data)
    with transaction.atomic():
        measure = SupportMeasure.objects.create(publisher=publisher, created_by=actor, **values)
        workflow.record(MEASURE, measure, MeasureEventType.CREATE, actor=actor, reason="创建支持措施草稿", from_status="")
    return measure


def measure_update(*, actor: Actor, measure: SupportMeasure, data: Mapping[str, Any]) -> SupportMeasure:
    if not roles.is_member(actor, measure.publisher):
        raise Forbidden("只有发布机构可以修改该支持措施", code="not_measure_publisher")
    values = _validated(measure.publisher, data)
    with transaction.atomic():
        locked = SupportMeasure.objects.select_for_update().get(pk=measure.pk)
        if locked.status != MeasureStatus.DRAFT:
            raise DomainError(
                "已发布或已撤回的支持措施不能修改；如需调整，请撤回后重新发布", code="measure_not_editable", status=409
            )
        for name, value in values.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(values))
        workflow.record(MEASURE, locked, MeasureEventType.EDIT, actor=actor, reason="修改草稿")
    return locked


def measure_publish(*, actor: Actor, measure: SupportMeasure) -> SupportMeasure:
    return workflow.move(MEASURE, measure, "publish", actor=actor, reason="发布", also={"published_at": timezone.now()})


def measure_withdraw(*, actor: Actor, measure: SupportMeasure, reason: object = "") -> SupportMeasure:
    text = clean_reason(reason, label="撤回理由", required=False)
    return workflow.move(MEASURE, measure, "withdraw", actor=actor, reason=text or "发布机构撤回")


def as_data(measure: SupportMeasure) -> dict[str, Any]:
    values = {name: getattr(measure, name) for name in FIELDS}
    for name in ("valid_from", "valid_until"):
        day = values[name]
        values[name] = day.isoformat() if isinstance(day, dt.date) else ""
    for name in ("amount", "rate"):
        values[name] = "" if values[name] is None else str(values[name])
    return values
