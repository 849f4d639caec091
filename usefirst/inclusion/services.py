"""Writes of auto-inclusion (rule 4): the daily sweep that puts due projects on the platform, and
the off-platform conversion declarations (submit, accept, return, withdraw)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from usefirst.accounts import roles
from usefirst.accounts.models import Organisation, User
from usefirst.catalog.choices import AchievementStatus
from usefirst.catalog.models import Achievement
from usefirst.catalog.services.achievements import achievement_create_auto_included
from usefirst.core import workflow
from usefirst.core.actors import Actor
from usefirst.core.daily_jobs import progress
from usefirst.core.dates import parse_date, today
from usefirst.core.errors import Conflict, DomainError, Forbidden
from usefirst.core.files import file_kept_only_with_its_row
from usefirst.core.money import parse_amount
from usefirst.core.text import clean_reason, clean_text
from usefirst.core.uploads import sniff_document
from usefirst.notifications.services import notify
from usefirst.plan_projects.models import PlanProject
from usefirst.plan_projects.selectors import auto_inclusion_due
from usefirst.policy.selectors import parameter_value

from .choices import LIVE_DECLARATION, ConversionKind, Verdict
from .models import AutoInclusion, ConversionDeclaration
from .selectors import verdicts
from .workflows import DECLARATION, DeclarationEventType

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


def _members(organisation: Organisation | None) -> list[User]:
    if organisation is None:
        return []
    return list(
        User.objects.filter(memberships__organisation=organisation, memberships__is_active=True, is_active=True).distinct()
    )


def _department(unit: Organisation) -> Organisation | None:
    return unit.reviewing_department or roles.reviewing_department(unit)


# ---------------------------------------------------------------- the daily sweep


def sweep_due(day: dt.date) -> dict[str, list[str]]:
    """What the sweep would include on `day` (the job's preview): the project numbers judged due."""
    rows = verdicts(_candidates(day), on=day, horizon=0)
    return {
        "验收满三年未转化，将自动纳入": [f"{r.project.number} {r.project.title}" for r in rows if r.verdict == Verdict.DUE],
        "承担单位尚未注册，暂不能纳入": [
            f"{r.project.number} {r.project.unit_name}" for r in rows if r.verdict == Verdict.AWAITING_UNIT
        ],
    }


def _candidates(day: dt.date) -> list[PlanProject]:
    done = set(AutoInclusion.objects.values_list("project_id", flat=True))
    return [p for p in auto_inclusion_due(on=day) if p.pk not in done]


def sweep_include(day: dt.date) -> dict[str, int]:
    """The daily job of rule 4 for the business date `day`: every key-technology, provincially
    funded project due on or before `day` (so a date the scheduler missed is caught up the next
    time) that has no conversion contract on the platform, no accepted or pending off-platform
    declaration and no restriction gets its `AutoInclusion` — linked to the unit's own achievement
    for the project when it has one, else a new `auto_included` achievement for the unit to
    complete — and the unit and its department are told. A project is included once (one row per
    project, also in the database), so a forced re-run includes nothing twice."""
    rows = verdicts(_candidates(day), on=day, horizon=0)
    due = [r for r in rows if r.verdict == Verdict.DUE]
    counts = {"included": 0, "linked": 0, "awaiting_unit": sum(r.verdict == Verdict.AWAITING_UNIT for r in rows)}
    for done, row in enumerate(due, start=1):
        assert row.due_on is not None
        created = _include(row.project, due_on=row.due_on, day=day)
        if created is not None:
            counts["linked" if not created.created_achievement else "included"] += 1
        progress(done, len(due))
    return counts


def _include(project: PlanProject, *, due_on: dt.date, day: dt.date) -> AutoInclusion | None:
    unit = project.unit
    assert unit is not None
    years = int(parameter_value("auto_inclusion_years", on=day))
    reason = f"项目 {project.number} 于 {project.acceptance_date:%Y-%m-%d} 验收，满{years}年未转化，{day:%Y-%m-%d} 自动纳入"
    try:
        with transaction.atomic():
            if AutoInclusion.objects.select_for_update().filter(project=project).exists():
                return None
            existing = (
                Achievement.objects.filter(owner=unit, plan_project_number=project.number)
                .exclude(status=AchievementStatus.TAKEN_DOWN)
                .order_by("-id")
                .first()
            )
            achievement = existing or achievement_create_auto_included(
                owner=unit,
                project_number=project.number,
                project_title=project.title,
                acceptance_date=project.acceptance_date or due_on,
                reason=reason,
            )
            inclusion = AutoInclusion.objects.create(
                project=project,
                unit=unit,
                achievement=achievement,
                created_achievement=existing is None,
                due_on=due_on,
                included_on=day,
            )
            _notify_included(inclusion, years=years)
    except IntegrityError:  # another worker included it meanwhile
        return None
    return inclusion


def _notify_included(inclusion: AutoInclusion, *, years: int) -> None:
    project, unit = inclusion.project, inclusion.unit
    url = reverse("catalog:achievement_detail", args=[inclusion.achievement_id])
    body = (
        f"省级科技计划项目“{project.title}”（{project.number}）于 {project.acceptance_date:%Y-%m-%d} 验收，"
        f"满{years}年未签订转化合同，已依“先用后转”政策自动纳入平台。"
        + (
            "平台已为其创建待完善的成果，请完善成果信息后提交审核。"
            if inclusion.created_achievement
            else f"已关联单位登记的成果“{inclusion.achievement.title}”，请完善后提交审核。"
        )
    )
    title = f"成果自动纳入平台：{project.title}"
    notify(recipients=_members(unit), kind="inclusion.auto_included", title=title, body=body, url=url)
    department = _department(unit)
    notify(
        recipients=_members(department),
        kind="inclusion.auto_included_unit",
        title=f"{unit.name}：{title}",
        body=body,
        url=reverse("inclusion:report") + "?verdict=included",
    )


# ---------------------------------------------------------------- off-platform conversion declarations


def _evidence(upload: Any, *, field: str, label: str, required: bool) -> tuple[str, ContentFile[bytes]] | None:
    if upload is None or not getattr(upload, "size", 0):
        if required:
            message = f"请上传{label}（PDF、PNG 或 JPEG）作为平台外转化的证明"
            raise DomainError(message, code="declaration_evidence_required", field_errors={field: [message]})
        return None
    if upload.size > MAX_EVIDENCE_BYTES:
        message = f"{label}不超过 10 MB"
        raise DomainError(message, code="declaration_evidence_invalid", field_errors={field: [message]})
    data = upload.read()
    sniffed = sniff_document(data[:2048])
    if sniffed is None:
        message = f"{label}应为 PDF、PNG 或 JPEG 文件"
        raise DomainError(message, code="declaration_evidence_invalid", field_errors={field: [message]})
    return f"{field}.{sniffed[1]}", ContentFile(data)


def declaration_submit(
    *,
    actor: Actor,
    project: PlanProject,
    kind: object,
    counterparty: object,
    signed_on: object,
    amount: object = None,
    registration_number: object = "",
    note: object = "",
    contract_file: Any = None,
    certificate_file: Any = None,
) -> ConversionDeclaration:
    """A unit declares that a plan project's achievement was converted off the platform, with its
    evidence (the contract; the technology-contract registration certificate when it has one).
    Everything is checked before anything is saved; a refused declaration leaves no file."""
    unit = project.unit
    if unit is None or not roles.is_member(actor, unit):
        raise Forbidden("只有项目承担单位可以申报平台外转化", code="not_project_unit")
    errors: dict[str, list[str]] = {}

    def check(field: str, fn: Any) -> Any:
        try:
            return fn()
        except DomainError as exc:
            for name, messages in (exc.field_errors or {field: [exc.detail]}).items():
                errors.setdefault(name, []).extend(messages)
            return None

    kind_value = str(kind or "").strip()
    if kind_value not in ConversionKind.values:
        errors["kind"] = ["请选择转化方式"]
    party = check(
        "counterparty", lambda: clean_text(counterparty, field="counterparty", label="受让方 / 被许可方", max_chars=200)
    )
    day = check(
        "signed_on", lambda: parse_date(signed_on, label="合同签订日期", field="signed_on") if signed_on else _missing_date()
    )
    if day is not None and day > today():
        errors.setdefault("signed_on", []).append("合同签订日期不能晚于今天")
    value: Decimal | None = None
    if amount not in (None, ""):
        value = check("amount", lambda: parse_amount(amount, allow_zero=True, label="合同金额"))
    registration = check(
        "registration_number",
        lambda: clean_text(
            registration_number, field="registration_number", label="技术合同登记号", max_chars=64, required=False
        ),
    )
    note_text = check("note", lambda: clean_reason(note, field="note", label="说明", max_chars=2000, required=False))
    contract_doc = check(
        "contract_file", lambda: _evidence(contract_file, field="contract_file", label="转化合同", required=True)
    )
    certificate = check(
        "certificate_file",
        lambda: _evidence(certificate_file, field="certificate_file", label="技术合同认定登记证明", required=False),
    )
    if errors:
        missing_evidence = contract_file is None or not getattr(contract_file, "size", 0)
        code = "declaration_evidence_required" if missing_evidence else "validation_failed"
        first = next(iter(errors.values()))[0]
        raise DomainError(f"申报信息有误：{first}", code=code, field_errors=errors)
    with (
        file_kept_only_with_its_row() as contract_write,
        file_kept_only_with_its_row() as certificate_write,
        transaction.atomic(),
    ):
        locked = PlanProject.objects.select_for_update().get(pk=project.pk)
        if ConversionDeclaration.objects.filter(project=locked, status__in=LIVE_DECLARATION).exists():
            raise Conflict("该项目已有审核中或已认可的平台外转化申报，不能重复申报", code="declaration_exists")
        declaration = ConversionDeclaration(
            project=locked,
            unit=unit,
            kind=kind_value,
            counterparty=party,
            signed_on=day,
            amount=value,
            registration_number=registration or "",
            note=note_text or "",
            created_by=actor,
        )
        assert contract_doc is not None
        declaration.contract_file.save(contract_doc[0], contract_doc[1], save=False)
        contract_write.file = declaration.contract_file
        if certificate is not None:
            declaration.certificate_file.save(certificate[0], certificate[1], save=False)
            certificate_write.file = declaration.certificate_file
        try:
            with transaction.atomic():
                declaration.save()
        except IntegrityError as exc:
            raise Conflict("该项目已有审核中或已认可的平台外转化申报，不能重复申报", code="declaration_exists") from exc
        workflow.record(
            DECLARATION,
            declaration,
            DeclarationEventType.SUBMIT,
            actor=actor,
            reason=f"申报平台外{declaration.get_kind_display()}：{party}",
            from_status="",
        )
        department = _department(unit)
        notify(
            recipients=_members(department),
            kind="inclusion.declaration_submitted",
            title=f"平台外转化申报待审核：{project.title}",
            body=f"{unit.name}申报项目 {project.number} 已在平台外{declaration.get_kind_display()}（{day:%Y-%m-%d} 签订），请核对证明材料后审核。",
            url=declaration_url(declaration),
        )
        contract_write.kept = True
        certificate_write.kept = certificate is not None
    return declaration


def _missing_date() -> dt.date:
    raise DomainError("请填写合同签订日期", code="validation_failed", field_errors={"signed_on": ["请填写合同签订日期"]})


def declaration_url(declaration: ConversionDeclaration) -> str:
    return reverse("inclusion:declaration_detail", args=[declaration.pk])


def _tell_unit(kind: str, title: str, body: str) -> Any:
    def notice(declaration: ConversionDeclaration) -> None:
        notify(recipients=_members(declaration.unit), kind=kind, title=title, body=body, url=declaration_url(declaration))

    return notice


def declaration_accept(*, actor: Actor, declaration: ConversionDeclaration, reason: object = "") -> ConversionDeclaration:
    """The unit's department accepts the declaration: the project leaves the sweep."""
    text = clean_reason(reason, label="审核意见", required=False)
    project = declaration.project
    return workflow.move(
        DECLARATION,
        declaration,
        "accept",
        actor=actor,
        reason=text or "证明材料核对无误",
        also={"reviewed_by": actor, "reviewed_at": timezone.now(), "review_reason": text},
        notices=[
            _tell_unit(
                "inclusion.declaration_accepted",
                f"平台外转化申报已认可：{project.title}",
                f"项目 {project.number} 的平台外转化申报已经主管部门认可，该项目不再自动纳入。",
            )
        ],
    )


def declaration_return(*, actor: Actor, declaration: ConversionDeclaration, reason: object) -> ConversionDeclaration:
    """The department returns the declaration with its reasons; the project stays in the sweep."""
    text = clean_reason(reason, label="退回理由")
    project = declaration.project
    return workflow.move(
        DECLARATION,
        declaration,
        "return",
        actor=actor,
        reason=text,
        also={"reviewed_by": actor, "reviewed_at": timezone.now(), "review_reason": text},
        notices=[
            _tell_unit(
                "inclusion.declaration_returned",
                f"平台外转化申报被退回：{project.title}",
                f"退回理由：{text}。项目验收满三年仍无转化合同的将自动纳入平台；如确已转化，请补充材料后重新申报。",
            )
        ],
    )


def declaration_withdraw(*, actor: Actor, declaration: ConversionDeclaration) -> ConversionDeclaration:
    return workflow.move(DECLARATION, declaration, "withdraw", actor=actor, reason="申报单位撤回")
