"""Evaluation endpoints of the open API: schemes and indicators, computation, review and
publication, results with their breakdown, objections, the published excellent lists. Every write
calls the same service as the pages; every refusal is problem+json."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth
from pydantic import Field

from usefirst.accounts import roles
from usefirst.accounts.models import Organisation, OrganisationKind
from usefirst.api.auth import TokenAuth, optional_user
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.dates import today
from usefirst.core.errors import DomainError, Forbidden, NotFound
from usefirst.core.pagination import paginate
from usefirst.core.permissions import Action, get_for_user, restrict

from . import managers, policies, selectors, services, sources
from .models import Evaluation, ManagerFiling, Objection, Result, TechnologyManager

router = Router(tags=["评价与优秀名单"])
AUTH = [TokenAuth(), django_auth]


class EvaluationPageQuery(Schema):
    page: str | None = None
    page_size: str | None = None
    kind: str | None = None


class SchemeIn(Schema):
    kind: str
    year: int
    name: str
    regional_multiplier: Decimal = Decimal("1.20")
    excellent_share: Decimal = Decimal("20.00")
    pass_score: Decimal = Decimal("40.00")
    objection_days: int = 7


class IndicatorIn(Schema):
    source: str
    weight: Decimal
    name: str = ""
    unit: str = ""
    direction: str = ""
    normalisation: str = "min_max"


class IndicatorOut(Schema):
    id: int
    name: str
    source: str
    source_label: str
    origin: str
    unit: str
    direction: str
    weight: Decimal
    normalisation: str


class EvaluationOut(Schema):
    id: int
    kind: str
    kind_display: str
    year: int
    version: int
    name: str
    status: str
    status_display: str
    regional_multiplier: Decimal
    excellent_share: Decimal
    pass_score: Decimal
    objection_days: int
    publicity_start: dt.date | None
    publicity_end: dt.date | None
    published_at: dt.datetime | None
    indicators: list[IndicatorOut]


class EvaluationPageOut(Schema):
    count: int
    page: int
    page_size: int
    num_pages: int
    items: list[EvaluationOut]


class ResultOut(Schema):
    id: int
    evaluation_id: int
    organisation_id: int
    organisation_name: str
    rank: int
    total: Decimal
    grade: str
    grade_display: str
    figures: dict[str, str]
    scores: dict[str, str]
    note: str


class ResultPageOut(Schema):
    count: int
    page: int
    page_size: int
    num_pages: int
    items: list[ResultOut]


class SourceOut(Schema):
    key: str
    label: str
    kind: str
    unit: str
    origin: str
    direction: str


class TextIn(Schema):
    text: str


class ObjectionOut(Schema):
    id: int
    result_id: int
    text: str
    raised_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None


def _indicator(i: Any) -> dict[str, Any]:
    source = sources.get_source(i.source)
    return {
        "id": i.pk,
        "name": i.name,
        "source": i.source,
        "source_label": source.label if source else "",
        "origin": source.origin if source else "",
        "unit": i.unit,
        "direction": i.direction,
        "weight": i.weight,
        "normalisation": i.normalisation,
    }


def _out(e: Evaluation) -> dict[str, Any]:
    return {
        "id": e.pk,
        "kind": e.kind,
        "kind_display": e.get_kind_display(),
        "year": e.year,
        "version": e.version,
        "name": e.name,
        "status": e.status,
        "status_display": e.get_status_display(),
        "regional_multiplier": e.regional_multiplier,
        "excellent_share": e.excellent_share,
        "pass_score": e.pass_score,
        "objection_days": e.objection_days,
        "publicity_start": e.publicity_start,
        "publicity_end": e.publicity_end,
        "published_at": e.published_at,
        "indicators": [_indicator(i) for i in e.indicators.all()],
    }


def _result(r: Result) -> dict[str, Any]:
    return {
        "id": r.pk,
        "evaluation_id": r.evaluation_id,
        "organisation_id": r.organisation_id,
        "organisation_name": r.organisation.name,
        "rank": r.rank,
        "total": r.total,
        "grade": r.grade,
        "grade_display": r.get_grade_display(),
        "figures": r.figures,
        "scores": r.scores,
        "note": r.note,
    }


def _evaluation(request: HttpRequest, pk: int, action: Action = Action.VIEW) -> Evaluation:
    return get_for_user(Evaluation.objects.all(), optional_user(request), action, pk=pk)


@router.get("/evaluation/sources", response=list[SourceOut], auth=None, summary="可用的指标数据来源（平台数据与填报字段）")
def source_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"key": s.key, "label": s.label, "kind": s.kind, "unit": s.unit, "origin": s.origin, "direction": s.direction}
        for s in sources.all_sources()
    ]


@router.get("/evaluation/evaluations", response=EvaluationPageOut, auth=None, summary="评价方案与结果（按可见范围）")
def evaluation_list(request: HttpRequest, query: Query[EvaluationPageQuery]) -> dict[str, Any]:
    qs = selectors.evaluations(optional_user(request), kind=query.kind or "")
    page = paginate(qs, page=query.page or 1, page_size=query.page_size or 20)
    return {**page.__dict__, "items": [_out(e) for e in page.items]}


@router.post("/evaluation/evaluations", response={201: EvaluationOut}, auth=AUTH, summary="制定评价方案（草稿）")
def evaluation_create(request: AuthenticatedHttpRequest, payload: SchemeIn) -> Status[dict[str, Any]]:
    data = services.SchemeData(**payload.dict())
    return Status(201, _out(services.evaluation_create(actor=request.user, data=data)))


@router.get("/evaluation/evaluations/{pk}", response=EvaluationOut, auth=None, summary="评价方案详情")
def evaluation_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _out(_evaluation(request, pk))


@router.post("/evaluation/evaluations/{pk}/indicators", response={201: EvaluationOut}, auth=AUTH, summary="新增指标")
def indicator_add(request: AuthenticatedHttpRequest, pk: int, payload: IndicatorIn) -> Status[dict[str, Any]]:
    evaluation = _evaluation(request, pk, Action.CHANGE)
    services.indicator_add(actor=request.user, evaluation=evaluation, data=services.IndicatorData(**payload.dict()))
    return Status(201, _out(Evaluation.objects.get(pk=pk)))


@router.post("/evaluation/evaluations/{pk}/compute", response=EvaluationOut, auth=AUTH, summary="计算（权重须合计 100%）")
def evaluation_compute(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    return _out(services.evaluation_compute(actor=request.user, evaluation=_evaluation(request, pk)))


@router.post("/evaluation/evaluations/{pk}/publicity", response=EvaluationOut, auth=AUTH, summary="进入公示（省科技厅）")
def evaluation_publicity(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    return _out(services.evaluation_start_publicity(actor=request.user, evaluation=_evaluation(request, pk)))


@router.post("/evaluation/evaluations/{pk}/publish", response=EvaluationOut, auth=AUTH, summary="发布结果与优秀名单（省科技厅）")
def evaluation_publish(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    return _out(services.evaluation_publish(actor=request.user, evaluation=_evaluation(request, pk)))


@router.post("/evaluation/evaluations/{pk}/new-version", response={201: EvaluationOut}, auth=AUTH, summary="重新计算：创建新版本")
def evaluation_new_version(request: AuthenticatedHttpRequest, pk: int) -> Status[dict[str, Any]]:
    new = services.evaluation_new_version(actor=request.user, evaluation=_evaluation(request, pk))
    return Status(201, _out(new))


@router.get("/evaluation/evaluations/{pk}/results", response=ResultPageOut, auth=None, summary="评价结果（按可见范围）")
def result_list(request: HttpRequest, pk: int, query: Query[EvaluationPageQuery]) -> dict[str, Any]:
    evaluation = _evaluation(request, pk)
    page = paginate(selectors.results(optional_user(request), evaluation), page=query.page or 1, page_size=query.page_size or 20)
    return {**page.__dict__, "items": [_result(r) for r in page.items]}


@router.get("/evaluation/my-results", response=ResultPageOut, auth=AUTH, summary="本机构的评价结果与排名")
def my_results(request: AuthenticatedHttpRequest, query: Query[EvaluationPageQuery]) -> dict[str, Any]:
    page = paginate(selectors.my_results(request.user), page=query.page or 1, page_size=query.page_size or 20)
    return {**page.__dict__, "items": [_result(r) for r in page.items]}


@router.post("/evaluation/results/{pk}/objections", response={201: ObjectionOut}, auth=AUTH, summary="对本机构结果提出异议")
def objection_raise(request: AuthenticatedHttpRequest, pk: int, payload: TextIn) -> Status[Objection]:
    result = get_for_user(Result.objects.all(), request.user, Action.VIEW, pk=pk)
    return Status(201, services.objection_raise(actor=request.user, result=result, text=payload.text))


@router.post("/evaluation/objections/{pk}/answer", response=ObjectionOut, auth=AUTH, summary="答复异议（专业机构）")
def objection_answer(request: AuthenticatedHttpRequest, pk: int, payload: TextIn) -> Objection:
    objection = Objection.objects.select_related("result").filter(pk=pk).first()
    if objection is None:
        raise NotFound("异议不存在")
    get_for_user(Result.objects.all(), request.user, Action.VIEW, pk=objection.result_id)
    return services.objection_answer(actor=request.user, objection=objection, answer=payload.text)


@router.get("/evaluation/excellent", auth=None, summary="已发布的优秀名单（公开）")
def excellent(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "evaluation_id": e.pk,
            "kind": e.kind,
            "kind_display": e.get_kind_display(),
            "year": e.year,
            "scheme": e.name,
            "version": e.version,
            "published_at": e.published_at,
            "organisations": [{"id": r.organisation_id, "name": r.organisation.name, "rank": r.rank} for r in listed],
        }
        for e, listed in selectors.excellent_lists(optional_user(request))
    ]


# ---------------------------------------------------------------- technology managers (技术经理人)


class TechnologyManagerQuery(Schema):
    page: str | None = None
    page_size: str | None = None
    agency: int | None = Field(None, description="所在服务机构编号")
    grade: str | None = Field(None, description="年度业绩等级：A（优秀）、B（良好）、C（待提升）")
    year: int | None = Field(None, description="业绩年度，默认本年度")


class TechnologyManagerOut(Schema):
    id: int
    name: str
    certificate_number: str
    manager_class: str
    manager_class_display: str
    agency_id: int
    agency_name: str
    year: int = Field(description="业绩年度")
    engagements: int = Field(description="计入的对接数（双方确认由本机构促成）")
    contracts: int = Field(description="本年度由这些对接签订的合同数")
    contract_value: Decimal = Field(description="本年度合同成交额（元）")
    received: Decimal = Field(description="本年度确认到账（元）")
    filed: bool = Field(description="本年度是否已业务备案")
    grade: str = Field(description="年度业绩等级代码：A、B、C")
    grade_display: str


class TechnologyManagerPageOut(Schema):
    count: int
    page: int
    page_size: int
    num_pages: int
    items: list[TechnologyManagerOut]


class ManagerFilingIn(Schema):
    year: int
    summary: str = Field(description="年度业务情况（服务项目、促成的转化、培训等）")


class ManagerFilingOut(Schema):
    id: int
    manager_id: int
    year: int
    summary: str
    filed_at: dt.datetime


def _standing_out(standing: managers.Standing, year: int) -> dict[str, Any]:
    m = standing.manager
    return {
        "id": m.pk,
        "name": m.name,
        "certificate_number": m.certificate_number,
        "manager_class": m.manager_class,
        "manager_class_display": m.get_manager_class_display(),
        "agency_id": m.agency_id,
        "agency_name": m.agency.name,
        "year": year,
        "engagements": standing.engagements,
        "contracts": standing.contracts,
        "contract_value": standing.contract_value,
        "received": standing.received,
        "filed": standing.filed,
        "grade": standing.grade[0],
        "grade_display": standing.grade,
    }


@router.get(
    "/evaluation/managers",
    response=TechnologyManagerPageOut,
    auth=AUTH,
    summary="技术经理人名录（服务机构看本机构的，专业机构和省科技厅看全部；可按所在机构、业绩等级筛选）",
)
def manager_list(request: AuthenticatedHttpRequest, query: Query[TechnologyManagerQuery]) -> dict[str, Any]:
    user = request.user
    qs = restrict(TechnologyManager.objects.select_related("agency"), user, Action.VIEW)
    if not (policies.is_evaluator(user) or _hosts_managers(user)):
        raise Forbidden("只有技术转移转化服务机构、专业机构和省科技厅可以查看技术经理人", code="evaluation_forbidden")
    year = query.year or today().year
    if not 2000 <= year <= today().year:
        raise DomainError(f"业绩年度应在 2000 至 {today().year} 之间", code="validation_failed")
    if query.agency is not None:
        qs = qs.filter(agency_id=query.agency)
    grade = (query.grade or "").strip().upper()
    if grade and grade not in managers.GRADE_CODES:
        raise DomainError("业绩等级应为 A、B 或 C", code="validation_failed", field_errors={"grade": ["应为 A、B 或 C"]})
    standings = [managers.standing(m, year) for m in qs.order_by("agency__name", "name", "pk")]
    if grade:
        standings = [s for s in standings if s.grade == managers.GRADE_CODES[grade]]
    page = paginate(standings, page=query.page or 1, page_size=query.page_size or 20)
    return {**page.__dict__, "items": [_standing_out(s, year) for s in page.items]}


def _hosts_managers(user: Any) -> bool:
    return Organisation.objects.filter(pk__in=roles.organisation_ids(user), kind=OrganisationKind.AGENCY).exists()


@router.post(
    "/evaluation/managers/{pk}/filings",
    response={201: ManagerFilingOut},
    auth=AUTH,
    summary="所在服务机构为技术经理人办理年度业务备案（每人每年一次）",
)
def manager_filing(request: AuthenticatedHttpRequest, pk: int, payload: ManagerFilingIn) -> Status[ManagerFiling]:
    manager = get_for_user(TechnologyManager.objects.select_related("agency"), request.user, Action.VIEW, pk=pk)
    filing = managers.manager_file(actor=request.user, manager=manager, year=payload.year, summary=payload.summary)
    return Status(201, filing)
