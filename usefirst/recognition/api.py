"""Recognition in the open API: eligibility, the application workflow, the quota, the public
list, statistics and misconduct records. Errors are problem+json with stable codes, e.g.
`recognition_quota_exhausted`, `recognition_person_already_recognised`,
`recognition_below_threshold`, `recognition_not_provincial_reviewer`,
`recognition_not_superior_department`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.security import django_auth
from pydantic import Field

from usefirst.accounts import roles
from usefirst.api.auth import TokenAuth
from usefirst.api.fields import RequiredReasonIn
from usefirst.catalog.models import Achievement
from usefirst.core import display
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.dates import today
from usefirst.core.errors import DomainError, Forbidden
from usefirst.core.pagination import DEFAULT_PAGE_SIZE, paginate
from usefirst.core.permissions import Action, get_for_user

from . import selectors, services
from .eligibility import evaluate
from .models import MisconductRecord, Recognition, RecognitionApplication

router = Router(tags=["视同省级科技计划立项认定"])
AUTH = [TokenAuth(), django_auth]


class CheckOut(Schema):
    key: str
    label: str
    kind: str = Field(description="computed 平台数据核验 / declared 申报并经审核 / flag 提示事项")
    passed: bool | None
    figure: str
    sources: list[dict[str, Any]]
    interpretation: bool


class EligibilityOut(Schema):
    achievement_id: int
    year: int
    mode: str
    basis_contract_id: int | None
    amount: Decimal
    threshold: Decimal
    eligible: bool
    checks: list[CheckOut]


class ApplicationOut(Schema):
    id: int
    achievement_id: int
    unit_id: int
    year: int
    mode: str
    mode_display: str
    status: str
    status_display: str
    amount_received: Decimal
    recommended_by_id: int | None
    notice_start: dt.date | None
    notice_end: dt.date | None
    decision_reason: str

    @staticmethod
    def resolve_mode_display(obj: RecognitionApplication) -> str:
        return display.field_label(obj, "mode")

    @staticmethod
    def resolve_status_display(obj: RecognitionApplication) -> str:
        return display.field_label(obj, "status")


class ApplicationListOut(Schema):
    count: int
    items: list[ApplicationOut]


class RecognitionOut(Schema):
    id: int
    number: str
    year: int
    achievement_id: int
    achievement_title: str
    unit_name: str
    mode: str
    amount_received: Decimal
    recognised_at: dt.datetime
    text: str = services.RECOGNITION_TEXT

    @staticmethod
    def resolve_achievement_title(obj: Recognition) -> str:
        return obj.achievement.title

    @staticmethod
    def resolve_unit_name(obj: Recognition) -> str:
        return obj.unit.name


class RecognitionListOut(Schema):
    count: int
    items: list[RecognitionOut]


class QuotaOut(Schema):
    year: int
    used: int
    cap: int


class StatOut(Schema):
    label: str
    applications: int
    recognised: int


class MisconductOut(Schema):
    id: int
    subject_organisation_id: int | None
    subject_person_id: int | None
    period_start: dt.date
    period_end: dt.date
    reason: str
    referral: str
    status: str
    status_display: str

    @staticmethod
    def resolve_status_display(obj: MisconductRecord) -> str:
        return display.field_label(obj, "status")


class MisconductListOut(Schema):
    count: int
    items: list[MisconductOut]


class CreateIn(Schema):
    achievement_id: int
    statement: str = ""


class OpinionIn(Schema):
    opinion: str


class SelectIn(Schema):
    key_technology_confirmed: bool
    opinion: str = ""


class QuotaIn(Schema):
    cap: int = Field(ge=1, le=100000)
    reason: str


class MisconductIn(Schema):
    organisation_id: int | None = None
    person_id: int | None = None
    period_start: dt.date
    period_end: dt.date
    reason: str
    referral: str = ""


def _application(request: AuthenticatedHttpRequest, pk: int) -> RecognitionApplication:
    return get_for_user(RecognitionApplication.objects.select_related("achievement", "unit"), request.user, Action.VIEW, pk=pk)


@router.get("/recognition/recognitions", response=RecognitionListOut, auth=None, summary="认定项目公开名单")
def list_recognitions(
    request: HttpRequest, year: int | None = None, page: int = 1, page_size: int = DEFAULT_PAGE_SIZE
) -> dict[str, Any]:
    result = paginate(selectors.public_recognitions(year=year), page=page, page_size=page_size)
    return {"count": result.count, "items": result.items}


@router.get("/recognition/statistics", response=list[StatOut], auth=None, summary="年度认定统计（按地市/区域/单位类型/模式）")
def statistics(request: HttpRequest, year: int, dimension: str = "city") -> list[Any]:
    if dimension not in selectors.DIMENSIONS:
        raise DomainError("统计维度应为 city、region、unit_kind 或 mode", code="invalid_filter")
    return list(selectors.statistics(year=year, dimension=dimension))


@router.get(
    "/recognition/eligibility/{achievement_id}",
    response=EligibilityOut,
    auth=AUTH,
    summary="成果的认定资格核验（每项含数据与来源）",
)
def eligibility(request: AuthenticatedHttpRequest, achievement_id: int) -> dict[str, Any]:
    achievement = get_for_user(Achievement.objects.select_related("owner"), request.user, Action.CHANGE, pk=achievement_id)
    on = today()
    result = evaluate(achievement, year=services.batch_year(on), on=on).as_json()
    if not roles.is_provincial_staff(request.user):  # flags are shown to the reviewer
        result["checks"] = [c for c in result["checks"] if c["kind"] != "flag"]
    return result


@router.get("/recognition/applications", response=ApplicationListOut, auth=AUTH, summary="认定申请列表（按权限）")
def list_applications(
    request: AuthenticatedHttpRequest,
    year: int | None = None,
    status: str = "",
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> dict[str, Any]:
    result = paginate(selectors.applications_for(request.user, year=year, status=status), page=page, page_size=page_size)
    return {"count": result.count, "items": result.items}


@router.post("/recognition/applications", response={201: ApplicationOut}, auth=AUTH, summary="起草认定申请（按平台数据预填）")
def create_application(request: AuthenticatedHttpRequest, payload: CreateIn) -> Status[RecognitionApplication]:
    achievement = get_for_user(
        Achievement.objects.select_related("owner"), request.user, Action.CHANGE, pk=payload.achievement_id
    )
    return Status(201, services.application_create(actor=request.user, achievement=achievement, statement=payload.statement))


@router.get("/recognition/applications/{pk}", response=ApplicationOut, auth=AUTH, summary="认定申请详情")
def get_application(request: AuthenticatedHttpRequest, pk: int) -> RecognitionApplication:
    return _application(request, pk)


@router.post("/recognition/applications/{pk}/recommend", response=ApplicationOut, auth=AUTH, summary="单位或上级主管部门审核推荐")
def recommend(request: AuthenticatedHttpRequest, pk: int, payload: OpinionIn) -> RecognitionApplication:
    application = selectors.application_to_recommend(request.user, pk)
    return services.application_recommend(actor=request.user, application=application, opinion=payload.opinion)


@router.post("/recognition/applications/{pk}/select", response=ApplicationOut, auth=AUTH, summary="省级审核择优入选，进入公示")
def select(request: AuthenticatedHttpRequest, pk: int, payload: SelectIn) -> RecognitionApplication:
    return services.application_select(
        actor=request.user,
        application=_application(request, pk),
        key_technology_confirmed=payload.key_technology_confirmed,
        opinion=payload.opinion,
    )


@router.post("/recognition/applications/{pk}/reject", response=ApplicationOut, auth=AUTH, summary="不予认定（附理由）")
def reject(request: AuthenticatedHttpRequest, pk: int, payload: RequiredReasonIn) -> RecognitionApplication:
    return services.application_reject(actor=request.user, application=_application(request, pk), reason=payload.reason)


@router.post("/recognition/applications/{pk}/recognise", response={201: RecognitionOut}, auth=AUTH, summary="公示期满后认定")
def recognise(request: AuthenticatedHttpRequest, pk: int) -> Status[Recognition]:
    return Status(201, services.application_recognise(actor=request.user, application=_application(request, pk)))


@router.post("/recognition/recognitions/{pk}/revoke", response=RecognitionOut, auth=AUTH, summary="撤销认定（附理由）")
def revoke(request: AuthenticatedHttpRequest, pk: int, payload: RequiredReasonIn) -> Recognition:
    recognition = get_for_user(Recognition.objects.select_related("achievement", "unit"), request.user, Action.ADMINISTER, pk=pk)
    return services.recognition_revoke(actor=request.user, recognition=recognition, reason=payload.reason)


@router.get("/recognition/quota/{year}", response=QuotaOut, auth=AUTH, summary="年度名额（省科学技术厅）")
def get_quota(request: AuthenticatedHttpRequest, year: int) -> dict[str, int]:
    if not roles.is_provincial_staff(request.user):
        raise Forbidden("只有省科学技术厅可以查看年度名额", code="recognition_not_provincial_reviewer")
    used, cap = selectors.quota(year)
    return {"year": year, "used": used, "cap": cap}


@router.post("/recognition/quota/{year}", response=QuotaOut, auth=AUTH, summary="调高年度上限（省管理员，附理由）")
def raise_quota(request: AuthenticatedHttpRequest, year: int, payload: QuotaIn) -> dict[str, int]:
    row = services.quota_raise(actor=request.user, year=year, new_cap=payload.cap, reason=payload.reason)
    return {"year": row.year, "used": row.used, "cap": row.cap}


@router.get("/recognition/misconduct", response=MisconductListOut, auth=AUTH, summary="科研失信记录（省厅全部；主体本人）")
def list_misconduct(request: AuthenticatedHttpRequest, page: int = 1, page_size: int = DEFAULT_PAGE_SIZE) -> dict[str, Any]:
    result = paginate(selectors.misconduct_for(request.user), page=page, page_size=page_size)
    return {"count": result.count, "items": result.items}


@router.post("/recognition/misconduct", response={201: MisconductOut}, auth=AUTH, summary="登记科研失信记录（省科学技术厅）")
def create_misconduct(request: AuthenticatedHttpRequest, payload: MisconductIn) -> Status[MisconductRecord]:
    from usefirst.accounts.models import Organisation, Person

    if not roles.is_provincial_staff(request.user):
        raise Forbidden("只有省科学技术厅可以记录科研失信", code="recognition_not_provincial_reviewer")
    organisation = Organisation.objects.filter(pk=payload.organisation_id).first() if payload.organisation_id else None
    person = Person.objects.filter(pk=payload.person_id).first() if payload.person_id else None
    record = services.misconduct_record(
        actor=request.user,
        organisation=organisation,
        person=person,
        period_start=payload.period_start,
        period_end=payload.period_end,
        reason=payload.reason,
        referral=payload.referral,
    )
    return Status(201, record)
