"""The rules of a report's figures, shared by the form, the Excel import and the API: how a value
is read for its field (type, unit of measure, sign), when a report may be submitted (the filing
window and a department's extension), and when a reported figure differs from the platform's own
by more than the tolerance (setting ``REPORTING_TOLERANCE_PERCENT``)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings

from usefirst.core import workflow
from usefirst.core.dates import today
from usefirst.core.errors import Conflict, DomainError
from usefirst.core.text import clean_reason

from .fields import AMOUNT, COUNT, TEXT, WAN, YUAN, FieldSpec, field_map, fields_of

MAX_VALUE = Decimal("1e13")
# A number, then optionally the unit the person wrote after it ("12.5 万元", "125000元", "3项").
_WITH_UNIT = re.compile(r"^\s*([-+]?[\d,，]*\.?\d*)\s*(万元|万|元|项|人|个|家)?\s*$")


def _unit_word(written: str) -> str:
    return "万元" if written == "万" else written


def parse_value(spec: FieldSpec, raw: object, *, unit: str = "") -> str:
    """The stored text of `raw` for the field `spec`, or a refusal naming the field.

    `unit` is the unit the value came with when the source says it apart from the number (the
    Excel form's 单位 column, the API's `units`); a unit written after the number counts too. A
    unit other than the field's is refused, saying which is expected (元 vs 万元): the platform
    never converts a figure on the reporter's behalf."""
    text = "" if raw is None else str(raw).strip()
    if spec.kind == TEXT:
        return clean_reason(text, field=spec.key, label=spec.label, max_chars=2000, required=False, required_code=None)
    if text == "":
        return ""
    match = _WITH_UNIT.match(text)
    if match is None or not match.group(1).strip("-+,，."):
        _refuse(spec, f"“{spec.label}”应填写数字，“{text}”不是有效的数值", "report_value_invalid")
    assert match is not None
    number, written = match.group(1).replace(",", "").replace("，", ""), _unit_word(match.group(2) or "")
    given = _unit_word(unit.strip().strip("（）()")) if unit else ""
    for other in (written, given):
        if other and other != spec.unit:
            _refuse(
                spec,
                f"“{spec.label}”应以{spec.unit}为单位填写，您填写的是{other}：请换算为{spec.unit}后填写"
                + ("（1 万元 = 10000 元）" if {other, spec.unit} == {YUAN, WAN} else ""),
                "report_wrong_unit",
            )
    try:
        value = Decimal(number)
    except InvalidOperation:
        _refuse(spec, f"“{spec.label}”应填写数字，“{text}”不是有效的数值", "report_value_invalid")
    if not value.is_finite():
        _refuse(spec, f"“{spec.label}”应填写数字，“{text}”不是有效的数值", "report_value_invalid")
    if value < 0:
        _refuse(spec, f"“{spec.label}”不能为负数（填报值 {text}）", "report_amount_negative")
    if abs(value) >= MAX_VALUE:
        _refuse(spec, f"“{spec.label}”超出上限", "report_value_invalid")
    if spec.kind == COUNT and value != value.to_integral_value():
        _refuse(spec, f"“{spec.label}”应为整数（{spec.unit}）", "report_value_invalid")
    if spec.kind == AMOUNT and -value.as_tuple().exponent > spec.places:  # type: ignore[operator]
        places = "两位小数（精确到分）" if spec.unit == YUAN else f"{spec.places} 位小数"
        _refuse(spec, f"“{spec.label}”以{spec.unit}为单位，最多保留{places}", "report_value_invalid")
    return format(value.normalize(), "f") if value != 0 else "0"


def _refuse(spec: FieldSpec, message: str, code: str) -> None:
    raise DomainError(message, code=code, field_errors={spec.key: [message]})


def parse_values(form: str, raw: dict[str, Any], *, units: dict[str, str] | None = None) -> dict[str, str]:
    """Every field of `raw` read for the form; all refusals at once (nothing is stored on any)."""
    specs = field_map(form)
    errors: dict[str, list[str]] = {}
    codes: list[str] = []
    values: dict[str, str] = {}
    for key, value in raw.items():
        if key not in specs:
            errors[key] = [f"报告表没有字段“{key}”"]
            codes.append("report_field_unknown")
            continue
        try:
            values[key] = parse_value(specs[key], value, unit=(units or {}).get(key, ""))
        except DomainError as exc:
            codes.append(exc.code)
            for name, messages in (exc.field_errors or {key: [exc.detail]}).items():
                errors.setdefault(name, []).extend(messages)
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(f"填报数据有误，未保存：{first}", code=codes[0], field_errors=errors)
    return values


# ---------------------------------------------------------------- tolerance


def tolerance_percent() -> Decimal:
    return Decimal(str(getattr(settings, "REPORTING_TOLERANCE_PERCENT", "5")))


def differs(reported: str | None, platform: str | None, *, percent: Decimal | None = None) -> bool:
    """A reported figure differs from the platform's by more than the tolerance: |r − p| > p × t %.
    Exactly at the tolerance is not flagged; a figure the platform does not keep is never flagged."""
    if reported in (None, "") or platform in (None, ""):
        return False
    r, p = Decimal(str(reported)), Decimal(str(platform))
    allowed = abs(p) * (tolerance_percent() if percent is None else percent) / 100
    return abs(r - p) > allowed


def flagged_keys(form: str, values: dict[str, str], platform: dict[str, str]) -> list[str]:
    return [s.key for s in fields_of(form) if s.platform and differs(values.get(s.key), platform.get(s.key))]


# ---------------------------------------------------------------- the filing window


def deadline_of(report: Any) -> dt.date | None:
    """The last day this report may be submitted: the year's deadline, or a later extension."""
    from .models import FilingWindow

    window = FilingWindow.objects.filter(year=report.year).first()
    if window is None:
        return None
    return max(window.deadline, report.extended_until) if report.extended_until else window.deadline


def _within_window(report: Any, actor: Any) -> bool:
    from .models import FilingWindow

    window = FilingWindow.objects.filter(year=report.year).first()
    if window is None or today() < window.opens_on:
        raise Conflict(f"{report.year} 年度的填报期尚未开始", code="report_window_not_open")
    last = deadline_of(report)
    if last is not None and today() > last:
        raise Conflict(
            f"{report.year} 年度报告已于 {last:%Y-%m-%d} 截止，逾期提交须由主管部门准予延期",
            code="report_after_deadline",
        )
    return True


def _attachments(report: Any, actor: Any) -> bool:
    return bool(report.cover_file) and bool(report.undertaking_file)


def _complete(report: Any, actor: Any) -> bool:
    missing = [s.label for s in fields_of(report.form) if s.required and report.values.get(s.key, "") in ("", None)]
    if missing:
        raise DomainError(
            "以下必填项尚未填写：" + "、".join(missing[:5]) + ("等" if len(missing) > 5 else ""),
            code="report_incomplete",
            field_errors={s.key: ["请填写此项"] for s in fields_of(report.form) if s.label in missing},
        )
    return True


WITHIN_WINDOW = workflow.Guard(
    "within_window", "report_after_deadline", "已过填报截止日期，逾期提交须由主管部门准予延期", _within_window
)
ATTACHMENTS = workflow.Guard(
    "attachments", "report_attachments_missing", "提交前请上传加盖公章的封面和承诺书（PDF、PNG 或 JPEG）", _attachments
)
COMPLETE = workflow.Guard("complete", "report_incomplete", "报告尚有必填项未填写", _complete)
