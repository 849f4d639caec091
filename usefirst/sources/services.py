"""Writes of the recommendation channels: a batch submitted through its entry gates (by form or
by Excel, all rows or none), reviewed row by row by the city or the province, withdrawn by its
recommender; an accepted row of a registered unit becomes a draft achievement for that unit, its
source recorded."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Replace, Upper
from django.urls import reverse
from django.utils import timezone

from usefirst.accounts import roles
from usefirst.accounts.models import Organisation, OrganisationKind, OrganisationStatus, User
from usefirst.catalog.choices import PATENT_KINDS, AchievementStatus, IpKind, IpLegalStatus
from usefirst.catalog.models import Achievement, IpItem, TechField
from usefirst.catalog.services.achievements import AchievementData, IpItemData, achievement_create_recommended
from usefirst.core import workflow
from usefirst.core.actors import Actor
from usefirst.core.errors import Conflict, DomainError, Forbidden
from usefirst.core.excel import (
    CellError,
    ImportRowsInvalid,
    RowError,
    UploadedWorkbook,
    iter_rows,
    parse_bool,
    parse_text,
)
from usefirst.core.files import file_kept_only_with_its_row
from usefirst.core.identifiers import normalise_patent_number
from usefirst.core.text import clean_reason, clean_text
from usefirst.core.uploads import sniff_document
from usefirst.notifications.services import notify

from .choices import (
    MATURITY_ORDER,
    MATURITY_TRL,
    MINIMUM_MATURITY,
    BatchStatus,
    Channel,
    Maturity,
    RowOutcome,
    SourceKind,
)
from .models import AchievementSource, RecommendationBatch, RecommendationRow
from .workflows import BATCH, BatchEventType

MAX_SIGNED_BYTES = 10 * 1024 * 1024
MAX_ROWS = 500

# Kinds of organisation that may recommend (insurers and guarantors do not).
RECOMMENDERS: dict[str, Channel] = {
    OrganisationKind.CITY_DEPARTMENT: Channel.CITY,
    OrganisationKind.SECTOR_DEPARTMENT: Channel.SUPERIOR,
    OrganisationKind.PROVINCIAL_DEPARTMENT: Channel.SUPERIOR,
    OrganisationKind.UNIVERSITY: Channel.UNIT,
    OrganisationKind.RESEARCH_INSTITUTE: Channel.UNIT,
    OrganisationKind.MEDICAL_INSTITUTION: Channel.UNIT,
    OrganisationKind.OTHER_UNIT: Channel.UNIT,
    OrganisationKind.ENTERPRISE: Channel.ENTERPRISE,
    OrganisationKind.OUT_OF_PROVINCE_INSTITUTE: Channel.OUT_OF_PROVINCE,
    OrganisationKind.DEVELOPMENT_ZONE: Channel.SERVICE,
    OrganisationKind.INCUBATOR: Channel.SERVICE,
    OrganisationKind.AGENCY: Channel.SERVICE,
}

# The Excel template: header → key (a trailing * marks a required column).
COLUMNS: dict[str, str] = {
    "成果名称*": "title",
    "成果单位*": "owner_name",
    "是否省外单位": "outside",
    "知识产权类型": "ip_kind",
    "知识产权号": "ip_number",
    "技术领域*": "field",
    "成熟度*": "maturity",
    "成果简介": "summary",
    "应用场景说明*": "scenario",
    "完成人是否同意推荐*": "consent",
}
HEADER_OF = {key: header.rstrip("*") for header, key in COLUMNS.items()}
REQUIRED_HEADERS = [h for h in COLUMNS if h.endswith("*")]


def channel_of(organisation: Organisation) -> Channel | None:
    return RECOMMENDERS.get(organisation.kind)


def reviewer_for(recommender: Organisation) -> Organisation | None:
    """The city reviews what its units, enterprises and zones recommend; the province reviews the
    cities', the departments', the out-of-province institutes' and whatever has no city department."""
    if recommender.kind not in (OrganisationKind.CITY_DEPARTMENT, OrganisationKind.PROVINCIAL_DEPARTMENT) and (
        recommender.region != "outside"
    ):
        city = (
            Organisation.objects.filter(
                kind=OrganisationKind.CITY_DEPARTMENT, city=recommender.city, status=OrganisationStatus.ACTIVE
            )
            .exclude(pk=recommender.pk)
            .order_by("pk")
            .first()
        )
        if city is not None:
            return city
    province = roles.provincial_department()
    if province is None or province.pk == recommender.pk:
        return None
    return province


# ---------------------------------------------------------------- rows: entry gates and de-duplication


@dataclass
class RowInput:
    """One recommended achievement as typed in the form or read from a row of the Excel file."""

    position: int
    title: Any = ""
    owner_name: Any = ""
    outside: Any = None
    ip_kind: Any = ""
    ip_number: Any = ""
    field: Any = ""
    maturity: Any = ""
    summary: Any = ""
    scenario: Any = ""
    consent: Any = None


def normalise_title(title: str) -> str:
    return re.sub(r"\s+", "", title).casefold()


def normalise_ip(number: str) -> str:
    """An IP number compared without spaces, dots or the ZL prefix, in upper case."""
    return re.sub(r"[\s.．·]", "", number).upper().removeprefix("ZL")


def _compact_ip(field: str) -> Any:
    """The database's side of `normalise_ip` (spaces, dots and ZL removed, upper case)."""
    expression: Any = Upper(F(field))
    for text in (" ", ".", "．", "·", "ZL"):
        expression = Replace(expression, Value(text), Value(""))
    return expression


def existing_duplicate(title: str, ip_number: str, *, exclude_row: int | None = None) -> str:
    """The achievement or recommended row already on the platform with this title or this IP
    number, named; "" when there is none."""
    compact = normalise_title(title)
    candidates = Achievement.objects.exclude(status=AchievementStatus.TAKEN_DOWN).select_related("owner")
    for achievement in candidates.filter(title__iexact=title.strip()) if title.strip() else []:
        if normalise_title(achievement.title) == compact:
            return f"与平台已有成果“{achievement.title}”（编号 {achievement.pk}，{achievement.owner.name}）同名"
    ip = normalise_ip(ip_number)
    if ip:
        items = IpItem.objects.annotate(compact=_compact_ip("number")).filter(compact=ip)
        for item in items.select_related("achievement__owner"):
            if item.achievement.status != AchievementStatus.TAKEN_DOWN:
                a = item.achievement
                return f"知识产权号 {item.number} 已登记在平台已有成果“{a.title}”（编号 {a.pk}，{a.owner.name}）"
    live = RecommendationRow.objects.filter(
        Q(outcome=RowOutcome.PENDING, batch__status=BatchStatus.SUBMITTED) | Q(outcome=RowOutcome.ACCEPTED)
    ).select_related("batch")
    if exclude_row is not None:
        live = live.exclude(pk=exclude_row)
    live = live.annotate(compact=_compact_ip("ip_number"))
    for row in live.filter(Q(title__iexact=title.strip()) | (Q(compact=ip) if ip else Q(pk__in=[]))):
        if normalise_title(row.title) == compact or (ip and normalise_ip(row.ip_number) == ip):
            state = "已被采纳" if row.outcome == RowOutcome.ACCEPTED else "正在审核"
            return f"与推荐批次“{row.batch.title}”（编号 {row.batch_id}）第 {row.position} 行“{row.title}”重复（{state}）"
    return ""


def _field(value: str) -> TechField | None:
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        found = TechField.objects.filter(pk=int(text)).first()
        if found:
            return found
    last = re.split(r"\s*[/／]\s*", text)[-1]
    return TechField.objects.filter(Q(code=text) | Q(name=text) | Q(name=last)).order_by("parent_id", "pk").first()


def _choice(value: str, choices: Any, *, label: str) -> str:
    text = value.strip()
    for code, name in choices.choices:
        if text in (code, name):
            return str(code)
    raise CellError(f"{label}应为" + "、".join(str(n) for _, n in choices.choices) + f"之一，而不是“{text}”")


def _patent(number: str) -> str:
    try:
        return normalise_patent_number(number)
    except ValidationError as exc:
        raise CellError(exc.messages[0]) from exc


def _owner(name: str) -> Organisation | None:
    return (
        Organisation.objects.filter(name=name, status=OrganisationStatus.ACTIVE, kind__in=list(OrganisationKind.values))
        .order_by("pk")
        .first()
    )


def check_row(raw: RowInput, seen: dict[str, int]) -> tuple[RecommendationRow | None, list[RowError]]:
    """A row through the entry gates (完成人同意, 成熟度不低于小试, 应用场景说明) and the
    de-duplication against the platform, other batches and the rows above it (`seen`)."""
    errors: list[RowError] = []
    values: dict[str, Any] = {}

    def cell(key: str, fn: Any) -> Any:
        try:
            return fn()
        except CellError as exc:
            errors.append(RowError(raw.position, HEADER_OF[key], str(exc)))
            return None

    def text(key: str, *, required: bool, max_length: int) -> str:
        value = cell(key, lambda: parse_text(getattr(raw, key), max_length=max_length)) or ""
        if required and not value:
            message = "应用场景说明是推荐的必备材料，请写明成果可用于哪些企业、场景" if key == "scenario" else "此项为必填项"
            errors.append(RowError(raw.position, HEADER_OF[key], message))
        return value

    values["title"] = text("title", required=True, max_length=200)
    values["owner_name"] = text("owner_name", required=True, max_length=200)
    values["owner_outside_province"] = cell("outside", lambda: parse_bool(raw.outside, default=False)) or False
    ip_kind = text("ip_kind", required=False, max_length=32)
    values["ip_kind"] = cell("ip_kind", lambda: _choice(ip_kind, IpKind, label="知识产权类型")) if ip_kind else ""
    values["ip_number"] = text("ip_number", required=False, max_length=64)
    if values["ip_number"] and values["ip_kind"] in PATENT_KINDS:
        values["ip_number"] = cell("ip_number", lambda: _patent(values["ip_number"])) or ""
    if values["ip_number"] and not ip_kind:
        errors.append(RowError(raw.position, HEADER_OF["ip_kind"], "填写了知识产权号时，请选择知识产权类型"))
    field_text = text("field", required=True, max_length=100)
    field = _field(field_text) if field_text else None
    if field_text and field is None:
        errors.append(RowError(raw.position, HEADER_OF["field"], f"技术领域“{field_text}”不存在，请按模板说明填写"))
    maturity_text = text("maturity", required=True, max_length=16)
    maturity = cell("maturity", lambda: _choice(maturity_text, Maturity, label="成熟度")) if maturity_text else None
    if maturity and MATURITY_ORDER.index(Maturity(maturity)) < MATURITY_ORDER.index(MINIMUM_MATURITY):
        errors.append(RowError(raw.position, HEADER_OF["maturity"], "推荐的成果应至少完成小试；实验室阶段的成果暂不接受推荐"))
    values["summary"] = text("summary", required=False, max_length=3000)
    values["scenario"] = text("scenario", required=True, max_length=2000)
    consent = cell("consent", lambda: parse_bool(raw.consent))
    if consent is False:
        errors.append(RowError(raw.position, HEADER_OF["consent"], "须取得成果完成人同意后方可推荐"))
    if values["title"]:
        key_title = "t:" + normalise_title(values["title"])
        key_ip = "i:" + normalise_ip(values["ip_number"]) if values["ip_number"] else ""
        for key, label in ((key_title, "title"), (key_ip, "ip_number")):
            if key and key in seen:
                errors.append(RowError(raw.position, HEADER_OF[label], f"与本批第 {seen[key]} 行重复"))
        seen.setdefault(key_title, raw.position)
        if key_ip:
            seen.setdefault(key_ip, raw.position)
        duplicate = existing_duplicate(values["title"], values["ip_number"])
        if duplicate:
            errors.append(RowError(raw.position, "", f"该成果已在平台上，不能重复推荐：{duplicate}"))
    if errors:
        return None, errors
    owner = _owner(values["owner_name"])
    return (
        RecommendationRow(
            position=raw.position,
            owner=owner,
            field=field,
            maturity=str(maturity),
            inventors_consent=True,
            **values,
        ),
        [],
    )


def rows_from_excel(workbook: UploadedWorkbook) -> list[RowInput]:
    return [
        RowInput(position=number, **record)
        for number, record in iter_rows(workbook, COLUMNS, required_headers=REQUIRED_HEADERS, max_rows=MAX_ROWS)
    ]


def _signed_document(upload: Any) -> tuple[str, ContentFile[bytes]]:
    message = "请上传加盖单位公章的推荐函（PDF、PNG 或 JPEG，不超过 10 MB）"
    if upload is None or not getattr(upload, "size", 0):
        raise DomainError(message, code="recommendation_letter_required", field_errors={"signed_recommendation": [message]})
    if upload.size > MAX_SIGNED_BYTES:
        raise DomainError(message, code="recommendation_letter_invalid", field_errors={"signed_recommendation": [message]})
    data = upload.read()
    sniffed = sniff_document(data[:2048])
    if sniffed is None:
        raise DomainError(message, code="recommendation_letter_invalid", field_errors={"signed_recommendation": [message]})
    return f"recommendation.{sniffed[1]}", ContentFile(data)


def _members(organisation: Organisation | None) -> list[User]:
    if organisation is None:
        return []
    return list(
        User.objects.filter(memberships__organisation=organisation, memberships__is_active=True, is_active=True).distinct()
    )


def batch_url(batch: RecommendationBatch) -> str:
    return reverse("sources:batch_detail", args=[batch.pk])


def batch_submit(
    *,
    actor: Actor,
    recommender: Organisation,
    title: object,
    note: object = "",
    rows: Sequence[RowInput],
    signed_recommendation: Any,
    file_name: str = "",
) -> RecommendationBatch:
    """A batch of recommended achievements: every row through the entry gates and the
    de-duplication, the signed recommendation letter attached; all of it saved, or nothing
    (the refused rows listed with their row number, column and reason)."""
    if not roles.is_member(actor, recommender):
        raise Forbidden("只有推荐机构的成员可以提交推荐", code="not_recommender")
    channel = channel_of(recommender)
    if channel is None or not recommender.is_active:
        raise Forbidden(
            "该机构不能推荐成果：推荐渠道面向地市、主管部门、成果单位、企业、省外高校院所和园区", code="not_recommender"
        )
    reviewer = reviewer_for(recommender)
    if reviewer is None:
        raise Conflict("平台尚未设置审核部门，暂不能提交推荐", code="no_batch_reviewer")
    batch_title = clean_text(title, field="title", label="批次名称", max_chars=200)
    note_text = clean_reason(note, field="note", label="推荐说明", max_chars=2000, required=False)
    letter = _signed_document(signed_recommendation)
    if not rows:
        raise DomainError("请至少推荐一项成果", code="batch_empty", field_errors={"rows": ["请至少推荐一项成果"]})
    seen: dict[str, int] = {}
    checked: list[RecommendationRow] = []
    errors: list[RowError] = []
    for raw in rows:
        row, row_errors = check_row(raw, seen)
        errors.extend(row_errors)
        if row is not None:
            checked.append(row)
    if errors:
        raise ImportRowsInvalid(errors, detail=_refusal(errors, len(rows)))
    with file_kept_only_with_its_row() as written, transaction.atomic():
        batch = RecommendationBatch(
            recommender=recommender,
            channel=channel,
            reviewer=reviewer,
            title=batch_title,
            note=note_text,
            via_excel=bool(file_name),
            file_name=file_name[:200],
            created_by=actor,
        )
        batch.signed_recommendation.save(letter[0], letter[1], save=False)
        written.file = batch.signed_recommendation
        batch.save()
        for row in checked:
            # A concurrent batch may have taken a title meanwhile: checked again under the batch's transaction.
            duplicate = existing_duplicate(row.title, row.ip_number)
            if duplicate:
                raise ImportRowsInvalid([RowError(row.position, "", f"该成果已在平台上，不能重复推荐：{duplicate}")])
            row.batch = batch
            row.save()
        workflow.record(
            BATCH,
            batch,
            BatchEventType.SUBMIT,
            actor=actor,
            reason=f"{recommender.name}推荐成果 {len(checked)} 项" + ("（Excel）" if file_name else ""),
            from_status="",
            payload={"rows": len(checked)},
        )
        notify(
            recipients=_members(reviewer),
            kind="sources.batch_submitted",
            title=f"成果推荐待审核：{batch_title}",
            body=f"{recommender.name}（{batch.get_channel_display()}）推荐成果 {len(checked)} 项，请逐条审核。",
            url=batch_url(batch),
        )
        written.kept = True
    return batch


def _refusal(errors: Sequence[RowError], total: int) -> str:
    rows = len({e.row for e in errors})
    duplicates = sum("不能重复推荐" in e.message for e in errors)
    extra = f"其中 {duplicates} 项成果已在平台上。" if duplicates else ""
    return f"共 {total} 行，其中 {rows} 行未通过入口审核，共 {len(errors)} 处问题。{extra}未保存任何推荐，请修改后重新提交。"


# ---------------------------------------------------------------- review


@dataclass(frozen=True)
class Decision:
    accept: bool
    reason: str = ""


def _draft_for(row: RecommendationRow, batch: RecommendationBatch) -> Achievement | None:
    """An accepted row of a unit registered on the platform becomes a draft for that unit to
    complete and submit (it is reviewed again as every achievement is)."""
    owner = row.owner
    if owner is None or not owner.is_active or not owner.is_owner_unit_kind:
        return None
    summary = "\n\n".join(p for p in (row.summary, f"应用场景：{row.scenario}") if p)
    data = AchievementData(
        title=row.title,
        summary=summary[:5000],
        field_id=row.field_id,
        trl=MATURITY_TRL[Maturity(row.maturity)],
        offers_pay_later=True,
        indicative_terms=f"经{batch.recommender.name}推荐（{batch.get_channel_display()}），转化方式请成果单位确认。",
        ip_items=[IpItemData(kind=row.ip_kind, number=row.ip_number, legal_status=IpLegalStatus.GRANTED)] if row.ip_kind else [],
    )
    achievement = achievement_create_recommended(
        actor=batch.created_by,
        owner=owner,
        data=data,
        recommended_by=batch.recommender,
        reason=f"经{batch.recommender.name}推荐（批次 {batch.pk} 第 {row.position} 行），{batch.reviewer.name}审核采纳",
    )
    AchievementSource.objects.create(achievement=achievement, kind=SourceKind.RECOMMENDED, channel=batch.channel, row=row)
    notify(
        recipients=_members(owner),
        kind="sources.recommended_draft",
        title=f"推荐成果已采纳：{row.title}",
        body=f"{batch.recommender.name}推荐的成果“{row.title}”已通过{batch.reviewer.name}审核，"
        "平台已为本单位创建成果草稿，请完善完成人、转化方式等信息后提交审核。",
        url=reverse("catalog:achievement_detail", args=[achievement.pk]),
    )
    return achievement


def batch_review(*, actor: Actor, batch: RecommendationBatch, decisions: Mapping[int, Decision]) -> RecommendationBatch:
    """The reviewing department decides every row: accepted, or refused with its reason. A row
    that has meanwhile come onto the platform cannot be accepted (it is named). All decisions
    are saved, or none."""
    rows = list(batch.rows.select_related("owner").order_by("position"))
    errors: list[RowError] = []
    cleaned: dict[int, Decision] = {}
    for row in rows:
        decision = decisions.get(row.pk)
        if decision is None:
            errors.append(RowError(row.position, "审核结果", "请选择采纳或不采纳"))
            continue
        reason = ""
        try:
            reason = clean_reason(decision.reason, label="审核意见", max_chars=1000, required=not decision.accept)
        except DomainError as exc:
            errors.append(RowError(row.position, "审核意见", "不采纳时请写明理由" if not decision.reason else exc.detail))
        if decision.accept:
            duplicate = existing_duplicate(row.title, row.ip_number, exclude_row=row.pk)
            if duplicate:
                errors.append(RowError(row.position, "", f"该成果已在平台上，不能采纳：{duplicate}"))
        cleaned[row.pk] = Decision(decision.accept, reason)
    if errors:
        rows_wrong = len({e.row for e in errors})
        raise ImportRowsInvalid(errors, detail=f"有 {rows_wrong} 行的审核结果需要修改，未保存任何审核结果。")
    accepted = sum(d.accept for d in cleaned.values())
    with transaction.atomic():
        moved = workflow.move(
            BATCH,
            batch,
            "review",
            actor=actor,
            reason=f"采纳 {accepted} 项，不采纳 {len(rows) - accepted} 项",
            payload={"accepted": accepted, "refused": len(rows) - accepted},
            also={"reviewed_by": actor, "reviewed_at": timezone.now()},
        )
        for row in rows:
            decision = cleaned[row.pk]
            row.outcome = RowOutcome.ACCEPTED if decision.accept else RowOutcome.REFUSED
            row.outcome_reason = decision.reason
            if decision.accept:
                row.achievement = _draft_for(row, moved)
            row.save(update_fields=["outcome", "outcome_reason", "achievement"])
        notify(
            recipients=_members(moved.recommender),
            kind="sources.batch_reviewed",
            title=f"成果推荐已审核：{moved.title}",
            body=f"{moved.reviewer.name}已审核：采纳 {accepted} 项，不采纳 {len(rows) - accepted} 项。",
            url=batch_url(moved),
        )
    return moved


def batch_withdraw(*, actor: Actor, batch: RecommendationBatch) -> RecommendationBatch:
    return workflow.move(BATCH, batch, "withdraw", actor=actor, reason="推荐机构撤回")
