"""Auto-inclusion (rule 4) in the open API: the dry-run list of the sweep and the off-platform
conversion declarations. The same chokepoint and services as the pages; a refusal is
problem+json with its code (`declaration_evidence_required`, `sweep_date_outside_term` …)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth
from pydantic import Field

from usefirst.api.auth import TokenAuth
from usefirst.api.fields import ReasonIn
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.pagination import DEFAULT_PAGE_SIZE, paginate
from usefirst.core.permissions import Action, get_for_user
from usefirst.plan_projects.models import PlanProject

from . import selectors, services
from .models import ConversionDeclaration
from .selectors import SweepRow

router = Router(tags=["验收满三年未转化成果的自动纳入"])
AUTH = [TokenAuth(), django_auth]


class SweepQuery(Schema):
    on: str = Field("", description="统计日期（YYYY-MM-DD，须在政策有效期内）；默认今天（北京时间）")
    horizon: int = Field(selectors.DEFAULT_HORIZON_DAYS, description="预览天数（1–366，默认 90）")
    verdict: str = Field(
        "",
        description="结论：falling_due 即将或已经到期 / excluded 不纳入，或 "
        + " / ".join(f"{v} {label}" for v, label in selectors.VERDICT_FILTERS.items() if v not in ("falling_due", "excluded")),
    )
    unit: str = Field("", description="承担单位名称（包含）或统一社会信用代码")
    city: str = Field("", description="所属地市，如 广州市")
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE


class SweepRowOut(Schema):
    project_id: int
    number: str
    title: str
    unit_id: int | None
    unit_name: str
    city: str
    category: str
    acceptance_date: dt.date | None
    provincial_funding: bool
    due_on: dt.date | None = Field(description="应纳入日期：验收满三年的次日")
    verdict: str
    verdict_label: str
    reason: str = Field(description="结论的原因（中文）")
    inclusion_id: int | None
    achievement_id: int | None
    declaration_id: int | None


class SweepListOut(Schema):
    on: dt.date
    horizon: int
    count: int
    page: int
    page_size: int
    num_pages: int
    items: list[SweepRowOut]


def _row(r: SweepRow) -> dict[str, Any]:
    p = r.project
    return {
        "project_id": p.pk,
        "number": p.number,
        "title": p.title,
        "unit_id": p.unit_id,
        "unit_name": p.unit_name,
        "city": p.city,
        "category": p.category,
        "acceptance_date": p.acceptance_date,
        "provincial_funding": p.provincial_funding,
        "due_on": r.due_on,
        "verdict": r.verdict,
        "verdict_label": r.verdict_label,
        "reason": r.reason,
        "inclusion_id": r.inclusion.pk if r.inclusion else None,
        "achievement_id": r.inclusion.achievement_id if r.inclusion else None,
        "declaration_id": r.declaration.pk if r.declaration else None,
    }


@router.get(
    "/inclusion/sweep",
    response=SweepListOut,
    auth=AUTH,
    summary="自动纳入预览：统计日期起若干天内将纳入的项目，及其他项目不纳入的原因（只读）",
)
def sweep_list(request: AuthenticatedHttpRequest, query: Query[SweepQuery]) -> dict[str, Any]:
    filters = selectors.parse_sweep_filters(query.dict(exclude={"page", "page_size"}))
    rows = selectors.sweep_report(request.user, filters)
    page = paginate(rows, page=query.page, page_size=query.page_size)
    return {**page.__dict__, "items": [_row(r) for r in page.items], "on": filters.on, "horizon": filters.horizon}


class DeclarationIn(Schema):
    kind: str = Field(description="transfer 技术转让 / licence 技术许可 / equity 作价投资 / development 技术开发 / other 其他")
    counterparty: str = Field(description="受让方 / 被许可方")
    signed_on: str = Field(description="合同签订日期 YYYY-MM-DD，不晚于今天")
    amount: str = Field("", description="合同金额（元，两位小数，可空）")
    registration_number: str = ""
    note: str = ""


class DeclarationOut(Schema):
    id: int
    project_id: int
    project_number: str
    unit_id: int
    kind: str
    kind_label: str
    counterparty: str
    signed_on: dt.date
    amount: Decimal | None
    registration_number: str
    status: str
    status_label: str
    has_certificate: bool
    created_at: dt.datetime
    reviewed_at: dt.datetime | None
    review_reason: str

    @staticmethod
    def resolve_project_number(obj: ConversionDeclaration) -> str:
        return obj.project.number

    @staticmethod
    def resolve_kind_label(obj: ConversionDeclaration) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj: ConversionDeclaration) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_has_certificate(obj: ConversionDeclaration) -> bool:
        return bool(obj.certificate_file)


class DeclarationListOut(Schema):
    count: int
    page: int
    page_size: int
    num_pages: int
    items: list[DeclarationOut]


@router.post(
    "/plan-projects/{pk}/conversion-declarations",
    response={201: DeclarationOut},
    auth=AUTH,
    summary="申报平台外转化（multipart：表单字段见下，文件字段 contract_file 必传、certificate_file 可选）",
    description="转化合同缺失时返回 declaration_evidence_required；文件不是 PDF、PNG 或 JPEG 时返回 "
    "declaration_evidence_invalid；任何错误下申报与文件均不保存。",
)
def declaration_create(
    request: AuthenticatedHttpRequest,
    pk: int,
    payload: Form[DeclarationIn],
    contract_file: File[UploadedFile | None] = None,
    certificate_file: File[UploadedFile | None] = None,
) -> Status[ConversionDeclaration]:
    project = get_for_user(PlanProject.objects.select_related("unit"), request.user, Action.VIEW, pk=pk)
    declaration = services.declaration_submit(
        actor=request.user,
        project=project,
        contract_file=contract_file,
        certificate_file=certificate_file,
        **payload.dict(),
    )
    return Status(201, declaration)


@router.get("/conversion-declarations", response=DeclarationListOut, auth=AUTH, summary="平台外转化申报列表")
def declaration_list(
    request: AuthenticatedHttpRequest, status: str = "", page: int = 1, page_size: int = DEFAULT_PAGE_SIZE
) -> dict[str, Any]:
    result = paginate(selectors.declarations_for(request.user, status=status), page=page, page_size=page_size)
    return {**result.__dict__}


def _declaration(request: AuthenticatedHttpRequest, pk: int) -> ConversionDeclaration:
    return get_for_user(ConversionDeclaration.objects.select_related("project", "unit"), request.user, Action.VIEW, pk=pk)


@router.get("/conversion-declarations/{pk}", response=DeclarationOut, auth=AUTH, summary="平台外转化申报详情")
def declaration_get(request: AuthenticatedHttpRequest, pk: int) -> ConversionDeclaration:
    return _declaration(request, pk)


@router.post(
    "/conversion-declarations/{pk}/accept", response=DeclarationOut, auth=AUTH, summary="主管部门认可申报（项目不再自动纳入）"
)
def declaration_accept(request: AuthenticatedHttpRequest, pk: int, payload: ReasonIn) -> ConversionDeclaration:
    return services.declaration_accept(actor=request.user, declaration=_declaration(request, pk), reason=payload.reason)


@router.post("/conversion-declarations/{pk}/return", response=DeclarationOut, auth=AUTH, summary="主管部门退回申报（须写理由）")
def declaration_return(request: AuthenticatedHttpRequest, pk: int, payload: ReasonIn) -> ConversionDeclaration:
    return services.declaration_return(actor=request.user, declaration=_declaration(request, pk), reason=payload.reason)


@router.post("/conversion-declarations/{pk}/withdraw", response=DeclarationOut, auth=AUTH, summary="申报单位撤回审核中的申报")
def declaration_withdraw(request: AuthenticatedHttpRequest, pk: int) -> ConversionDeclaration:
    return services.declaration_withdraw(actor=request.user, declaration=_declaration(request, pk))
