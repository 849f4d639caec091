"""Contract endpoints of the open API: listing and reading visible contracts, drafting,
signing (password re-entered), the next step, ending, and the public verification of a PDF.
Every write calls the same service as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from usefirst.api.auth import TokenAuth
from usefirst.catalog.models import Achievement
from usefirst.core import display
from usefirst.core.actors import Actor, AuthenticatedHttpRequest
from usefirst.core.dates import today
from usefirst.core.errors import NotFound
from usefirst.core.pagination import paginate
from usefirst.core.permissions import Action, get_for_user

from . import evidence, selectors, services, signing
from .models import Contract, NextStepProposal, OpenLicence

router = Router(tags=["合同"])
AUTH = [TokenAuth(), django_auth]


class ContractPartyOut(Schema):
    id: int
    role: str
    name: str
    signed: bool


class DocumentOut(Schema):
    kind: str
    kind_display: str
    sha256: str
    size: int
    signature_count: int
    issued_at: dt.datetime


class ContractOut(Schema):
    id: int
    number: str
    title: str
    kind: str
    kind_display: str
    mode: str
    mode_display: str
    status: str
    status_display: str
    template_version: int
    licensor: str
    licensor_person_id: int | None
    preliminary_agreement_id: int | None
    inventor_grant: str
    open_licence_id: int | None
    licensee: str | None
    agency: str | None
    free_use_start: dt.date | None
    free_use_end: dt.date | None
    free_use_inclusive: bool = True
    term_end: dt.date | None
    price: Decimal | None
    parent_id: int | None
    is_first_cooperation: bool
    signed_at: dt.datetime | None
    achievements: list[dict[str, Any]]
    parties: list[ContractPartyOut]
    documents: list[DocumentOut]


class ContractPageOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[ContractOut]


def _out(contract: Contract) -> dict[str, Any]:
    return {
        "id": contract.pk,
        "number": contract.number,
        "title": contract.title,
        "kind": contract.kind,
        "kind_display": display.field_label(contract, "kind"),
        "mode": contract.mode,
        "mode_display": display.field_label(contract, "mode", empty=""),
        "status": contract.status,
        "status_display": display.field_label(contract, "status"),
        "template_version": contract.template.version,
        "licensor": contract.licensor_name,
        "licensor_person_id": contract.licensor_person_id,
        "preliminary_agreement_id": contract.preliminary_agreement_id,
        "inventor_grant": contract.inventor_grant,
        "open_licence_id": contract.open_licence_id,
        "licensee": contract.licensee.name if contract.licensee else None,
        "agency": contract.agency.name if contract.agency else None,
        "free_use_start": contract.free_use_start,
        "free_use_end": contract.free_use_end,
        "term_end": contract.term_end,
        "price": contract.price,
        "parent_id": contract.parent_id,
        "is_first_cooperation": contract.is_first_cooperation,
        "signed_at": contract.signed_at,
        "achievements": [
            {"achievement_id": a.achievement_id, "title": a.achievement.title, "price_share": str(a.price_share)}
            for a in contract.achievements.select_related("achievement")
        ],
        "parties": [
            {"id": p.pk, "role": p.role, "name": p.display_name, "signed": p.signatures.exists()}
            for p in contract.parties.select_related("organisation", "person")
        ],
        "documents": [
            {
                "kind": d.kind,
                "kind_display": display.field_label(d, "kind"),
                "sha256": d.sha256,
                "size": d.size,
                "signature_count": d.signature_count,
                "issued_at": d.issued_at,
            }
            for d in contract.documents.order_by("issued_at", "id")
        ],
    }


def _get(request: AuthenticatedHttpRequest, pk: int, action: Action = Action.VIEW) -> Contract:
    return get_for_user(Contract.objects.all(), request.user, action, pk=pk)


# The public verification comes first so that "/contracts/verify" is not read as a contract id.
class SignatureOut(Schema):
    signer: str
    organisation: str
    signed_at: dt.datetime | None
    certificate_serial: str
    intact: bool
    trusted: bool = Field(description="签名证书由本平台根证书签发且签署时有效（与签名是否完好分开判断）")
    changes_after: str
    summary: str
    timestamp_at: dt.datetime | None = Field(description="RFC 3161 时间戳的时间（启用时间戳之前的签名为空）")
    timestamp_authority: str = Field(description="出具时间戳的时间戳服务")
    timestamp_valid: bool | None = Field(description="时间戳完好、对应本签名且由可信时间戳服务出具（没有时间戳时为空）")


class VerifyOut(Schema):
    ok: bool
    verdict: str = Field(description="pass（通过）、fail（不通过）或 unknown（无法验证）")
    verifiable: bool
    unsigned_fields: int = Field(description="文件中尚未签署的签名框数")
    message: str
    sha256: str
    size: int
    registered: bool
    registered_contract_number: str
    timestamp_note: str
    signatures: list[SignatureOut]


@router.post("/contracts/verify", response=VerifyOut, auth=None, summary="验证合同 PDF（公开）")
def contract_verify(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    if file.size is not None and file.size > signing.MAX_VERIFY_BYTES:
        report = signing.VerificationReport(
            ok=False, verifiable=False, sha256="", size=file.size, message="无法验证：文件超过 20 MB 上限"
        )
    else:
        report = signing.verify_pdf(file.read(signing.MAX_VERIFY_BYTES + 1))
    return {
        "ok": report.ok,
        "verdict": report.verdict,
        "verifiable": report.verifiable,
        "unsigned_fields": report.unsigned_fields,
        "message": report.message,
        "sha256": report.sha256,
        "size": report.size,
        "registered": report.registered,
        "registered_contract_number": report.registered_contract_number,
        "timestamp_note": report.timestamp_note,
        "signatures": [s.__dict__ for s in report.signatures],
    }


@router.get("/contracts", response=ContractPageOut, auth=AUTH, summary="我可查看的合同")
def contract_list(request: AuthenticatedHttpRequest, page: int = 1, page_size: int = 20) -> dict[str, Any]:
    result = paginate(selectors.visible_contracts(request.user), page=page, page_size=page_size)
    return {"count": result.count, "page": result.page, "page_size": result.page_size, "items": [_out(c) for c in result.items]}


class ShareIn(Schema):
    achievement_id: int
    price_share: Decimal = Decimal("100")


class DraftIn(Schema):
    kind: str
    mode: str = ""
    title: str = ""
    licensor_id: int | None = None
    co_licensor_ids: list[int] = []
    licensor_person_id: int | None = None
    preliminary_agreement_id: int | None = None
    licensee_id: int | None = None
    agency_id: int | None = None
    inventor_person_ids: list[int] = []
    achievements: list[ShareIn]
    scope: str = ""
    field_of_use: str = ""
    territory: str = ""
    exclusivity: str = "non_exclusive"
    development_kind: str = ""
    inventor_grant: str = "none"
    free_use_start: dt.date | None = None
    free_use_end: dt.date | None = None
    free_use_term: int | None = None
    free_use_term_unit: str = "month"
    term_end: dt.date | None = None
    price: Decimal | None = None
    payment_terms: str = ""
    extra_terms: str = ""
    parent_id: int | None = None
    open_licence_id: int | None = None
    engagement_id: int | None = None
    engagement_reason: str = ""


@router.post("/contracts", response={201: ContractOut}, auth=AUTH, summary="起草合同（生成 PDF 并登记哈希）")
def contract_create(request: AuthenticatedHttpRequest, payload: DraftIn) -> Status[dict[str, Any]]:
    values = payload.dict()
    values["achievements"] = [services.AchievementShare(s["achievement_id"], s["price_share"]) for s in values["achievements"]]
    contract = services.contract_draft(actor=request.user, data=services.DraftData(**values))
    return Status(201, _out(contract))


@router.get("/contracts/{pk}", response=ContractOut, auth=AUTH, summary="合同详情")
def contract_detail(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    return _out(_get(request, pk))


@router.get("/contracts/{pk}/pdf", auth=AUTH, summary="下载最新 PDF")
def contract_pdf(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    contract = _get(request, pk)
    document = services.current_document(contract)
    return FileResponse(
        document.file.open("rb"), as_attachment=True, filename=f"{contract.number}.pdf", content_type="application/pdf"
    )


@router.get("/contracts/{pk}/evidence", auth=AUTH, summary="下载证据包（ZIP：签署 PDF、证书、时间戳、意愿认证记录、清单）")
def contract_evidence(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return evidence.evidence_response(actor=request.user, contract=_get(request, pk))


class SignIn(Schema):
    password: str
    otp: str = Field(description="身份验证器上当前显示的 6 位动态口令（意愿认证）")
    party_id: int | None = None


@router.post("/contracts/{pk}/sign", response=ContractOut, auth=AUTH, summary="签署（须重新输入密码并输入动态口令）")
def contract_sign(request: AuthenticatedHttpRequest, pk: int, payload: SignIn) -> dict[str, Any]:
    contract = _get(request, pk, Action.CHANGE)
    services.contract_sign(
        actor=request.user,
        contract=contract,
        password=payload.password,
        code=payload.otp,
        party_id=payload.party_id,
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    contract.refresh_from_db()
    return _out(contract)


class ProposalIn(Schema):
    kind: str
    achievement_id: int
    price: Decimal | None = None
    terms: str = ""
    development_kind: str = ""


class ProposalOut(Schema):
    id: int
    kind: str
    kind_display: str
    achievement_id: int
    price: Decimal | None
    status: str
    status_display: str


@router.post("/contracts/{pk}/next-steps", response={201: ProposalOut}, auth=AUTH, summary="提出后续安排或还价")
def next_step_propose(request: AuthenticatedHttpRequest, pk: int, payload: ProposalIn) -> Status[dict[str, Any]]:
    contract = _get(request, pk, Action.CHANGE)
    proposal = services.next_step_propose(actor=request.user, contract=contract, **payload.dict())
    return Status(
        201,
        {
            "id": proposal.pk,
            "kind": proposal.kind,
            "kind_display": display.field_label(proposal, "kind"),
            "achievement_id": proposal.achievement_id,
            "price": proposal.price,
            "status": proposal.status,
            "status_display": display.field_label(proposal, "status"),
        },
    )


@router.post(
    "/contracts/{pk}/next-steps/{proposal_id}/accept",
    response={201: ContractOut},
    auth=AUTH,
    summary="接受后续安排（起草后续合同）",
)
def next_step_accept(request: AuthenticatedHttpRequest, pk: int, proposal_id: int) -> Status[dict[str, Any]]:
    contract = _get(request, pk, Action.CHANGE)
    proposal = get_for_user_proposal(contract, proposal_id)
    follow_on = services.next_step_accept(actor=request.user, proposal=proposal)
    return Status(201, _out(follow_on))


def get_for_user_proposal(contract: Contract, proposal_id: int) -> NextStepProposal:
    proposal = contract.next_step_proposals.filter(pk=proposal_id).first()
    if proposal is None:
        raise NotFound("提议不存在", code="not_found")
    return proposal


class EndIn(Schema):
    reason: str


class EndingIn(Schema):
    kind: str  # "agreement" | "notice"
    grounds: str


class EndingAnswerIn(Schema):
    accept: bool
    answer: str = ""


class EndingOut(Schema):
    id: int
    contract_id: int
    kind: str
    kind_display: str
    status: str
    status_display: str
    grounds: str
    effective_on: dt.date | None
    proposed_by_organisation_id: int
    answer: str


def _ending_out(r: Any) -> dict[str, Any]:
    return {
        "id": r.pk,
        "contract_id": r.contract_id,
        "kind": r.kind,
        "kind_display": display.field_label(r, "kind"),
        "status": r.status,
        "status_display": display.field_label(r, "status"),
        "grounds": r.grounds,
        "effective_on": r.effective_on,
        "proposed_by_organisation_id": r.proposed_by_organisation_id,
        "answer": r.answer,
    }


@router.post(
    "/contracts/{pk}/end",
    response=ContractOut,
    auth=AUTH,
    summary="免费使用期内一方终止合同（已有正式条款或付款计划的合同须协商终止或发出终止通知：ending_needs_agreement_or_notice）",
)
def contract_end(request: AuthenticatedHttpRequest, pk: int, payload: EndIn) -> dict[str, Any]:
    contract = _get(request, pk, Action.CHANGE)
    return _out(services.contract_end(actor=request.user, contract=contract, reason=payload.reason))


# ---------------------------------------------------------------- open patent licences


class OpenLicenceIn(Schema):
    achievement_id: int
    announcement_number: str
    announced_on: dt.date
    fee_terms: str
    valid_until: dt.date | None = None


class TakeUpOut(Schema):
    contract_id: int
    number: str
    licensee: str | None
    status: str
    status_display: str


class OpenLicenceOut(Schema):
    id: int
    achievement_id: int
    announcement_number: str
    announced_on: dt.date
    valid_until: dt.date | None
    fee_terms: str
    withdrawn_on: dt.date | None
    in_force: bool
    take_up_count: int
    take_ups: list[TakeUpOut]


def _open_licence_out(record: OpenLicence, user: Actor) -> dict[str, Any]:
    visible = selectors.visible_contracts(user).filter(open_licence=record)
    return {
        "id": record.pk,
        "achievement_id": record.achievement_id,
        "announcement_number": record.announcement_number,
        "announced_on": record.announced_on,
        "valid_until": record.valid_until,
        "fee_terms": record.fee_terms,
        "withdrawn_on": record.withdrawn_on,
        "in_force": record.in_force_on(today()),
        "take_up_count": record.take_ups.exclude(status="cancelled").count(),
        "take_ups": [
            {
                "contract_id": c.pk,
                "number": c.number,
                "licensee": c.licensee.name if c.licensee else None,
                "status": c.status,
                "status_display": display.field_label(c, "status"),
            }
            for c in visible
        ],
    }


def _achievement(request: AuthenticatedHttpRequest, pk: int) -> Achievement:
    return get_for_user(Achievement.objects.select_related("owner"), request.user, Action.VIEW, pk=pk)


def _open_licence(request: AuthenticatedHttpRequest, pk: int) -> OpenLicence:
    return get_for_user(OpenLicence.objects.select_related("achievement__owner"), request.user, Action.VIEW, pk=pk)


@router.get("/open-licences", response=list[OpenLicenceOut], auth=AUTH, summary="成果的专利开放许可及其实施")
def open_licence_list(request: AuthenticatedHttpRequest, achievement_id: int) -> list[dict[str, Any]]:
    achievement = _achievement(request, achievement_id)
    return [_open_licence_out(r, request.user) for r in selectors.open_licences_of(request.user, achievement.pk)]


@router.post("/open-licences", response={201: OpenLicenceOut}, auth=AUTH, summary="登记国家知识产权局公告的开放许可（成果单位）")
def open_licence_create(request: AuthenticatedHttpRequest, payload: OpenLicenceIn) -> Status[dict[str, Any]]:
    values = payload.dict()
    achievement = _achievement(request, values.pop("achievement_id"))
    record = services.open_licence_record(actor=request.user, achievement=achievement, **values)
    return Status(201, _open_licence_out(record, request.user))


@router.get("/open-licences/{pk}", response=OpenLicenceOut, auth=AUTH, summary="开放许可详情")
def open_licence_detail(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    return _open_licence_out(_open_licence(request, pk), request.user)


class TakeUpIn(Schema):
    licensee_id: int
    scope: str = ""
    extra_terms: str = ""


@router.post(
    "/open-licences/{pk}/take-ups", response={201: ContractOut}, auth=AUTH, summary="登记开放许可的一项实施（起草实施记录）"
)
def open_licence_take_up(request: AuthenticatedHttpRequest, pk: int, payload: TakeUpIn) -> Status[dict[str, Any]]:
    record = _open_licence(request, pk)
    contract = services.open_licence_take_up(actor=request.user, record=record, **payload.dict())
    return Status(201, _out(contract))


class WithdrawIn(Schema):
    withdrawn_on: dt.date
    reason: str


@router.post("/open-licences/{pk}/withdraw", response=OpenLicenceOut, auth=AUTH, summary="登记开放许可的撤回（成果单位）")
def open_licence_withdraw(request: AuthenticatedHttpRequest, pk: int, payload: WithdrawIn) -> dict[str, Any]:
    record = services.open_licence_withdraw(actor=request.user, record=_open_licence(request, pk), **payload.dict())
    return _open_licence_out(record, request.user)


@router.post("/contracts/{pk}/ending-requests", response={201: EndingOut}, auth=AUTH, summary="提出协商终止或发出终止通知")
def ending_create(request: AuthenticatedHttpRequest, pk: int, payload: EndingIn) -> Status[dict[str, Any]]:
    contract = get_for_user(Contract.objects.all(), request.user, Action.CHANGE, pk=pk)
    ending = services.ending_propose(actor=request.user, contract=contract, kind=payload.kind, grounds=payload.grounds)
    return Status(201, _ending_out(ending))


@router.post(
    "/contracts/{pk}/ending-requests/{request_pk}/answer",
    response=EndingOut,
    auth=AUTH,
    summary="另一方同意终止、不同意或对终止通知提出异议",
)
def ending_answer(request: AuthenticatedHttpRequest, pk: int, request_pk: int, payload: EndingAnswerIn) -> dict[str, Any]:
    contract = get_for_user(Contract.objects.all(), request.user, Action.CHANGE, pk=pk)
    ending = contract.ending_requests.filter(pk=request_pk).first()
    if ending is None:
        raise NotFound("终止申请不存在", code="not_found")
    return _ending_out(services.ending_answer(actor=request.user, request=ending, accept=payload.accept, answer=payload.answer))
