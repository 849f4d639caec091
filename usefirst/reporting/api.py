"""Annual data reporting and rectification in the open API: the same chokepoint and services as
the pages. A refusal is problem+json with its code (`report_wrong_unit`, `report_amount_negative`,
`report_after_deadline`, `report_exists`, `file_headers`, `import_rows_invalid` with its rows …)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpResponse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth
from pydantic import Field

from usefirst.accounts import roles
from usefirst.accounts.models import Organisation
from usefirst.api.auth import TokenAuth
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.errors import DomainError, Forbidden
from usefirst.core.excel import xlsx_response
from usefirst.core.pagination import DEFAULT_PAGE_SIZE, paginate
from usefirst.core.permissions import Action, get_for_user

from . import rules, selectors, services
from .models import AnnualReport, RectificationCase

router = Router(tags=["年度数据填报与整改"])
AUTH = [TokenAuth(), django_auth]


class FigureOut(Schema):
    key: str
    part: str
    label: str
    kind: str
    unit: str
    value: str
    platform: str | None = Field(description="平台统计值（该项无平台数据时为空）")
    flagged: bool = Field(description="与平台数据的差异超过容差")


class ReportOut(Schema):
    id: int
    organisation_id: int
    organisation_name: str
    year: int
    form: str
    form_display: str
    status: str
    status_display: str
    department_id: int | None
    flags: list[str]
    has_cover: bool
    has_undertaking: bool
    extended_until: dt.date | None
    deadline: dt.date | None
    submitted_at: dt.datetime | None
    review_reason: str
    countersigned_at: dt.datetime | None = Field(description="省科学技术厅复核时间（复核通过或退回）")
    countersign_reason: str = Field(description="省科学技术厅复核意见或退回理由")
    figures: list[FigureOut]

    @staticmethod
    def resolve_organisation_name(obj: AnnualReport) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_form_display(obj: AnnualReport) -> str:
        return str(obj.get_form_display())

    @staticmethod
    def resolve_status_display(obj: AnnualReport) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_has_cover(obj: AnnualReport) -> bool:
        return bool(obj.cover_file)

    @staticmethod
    def resolve_has_undertaking(obj: AnnualReport) -> bool:
        return bool(obj.undertaking_file)

    @staticmethod
    def resolve_deadline(obj: AnnualReport) -> dt.date | None:
        return rules.deadline_of(obj)

    @staticmethod
    def resolve_figures(obj: AnnualReport) -> list[dict[str, Any]]:
        return [
            {
                "key": f.spec.key,
                "part": f.spec.part,
                "label": f.spec.label,
                "kind": f.spec.kind,
                "unit": f.spec.unit,
                "value": f.value,
                "platform": f.platform,
                "flagged": f.flagged,
            }
            for _key, _label, figures in selectors.figure_rows(obj)
            for f in figures
        ]


class ReportListOut(Schema):
    count: int
    page: int
    page_size: int
    num_pages: int
    items: list[ReportOut]


class StartIn(Schema):
    year: int = Field(description="报告年度")
    organisation_id: int | None = Field(None, description="填报单位（默认当前用户所在的第一个机构）")


class ValuesIn(Schema):
    values: dict[str, str] = Field(description="字段编号 → 填报值（文本；金额按字段单位填写，如 12.5）")
    units: dict[str, str] = Field(
        default_factory=dict, description="可选：字段编号 → 所填数值的单位（元 / 万元 …），须与字段单位一致"
    )


class ReportingReasonIn(Schema):
    reason: str = ""


class ExtendIn(Schema):
    until: str = Field(description="延期至 YYYY-MM-DD（晚于截止日期）")
    reason: str


def _report(request: AuthenticatedHttpRequest, pk: int) -> AnnualReport:
    return get_for_user(AnnualReport.objects.select_related("organisation"), request.user, Action.VIEW, pk=pk)


@router.get("/reporting/reports", response=ReportListOut, auth=AUTH, summary="年度数据报告列表（本单位的，及本部门审核的）")
def report_list(
    request: AuthenticatedHttpRequest,
    year: int | None = None,
    status: str = "",
    form: str = "",
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> dict[str, Any]:
    result = paginate(selectors.reports_for(request.user, year=year, status=status, form=form), page=page, page_size=page_size)
    return {**result.__dict__}


@router.post(
    "/reporting/reports", response={201: ReportOut}, auth=AUTH, summary="开始填报某年度报告（平台数据预填；每单位每年一份）"
)
def report_create(request: AuthenticatedHttpRequest, payload: StartIn) -> Status[AnnualReport]:
    ids = roles.organisation_ids(request.user)
    org_id = payload.organisation_id or (min(ids) if ids else None)
    organisation = Organisation.objects.filter(pk=org_id).first() if org_id else None
    if organisation is None:
        raise Forbidden("只能为本单位填报年度数据", code="report_not_member")
    return Status(201, services.report_start(actor=request.user, organisation=organisation, year=payload.year))


@router.get("/reporting/reports/{pk}", response=ReportOut, auth=AUTH, summary="年度数据报告（各项填报值、平台数据与差异提示）")
def report_get(request: AuthenticatedHttpRequest, pk: int) -> AnnualReport:
    return _report(request, pk)


@router.put(
    "/reporting/reports/{pk}/values",
    response=ReportOut,
    auth=AUTH,
    summary="修改填报数据（任一项有误则全部不保存：report_amount_negative / report_wrong_unit / report_value_invalid）",
)
def report_values(request: AuthenticatedHttpRequest, pk: int, payload: ValuesIn) -> AnnualReport:
    return services.report_update(actor=request.user, report=_report(request, pk), values=payload.values, units=payload.units)


@router.post(
    "/reporting/reports/{pk}/attachments",
    response=ReportOut,
    auth=AUTH,
    summary="上传签章封面（cover_file）和/或承诺书（undertaking_file），PDF、PNG 或 JPEG",
)
def report_attachments(
    request: AuthenticatedHttpRequest,
    pk: int,
    cover_file: File[UploadedFile | None] = None,
    undertaking_file: File[UploadedFile | None] = None,
) -> AnnualReport:
    return services.report_upload(actor=request.user, report=_report(request, pk), cover=cover_file, undertaking=undertaking_file)


@router.post(
    "/reporting/reports/{pk}/import",
    response=ReportOut,
    auth=AUTH,
    summary="从 Excel 导入本报告（列：字段编号、项目、单位、填报值；有错误行时返回 422 且不保存）",
)
def report_import(request: AuthenticatedHttpRequest, pk: int, file: File[UploadedFile]) -> AnnualReport:
    return services.report_import(actor=request.user, report=_report(request, pk), upload=file)


@router.post(
    "/reporting/reports/{pk}/submit", response=ReportOut, auth=AUTH, summary="提交主管部门审核（截止日当日可提交，次日起须延期）"
)
def report_submit(request: AuthenticatedHttpRequest, pk: int) -> AnnualReport:
    return services.report_submit(actor=request.user, report=_report(request, pk))


@router.post("/reporting/reports/{pk}/accept", response=ReportOut, auth=AUTH, summary="主管部门审核通过")
def report_accept(request: AuthenticatedHttpRequest, pk: int, payload: ReportingReasonIn) -> AnnualReport:
    return services.report_accept(actor=request.user, report=_report(request, pk), reason=payload.reason)


@router.post("/reporting/reports/{pk}/return", response=ReportOut, auth=AUTH, summary="主管部门退回修改（须写理由）")
def report_return(request: AuthenticatedHttpRequest, pk: int, payload: ReportingReasonIn) -> AnnualReport:
    return services.report_return(actor=request.user, report=_report(request, pk), reason=payload.reason)


@router.post("/reporting/reports/{pk}/countersign", response=ReportOut, auth=AUTH, summary="省科学技术厅复核通过（计入全省汇总）")
def report_countersign(request: AuthenticatedHttpRequest, pk: int, payload: ReportingReasonIn) -> AnnualReport:
    return services.report_countersign(actor=request.user, report=_report(request, pk), reason=payload.reason)


@router.post("/reporting/reports/{pk}/province-return", response=ReportOut, auth=AUTH, summary="省科学技术厅复核退回（须写理由）")
def report_province_return(request: AuthenticatedHttpRequest, pk: int, payload: ReportingReasonIn) -> AnnualReport:
    return services.report_province_return(actor=request.user, report=_report(request, pk), reason=payload.reason)


@router.post("/reporting/reports/{pk}/extend", response=ReportOut, auth=AUTH, summary="主管部门准予逾期提交（延期）")
def report_extend(request: AuthenticatedHttpRequest, pk: int, payload: ExtendIn) -> AnnualReport:
    return services.report_extend(actor=request.user, report=_report(request, pk), until=payload.until, reason=payload.reason)


@router.get("/reporting/reports/{pk}/export.xlsx", auth=AUTH, summary="导出报告（Excel：年度数据及三张附表）")
def report_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    return xlsx_response(f"{report.organisation.name}_{report.year}年度数据报告.xlsx", selectors.report_workbook(report))


class TotalOut(Schema):
    key: str
    label: str
    unit: str
    total: str


class RollupOut(Schema):
    year: int
    form: str
    reports: int = Field(description="计入汇总的报告数（省科学技术厅复核通过的）")
    not_counted: int = Field(description="已提交但尚未经省科学技术厅复核通过、不计入汇总的报告数")
    totals: list[TotalOut]


@router.get(
    "/reporting/rollup", response=RollupOut, auth=AUTH, summary="年度汇总（本部门可见的、经省科学技术厅复核通过的报告的合计）"
)
def rollup(request: AuthenticatedHttpRequest, year: int, form: str = "unit") -> dict[str, Any]:
    if not roles.department_ids(request.user):
        raise Forbidden("只有主管部门可以查看年度数据报告汇总", code="not_reviewing_department")
    if form not in ("unit", "city"):
        raise DomainError("报告表应为 unit 或 city", code="validation_failed")
    data = selectors.rollup(request.user, year=year, form=form)
    from .fields import field_map

    specs = field_map(form)
    return {
        "year": year,
        "form": form,
        "reports": len(data.reports),
        "not_counted": data.not_counted,
        "totals": [
            {"key": k, "label": specs[k].label, "unit": specs[k].unit, "total": format(v, "f")} for k, v in data.totals.items()
        ],
    }


@router.get("/reporting/rollup.xlsx", auth=AUTH, summary="导出年度汇总（Excel）")
def rollup_export(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    if not roles.department_ids(request.user):
        raise Forbidden("只有主管部门可以查看年度数据报告汇总", code="not_reviewing_department")
    return xlsx_response(f"{year}年度数据报告汇总.xlsx", selectors.rollup_workbook(request.user, year=year))


class ReportBatchIn(Schema):
    year: int


class ReportBatchOut(Schema):
    imported: int
    report_ids: list[int]


@router.post(
    "/reporting/batch-import",
    response=ReportBatchOut,
    auth=AUTH,
    summary="主管部门批量导入所属单位的年度数据（一行一家单位；有错误行时返回 422 且不保存）",
)
def batch_import(request: AuthenticatedHttpRequest, payload: Form[ReportBatchIn], file: File[UploadedFile]) -> dict[str, Any]:
    done = services.reports_import_batch(actor=request.user, year=payload.year, upload=file)
    return {"imported": len(done), "report_ids": [r.pk for r in done]}


# ---------------------------------------------------------------- rectification cases


class RectificationCaseOut(Schema):
    id: int
    number: str
    unit_id: int
    unit_name: str
    opened_by_org_id: int
    title: str
    finding: str
    severity: str
    status: str
    status_display: str
    plan_due: dt.date | None
    plan: str
    verification: str
    misconduct_id: int | None
    opened_at: dt.datetime

    @staticmethod
    def resolve_unit_name(obj: RectificationCase) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_status_display(obj: RectificationCase) -> str:
        return str(obj.get_status_display())


class CaseListOut(Schema):
    count: int
    page: int
    page_size: int
    num_pages: int
    items: list[RectificationCaseOut]


class RectificationCaseIn(Schema):
    unit_id: int
    title: str
    finding: str
    severity: str = "general"
    report_id: int | None = None


class NotifyIn(Schema):
    plan_due: str = Field(description="整改方案提交期限 YYYY-MM-DD（晚于今天）")


class RectificationPlanIn(Schema):
    plan: str


class ReturnPlanIn(Schema):
    reason: str
    plan_due: str = ""


class CloseIn(Schema):
    verification: str


class ReferIn(Schema):
    period_start: str
    period_end: str
    reason: str


def _case(request: AuthenticatedHttpRequest, pk: int) -> RectificationCase:
    return get_for_user(RectificationCase.objects.select_related("unit", "opened_by_org"), request.user, Action.VIEW, pk=pk)


@router.get("/reporting/cases", response=CaseListOut, auth=AUTH, summary="整改案件列表")
def case_list(
    request: AuthenticatedHttpRequest, status: str = "", page: int = 1, page_size: int = DEFAULT_PAGE_SIZE
) -> dict[str, Any]:
    return {**paginate(selectors.cases_for(request.user, status=status), page=page, page_size=page_size).__dict__}


@router.post(
    "/reporting/cases",
    response={201: RectificationCaseOut},
    auth=AUTH,
    summary="立案整改（省科学技术厅；地市管理部门限本市单位）",
)
def case_create(request: AuthenticatedHttpRequest, payload: RectificationCaseIn) -> Status[RectificationCase]:
    unit = Organisation.objects.filter(pk=payload.unit_id).first()
    if unit is None:
        raise DomainError("请选择整改单位", code="validation_failed", field_errors={"unit_id": ["没有该单位"]})
    report = (
        get_for_user(AnnualReport.objects.all(), request.user, Action.VIEW, pk=payload.report_id) if payload.report_id else None
    )
    case = services.case_open(
        actor=request.user, unit=unit, title=payload.title, finding=payload.finding, severity=payload.severity, report=report
    )
    return Status(201, case)


@router.get("/reporting/cases/{pk}", response=RectificationCaseOut, auth=AUTH, summary="整改案件详情")
def case_get(request: AuthenticatedHttpRequest, pk: int) -> RectificationCase:
    return _case(request, pk)


@router.post("/reporting/cases/{pk}/notify", response=RectificationCaseOut, auth=AUTH, summary="通知单位整改并设定方案期限")
def case_notify(request: AuthenticatedHttpRequest, pk: int, payload: NotifyIn) -> RectificationCase:
    return services.case_notify(actor=request.user, case=_case(request, pk), plan_due=payload.plan_due)


@router.post("/reporting/cases/{pk}/plan", response=RectificationCaseOut, auth=AUTH, summary="整改单位提交整改方案")
def case_plan(request: AuthenticatedHttpRequest, pk: int, payload: RectificationPlanIn) -> RectificationCase:
    return services.case_submit_plan(actor=request.user, case=_case(request, pk), plan=payload.plan)


@router.post("/reporting/cases/{pk}/return-plan", response=RectificationCaseOut, auth=AUTH, summary="退回整改方案")
def case_return_plan(request: AuthenticatedHttpRequest, pk: int, payload: ReturnPlanIn) -> RectificationCase:
    return services.case_return_plan(
        actor=request.user, case=_case(request, pk), reason=payload.reason, plan_due=payload.plan_due
    )


@router.post("/reporting/cases/{pk}/close", response=RectificationCaseOut, auth=AUTH, summary="核验销号")
def case_close(request: AuthenticatedHttpRequest, pk: int, payload: CloseIn) -> RectificationCase:
    return services.case_close(actor=request.user, case=_case(request, pk), verification=payload.verification)


@router.post(
    "/reporting/cases/{pk}/refer", response=RectificationCaseOut, auth=AUTH, summary="严重案件移交科研失信记录（省科学技术厅）"
)
def case_refer(request: AuthenticatedHttpRequest, pk: int, payload: ReferIn) -> RectificationCase:
    return services.case_refer(
        actor=request.user,
        case=_case(request, pk),
        period_start=payload.period_start,
        period_end=payload.period_end,
        reason=payload.reason,
    )
