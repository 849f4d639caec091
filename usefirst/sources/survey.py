"""The conversion-intent survey (转化意向摸底): a unit states, for each of its achievements and
valid patents, whether it will transfer, license, openly license, offer use-first or not convert,
its minimum terms and whether the inventors consent — in bulk by Excel, all rows or none. A new
patent whose intent is open becomes a listing draft for the unit (the catalog's draft service),
its source recorded as the survey."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from usefirst.accounts import roles
from usefirst.accounts.models import Organisation
from usefirst.catalog.choices import AchievementStatus, IpKind, IpLegalStatus
from usefirst.catalog.models import Achievement
from usefirst.catalog.services.achievements import AchievementData, IpItemData, achievement_create_recommended
from usefirst.core.actors import Actor
from usefirst.core.errors import DomainError, Forbidden
from usefirst.core.excel import (
    CellError,
    ImportRowsInvalid,
    RowError,
    SheetSpec,
    UploadedWorkbook,
    iter_rows,
    parse_bool,
    parse_text,
    write_workbook,
)
from usefirst.core.money import parse_amount

from .choices import OPEN_INTENTS, Intent, SourceKind
from .models import AchievementSource, ConversionIntent
from .services import _field, _patent, existing_duplicate

COLUMNS: dict[str, str] = {
    "成果编号": "achievement_id",
    "成果或专利名称*": "title",
    "专利号": "patent",
    "技术领域": "field",
    "转化意向*": "intent",
    "最低条件": "terms",
    "最低价格（万元）": "price",
    "完成人是否同意*": "consent",
}
HEADER_OF = {key: header.rstrip("*") for header, key in COLUMNS.items()}
SURVEYED = (
    AchievementStatus.AUTO_INCLUDED,
    AchievementStatus.DRAFT,
    AchievementStatus.RETURNED,
    AchievementStatus.SUBMITTED,
    AchievementStatus.PUBLISHED,
    AchievementStatus.WITHDRAWN,
)


def template_for(unit: Organisation) -> bytes:
    """The survey workbook, pre-filled with the unit's achievements (a row each); new patents go below."""
    rows = []
    for a in Achievement.objects.filter(owner=unit, status__in=SURVEYED).prefetch_related("ip_items").order_by("pk"):
        patent = next((i.number for i in a.ip_items.all() if i.kind == IpKind.INVENTION_PATENT), "")
        current = getattr(a, "conversion_intent", None)
        rows.append([a.pk, a.title, patent, a.field.name, current.get_intent_display() if current else "", "", "", ""])
    guide = [
        ["成果编号", "平台已有成果的编号（已预填）；新的专利留空"],
        ["转化意向", "、".join(label for _, label in Intent.choices)],
        ["完成人是否同意", "转让、许可、开放许可、先用后转须为“是”"],
        ["新专利", "留空成果编号，填写名称、专利号和技术领域；意向开放的将生成成果草稿，请补充完成人后提交审核"],
    ]
    return write_workbook(
        [SheetSpec("转化意向", list(COLUMNS), rows), SheetSpec("填写说明", ["列", "说明"], guide, column_width=40)]
    )


def _intent(value: Any) -> str:
    text = str(value or "").strip()
    for code, label in Intent.choices:
        if text in (code, label):
            return str(code)
    raise CellError("转化意向应为" + "、".join(str(label) for _, label in Intent.choices) + "之一")


def _parse(number: int, raw: dict[str, Any], own: dict[int, Achievement], errors: list[RowError]) -> dict[str, Any]:
    """One survey row checked; its problems appended to `errors`."""
    row: dict[str, Any] = {"row": number}

    def cell(key: str, fn: Any) -> Any:
        try:
            return fn()
        except (CellError, DomainError) as exc:
            errors.append(RowError(number, HEADER_OF[key], str(getattr(exc, "detail", exc))))
            return None

    ident = raw.get("achievement_id")
    if ident not in (None, ""):
        pk = cell("achievement_id", lambda: int(str(ident).split(".")[0]))
        if pk is not None and pk not in own:
            errors.append(RowError(number, HEADER_OF["achievement_id"], f"编号 {pk} 不是本单位的成果"))
        row["achievement"] = own.get(pk) if pk is not None else None
    row["intent"] = cell("intent", lambda: _intent(raw.get("intent")))
    row["terms"] = cell("terms", lambda: parse_text(raw.get("terms"), max_length=1000)) or ""
    price = raw.get("price")
    row["price"] = (
        cell("price", lambda: parse_amount(str(price), label="最低价格") * Decimal(10000)) if price not in (None, "") else None
    )
    row["consent"] = cell("consent", lambda: parse_bool(raw.get("consent")))
    if row["intent"] in OPEN_INTENTS and row["consent"] is False:
        errors.append(RowError(number, HEADER_OF["consent"], "转让、许可、开放许可或先用后转须取得完成人同意"))
    if ident in (None, ""):
        title = cell("title", lambda: parse_text(raw.get("title"), max_length=200)) or ""
        patent_text = str(raw.get("patent") or "").strip()
        patent = cell("patent", lambda: _patent(patent_text)) if patent_text else ""
        if not title:
            errors.append(RowError(number, HEADER_OF["title"], "此项为必填项"))
        if not patent_text:
            errors.append(RowError(number, HEADER_OF["patent"], "新的专利请填写专利号"))
        field = _field(str(raw.get("field") or ""))
        if field is None:
            errors.append(RowError(number, HEADER_OF["field"], "请填写技术领域"))
        if title and patent:
            duplicate = existing_duplicate(title, patent)
            if duplicate:
                errors.append(RowError(number, "", f"该专利已在平台上，请用已有成果的编号填报：{duplicate}"))
        row.update(title=title, patent=patent, field=field)
    return row


def survey_import(*, actor: Actor, unit: Organisation, workbook: UploadedWorkbook) -> dict[str, int]:
    """Record every row's intent, or nothing: a row naming another unit's achievement, an unknown
    intent, an open intent without the inventors' consent, or a new patent already on the
    platform (named) refuses the file."""
    own = _own(actor, unit)
    errors: list[RowError] = []
    parsed: list[dict[str, Any]] = []
    for number, raw in iter_rows(workbook, COLUMNS, required_headers=[h for h in COLUMNS if h.endswith("*")]):
        parsed.append(_parse(number, raw, own, errors))
    if errors:
        raise ImportRowsInvalid(errors)
    return _record(actor, unit, parsed)


def _own(actor: Actor, unit: Organisation) -> dict[int, Achievement]:
    if not roles.is_member(actor, unit) or not unit.is_owner_unit_kind:
        raise Forbidden("只有成果单位可以填报转化意向", code="not_survey_unit")
    return {a.pk: a for a in Achievement.objects.filter(owner=unit, status__in=SURVEYED)}


def submit_row(*, actor: Actor, unit: Organisation, row: dict[str, Any]) -> ConversionIntent | None:
    """One survey row (the open API's answer for one achievement or one new patent), under the
    same rules as a row of the workbook: keys achievement_id, title, patent, field, intent,
    terms, price (万元), consent. Returns the recorded intent (None for a new patent not offered)."""
    own = _own(actor, unit)
    errors: list[RowError] = []
    parsed = _parse(1, row, own, errors)
    if errors:
        raise ImportRowsInvalid(errors)
    _record(actor, unit, [parsed])
    achievement = parsed.get("achievement")
    return ConversionIntent.objects.filter(achievement=achievement).first() if achievement is not None else None


def intents_of(unit: Organisation) -> list[ConversionIntent]:
    return list(ConversionIntent.objects.filter(unit=unit).select_related("achievement").order_by("achievement_id"))


def _record(actor: Actor, unit: Organisation, parsed: list[dict[str, Any]]) -> dict[str, int]:
    counts = {"recorded": 0, "drafts": 0}
    with transaction.atomic():
        for row in parsed:
            achievement = row.get("achievement")
            if achievement is None and row["intent"] in OPEN_INTENTS:
                achievement = achievement_create_recommended(
                    actor=actor,
                    owner=unit,
                    data=AchievementData(
                        title=row["title"],
                        summary=f"{row['title']}（专利 {row['patent']}），转化意向摸底中填报为“{Intent(row['intent']).label}”，请完善成果简介。",
                        field_id=row["field"].pk,
                        trl=4,
                        offers_pay_later=row["intent"] == Intent.USE_FIRST,
                        offers_open_licence=row["intent"] == Intent.OPEN_LICENCE,
                        offers_cooperate_later=row["intent"] in (Intent.TRANSFER, Intent.LICENCE),
                        indicative_terms=row["terms"],
                        ip_items=[
                            IpItemData(kind=IpKind.INVENTION_PATENT, number=row["patent"], legal_status=IpLegalStatus.GRANTED)
                        ],
                    ),
                    recommended_by=unit,
                    reason=f"转化意向摸底（第 {row['row']} 行）：意向{Intent(row['intent']).label}，生成成果草稿",
                )
                AchievementSource.objects.create(achievement=achievement, kind=SourceKind.SURVEY)
                row["achievement"] = achievement
                counts["drafts"] += 1
            if achievement is None:
                continue  # a new patent not offered: nothing to put on the platform
            ConversionIntent.objects.update_or_create(
                achievement=achievement,
                defaults={
                    "unit": unit,
                    "intent": row["intent"],
                    "minimum_terms": row["terms"],
                    "minimum_price": row["price"],
                    "inventors_consent": bool(row["consent"]),
                    "surveyed_by": actor,
                },
            )
            counts["recorded"] += 1
    return counts
