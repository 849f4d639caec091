"""The 安心屋 (rule 10) and the management systems in the open API: the same chokepoint and
services as the pages; refusals are problem+json (`safehouse_steps_missing`, `not_dossier_unit` …)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpResponse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth
from pydantic import Field

from usefirst.accounts.models import Organisation
from usefirst.api.auth import TokenAuth
from usefirst.contracts.selectors import visible_contracts
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.errors import DomainError
from usefirst.core.pagination import DEFAULT_PAGE_SIZE, paginate
from usefirst.core.permissions import Action, get_for_user

from . import selectors, services
from .models import Dossier, EvidenceEntry, ExemptionApplication, IncentiveSupport, ManagementSystem

router = Router(tags=["安心屋与尽职免责"])
AUTH = [TokenAuth(), django_auth]


class EvidenceEntryOut(Schema):
    seq: int
    step: str
    step_display: str
    title: str
    fields: dict[str, str]
    file_sha256: str
    file_size: int
    deposited_by: str
    deposited_at: dt.datetime
    prev_hash: str
    entry_hash: str

    @staticmethod
    def resolve_step_display(obj: EvidenceEntry) -> str:
        return str(obj.get_step_display())

    @staticmethod
    def resolve_deposited_by(obj: EvidenceEntry) -> str:
        return obj.deposited_by_name


class DossierStepOut(Schema):
    code: str
    label: str
    done: bool


class DossierOut(Schema):
    contract_id: int
    ref: str
    unit: str
    steps: list[DossierStepOut]
    missing_steps: list[str] = Field(description="尚未存证的决策步骤（中文）")
    problems: list[str] = Field(description="服务器端重新核验发现的问题（文件或哈希链）")
    signed_through: int = Field(description="平台已签名至第几条")
    entries: list[EvidenceEntryOut]


def _dossier(request: AuthenticatedHttpRequest, contract_id: int, action: Action = Action.VIEW) -> Dossier:
    return get_for_user(Dossier.objects.select_related("contract", "unit"), request.user, action, contract_id=contract_id)


@router.get(
    "/safehouse/contracts/{contract_id}", response=DossierOut, auth=AUTH, summary="合同的安心屋卷宗：决策步骤、存证条目与核验结果"
)
def dossier_get(request: AuthenticatedHttpRequest, contract_id: int) -> dict[str, Any]:
    found = _dossier(request, contract_id)
    last = found.signatures.order_by("-seq").first()
    return {
        "contract_id": found.contract_id,
        "ref": found.ref,
        "unit": found.unit.name,
        "steps": selectors.dossier_steps(found),
        "missing_steps": selectors.missing_steps(found),
        "problems": selectors.chain_problems(found),
        "signed_through": last.seq if last else 0,
        "entries": list(found.entries.order_by("seq")),
    }


class EntryIn(Schema):
    step: str = Field(description="valuation 定价依据 / notice 价格公示 / decision 内部决策 / conflict 利益冲突申报 / other 其他")
    title: str = Field(description="材料名称")
    fields: str = Field("{}", description="登记事项，JSON 对象（各步骤的字段见 docs/safehouse.md）")


@router.post(
    "/safehouse/contracts/{contract_id}/entries",
    response={201: EvidenceEntryOut},
    auth=AUTH,
    summary="存证一条决策材料（multipart：file 为 PDF、PNG 或 JPEG）；只能追加",
)
def entry_create(
    request: AuthenticatedHttpRequest, contract_id: int, payload: Form[EntryIn], file: File[UploadedFile | None] = None
) -> Status[EvidenceEntry]:
    contract = visible_contracts(request.user).filter(pk=contract_id).first()
    if contract is None:
        raise Http404("没有该合同")
    try:
        values = json.loads(payload.fields or "{}")
        if not isinstance(values, dict):
            raise ValueError
    except ValueError as exc:
        raise DomainError("fields 须为 JSON 对象", code="validation_failed", status=422) from exc
    entry = services.entry_deposit(
        actor=request.user, contract=contract, step=payload.step, title=payload.title, values=values, upload=file
    )
    return Status(201, entry)


@router.get(
    "/safehouse/contracts/{contract_id}/dossier.zip",
    auth=AUTH,
    summary="导出卷宗 zip（摘要 PDF、文件、manifest.json、verify.py）",
)
def dossier_export(request: AuthenticatedHttpRequest, contract_id: int) -> HttpResponse:
    found = _dossier(request, contract_id, Action.HISTORY)
    response = HttpResponse(services.dossier_export(actor=request.user, dossier=found), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{found.ref}.zip"'
    return response


class ExemptionOut(Schema):
    id: int
    contract_id: int
    dossier_ref: str
    applicant: str
    role: str
    role_display: str
    situations: list[dict[str, str]]
    statement: str
    status: str
    status_display: str
    created_at: dt.datetime
    determining_department: str
    determined_at: dt.datetime | None
    determination_reason: str

    @staticmethod
    def resolve_contract_id(obj: ExemptionApplication) -> int:
        return obj.dossier.contract_id

    @staticmethod
    def resolve_dossier_ref(obj: ExemptionApplication) -> str:
        return obj.dossier.ref

    @staticmethod
    def resolve_applicant(obj: ExemptionApplication) -> str:
        return obj.applicant_name

    @staticmethod
    def resolve_role_display(obj: ExemptionApplication) -> str:
        return obj.role_label

    @staticmethod
    def resolve_status_display(obj: ExemptionApplication) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_determining_department(obj: ExemptionApplication) -> str:
        return obj.determining_department.name if obj.determining_department else ""


class ExemptionIn(Schema):
    role: str = Field(description="leader 单位领导人员 / manager 转化管理人员 / researcher 科研人员")
    situations: list[str] = Field(description="该身份下适用情形的代码（usefirst/safehouse/checklist.py）")
    statement: str


class ListOut(Schema):
    count: int
    page: int
    page_size: int
    num_pages: int


class ExemptionListOut(ListOut):
    items: list[ExemptionOut]


class SafehouseReasonIn(Schema):
    reason: str = ""


@router.post(
    "/safehouse/contracts/{contract_id}/exemptions",
    response={201: ExemptionOut},
    auth=AUTH,
    summary="申请尽职免责认定；卷宗缺少所需决策步骤时返回 409 safehouse_steps_missing 并列出",
)
def exemption_create(request: AuthenticatedHttpRequest, contract_id: int, payload: ExemptionIn) -> Status[ExemptionApplication]:
    found = _dossier(request, contract_id, Action.CHANGE)
    return Status(201, services.exemption_apply(actor=request.user, dossier=found, **payload.dict()))


@router.get("/safehouse/exemptions", response=ExemptionListOut, auth=AUTH, summary="尽职免责申请列表")
def exemption_list(
    request: AuthenticatedHttpRequest, status: str = "", page: int = 1, page_size: int = DEFAULT_PAGE_SIZE
) -> dict[str, Any]:
    return {**paginate(selectors.exemptions_for(request.user, status=status), page=page, page_size=page_size).__dict__}


def _application(request: AuthenticatedHttpRequest, pk: int) -> ExemptionApplication:
    return get_for_user(ExemptionApplication.objects.select_related("dossier__unit"), request.user, Action.VIEW, pk=pk)


@router.get("/safehouse/exemptions/{pk}", response=ExemptionOut, auth=AUTH, summary="尽职免责申请详情")
def exemption_get(request: AuthenticatedHttpRequest, pk: int) -> ExemptionApplication:
    return _application(request, pk)


@router.post("/safehouse/exemptions/{pk}/exempt", response=ExemptionOut, auth=AUTH, summary="认定免责（须写理由）")
def exemption_exempt(request: AuthenticatedHttpRequest, pk: int, payload: SafehouseReasonIn) -> ExemptionApplication:
    return services.exemption_determine(
        actor=request.user, application=_application(request, pk), exempt=True, reason=payload.reason
    )


@router.post("/safehouse/exemptions/{pk}/refuse", response=ExemptionOut, auth=AUTH, summary="认定不予免责（须写理由）")
def exemption_refuse(request: AuthenticatedHttpRequest, pk: int, payload: SafehouseReasonIn) -> ExemptionApplication:
    return services.exemption_determine(
        actor=request.user, application=_application(request, pk), exempt=False, reason=payload.reason
    )


@router.post("/safehouse/exemptions/{pk}/withdraw", response=ExemptionOut, auth=AUTH, summary="申请人撤回待认定的申请")
def exemption_withdraw(request: AuthenticatedHttpRequest, pk: int) -> ExemptionApplication:
    return services.exemption_withdraw(actor=request.user, application=_application(request, pk))


class SystemOut(Schema):
    id: int
    unit_id: int
    unit: str
    title: str
    effective_from: dt.date
    document_sha256: str
    status: str
    status_display: str
    filed_at: dt.datetime
    reviewed_at: dt.datetime | None
    review_reason: str

    @staticmethod
    def resolve_unit(obj: ManagementSystem) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_status_display(obj: ManagementSystem) -> str:
        return str(obj.get_status_display())


class SystemListOut(ListOut):
    items: list[SystemOut]


class SystemIn(Schema):
    unit_id: int
    title: str
    effective_from: str = Field(description="施行日期 YYYY-MM-DD")


@router.get("/safehouse/management-systems", response=SystemListOut, auth=AUTH, summary="先用后转配套管理制度列表")
def system_list(
    request: AuthenticatedHttpRequest, status: str = "", page: int = 1, page_size: int = DEFAULT_PAGE_SIZE
) -> dict[str, Any]:
    return {**paginate(selectors.systems_for(request.user, status=status), page=page, page_size=page_size).__dict__}


@router.post(
    "/safehouse/management-systems",
    response={201: SystemOut},
    auth=AUTH,
    summary="报送配套管理制度（multipart：document 为制度文件）",
)
def system_create(
    request: AuthenticatedHttpRequest, payload: Form[SystemIn], document: File[UploadedFile | None] = None
) -> Status[ManagementSystem]:
    unit = Organisation.objects.filter(pk=payload.unit_id).first()
    if unit is None:
        raise Http404("没有该单位")
    return Status(
        201,
        services.system_file(
            actor=request.user, unit=unit, title=payload.title, effective_from=payload.effective_from, document=document
        ),
    )


def _system(request: AuthenticatedHttpRequest, pk: int) -> ManagementSystem:
    return get_for_user(ManagementSystem.objects.select_related("unit"), request.user, Action.VIEW, pk=pk)


@router.post("/safehouse/management-systems/{pk}/approve", response=SystemOut, auth=AUTH, summary="主管部门审核通过")
def system_approve(request: AuthenticatedHttpRequest, pk: int, payload: SafehouseReasonIn) -> ManagementSystem:
    return services.system_approve(actor=request.user, system=_system(request, pk), reason=payload.reason)


@router.post("/safehouse/management-systems/{pk}/return", response=SystemOut, auth=AUTH, summary="主管部门退回（须写理由）")
def system_return(request: AuthenticatedHttpRequest, pk: int, payload: SafehouseReasonIn) -> ManagementSystem:
    return services.system_return(actor=request.user, system=_system(request, pk), reason=payload.reason)


class IncentiveOut(Schema):
    id: int
    unit_id: int
    department_id: int
    person_name: str
    kind: str
    kind_display: str
    amount: Decimal | None
    year: int
    granted_on: dt.date
    description: str

    @staticmethod
    def resolve_kind_display(obj: IncentiveSupport) -> str:
        return str(obj.get_kind_display())


class IncentiveListOut(ListOut):
    items: list[IncentiveOut]


class IncentiveIn(Schema):
    unit_id: int
    kind: str = Field(description="funding / reward / title / quota / other")
    year: int
    granted_on: str
    description: str
    amount: str = ""
    person_name: str = ""


@router.get("/safehouse/incentives", response=IncentiveListOut, auth=AUTH, summary="激励支持列表")
def incentive_list(request: AuthenticatedHttpRequest, page: int = 1, page_size: int = DEFAULT_PAGE_SIZE) -> dict[str, Any]:
    return {**paginate(selectors.incentives_visible(request.user), page=page, page_size=page_size).__dict__}


@router.post("/safehouse/incentives", response={201: IncentiveOut}, auth=AUTH, summary="主管部门登记激励支持")
def incentive_create(request: AuthenticatedHttpRequest, payload: IncentiveIn) -> Status[IncentiveSupport]:
    unit = Organisation.objects.filter(pk=payload.unit_id).first()
    if unit is None:
        raise Http404("没有该单位")
    data = payload.dict()
    data.pop("unit_id")
    return Status(201, services.incentive_record(actor=request.user, unit=unit, **data))
