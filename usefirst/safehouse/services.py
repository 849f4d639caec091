"""Writes of the 安心屋 (docs/domain.md, rule 10) and of the management systems and incentives.

Deposits are append-only: `entry_deposit` adds an entry at the end of the deal's chain (the hash
of its file and of the previous entry, computed as `verify.entry_hash`), and nothing here
changes or removes an entry. The daily job signs each changed chain head with a key issued by the
platform CA (`contracts.signing`). An exemption application is refused while the dossier lacks
a step the claimed situations need, listing them."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from usefirst.accounts import roles
from usefirst.accounts.models import Organisation, User
from usefirst.contracts import signing
from usefirst.contracts.models import Contract
from usefirst.core import workflow
from usefirst.core.actors import Actor
from usefirst.core.audit import audit
from usefirst.core.dates import parse_date, today
from usefirst.core.errors import Conflict, DomainError, Forbidden
from usefirst.core.files import file_kept_only_with_its_row
from usefirst.core.money import parse_amount
from usefirst.core.text import clean_reason, clean_text, clean_title
from usefirst.core.uploads import sniff_document
from usefirst.notifications.services import notify

from . import checklist, pdf, verify
from .choices import REQUIRED_STEPS, IncentiveKind, Step
from .models import Dossier, EvidenceEntry, ExemptionApplication, HeadSignature, IncentiveSupport, ManagementSystem
from .steps import STEP_FIELDS, field_labels
from .workflows import EXEMPTION, SYSTEM, ExemptionEventType, SystemEventType

MAX_FILE_BYTES = 20 * 1024 * 1024


# ---------------------------------------------------------------- helpers


def _members(organisation: Organisation | None) -> list[User]:
    if organisation is None:
        return []
    return list(
        User.objects.filter(memberships__organisation=organisation, memberships__is_active=True, is_active=True).distinct()
    )


def _display_name(user: Actor) -> str:
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return str(full or user.get_username())


def dossier_url(dossier: Dossier) -> str:
    return reverse("safehouse:dossier", args=[dossier.contract_id])


def exemption_url(application: ExemptionApplication) -> str:
    return reverse("safehouse:exemption", args=[application.pk])


def system_url(system: ManagementSystem) -> str:
    return reverse("safehouse:system", args=[system.pk])


def _document(upload: Any, *, field: str, label: str) -> tuple[bytes, str]:
    if upload is None or not getattr(upload, "size", 0):
        message = f"请上传{label}（PDF、PNG 或 JPEG）"
        raise DomainError(message, code="safehouse_file_required", field_errors={field: [message]})
    if upload.size > MAX_FILE_BYTES:
        message = f"{label}不超过 20 MB"
        raise DomainError(message, code="safehouse_file_invalid", field_errors={field: [message]})
    data = upload.read()
    sniffed = sniff_document(data[:2048])
    if sniffed is None:
        message = f"{label}应为 PDF、PNG 或 JPEG 文件"
        raise DomainError(message, code="safehouse_file_invalid", field_errors={field: [message]})
    return data, sniffed[1]


# ---------------------------------------------------------------- the dossier and its entries


def dossier_unit(contract: Contract) -> Organisation | None:
    """The owner unit whose staff keep the deal's records: the licensor, or the unit of the
    preliminary agreement when inventors license under the simplified procedure."""
    if contract.licensor_id is not None:
        return contract.licensor
    agreement = contract.preliminary_agreement
    return agreement.licensor if agreement is not None else None


def dossier_open(*, actor: Actor, contract: Contract) -> Dossier:
    """The deal's dossier, opened on the first deposit by a member of the owner unit."""
    unit = dossier_unit(contract)
    if unit is None or not roles.is_member(actor, unit):
        raise Forbidden("只有合同许可方成果单位的工作人员可以在安心屋存证", code="not_dossier_unit")
    dossier, _ = Dossier.objects.get_or_create(contract=contract, defaults={"unit": unit, "ref": f"AXW-{contract.number}"})
    return dossier


def _clean_fields(step: str, values: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    for spec in STEP_FIELDS[step]:
        raw = values.get(spec.name, "")
        raw = "" if raw is None else str(raw).strip()
        if not raw:
            if spec.required:
                errors[spec.name] = [f"请填写{spec.label}"]
            continue
        try:
            if spec.kind == "date":
                cleaned[spec.name] = parse_date(raw, label=spec.label, field=spec.name).isoformat()
            elif spec.kind == "amount":
                cleaned[spec.name] = str(parse_amount(raw, allow_zero=True, label=spec.label))
            elif spec.kind == "choice":
                if raw not in spec.choices:
                    raise DomainError(f"请选择{spec.label}", code="validation_failed")
                cleaned[spec.name] = raw
            elif spec.kind == "long":
                cleaned[spec.name] = clean_reason(raw, field=spec.name, label=spec.label, max_chars=2000)
            else:
                cleaned[spec.name] = clean_text(raw, field=spec.name, label=spec.label, max_chars=200)
        except DomainError as exc:
            errors[spec.name] = [exc.detail]
    if step == Step.NOTICE and "notice_start" in cleaned and "notice_end" in cleaned:
        start, end = dt.date.fromisoformat(cleaned["notice_start"]), dt.date.fromisoformat(cleaned["notice_end"])
        if end < start:
            errors["notice_end"] = ["公示结束日期不能早于开始日期"]
        else:
            cleaned["period_days"] = str((end - start).days + 1)
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(f"登记事项有误：{first}", code="validation_failed", field_errors=errors)
    return cleaned


def entry_deposit(
    *, actor: Actor, contract: Contract, step: object, title: object, values: Mapping[str, Any], upload: Any
) -> EvidenceEntry:
    """Deposit one record of a decision step at the end of the deal's chain. Everything is checked
    before anything is stored; a refused deposit leaves no file and no entry."""
    unit = dossier_unit(contract)
    if unit is None or not roles.is_member(actor, unit):
        raise Forbidden("只有合同许可方成果单位的工作人员可以在安心屋存证", code="not_dossier_unit")
    step_value = str(step or "")
    if step_value not in Step.values:
        raise DomainError("请选择决策步骤", code="validation_failed", field_errors={"step": ["请选择决策步骤"]})
    name = clean_title(title, label="材料名称")
    fields = _clean_fields(step_value, values)
    data, extension = _document(upload, field="file", label="存证文件")
    file_name = f"{step_value}.{extension}"
    digest = verify.sha256_hex(data)
    dossier = dossier_open(actor=actor, contract=contract)
    with file_kept_only_with_its_row() as write, transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        last = EvidenceEntry.objects.filter(dossier=locked).order_by("-seq").first()
        entry = EvidenceEntry(
            dossier=locked,
            seq=(last.seq + 1) if last else 1,
            step=step_value,
            title=name,
            fields=fields,
            file_name=file_name,
            file_sha256=digest,
            file_size=len(data),
            deposited_by=actor,
            deposited_by_name=_display_name(actor),
            deposited_at=timezone.now().replace(microsecond=0),
            prev_hash=last.entry_hash if last else verify.GENESIS,
        )
        entry.entry_hash = verify.entry_hash(entry_record(entry))
        entry.file.save(file_name, ContentFile(data), save=False)
        write.file = entry.file
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError as exc:
            raise Conflict("卷宗刚刚有新的存证，请刷新后重试", code="stale_state") from exc
        audit(actor=actor, action="safehouse.deposit", obj=entry, dossier=locked.ref, seq=entry.seq, sha256=digest)
        write.kept = True
    return entry


def entry_record(entry: EvidenceEntry) -> dict[str, Any]:
    """The entry as the manifest carries it (and as its hash covers it)."""
    return {
        "seq": entry.seq,
        "step": entry.step,
        "title": entry.title,
        "fields": dict(entry.fields),
        "file_name": entry.file_name,
        "file_sha256": entry.file_sha256,
        "file_size": entry.file_size,
        "deposited_at": entry.deposited_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "deposited_by": entry.deposited_by_name,
        "prev_hash": entry.prev_hash,
    }


# ---------------------------------------------------------------- signing the head (daily job)


def heads_due(day: dt.date) -> dict[str, list[str]]:
    return {"unsigned": [d.ref for d in _unsigned_dossiers()]}


def _unsigned_dossiers() -> list[Dossier]:
    found = []
    for dossier in Dossier.objects.all().order_by("pk"):
        last = dossier.entries.order_by("-seq").values_list("seq", flat=True).first()
        signed = dossier.signatures.order_by("-seq").values_list("seq", flat=True).first()
        if last and (signed or 0) < last:
            found.append(dossier)
    return found


def heads_sign(day: dt.date) -> dict[str, int]:
    """Sign the head of every dossier with entries not yet covered by a signature."""
    counts = {"signed": 0, "no_ca": 0}
    for dossier in _unsigned_dossiers():
        try:
            head_sign(dossier)
            counts["signed"] += 1
        except signing.CaNotInitialised:
            counts["no_ca"] += 1
    return counts


def head_sign(dossier: Dossier) -> HeadSignature | None:
    """The platform signs (dossier, seq, head hash) with a single-use key its CA issues."""
    head = dossier.entries.order_by("-seq").first()
    if head is None:
        return None
    signed = signing.sign_as_platform(verify.head_message(dossier.ref, head.seq, head.entry_hash), purpose="安心屋存证链头签名")
    with transaction.atomic():
        existing: HeadSignature | None = HeadSignature.objects.filter(dossier=dossier, seq=head.seq).first()
        if existing is not None:
            return existing
        created: HeadSignature = HeadSignature.objects.create(
            dossier=dossier,
            seq=head.seq,
            head_hash=head.entry_hash,
            signature=signed.signature,
            certificate_pem=signed.certificate_pem,
            root_pem=signed.root_pem,
        )
        return created


# ---------------------------------------------------------------- the exported dossier


def dossier_manifest(dossier: Dossier, *, summary_sha256: str) -> dict[str, Any]:
    from .selectors import dossier_steps

    entries = []
    for entry in dossier.entries.order_by("seq"):
        record = entry_record(entry)
        record["entry_hash"] = entry.entry_hash
        record["path"] = f"files/{entry.seq:04d}-{entry.file_name}"
        record["step_label"] = entry.get_step_display()
        entries.append(record)
    signatures = list(dossier.signatures.order_by("seq"))
    root_pem = signatures[-1].root_pem if signatures else _current_root_pem()
    contract = dossier.contract
    return {
        "format": verify.FORMAT,
        "dossier": {
            "ref": dossier.ref,
            "contract_number": contract.number,
            "contract_title": contract.title,
            "unit": dossier.unit.name,
            "exported_at": timezone.now().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
        "required_steps": [{"code": s.value, "label": s.label} for s in REQUIRED_STEPS],
        "steps": dossier_steps(dossier),
        "entries": entries,
        "head_signatures": [
            {
                "seq": s.seq,
                "head_hash": s.head_hash,
                "signature": s.signature,
                "certificate_pem": s.certificate_pem,
                "signed_at": s.signed_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
            for s in signatures
        ],
        "trust_root_pem": root_pem,
        "exemptions": [_exemption_record(a) for a in dossier.exemptions.order_by("created_at", "pk")],
        "summary_pdf": {"path": "summary.pdf", "sha256": summary_sha256},
    }


def _current_root_pem() -> str:
    roots = signing.signing_authority().trust_roots()
    return roots[-1].public_bytes(serialization.Encoding.PEM).decode() if roots else ""


def _exemption_record(application: ExemptionApplication) -> dict[str, Any]:
    return {
        "applicant": application.applicant_name,
        "role": application.role_label,
        "situations": [s["text"] for s in application.situations],
        "status": application.get_status_display(),
        "applied_at": application.created_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "dossier_head_at_application": {"seq": application.head_seq, "hash": application.head_hash},
        "determining_department": application.determining_department.name if application.determining_department else "",
        "determined_at": application.determined_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if application.determined_at
        else "",
        "determination_reason": application.determination_reason,
    }


def _summary_pdf(dossier: Dossier) -> bytes:
    from .selectors import missing_steps

    contract = dossier.contract
    rows = []
    for entry in dossier.entries.order_by("seq"):
        labels = field_labels(entry.step)
        details = "；".join(f"{labels.get(k, k)}：{v}" for k, v in entry.fields.items())
        rows.append(
            (
                str(entry.seq),
                entry.get_step_display(),
                f"{entry.title}" + (f"（{details}）" if details else ""),
                f"{entry.deposited_by_name} {timezone.localtime(entry.deposited_at):%Y-%m-%d %H:%M}",
                entry.file_sha256,
            )
        )
    missing = missing_steps(dossier)
    notes = [
        "完整性：缺少决策步骤：" + "、".join(missing)
        if missing
        else "完整性：定价依据、价格公示、内部决策、利益冲突申报均已存证。",
    ]
    for application in dossier.exemptions.order_by("created_at", "pk"):
        line = f"尽职免责申请：{application.applicant_name}（{application.role_label}），{application.get_status_display()}"
        if application.determination_reason:
            name = application.determining_department.name if application.determining_department else ""
            line += f"；{name}认定理由：{application.determination_reason}"
        notes.append(line)
    notes.append(
        "核验：解压后运行 python verify.py 本卷宗.zip（需 Python 3 与 cryptography），逐条核对文件哈希、哈希链与平台签名。"
    )
    return pdf.render_summary(
        title=f"安心屋卷宗摘要 {dossier.ref}",
        facts=[
            ("合同", f"{contract.number} {contract.title}"),
            ("成果单位", dossier.unit.name),
            ("导出时间", f"{timezone.localtime():%Y-%m-%d %H:%M}"),
            ("存证条目", f"{len(rows)} 条"),
        ],
        rows=rows,
        notes=notes,
    )


def dossier_export(*, actor: Actor, dossier: Dossier) -> bytes:
    """The dossier as a zip: summary.pdf, the files, manifest.json, verify.py and a README."""
    summary = _summary_pdf(dossier)
    manifest = dossier_manifest(dossier, summary_sha256=verify.sha256_hex(summary))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        archive.writestr("summary.pdf", summary)
        for entry in dossier.entries.order_by("seq"):
            with entry.file.open("rb") as handle:
                archive.writestr(f"files/{entry.seq:04d}-{entry.file_name}", handle.read())
        archive.writestr("verify.py", Path(verify.__file__).read_text(encoding="utf-8"))
        archive.writestr(
            "README.txt",
            "安心屋卷宗\n\n离线核验：python verify.py 本文件.zip [--root 平台根证书.pem]\n"
            "需要 Python 3.11 以上与 cryptography 库，不需要联网。\n"
            "退出码 0：完整且未被改动；1：被改动或无法核验（列出条目）；2：未被改动但缺少决策步骤。\n",
        )
    audit(actor=actor, action="safehouse.export", obj=dossier, entries=len(manifest["entries"]))
    return buffer.getvalue()


# ---------------------------------------------------------------- exemption applications


def exemption_apply(
    *, actor: Actor, dossier: Dossier, role: object, situations: list[str], statement: object
) -> ExemptionApplication:
    """A member of the unit applies for a due-diligence exemption on the deal, naming the situations
    of their role; refused, listing them, while the dossier lacks a step those situations need."""
    from .selectors import present_steps

    if not roles.is_member(actor, dossier.unit):
        raise Forbidden("只有本单位工作人员可以就本合同申请尽职免责", code="not_dossier_unit")
    role_value = str(role or "")
    found_role = checklist.BY_CODE.get(role_value)
    if found_role is None:
        raise DomainError("请选择申请人身份", code="validation_failed", field_errors={"role": ["请选择申请人身份"]})
    chosen = [checklist.situation(role_value, code) for code in dict.fromkeys(situations)]
    if not chosen or any(s is None for s in chosen):
        message = f"请勾选{found_role.label}适用的免责情形"
        raise DomainError(message, code="validation_failed", field_errors={"situations": [message]})
    text = clean_reason(statement, field="statement", label="情况说明", max_chars=4000)
    present = present_steps(dossier)
    needed: list[Step] = []
    for item in chosen:
        assert item is not None
        needed.extend(s for s in item.requires if s not in needed)
    missing = [s.label for s in needed if s not in present]
    if missing:
        raise Conflict(
            "卷宗缺少以下决策步骤的存证，不能申请尽职免责：" + "、".join(missing),
            code="safehouse_steps_missing",
        )
    with transaction.atomic():
        head = EvidenceEntry.objects.filter(dossier=dossier).order_by("-seq").first()
        assert head is not None
        try:
            with transaction.atomic():
                application = ExemptionApplication.objects.create(
                    dossier=dossier,
                    applicant=actor,
                    applicant_name=_display_name(actor),
                    role=role_value,
                    role_label=found_role.label,
                    situations=[{"code": s.code, "text": s.text} for s in chosen if s is not None],
                    statement=text,
                    head_seq=head.seq,
                    head_hash=head.entry_hash,
                )
        except IntegrityError as exc:
            raise Conflict("您就本合同已有待认定的免责申请", code="exemption_pending") from exc
        workflow.record(EXEMPTION, application, ExemptionEventType.APPLY, actor=actor, reason=text[:200], from_status="")
        department = dossier.unit.reviewing_department or roles.reviewing_department(dossier.unit)
        notify(
            recipients=_members(department),
            kind="safehouse.exemption_applied",
            title=f"尽职免责申请待认定：{dossier.contract.title}",
            body=f"{dossier.unit.name} {application.applicant_name}（{found_role.label}）申请尽职免责认定。",
            url=exemption_url(application),
        )
    return application


def _tell_applicant(title: str, body: str) -> Any:
    def notice(application: ExemptionApplication) -> None:
        notify(
            recipients=[application.applicant],
            kind="safehouse.exemption_determined",
            title=title,
            body=body,
            url=exemption_url(application),
        )

    return notice


def _department_of(actor: Actor, unit: Organisation) -> Organisation | None:
    mine = roles.department_ids(actor)
    department = unit.reviewing_department
    if department is not None and department.pk in mine:
        return department
    return Organisation.objects.filter(pk__in=mine).order_by("pk").first()


def exemption_determine(*, actor: Actor, application: ExemptionApplication, exempt: bool, reason: object) -> ExemptionApplication:
    """The sector or provincial department determines the application, always with reasons."""
    text = clean_reason(reason, label="认定理由")
    name = "exempt" if exempt else "refuse"
    verdict = "认定免责" if exempt else "认定不予免责"
    return workflow.move(
        EXEMPTION,
        application,
        name,
        actor=actor,
        reason=text,
        also={
            "determined_by": actor,
            "determined_at": timezone.now(),
            "determination_reason": text,
            "determining_department": _department_of(actor, application.dossier.unit),
        },
        notices=[_tell_applicant(f"尽职免责申请已{verdict}", f"认定理由：{text}")],
    )


def exemption_withdraw(*, actor: Actor, application: ExemptionApplication) -> ExemptionApplication:
    return workflow.move(EXEMPTION, application, "withdraw", actor=actor, reason="申请人撤回")


# ---------------------------------------------------------------- management systems and incentives


def system_file(*, actor: Actor, unit: Organisation, title: object, effective_from: object, document: Any) -> ManagementSystem:
    """A unit files its 先用后转 management system for its department to approve."""
    if not roles.is_member(actor, unit) or not unit.is_owner_unit_kind:
        raise Forbidden("只有成果单位的工作人员可以报送本单位的配套管理制度", code="not_dossier_unit")
    errors: dict[str, list[str]] = {}
    name, day, doc = "", None, None
    try:
        name = clean_title(title, label="制度名称")
    except DomainError as exc:
        errors["title"] = [exc.detail]
    try:
        day = parse_date(effective_from, label="施行日期", field="effective_from")
    except DomainError as exc:
        errors["effective_from"] = [exc.detail]
    try:
        doc = _document(document, field="document", label="制度文件")
    except DomainError as exc:
        errors["document"] = [exc.detail]
    if errors or day is None or doc is None:
        first = next(iter(errors.values()))[0]
        raise DomainError(f"报送信息有误：{first}", code="validation_failed", field_errors=errors)
    data, extension = doc
    with file_kept_only_with_its_row() as write, transaction.atomic():
        system = ManagementSystem(
            unit=unit, title=name, effective_from=day, filed_by=actor, document_sha256=verify.sha256_hex(data)
        )
        system.document.save(f"system.{extension}", ContentFile(data), save=False)
        write.file = system.document
        system.save()
        workflow.record(SYSTEM, system, SystemEventType.FILE, actor=actor, reason=str(name), from_status="")
        notify(
            recipients=_members(unit.reviewing_department or roles.reviewing_department(unit)),
            kind="safehouse.system_filed",
            title=f"配套管理制度待审核：{unit.name}",
            body=f"{unit.name}报送了《{name}》，施行日期 {day}。",
            url=system_url(system),
        )
        write.kept = True
    return system


def _tell_unit(title: str, body: str) -> Any:
    def notice(system: ManagementSystem) -> None:
        notify(recipients=_members(system.unit), kind="safehouse.system_reviewed", title=title, body=body, url=system_url(system))

    return notice


def system_approve(*, actor: Actor, system: ManagementSystem, reason: object = "") -> ManagementSystem:
    text = clean_reason(reason, label="审核意见", required=False)
    return workflow.move(
        SYSTEM,
        system,
        "approve",
        actor=actor,
        reason=text or "审核通过",
        also={"reviewed_by": actor, "reviewed_at": timezone.now(), "review_reason": text},
        notices=[_tell_unit(f"配套管理制度已通过：{system.title}", text or "主管部门已审核通过。")],
    )


def system_return(*, actor: Actor, system: ManagementSystem, reason: object) -> ManagementSystem:
    text = clean_reason(reason, label="退回理由")
    return workflow.move(
        SYSTEM,
        system,
        "return",
        actor=actor,
        reason=text,
        also={"reviewed_by": actor, "reviewed_at": timezone.now(), "review_reason": text},
        notices=[_tell_unit(f"配套管理制度被退回：{system.title}", f"退回理由：{text}。请修改后重新报送。")],
    )


def incentive_record(
    *,
    actor: Actor,
    unit: Organisation,
    kind: object,
    year: object,
    granted_on: object,
    description: object,
    amount: object = "",
    person_name: object = "",
) -> IncentiveSupport:
    """A sector (or the provincial) department records incentive support to a unit or a person of it."""
    department = _department_of(actor, unit)
    overseen = unit.reviewing_department_id in roles.department_ids(actor)
    if department is None or not (overseen or roles.is_provincial_staff(actor)):
        raise Forbidden("只有单位的主管部门或省科技厅可以登记激励支持", code="not_reviewing_department")
    errors: dict[str, list[str]] = {}
    kind_value = str(kind or "")
    if kind_value not in IncentiveKind.values:
        errors["kind"] = ["请选择激励方式"]
    try:
        year_value = int(str(year))
        if not 2000 <= year_value <= today().year + 1:
            raise ValueError
    except ValueError:
        errors["year"] = ["请填写正确的年度"]
        year_value = 0
    values: dict[str, Any] = {}
    for field, fn in (
        ("granted_on", lambda: parse_date(granted_on, label="给予日期", field="granted_on")),
        ("description", lambda: clean_reason(description, field="description", label="说明", max_chars=2000)),
        ("person_name", lambda: clean_text(person_name, field="person_name", label="受支持个人", max_chars=60, required=False)),
        ("amount", lambda: parse_amount(amount, allow_zero=True, label="金额") if amount not in (None, "") else None),
    ):
        try:
            values[field] = fn()
        except DomainError as exc:
            errors.setdefault(field, []).append(exc.detail)
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(f"激励支持信息有误：{first}", code="validation_failed", field_errors=errors)
    amount_value: Decimal | None = values["amount"]
    with transaction.atomic():
        support = IncentiveSupport.objects.create(
            department=department,
            unit=unit,
            person_name=values["person_name"] or "",
            kind=kind_value,
            amount=amount_value,
            year=year_value,
            granted_on=values["granted_on"],
            description=values["description"],
            recorded_by=actor,
        )
        audit(actor=actor, action="safehouse.incentive_record", obj=support, unit=unit.pk, year=year_value)
    return support
