"""Achievements (成果): drafts, their lifecycle and edits of published achievements.

Lifecycle (docs/domain.md, "Lifecycles"; declared in catalog/workflows.py): draft → submitted →
published, or returned with reasons → withdrawn / taken down. An edit of a published achievement
becomes a pending revision
that the reviewing department approves, while the published version stays visible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from usefirst.accounts.models import Organisation, UnitPerson
from usefirst.core import workflow
from usefirst.core.actors import Actor
from usefirst.core.dates import today
from usefirst.core.errors import DomainError, IllegalTransition
from usefirst.core.identifiers import normalise_patent_number
from usefirst.core.permissions import Action
from usefirst.core.text import reject_control_characters

from ..choices import PATENT_KINDS, AchievementStatus, IpKind, IpLegalStatus, ProjectCategory, RestrictionReason
from ..models import Achievement, AchievementInventor, AchievementRevision, Attachment, IpItem, TechField
from ..workflows import ACHIEVEMENT
from ..workflows import AchievementEventType as E
from .attachments import MAX_ATTACHMENTS, CheckedFile, Upload, attachment_check, attachment_store, discard_files
from .common import (
    Notice,
    full_clean,
    normalise_keywords,
    notify_organisation,
    require,
    require_member,
    require_reason,
)

SHARES_TOTAL = Decimal("100.00")
MAX_FREE_USE_MONTHS = 60
MAX_IP_ITEMS = 50
MAX_INVENTORS = 50


@dataclass
class IpItemData:
    kind: str
    number: str = ""
    title: str = ""
    legal_status: str = IpLegalStatus.PENDING


@dataclass
class InventorData:
    person_id: int
    share: Decimal | str
    is_leader: bool = False


@dataclass
class AchievementData:
    """Everything an owner unit states about an achievement (one draft or one revision)."""

    title: str
    summary: str
    field_id: int
    trl: int
    problem_solved: str = ""
    advantages: str = ""
    discipline: str = ""
    keywords: list[str] | str = field(default_factory=list)
    offers_pay_later: bool = False
    offers_cooperate_later: bool = False
    offers_open_licence: bool = False
    free_use_months: int | None = None
    indicative_terms: str = ""
    plan_project_number: str = ""
    plan_project_category: str = ""
    acceptance_date: dt.date | None = None
    provincial_funding: bool = False
    restriction: str = RestrictionReason.NONE
    ip_items: list[IpItemData] = field(default_factory=list)
    inventors: list[InventorData] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["acceptance_date"] = self.acceptance_date.isoformat() if self.acceptance_date else None
        data["inventors"] = [{**i, "share": str(i["share"])} for i in data["inventors"]]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AchievementData:
        values = dict(data)
        values["acceptance_date"] = dt.date.fromisoformat(values["acceptance_date"]) if values.get("acceptance_date") else None
        values["ip_items"] = [IpItemData(**i) for i in values.get("ip_items", [])]
        values["inventors"] = [InventorData(**i) for i in values.get("inventors", [])]
        return cls(**values)

    @classmethod
    def from_achievement(cls, achievement: Achievement) -> AchievementData:
        return cls(
            **{name: getattr(achievement, name) for name in SCALAR_FIELDS},
            field_id=achievement.field_id,
            keywords=list(achievement.keywords),
            ip_items=[
                IpItemData(kind=i.kind, number=i.number, title=i.title, legal_status=i.legal_status)
                for i in achievement.ip_items.all()
            ],
            inventors=[
                InventorData(person_id=i.person_id, share=i.share, is_leader=i.is_leader) for i in achievement.inventors.all()
            ],
        )


SCALAR_FIELDS = (
    "title",
    "summary",
    "trl",
    "problem_solved",
    "advantages",
    "discipline",
    "offers_pay_later",
    "offers_cooperate_later",
    "offers_open_licence",
    "free_use_months",
    "indicative_terms",
    "plan_project_number",
    "plan_project_category",
    "acceptance_date",
    "provincial_funding",
    "restriction",
)


class AchievementInvalid(DomainError):
    """Refusal of an achievement's data. Besides the messages per field (each naming its row),
    `rows` keeps the bare message of each refused inventor or IP row by its 1-based position in
    the list given, so that a form can show it on the row the person filled in."""

    def __init__(
        self,
        detail: str,
        *,
        field_errors: dict[str, list[str]],
        rows: dict[str, dict[int, list[str]]],
        lists: dict[str, list[str]],
    ) -> None:
        super().__init__(detail, code="validation_failed", field_errors=field_errors)
        self.rows = rows
        # Messages about a list as a whole (shares not adding up), by the list's name.
        self.lists = lists


ROW_NAMES = {"inventors": "第 {n} 位完成人", "ip_items": "第 {n} 项知识产权"}


class _Errors:
    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}
        self.rows: dict[str, dict[int, list[str]]] = {}
        self.lists: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, []).append(message)
        if name in ROW_NAMES:
            self.lists.setdefault(name, []).append(message)

    def add_row(self, name: str, n: int, message: str) -> None:
        self.fields.setdefault(name, []).append(ROW_NAMES[name].format(n=n) + "：" + message)
        self.rows.setdefault(name, {}).setdefault(n, []).append(message)

    def raise_if_any(self) -> None:
        if self.fields:
            first = next(iter(self.fields.values()))[0]
            raise AchievementInvalid(f"输入有误：{first}", field_errors=self.fields, rows=self.rows, lists=self.lists)


def _parse_share(value: Decimal | str) -> Decimal | None:
    try:
        share = Decimal(str(value).strip().rstrip("%"))
    except (InvalidOperation, ValueError):
        return None
    if not share.is_finite() or share.as_tuple().exponent < -2:  # type: ignore[operator]
        return None
    return share


def _validated_ip_items(data: AchievementData, errors: _Errors) -> list[IpItem]:
    rows: list[IpItem] = []
    seen: set[tuple[str, str]] = set()
    if len(data.ip_items) > MAX_IP_ITEMS:
        errors.add("ip_items", f"知识产权最多 {MAX_IP_ITEMS} 项")
    for n, item in enumerate(data.ip_items, start=1):
        if item.kind not in IpKind.values:
            errors.add_row("ip_items", n, "请选择知识产权类型" if not item.kind else "类型无效")
            continue
        if item.legal_status not in IpLegalStatus.values:
            errors.add_row("ip_items", n, "法律状态无效")
            continue
        number = (item.number or "").strip()
        title = (item.title or "").strip()
        try:
            reject_control_characters(number)
            reject_control_characters(title)
        except ValidationError as exc:
            errors.add_row("ip_items", n, exc.messages[0])
            continue
        if item.kind in PATENT_KINDS:
            try:
                number = normalise_patent_number(number)
            except ValidationError as exc:
                errors.add_row("ip_items", n, exc.messages[0])
                continue
        if len(number) > 64 or len(title) > 200:
            errors.add_row("ip_items", n, "号码不超过 64 字，名称不超过 200 字")
            continue
        if number and (item.kind, number) in seen:
            errors.add_row("ip_items", n, f"号码 {number} 重复")
            continue
        seen.add((item.kind, number))
        rows.append(IpItem(kind=item.kind, number=number, title=title, legal_status=item.legal_status))
    return rows


def _validated_inventors(owner: Organisation, data: AchievementData, errors: _Errors) -> list[AchievementInventor]:
    if not data.inventors:
        errors.add("inventors", "请至少填写一名成果完成人")
        return []
    if len(data.inventors) > MAX_INVENTORS:
        errors.add("inventors", f"成果完成人最多 {MAX_INVENTORS} 名")
        return []
    # A unit may list only people whose notice and consent it has recorded (PIPL).
    listed = set(
        UnitPerson.objects.filter(
            unit=owner, consent_at__isnull=False, person_id__in=[i.person_id for i in data.inventors]
        ).values_list("person_id", flat=True)
    )
    rows: list[AchievementInventor] = []
    total = Decimal("0")
    seen: set[int] = set()
    for n, inventor in enumerate(data.inventors, start=1):
        share = _parse_share(inventor.share)
        if share is None:
            errors.add_row("inventors", n, "贡献份额应为最多两位小数的数字")
            continue
        if not Decimal("0") < share <= SHARES_TOTAL:
            errors.add_row("inventors", n, "贡献份额应大于 0 且不超过 100%")
            continue
        if inventor.person_id in seen:
            errors.add_row("inventors", n, "同一完成人不能重复填写")
            continue
        if inventor.person_id not in listed:
            errors.add_row("inventors", n, "该人员尚未由本单位登记并取得告知同意")
            continue
        seen.add(inventor.person_id)
        total += share
        rows.append(
            AchievementInventor(person_id=inventor.person_id, share=share, is_leader=bool(inventor.is_leader), position=n)
        )
    if len(rows) == len(data.inventors) and total != SHARES_TOTAL:
        errors.add("inventors", f"完成人贡献份额合计应为 100.00%，当前为 {total:.2f}%")
    if sum(1 for r in rows if r.is_leader) > 1:
        errors.add("inventors", "项目负责人只能有一名")
    return rows


def _check_rules(achievement: Achievement, ip_rows: list[IpItem], errors: _Errors) -> None:
    if achievement.is_restricted and achievement.status == AchievementStatus.PUBLISHED:
        errors.add("restriction", "已发布的成果不能标记为涉密或限制情形；如确有此情形，请先撤回成果")
    if not (achievement.offers_pay_later or achievement.offers_cooperate_later or achievement.offers_open_licence):
        errors.add("modes", "请至少选择一种转化方式（先使用后付费、先使用后合作或专利开放许可）")
    if achievement.free_use_months is not None and not 1 <= achievement.free_use_months <= MAX_FREE_USE_MONTHS:
        errors.add("free_use_months", f"拟免费使用期应为 1 至 {MAX_FREE_USE_MONTHS} 个月")
    if achievement.offers_open_licence and not any(r.kind in PATENT_KINDS for r in ip_rows):
        errors.add("offers_open_licence", "专利开放许可须至少填写一项专利")
    has_funding = bool(achievement.plan_project_number or achievement.plan_project_category or achievement.acceptance_date)
    if has_funding:
        if not achievement.plan_project_number:
            errors.add("plan_project_number", "填写项目类别或验收日期时，须填写省级科技计划项目编号")
        if achievement.plan_project_category not in ProjectCategory.values:
            errors.add("plan_project_category", "请选择项目类别（科研攻关类或其他类）")
    if achievement.acceptance_date and achievement.acceptance_date > today():
        errors.add("acceptance_date", "项目验收日期不能晚于今天")
    if achievement.provincial_funding and not achievement.plan_project_number:
        errors.add("plan_project_number", "由省级财政科技资金支持形成的成果须填写省级科技计划项目编号")


def _prepare(
    achievement: Achievement, data: AchievementData, errors: _Errors | None = None, *, inventors_required: bool = True
) -> tuple[Achievement, list[IpItem], list[AchievementInventor]]:
    """Apply `data` to an (unsaved) achievement and validate everything before any write
    (together with whatever the caller has already found wrong in `errors`)."""
    errors = errors or _Errors()
    for name in SCALAR_FIELDS:
        value = getattr(data, name)
        if isinstance(value, str):
            value = value.strip()
        setattr(achievement, name, value)
    achievement.field_id = data.field_id
    try:
        achievement.keywords = normalise_keywords(data.keywords)
    except DomainError as exc:
        for name, messages in exc.field_errors.items():
            for message in messages:
                errors.add(name, message)
    try:
        # Constraints are checked as rules below, with messages people understand.
        full_clean(achievement, exclude=["keywords"], validate_constraints=False)
    except DomainError as exc:
        for name, messages in exc.field_errors.items():
            for message in messages:
                errors.add(name, message)
    ip_rows = _validated_ip_items(data, errors)
    inventor_rows = _validated_inventors(achievement.owner, data, errors) if inventors_required or data.inventors else []
    _check_rules(achievement, ip_rows, errors)
    errors.raise_if_any()
    return achievement, ip_rows, inventor_rows


def _save_children(achievement: Achievement, ip_rows: list[IpItem], inventor_rows: list[AchievementInventor]) -> None:
    achievement.ip_items.all().delete()
    achievement.inventors.all().delete()
    for ip in ip_rows:
        ip.achievement = achievement
    for inventor in inventor_rows:
        inventor.achievement = achievement
    IpItem.objects.bulk_create(ip_rows)
    AchievementInventor.objects.bulk_create(inventor_rows)


def _event(
    achievement: Achievement, event_type: str, *, actor: Actor, reason: str, from_status: str | None = None, **payload: Any
) -> None:
    """An event that is not a transition (creation: `from_status=""`): the status stays what it is."""
    workflow.record(ACHIEVEMENT, achievement, event_type, actor=actor, reason=reason, payload=payload, from_status=from_status)


def _not_revisable(achievement: Achievement, action: str) -> IllegalTransition:
    return IllegalTransition(f"成果当前状态为“{achievement.get_status_display()}”，不能{action}", code="illegal_transition")


def _url(achievement: Achievement) -> str:
    return reverse("catalog:achievement_detail", args=[achievement.pk])


def _lock(achievement: Achievement) -> Achievement:
    return Achievement.objects.select_for_update().select_related("owner").get(pk=achievement.pk)


# ---------------------------------------------------------------- drafts


def _checked_uploads(uploads: Sequence[Upload], errors: _Errors) -> list[CheckedFile]:
    if len(uploads) > MAX_ATTACHMENTS:
        errors.add("attachments", f"每项成果最多 {MAX_ATTACHMENTS} 个附件")
        return []
    checked: list[CheckedFile] = []
    for upload in uploads:
        try:
            checked.append(attachment_check(upload))
        except DomainError as exc:
            errors.add("attachments", f"附件“{upload.name}”：{exc.detail}")
    return checked


def achievement_create(
    *, actor: Actor, owner: Organisation, data: AchievementData, attachments: Sequence[Upload] = ()
) -> Achievement:
    """A new draft, with its first attachments if given: all of it is saved, or nothing."""
    require_member(actor, owner)
    if not owner.is_active or not owner.is_owner_unit_kind:
        raise DomainError("只有已认证的成果单位可以登记成果", code="not_an_owner_unit", status=403)
    errors = _Errors()
    files = _checked_uploads(attachments, errors)
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            achievement = Achievement(owner=owner, created_by=actor, status=AchievementStatus.DRAFT)
            achievement, ip_rows, inventor_rows = _prepare(achievement, data, errors)
            achievement.save()
            _save_children(achievement, ip_rows, inventor_rows)
            for checked in files:
                stored.append(attachment_store(actor=actor, achievement=achievement, checked=checked))
            payload = {"attachments": [a.original_name for a in stored]} if stored else {}
            _event(achievement, E.CREATE, actor=actor, reason="创建成果草稿", from_status="", **payload)
    except BaseException:
        # The rows were rolled back; their files must not outlive them.
        discard_files(stored)
        raise
    return achievement


def achievement_create_imported(
    *, actor: Actor, owner: Organisation, data: AchievementData, imported_by: Organisation, row: int
) -> Achievement:
    """A new draft from a row of an Excel import that an organisation other than the owner runs
    (a city department for a unit of its city; plan_projects' import has checked that
    `imported_by` may import for `owner`). Validated and saved as `achievement_create` does; its
    event records the import, by whom and for whom."""
    require_member(actor, imported_by)
    with transaction.atomic():
        achievement = Achievement(owner=owner, created_by=actor, status=AchievementStatus.DRAFT)
        achievement, ip_rows, inventor_rows = _prepare(achievement, data)
        achievement.save()
        _save_children(achievement, ip_rows, inventor_rows)
        _event(
            achievement,
            E.IMPORT,
            actor=actor,
            reason=f"由{imported_by.name}通过 Excel 批量导入",
            from_status="",
            imported_by_organisation=imported_by.pk,
            row=row,
            on_behalf_of=owner.pk,
        )
    return achievement


AUTO_INCLUDED_SUMMARY = (
    "本成果由省级科技计划项目“{title}”（项目编号 {number}）形成，项目验收满三年仍未转化，"
    "依“先用后转”政策自动纳入平台。请成果单位完善成果简介、技术领域、技术成熟度、知识产权和完成人后提交审核。"
)
# A key-technology project has passed acceptance: laboratory validation at least, for the unit to correct.
AUTO_INCLUDED_TRL = 4


def achievement_create_auto_included(
    *,
    owner: Organisation,
    project_number: str,
    project_title: str,
    acceptance_date: dt.date,
    reason: str,
) -> Achievement:
    """Rule 4: the record a daily job creates for a key-technology project not converted within
    three years of acceptance, `auto_included` for its unit to complete (docs/domain.md, rule 4).
    The technology field is the first top-level field and the TRL a placeholder, both for the unit
    to correct; the caller holds the transaction."""
    field_row = TechField.objects.filter(parent__isnull=True).order_by("position", "code").first()
    if field_row is None:
        raise DomainError("技术领域尚未配置，不能创建自动纳入的成果", code="tech_fields_missing", status=503)
    achievement = Achievement(
        owner=owner,
        title=project_title[:200],
        summary=AUTO_INCLUDED_SUMMARY.format(title=project_title, number=project_number),
        field=field_row,
        trl=AUTO_INCLUDED_TRL,
        plan_project_number=project_number,
        plan_project_category=ProjectCategory.KEY_TECHNOLOGY,
        acceptance_date=acceptance_date,
        provincial_funding=True,
        status=AchievementStatus.AUTO_INCLUDED,
    )
    full_clean(achievement, exclude=["keywords"], validate_constraints=False)
    achievement.save()
    workflow.record(ACHIEVEMENT, achievement, E.AUTO_INCLUDE, actor=None, reason=reason, from_status="")
    return achievement


def achievement_create_recommended(
    *, actor: Actor, owner: Organisation, data: AchievementData, recommended_by: Organisation, reason: str
) -> Achievement:
    """A draft for `owner` from a recommendation its city or the province accepted (usefirst/sources):
    checked as every draft is except that the inventors are left for the unit to list with their
    consent — submitting it checks everything again. The caller holds the transaction and has
    checked that `actor` recommended it for `recommended_by`."""
    require_member(actor, recommended_by)
    errors = _Errors()
    achievement = Achievement(owner=owner, created_by=actor, status=AchievementStatus.DRAFT)
    achievement, ip_rows, _ = _prepare(achievement, data, errors, inventors_required=False)
    achievement.save()
    _save_children(achievement, ip_rows, [])
    _event(achievement, E.IMPORT, actor=actor, reason=reason, from_status="", recommended_by_organisation=recommended_by.pk)
    return achievement


def achievement_update(*, actor: Actor, achievement: Achievement, data: AchievementData) -> Achievement:
    """Edit a draft in place; an edit of a published achievement goes to review as a revision."""
    require(actor, Action.CHANGE, achievement)
    with transaction.atomic():
        achievement = _lock(achievement)
        if achievement.can_revise():
            achievement_revision_submit(actor=actor, achievement=achievement, data=data)
            return achievement
        if not achievement.is_editable:
            raise IllegalTransition(f"成果当前状态为“{achievement.get_status_display()}”，不能修改", code="not_editable")
        achievement, ip_rows, inventor_rows = _prepare(achievement, data)
        achievement.updated_at = timezone.now()
        achievement.save()
        _save_children(achievement, ip_rows, inventor_rows)
        _event(achievement, E.UPDATE, actor=actor, reason="修改成果信息")
    return achievement


# ---------------------------------------------------------------- transitions (catalog/workflows.py)


def _move(
    achievement: Achievement,
    name: str,
    *,
    actor: Actor,
    reason: str = "",
    also: dict[str, Any] | None = None,
    notice: Notice | None = None,
) -> Achievement:
    return workflow.move(
        ACHIEVEMENT, achievement, name, actor=actor, reason=reason, also=also, notices=[notice] if notice else []
    )


def achievement_submit(*, actor: Actor, achievement: Achievement) -> Achievement:
    return _move(
        achievement,
        "submit",
        actor=actor,
        also={"updated_at": timezone.now()},
        notice=Notice(
            achievement.owner.reviewing_department,
            kind="catalog.achievement.submitted",
            title=f"有新的成果待审核：{achievement.title}",
            url=reverse("catalog:review_achievements"),
        ),
    )


def achievement_approve(*, actor: Actor, achievement: Achievement) -> Achievement:
    return _move(
        achievement,
        "approve",
        actor=actor,
        reason="审核通过，予以发布",
        also={"published_at": timezone.now()},
        notice=Notice(
            achievement.owner,
            kind="catalog.achievement.published",
            title=f"成果已通过审核并发布：{achievement.title}",
            url=_url(achievement),
        ),
    )


def achievement_return(*, actor: Actor, achievement: Achievement, reason: str) -> Achievement:
    require(actor, Action.REVIEW, achievement)  # before the reason: an outsider learns nothing
    reason = require_reason(reason)
    return _move(
        achievement,
        "return",
        actor=actor,
        reason=reason,
        notice=Notice(
            achievement.owner,
            kind="catalog.achievement.returned",
            title=f"成果被退回修改：{achievement.title}",
            body=f"退回理由：{reason}",
            url=_url(achievement),
        ),
    )


def _close_pending_revisions(achievement: Achievement, *, actor: Actor, why: str) -> None:
    AchievementRevision.objects.filter(achievement=achievement, status=AchievementRevision.Status.PENDING).update(
        status=AchievementRevision.Status.RETURNED,
        reviewed_by=actor if getattr(actor, "is_authenticated", False) else None,
        reviewed_at=timezone.now(),
        review_reason=why,
    )


def achievement_withdraw(*, actor: Actor, achievement: Achievement, reason: str = "") -> Achievement:
    """The owner pulls a submission back to draft, or withdraws a published achievement."""
    name = "withdraw" if achievement.status == AchievementStatus.PUBLISHED else "withdraw_submission"
    with transaction.atomic():
        achievement = _move(
            achievement,
            name,
            actor=actor,
            reason=(reason or "").strip(),
            notice=Notice(
                achievement.owner,
                kind="catalog.achievement.withdrawn",
                title=f"成果已撤回：{achievement.title}",
                url=_url(achievement),
            ),
        )
        _close_pending_revisions(achievement, actor=actor, why="成果已撤回")
    return achievement


def achievement_take_down(*, actor: Actor, achievement: Achievement, reason: str) -> Achievement:
    require(actor, Action.REVIEW, achievement)  # before the reason: an outsider learns nothing
    reason = require_reason(reason)
    with transaction.atomic():
        achievement = _move(
            achievement,
            "take_down",
            actor=actor,
            reason=reason,
            notice=Notice(
                achievement.owner,
                kind="catalog.achievement.taken_down",
                title=f"成果已被下架：{achievement.title}",
                body=f"下架理由：{reason}",
                url=_url(achievement),
            ),
        )
        _close_pending_revisions(achievement, actor=actor, why="成果已下架")
    return achievement


def achievement_reopen(*, actor: Actor, achievement: Achievement) -> Achievement:
    return _move(achievement, "reopen", actor=actor, reason="重新编辑")


# ---------------------------------------------------------------- revisions of published achievements


def achievement_revision_submit(*, actor: Actor, achievement: Achievement, data: AchievementData) -> AchievementRevision:
    require(actor, Action.CHANGE, achievement)
    with transaction.atomic():
        achievement = _lock(achievement)
        if not achievement.can_revise():
            raise _not_revisable(achievement, "提交修改")
        # Validate on a detached copy: the published row must not change until approval.
        candidate = Achievement(owner=achievement.owner, status=achievement.status)
        _prepare(candidate, data)
        revision = AchievementRevision.objects.filter(achievement=achievement, status=AchievementRevision.Status.PENDING).first()
        if revision is None:
            revision = AchievementRevision.objects.create(achievement=achievement, data=data.to_json(), submitted_by=actor)
        else:
            revision.data = data.to_json()
            revision.submitted_by = actor
            revision.submitted_at = timezone.now()
            revision.save(update_fields=["data", "submitted_by", "submitted_at"])
        _event(achievement, E.REVISION_SUBMIT, actor=actor, reason="提交修改，待审核", revision=revision.pk)
        notify_organisation(
            achievement.owner.reviewing_department,
            kind="catalog.revision.submitted",
            title=f"有成果修改待审核：{achievement.title}",
            url=reverse("catalog:review_achievements"),
        )
    return revision


def _lock_revision(revision: AchievementRevision) -> AchievementRevision:
    locked = AchievementRevision.objects.select_for_update().get(pk=revision.pk)
    if locked.status != AchievementRevision.Status.PENDING:
        raise IllegalTransition("该修改已处理，不能重复审核", code="illegal_transition")
    return locked


def achievement_revision_approve(*, actor: Actor, revision: AchievementRevision) -> Achievement:
    require(actor, Action.REVIEW, revision.achievement)
    with transaction.atomic():
        achievement = _lock(revision.achievement)
        revision = _lock_revision(revision)
        if not achievement.can_revise():
            raise _not_revisable(achievement, "应用修改")
        achievement, ip_rows, inventor_rows = _prepare(achievement, AchievementData.from_json(revision.data))
        achievement.updated_at = timezone.now()
        achievement.save()
        _save_children(achievement, ip_rows, inventor_rows)
        revision.status = AchievementRevision.Status.APPROVED
        revision.reviewed_by = actor
        revision.reviewed_at = timezone.now()
        revision.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        _event(achievement, E.REVISION_APPROVE, actor=actor, reason="修改审核通过", revision=revision.pk)
        notify_organisation(
            achievement.owner,
            kind="catalog.revision.approved",
            title=f"成果修改已通过审核：{achievement.title}",
            url=_url(achievement),
        )
    return achievement


def achievement_revision_return(*, actor: Actor, revision: AchievementRevision, reason: str) -> AchievementRevision:
    require(actor, Action.REVIEW, revision.achievement)
    reason = require_reason(reason)
    with transaction.atomic():
        achievement = _lock(revision.achievement)
        revision = _lock_revision(revision)
        revision.status = AchievementRevision.Status.RETURNED
        revision.reviewed_by = actor
        revision.reviewed_at = timezone.now()
        revision.review_reason = reason
        revision.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_reason"])
        _event(achievement, E.REVISION_RETURN, actor=actor, reason=f"修改被退回：{reason}", revision=revision.pk)
        notify_organisation(
            achievement.owner,
            kind="catalog.revision.returned",
            title=f"成果修改被退回：{achievement.title}",
            body=f"退回理由：{reason}",
            url=_url(achievement),
        )
    return revision
