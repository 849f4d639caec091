"""Writes of annual data reporting (年度数据填报): the filing window, starting a report (pre-filled
from the platform), editing its figures, uploading the signed cover and the undertaking,
submitting, the department's review (accept / return with reasons), the province's countersign
(accept / return with reasons) and extension, and the Excel
imports (one form; many units' forms), each all-or-nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from usefirst.accounts import roles
from usefirst.accounts.models import OWNER_UNIT_KINDS, Organisation, OrganisationKind, OrganisationStatus, User
from usefirst.core import workflow
from usefirst.core.actors import Actor
from usefirst.core.audit import audit
from usefirst.core.dates import parse_date, today
from usefirst.core.errors import Conflict, DomainError, Forbidden
from usefirst.core.excel import ImportRowsInvalid, RowError, accept_xlsx, iter_rows
from usefirst.core.files import file_kept_only_with_its_row
from usefirst.core.permissions import Action, can
from usefirst.core.text import clean_reason
from usefirst.core.uploads import sniff_document
from usefirst.notifications.services import notify
from usefirst.recognition.services import misconduct_record

from . import prefill, rules
from .choices import CaseSeverity, CaseStatus, FormKind, ReportStatus
from .fields import field_map, fields_of
from .models import AnnexRow, AnnualReport, FilingWindow, RectificationCase
from .models import ReportReminder as ReportReminderModel
from .workflows import CASE, REPORT, CaseEventType, ReportEventType

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)


def members(organisation: Organisation | None) -> list[User]:
    if organisation is None:
        return []
    return list(
        User.objects.filter(memberships__organisation=organisation, memberships__is_active=True, is_active=True).distinct()
    )


def report_url(report: AnnualReport) -> str:
    return reverse("reporting:report_detail", args=[report.pk])


def form_of(organisation: Organisation) -> str:
    """Which form an organisation files: a city department the city's, an owner unit (not an
    enterprise) the unit's; anyone else files none."""
    if organisation.kind == OrganisationKind.CITY_DEPARTMENT:
        return FormKind.CITY
    if organisation.kind in OWNER_UNIT_KINDS and organisation.kind != OrganisationKind.ENTERPRISE:
        return FormKind.UNIT
    raise Forbidden("只有成果单位（高校、科研院所、医疗卫生机构等）和地市管理部门填报年度数据", code="report_not_reporting_org")


def supervising_department(organisation: Organisation) -> Organisation | None:
    """Who reviews the report: the unit's reviewing department (as for its registration and its
    declarations); a city department reports to the province."""
    if organisation.kind == OrganisationKind.CITY_DEPARTMENT:
        return roles.provincial_department()
    return organisation.reviewing_department or roles.reviewing_department(organisation)


# ---------------------------------------------------------------- the filing window


def window_set(*, actor: Actor, year: object, opens_on: object, deadline: object) -> FilingWindow:
    """The provincial department opens (or moves) a year's filing window."""
    if not roles.is_provincial_staff(actor):
        raise Forbidden("只有省科学技术厅可以设置年度填报期", code="report_window_forbidden")
    try:
        year_value = int(str(year))
    except ValueError as exc:
        raise DomainError(
            "请填写报告年度（如 2025）", code="validation_failed", field_errors={"year": ["请填写报告年度"]}
        ) from exc
    if not 2020 <= year_value <= today().year:
        message = f"报告年度应在 2020 至 {today().year} 之间"
        raise DomainError(message, code="validation_failed", field_errors={"year": [message]})
    start = parse_date(opens_on, label="开始填报日期", field="opens_on")
    end = parse_date(deadline, label="截止日期", field="deadline")
    if end < start:
        raise DomainError(
            "截止日期不能早于开始填报日期", code="dates_out_of_order", field_errors={"deadline": ["截止日期不能早于开始填报日期"]}
        )
    with transaction.atomic():
        window, created = FilingWindow.objects.select_for_update().get_or_create(
            year=year_value, defaults={"opens_on": start, "deadline": end, "created_by": actor}
        )
        if not created:
            window.opens_on, window.deadline = start, end
            window.save(update_fields=["opens_on", "deadline"])
        audit(actor=actor, action="reporting.window_set", year=year_value, opens_on=str(start), deadline=str(end))
    return window


def open_window(year: int) -> FilingWindow | None:
    return FilingWindow.objects.filter(year=year).first()


# ---------------------------------------------------------------- a report


def report_start(*, actor: Actor, organisation: Organisation, year: int) -> AnnualReport:
    """The organisation starts its report for `year`: figures and annex lists pre-filled from the
    platform. One report per organisation and year: a second is refused (`report_exists`)."""
    if not roles.is_member(actor, organisation):
        raise Forbidden("只能为本单位填报年度数据", code="report_not_member")
    return _start(actor=actor, organisation=organisation, year=year)


def _start(*, actor: Actor, organisation: Organisation, year: int) -> AnnualReport:
    form = form_of(organisation)
    if open_window(year) is None:
        raise Conflict(f"{year} 年度的填报期尚未设置，暂不能填报", code="report_window_not_open")
    existing = AnnualReport.objects.filter(organisation=organisation, year=year).first()
    if existing is not None:
        raise Conflict(
            f"{organisation.name} {year} 年度报告已存在（{existing.get_status_display()}），同一年度只能填报一份",
            code="report_exists",
        )
    platform = prefill.platform_figures(organisation, form, year)
    values = {spec.key: platform[spec.key] for spec in fields_of(form) if spec.key in platform}
    try:
        with transaction.atomic():
            report = AnnualReport.objects.create(
                organisation=organisation,
                year=year,
                form=form,
                department=supervising_department(organisation),
                values=values,
                platform=platform,
                flags=[],
                created_by=actor,
            )
            for position, row in enumerate(prefill.annex_rows(organisation, form, year)):
                AnnexRow.objects.create(report=report, from_platform=True, position=position, **row)
            workflow.record(
                REPORT, report, ReportEventType.CREATE, actor=actor, reason=f"平台数据预填 {len(values)} 项", from_status=""
            )
    except IntegrityError as exc:  # someone started it meanwhile
        raise Conflict(f"{organisation.name} {year} 年度报告已存在，同一年度只能填报一份", code="report_exists") from exc
    return report


def _editable(actor: Actor, report: AnnualReport) -> None:
    if not can(actor, Action.CHANGE, report):
        raise Forbidden("只有填报单位可以修改年度数据报告", code="report_not_member")
    if report.status not in EDITABLE:
        raise Conflict(f"报告{report.get_status_display()}，不能修改", code="report_not_editable")


def report_update(
    *, actor: Actor, report: AnnualReport, values: dict[str, Any], units: dict[str, str] | None = None
) -> AnnualReport:
    """Change the report's figures: every value is checked first; one wrong value and nothing is saved."""
    with transaction.atomic():
        locked = AnnualReport.objects.select_for_update().get(pk=report.pk)
        _editable(actor, locked)
        parsed = rules.parse_values(locked.form, values, units=units)
        changed = sorted(k for k, v in parsed.items() if locked.values.get(k, "") != v)
        locked.values = {**locked.values, **parsed}
        locked.flags = rules.flagged_keys(locked.form, locked.values, locked.platform)
        locked.updated_at = timezone.now()
        locked.save(update_fields=["values", "flags", "updated_at"])
        if changed:
            workflow.record(
                REPORT, locked, ReportEventType.EDIT, actor=actor, reason=f"修改 {len(changed)} 项", payload={"fields": changed}
            )
    return locked


def _attachment(upload: Any, *, field: str, label: str) -> tuple[str, ContentFile[bytes]] | None:
    if upload is None or not getattr(upload, "size", 0):
        return None
    if upload.size > MAX_ATTACHMENT_BYTES:
        message = f"{label}不超过 10 MB"
        raise DomainError(message, code="report_attachment_invalid", field_errors={field: [message]})
    data = upload.read()
    sniffed = sniff_document(data[:2048])
    if sniffed is None:
        message = f"{label}应为加盖公章后的 PDF、PNG 或 JPEG 文件"
        raise DomainError(message, code="report_attachment_invalid", field_errors={field: [message]})
    return f"{field}.{sniffed[1]}", ContentFile(data)


def report_upload(*, actor: Actor, report: AnnualReport, cover: Any = None, undertaking: Any = None) -> AnnualReport:
    """Upload the signed cover and/or the undertaking (承诺书); judged by their bytes."""
    cover_doc = _attachment(cover, field="cover_file", label="签章封面")
    undertaking_doc = _attachment(undertaking, field="undertaking_file", label="承诺书")
    if cover_doc is None and undertaking_doc is None:
        raise DomainError(
            "请选择要上传的签章封面或承诺书", code="report_attachment_invalid", field_errors={"cover_file": ["请选择文件"]}
        )
    with (
        file_kept_only_with_its_row() as cover_write,
        file_kept_only_with_its_row() as undertaking_write,
        transaction.atomic(),
    ):
        locked = AnnualReport.objects.select_for_update().get(pk=report.pk)
        _editable(actor, locked)
        uploaded = []
        if cover_doc is not None:
            locked.cover_file.save(cover_doc[0], cover_doc[1], save=False)
            cover_write.file = locked.cover_file
            uploaded.append("签章封面")
        if undertaking_doc is not None:
            locked.undertaking_file.save(undertaking_doc[0], undertaking_doc[1], save=False)
            undertaking_write.file = locked.undertaking_file
            uploaded.append("承诺书")
        locked.save(update_fields=["cover_file", "undertaking_file"])
        workflow.record(REPORT, locked, ReportEventType.UPLOAD, actor=actor, reason="上传" + "、".join(uploaded))
        cover_write.kept = cover_doc is not None
        undertaking_write.kept = undertaking_doc is not None
    return locked


def report_submit(*, actor: Actor, report: AnnualReport) -> AnnualReport:
    """Submit within the filing window (or a department's extension), with the cover and the
    undertaking; the platform's figures are taken afresh and every figure beyond the tolerance is
    flagged for the reviewer."""
    current = AnnualReport.objects.get(pk=report.pk)
    platform = prefill.platform_figures(current.organisation, current.form, current.year)
    flags = rules.flagged_keys(current.form, current.values, platform)

    def tell_department(moved: AnnualReport) -> None:
        notify(
            recipients=members(moved.department),
            kind="reporting.report_submitted",
            title=f"年度数据报告待审核：{moved.organisation.name} {moved.year} 年度",
            body=f"与平台数据差异超过容差的有 {len(flags)} 项，请在审核时核对。" if flags else "各项数据与平台数据一致。",
            url=report_url(moved),
        )

    return workflow.move(
        REPORT,
        report,
        "submit",
        actor=actor,
        reason=f"差异提示 {len(flags)} 项" if flags else "",
        payload={"flags": flags},
        also={"platform": platform, "flags": flags, "submitted_at": timezone.now()},
        notices=[tell_department],
    )


def _tell_unit(kind: str, title: str, body: str) -> Any:
    def notice(report: AnnualReport) -> None:
        notify(recipients=members(report.organisation), kind=kind, title=title, body=body, url=report_url(report))

    return notice


def _tell_province(report: AnnualReport) -> None:
    notify(
        recipients=members(roles.provincial_department()),
        kind="reporting.report_countersign_due",
        title=f"年度数据报告待复核：{report.organisation.name} {report.year} 年度",
        body=f"{report.department.name if report.department else '主管部门'}已审核通过，请省科学技术厅复核。",
        url=report_url(report),
    )


def _province_is_department(report: AnnualReport) -> bool:
    return report.department is not None and report.department.kind == OrganisationKind.PROVINCIAL_DEPARTMENT


def report_accept(*, actor: Actor, report: AnnualReport, reason: object = "") -> AnnualReport:
    """The supervising department accepts: the report waits for the province's countersign
    (省科学技术厅复核). Where the province is itself the department (a city's report), its
    acceptance is the countersign too: both event rows, one transaction."""
    text = clean_reason(reason, label="审核意见", required=False)
    final = _province_is_department(report)
    with transaction.atomic():
        moved = workflow.move(
            REPORT,
            report,
            "accept",
            actor=actor,
            reason=text or "审核通过",
            also={"reviewed_by": actor, "reviewed_at": timezone.now(), "review_reason": text},
            notices=[]
            if final
            else [
                _tell_unit(
                    "reporting.report_accepted",
                    f"{report.year} 年度数据报告主管部门已审核通过",
                    (text or "主管部门已审核通过本单位的年度数据报告。") + "待省科学技术厅复核。",
                ),
                _tell_province,
            ],
        )
        if final:
            moved = report_countersign(actor=actor, report=moved, reason=text)
    report.status = moved.status
    return moved


def report_return(*, actor: Actor, report: AnnualReport, reason: object) -> AnnualReport:
    text = clean_reason(reason, label="退回理由")
    return workflow.move(
        REPORT,
        report,
        "return",
        actor=actor,
        reason=text,
        also={"reviewed_by": actor, "reviewed_at": timezone.now(), "review_reason": text},
        notices=[
            _tell_unit(
                "reporting.report_returned",
                f"{report.year} 年度数据报告被退回修改",
                f"退回理由：{text}。请修改后重新提交。",
            )
        ],
    )


def _tell_department(kind: str, title: str, body: str) -> Any:
    def notice(report: AnnualReport) -> None:
        if _province_is_department(report):
            return
        notify(recipients=members(report.department), kind=kind, title=title, body=body, url=report_url(report))

    return notice


def report_countersign(*, actor: Actor, report: AnnualReport, reason: object = "") -> AnnualReport:
    """The province countersigns (复核通过) a report its department accepted; only these count in
    the province's roll-up."""
    text = clean_reason(reason, label="复核意见", required=False)
    title = f"{report.organisation.name} {report.year} 年度数据报告省科学技术厅复核通过"
    return workflow.move(
        REPORT,
        report,
        "countersign",
        actor=actor,
        reason=text or "复核通过",
        also={"countersigned_by": actor, "countersigned_at": timezone.now(), "countersign_reason": text},
        notices=[
            _tell_unit("reporting.report_countersigned", title, text or "年度数据报告已完成审核，计入全省汇总。"),
            _tell_department("reporting.report_countersigned", title, text or "计入全省汇总。"),
        ],
    )


def report_province_return(*, actor: Actor, report: AnnualReport, reason: object) -> AnnualReport:
    """The province returns a department-accepted report to the organisation, with reasons; the
    organisation corrects it and submits it to its department again."""
    text = clean_reason(reason, label="退回理由")
    title = f"{report.organisation.name} {report.year} 年度数据报告被省科学技术厅退回修改"
    return workflow.move(
        REPORT,
        report,
        "province_return",
        actor=actor,
        reason=text,
        also={"countersigned_by": actor, "countersigned_at": timezone.now(), "countersign_reason": text},
        notices=[
            _tell_unit("reporting.report_returned", title, f"退回理由：{text}。请修改后重新提交主管部门审核。"),
            _tell_department("reporting.report_province_returned", title, f"退回理由：{text}。"),
        ],
    )


def report_extend(*, actor: Actor, report: AnnualReport, until: object, reason: object) -> AnnualReport:
    """The supervising department lets the organisation submit after the deadline, up to `until`."""
    if not can(actor, Action.REVIEW, report):
        raise Forbidden("只有填报单位的主管部门可以准予延期", code="not_reviewing_department")
    text = clean_reason(reason, label="延期理由")
    day = parse_date(until, label="延期至", field="until")
    window = open_window(report.year)
    if window is None or day <= window.deadline:
        message = f"延期日期应晚于截止日期 {window.deadline:%Y-%m-%d}" if window else "该年度尚未设置填报期"
        raise DomainError(message, code="report_extension_invalid", field_errors={"until": [message]})
    if day < today():
        message = "延期日期不能早于今天"
        raise DomainError(message, code="report_extension_invalid", field_errors={"until": [message]})
    with transaction.atomic():
        locked = AnnualReport.objects.select_for_update().get(pk=report.pk)
        if locked.status not in EDITABLE:
            raise Conflict(f"报告{locked.get_status_display()}，无需延期", code="report_not_editable")
        locked.extended_until = day
        locked.save(update_fields=["extended_until"])
        workflow.record(
            REPORT,
            locked,
            ReportEventType.EXTEND,
            actor=actor,
            reason=f"准予延期至 {day:%Y-%m-%d}：{text}",
            payload={"until": day},
        )
        _tell_unit(
            "reporting.report_extended",
            f"{locked.year} 年度数据报告准予延期至 {day:%Y-%m-%d}",
            f"主管部门准予延期：{text}",
        )(locked)
    return locked


# ---------------------------------------------------------------- Excel imports (all-or-nothing)

FORM_COLUMNS = {"字段编号": "key", "项目": "label", "单位": "unit", "填报值": "value"}


def report_import(*, actor: Actor, report: AnnualReport, upload: Any) -> AnnualReport:
    """One form from its Excel template (columns 字段编号, 项目, 单位, 填报值): every row is checked,
    each wrong row reported with its row number; any error and nothing is saved."""
    workbook = accept_xlsx(upload)
    specs = field_map(report.form)
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    for number, row in iter_rows(workbook, FORM_COLUMNS, required_headers=("字段编号", "单位", "填报值")):
        key = str(row.get("key") or "").strip()
        if key not in specs:
            errors.append(RowError(number, "字段编号", f"报告表没有字段“{key}”"))
            continue
        if key in values:
            errors.append(RowError(number, "字段编号", f"字段“{key}”重复出现"))
            continue
        unit = str(row.get("unit") or "").strip()
        try:
            values[key] = rules.parse_value(specs[key], row.get("value"), unit=unit)
        except DomainError as exc:
            errors.append(RowError(number, "填报值", exc.detail))
    if errors:
        raise ImportRowsInvalid(errors)
    updated = report_update(actor=actor, report=report, values=values)
    workflow.record(
        REPORT,
        updated,
        ReportEventType.IMPORT,
        actor=actor,
        reason=f"从 {workbook.name} 导入 {len(values)} 项",
        payload={"sha256": workbook.sha256},
    )
    return updated


CREDIT_HEADER = "统一社会信用代码"


def batch_columns(form: str) -> dict[str, str]:
    return {CREDIT_HEADER: "__credit_code__", "单位名称": "__name__", **{s.heading: s.key for s in fields_of(form)}}


def reports_import_batch(*, actor: Actor, year: int, upload: Any, form: str = FormKind.UNIT) -> list[AnnualReport]:
    """Many units' forms in one workbook (one row per unit, one column per field, headed with its
    unit): by a department for the units it supervises. Every row is checked before anything is
    written; any error and no report is created or changed."""
    departments = roles.department_ids(actor)
    if not departments:
        raise Forbidden("只有主管部门可以批量导入所属单位的年度数据", code="not_reviewing_department")
    if open_window(year) is None:
        raise Conflict(f"{year} 年度的填报期尚未设置，暂不能填报", code="report_window_not_open")
    workbook = accept_xlsx(upload)
    specs = fields_of(form)
    columns = batch_columns(form)
    required = [CREDIT_HEADER, *(s.heading for s in specs)]
    provincial = roles.is_provincial_staff(actor)
    planned: list[tuple[Organisation, dict[str, str]]] = []
    errors: list[RowError] = []
    seen: set[int] = set()
    for number, row in iter_rows(workbook, columns, required_headers=required):
        code = str(row.get("__credit_code__") or "").strip().upper()
        organisation = Organisation.objects.filter(credit_code=code, status=OrganisationStatus.ACTIVE).first()
        if organisation is None:
            errors.append(RowError(number, CREDIT_HEADER, f"平台上没有统一社会信用代码为“{code}”的已认证单位"))
            continue
        department = supervising_department(organisation)
        if not provincial and (department is None or department.pk not in departments):
            errors.append(RowError(number, CREDIT_HEADER, f"{organisation.name}不是本部门主管的单位"))
            continue
        try:
            if form_of(organisation) != form:
                raise Forbidden("该单位不填报此报告表", code="report_not_reporting_org")
        except DomainError as exc:
            errors.append(RowError(number, CREDIT_HEADER, f"{organisation.name}：{exc.detail}"))
            continue
        if organisation.pk in seen:
            errors.append(RowError(number, CREDIT_HEADER, f"{organisation.name}在文件中重复出现"))
            continue
        seen.add(organisation.pk)
        existing = AnnualReport.objects.filter(organisation=organisation, year=year).first()
        if existing is not None and existing.status not in EDITABLE:
            errors.append(
                RowError(number, CREDIT_HEADER, f"{organisation.name} {year} 年度报告{existing.get_status_display()}，不能覆盖")
            )
            continue
        values: dict[str, str] = {}
        for spec in specs:
            try:
                values[spec.key] = rules.parse_value(spec, row.get(spec.key))
            except DomainError as exc:
                errors.append(RowError(number, spec.heading, exc.detail))
        planned.append((organisation, values))
    if errors:
        raise ImportRowsInvalid(errors)
    done: list[AnnualReport] = []
    with transaction.atomic():
        for organisation, values in planned:
            report = AnnualReport.objects.filter(organisation=organisation, year=year).first()
            if report is None:
                report = _start(actor=actor, organisation=organisation, year=year)
            locked = AnnualReport.objects.select_for_update().get(pk=report.pk)
            if locked.status not in EDITABLE:  # moved meanwhile: the whole import is undone
                raise Conflict(f"{organisation.name}的报告已提交，导入未保存，请重新导入", code="report_not_editable")
            locked.values = {**locked.values, **{k: v for k, v in values.items() if v != ""}}
            locked.flags = rules.flagged_keys(locked.form, locked.values, locked.platform)
            locked.updated_at = timezone.now()
            locked.save(update_fields=["values", "flags", "updated_at"])
            workflow.record(
                REPORT,
                locked,
                ReportEventType.IMPORT,
                actor=actor,
                reason=f"主管部门批量导入（{workbook.name}）",
                payload={"sha256": workbook.sha256},
            )
            done.append(locked)
    return done


def report_deadline(report: AnnualReport) -> dt.date | None:
    return rules.deadline_of(report)


def as_decimal(text: str | None) -> Decimal | None:
    return Decimal(text) if text not in (None, "") else None


# ---------------------------------------------------------------- rectification cases (整改)


def case_url(case: RectificationCase) -> str:
    return reverse("reporting:case_detail", args=[case.pk])


def _opener_of(actor: Actor, unit: Organisation) -> Organisation:
    """The department that opens a case against `unit`: the province for any unit, a city's
    department for a unit located in its city."""
    if roles.is_provincial_staff(actor):
        province = roles.provincial_department()
        assert province is not None
        return province
    city = Organisation.objects.filter(
        pk__in=roles.department_ids(actor), kind=OrganisationKind.CITY_DEPARTMENT, city=unit.city
    ).first()
    if city is None:
        raise Forbidden("只有省科学技术厅和单位所在地市的管理部门可以对该单位立案整改", code="case_not_opener")
    return city


def case_open(
    *,
    actor: Actor,
    unit: Organisation,
    title: object,
    finding: object,
    severity: object = CaseSeverity.GENERAL,
    report: AnnualReport | None = None,
) -> RectificationCase:
    """A department records a deviation found at a unit (状态：已发现问题)."""
    opener = _opener_of(actor, unit)
    if unit.pk in roles.organisation_ids(actor):
        raise Forbidden("不能对本单位立案整改", code="case_not_opener")
    errors: dict[str, list[str]] = {}
    texts: dict[str, str] = {}
    for key, value, label, limit in (("title", title, "问题", 200), ("finding", finding, "发现的偏差及依据", 3000)):
        try:
            texts[key] = clean_reason(value, field=key, label=label, max_chars=limit, required_code=None)
        except DomainError as exc:
            errors.update(exc.field_errors or {key: [exc.detail]})
    level = str(severity or CaseSeverity.GENERAL)
    if level not in CaseSeverity.values:
        errors["severity"] = ["请选择严重程度"]
    if errors:
        raise DomainError("整改案件信息有误：" + next(iter(errors.values()))[0], code="validation_failed", field_errors=errors)
    with transaction.atomic():
        year = today().year
        sequence = RectificationCase.objects.filter(number__startswith=f"ZG{year}").count() + 1
        case = RectificationCase.objects.create(
            number=f"ZG{year}{sequence:04d}",
            unit=unit,
            opened_by_org=opener,
            report=report,
            title=texts["title"],
            finding=texts["finding"],
            severity=level,
            opened_by=actor,
        )
        workflow.record(CASE, case, CaseEventType.OPEN, actor=actor, reason=case.title, from_status="")
    return case


def case_notify(*, actor: Actor, case: RectificationCase, plan_due: object) -> RectificationCase:
    """Tell the unit to rectify, with the deadline of its plan (a day after today at the earliest)."""
    day = parse_date(plan_due, label="整改方案提交期限", field="plan_due")
    if day <= today():
        message = "整改方案提交期限应晚于今天"
        raise DomainError(message, code="case_due_invalid", field_errors={"plan_due": [message]})
    return workflow.move(
        CASE,
        case,
        "notify",
        actor=actor,
        reason=f"整改方案须于 {day:%Y-%m-%d} 前提交",
        payload={"plan_due": day},
        also={"plan_due": day},
        notices=[
            lambda moved: notify(
                recipients=members(moved.unit),
                kind="reporting.case_notified",
                title=f"整改通知：{moved.title}",
                body=f"{moved.opened_by_org.name}发现：{moved.finding}。请于 {day:%Y-%m-%d} 前提交整改方案。",
                url=case_url(moved),
            )
        ],
    )


def case_submit_plan(*, actor: Actor, case: RectificationCase, plan: object, plan_file: Any = None) -> RectificationCase:
    text = clean_reason(plan, field="plan", label="整改方案", max_chars=5000, min_chars=10, required_code=None)
    document = _attachment(plan_file, field="plan_file", label="整改方案附件")
    with file_kept_only_with_its_row() as write, transaction.atomic():
        also: dict[str, Any] = {"plan": text, "plan_submitted_at": timezone.now()}
        if document is not None:
            case.plan_file.save(document[0], document[1], save=False)
            write.file = case.plan_file
            also["plan_file"] = case.plan_file.name
        moved = workflow.move(
            CASE,
            case,
            "submit_plan",
            actor=actor,
            reason=text[:200],
            also=also,
            notices=[
                lambda moved: notify(
                    recipients=members(moved.opened_by_org),
                    kind="reporting.case_plan_submitted",
                    title=f"整改方案待核验：{moved.unit.name}",
                    body=moved.title,
                    url=case_url(moved),
                )
            ],
        )
        write.kept = document is not None
    return moved


def case_return_plan(*, actor: Actor, case: RectificationCase, reason: object, plan_due: object = "") -> RectificationCase:
    text = clean_reason(reason, label="退回理由")
    also: dict[str, Any] = {"verification": text}
    if plan_due:
        day = parse_date(plan_due, label="新的提交期限", field="plan_due")
        if day <= today():
            message = "新的提交期限应晚于今天"
            raise DomainError(message, code="case_due_invalid", field_errors={"plan_due": [message]})
        also["plan_due"] = day
    return workflow.move(
        CASE,
        case,
        "return_plan",
        actor=actor,
        reason=text,
        also={**also, "reminded_on": None},
        notices=[
            lambda moved: notify(
                recipients=members(moved.unit),
                kind="reporting.case_plan_returned",
                title=f"整改方案被退回：{moved.title}",
                body=f"退回理由：{text}。请于 {moved.plan_due:%Y-%m-%d} 前重新提交。" if moved.plan_due else text,
                url=case_url(moved),
            )
        ],
    )


def case_close(*, actor: Actor, case: RectificationCase, verification: object) -> RectificationCase:
    text = clean_reason(verification, field="verification", label="核验意见")
    return workflow.move(
        CASE,
        case,
        "close",
        actor=actor,
        reason=text,
        also={"verification": text, "closed_at": timezone.now()},
        notices=[
            lambda moved: notify(
                recipients=members(moved.unit),
                kind="reporting.case_closed",
                title=f"整改已核验销号：{moved.title}",
                body=text,
                url=case_url(moved),
            )
        ],
    )


def case_refer(
    *, actor: Actor, case: RectificationCase, period_start: object, period_end: object, reason: object
) -> RectificationCase:
    """A serious case referred to the misconduct record (科研失信记录, recognition's): by the
    province, once. The record is written by recognition's own service; the case keeps the link
    and an event row."""
    if not can(actor, Action.REVIEW, case):
        raise Forbidden("只有立案部门或省科学技术厅可以处理整改案件", code="not_case_department")
    if case.severity != CaseSeverity.SERIOUS:
        raise Conflict("只有严重的整改案件可以移交科研失信记录", code="case_not_serious")
    if case.misconduct_id is not None:
        raise Conflict("该案件已移交科研失信记录", code="case_already_referred")
    if not roles.is_provincial_staff(actor):
        raise Forbidden("移交科研失信记录由省科学技术厅办理", code="case_not_opener")
    start = parse_date(period_start, label="记录期起", field="period_start")
    end = parse_date(period_end, label="记录期止", field="period_end")
    text = clean_reason(reason, label="失信行为及依据", max_chars=3000)
    with transaction.atomic():
        locked = RectificationCase.objects.select_for_update().get(pk=case.pk)
        if locked.misconduct_id is not None:
            raise Conflict("该案件已移交科研失信记录", code="case_already_referred")
        record = misconduct_record(
            actor=actor,
            organisation=locked.unit,
            period_start=start,
            period_end=end,
            reason=f"整改案件 {locked.number}：{text}",
            referral="",
        )
        locked.misconduct = record
        locked.save(update_fields=["misconduct"])
        workflow.record(
            CASE,
            locked,
            CaseEventType.REFER,
            actor=actor,
            reason=text,
            payload={"misconduct": record.pk},
            from_status=locked.status,
        )
    return locked


# ---------------------------------------------------------------- reminders (the daily job)

REPORT_REMINDER_DAYS = (7, 3, 1, -1)  # days before the deadline; -1: the day after, overdue
CASE_REMINDER_DAYS = (3, -1)
REPORTING_KINDS = (
    OrganisationKind.UNIVERSITY,
    OrganisationKind.RESEARCH_INSTITUTE,
    OrganisationKind.MEDICAL_INSTITUTION,
    OrganisationKind.OTHER_UNIT,
    OrganisationKind.CITY_DEPARTMENT,
)


def reminders_due(day: dt.date) -> dict[str, list[str]]:
    """What the reminder job would send on `day` (the job's preview)."""
    reports, cases = _report_reminders(day), _case_reminders(day)
    return {
        "年度数据填报提醒": [f"{org.name}（{year} 年度，{_days(days)}）" for org, year, days in reports],
        "整改方案期限提醒": [f"{case.number} {case.unit.name}（{_days(days)}）" for case, days in cases],
    }


def _days(days: int) -> str:
    return f"距截止 {days} 天" if days >= 0 else "已逾期"


def _report_reminders(day: dt.date) -> list[tuple[Organisation, int, int]]:
    due: list[tuple[Organisation, int, int]] = []
    for window in FilingWindow.objects.filter(opens_on__lte=day, deadline__gte=day - dt.timedelta(days=1)):
        days = (window.deadline - day).days
        if days not in REPORT_REMINDER_DAYS:
            continue
        done = AnnualReport.objects.filter(year=window.year).exclude(status__in=EDITABLE)
        if days < 0:  # overdue: an organisation with an extension running is not late
            done = done | AnnualReport.objects.filter(year=window.year, extended_until__gte=day)
        done_ids = done.values_list("organisation_id", flat=True)
        sent = ReportReminderModel.objects.filter(year=window.year, days_before=days).values_list("organisation_id", flat=True)
        organisations = (
            Organisation.objects.filter(status=OrganisationStatus.ACTIVE, kind__in=[k.value for k in REPORTING_KINDS])
            .exclude(pk__in=done_ids)
            .exclude(pk__in=sent)
            .order_by("pk")
        )
        due.extend((org, window.year, days) for org in organisations)
    return due


def _case_reminders(day: dt.date) -> list[tuple[RectificationCase, int]]:
    due: list[tuple[RectificationCase, int]] = []
    for case in RectificationCase.objects.filter(
        status__in=(CaseStatus.NOTIFIED, CaseStatus.PLAN_RETURNED), plan_due__isnull=False
    ).select_related("unit"):
        assert case.plan_due is not None
        days = (case.plan_due - day).days
        if days in CASE_REMINDER_DAYS and case.reminded_on != day:
            due.append((case, days))
    return due


def send_reminders(day: dt.date) -> dict[str, int]:
    """The daily job: deadline reminders for the year's reports not yet submitted (7, 3 and 1 days
    before the deadline, and the day after), and for rectification plans (3 days before their
    deadline, and the day after). Each is marked, so a re-run sends nothing twice."""
    counts = {"reports": 0, "cases": 0}
    for organisation, year, days in _report_reminders(day):
        with transaction.atomic():
            _, created = ReportReminderModel.objects.get_or_create(
                organisation=organisation, year=year, days_before=days, defaults={"sent_on": day}
            )
            if not created:
                continue
            window = open_window(year)
            assert window is not None
            notify(
                recipients=members(organisation),
                kind="reporting.deadline_reminder",
                title=f"{year} 年度数据填报" + (f"将于 {window.deadline:%Y-%m-%d} 截止" if days >= 0 else "已逾期"),
                body=(
                    f"请在 {window.deadline:%Y-%m-%d}（含当日）前完成填报，上传签章封面和承诺书后提交主管部门审核。"
                    if days >= 0
                    else f"{year} 年度数据填报已于 {window.deadline:%Y-%m-%d} 截止，如需补报请向主管部门申请延期。"
                ),
                url=reverse("reporting:my_reports"),
            )
            counts["reports"] += 1
    for case, days in _case_reminders(day):
        with transaction.atomic():
            locked = RectificationCase.objects.select_for_update().get(pk=case.pk)
            if locked.reminded_on == day:
                continue
            locked.reminded_on = day
            locked.save(update_fields=["reminded_on"])
            workflow.record(CASE, locked, CaseEventType.REMIND, actor=None, reason=_days(days), from_status=locked.status)
            notify(
                recipients=members(locked.unit) + (members(locked.opened_by_org) if days < 0 else []),
                kind="reporting.case_reminder",
                title=f"整改方案{'即将到期' if days >= 0 else '已逾期'}：{locked.title}",
                body=f"整改方案提交期限 {locked.plan_due:%Y-%m-%d}。",
                url=case_url(locked),
            )
            counts["cases"] += 1
    return counts
