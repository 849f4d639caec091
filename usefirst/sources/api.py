"""Recommendation channels in the open API: submit a batch (multipart: the Excel file or rows as
JSON text, and the signed letter), list and read batches with their row outcomes, review a batch
row by row, withdraw it; the count of achievements by source; and the conversion-intent survey
(a unit reads its rows and submits one row, under the workbook's rules). The same chokepoint and
services as the pages; a refused batch is problem+json `import_rows_invalid` with
`errors: [{row, column, message}]`, a row for an achievement already on the platform naming it."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth
from pydantic import Field

from usefirst.accounts import roles
from usefirst.accounts.models import Organisation
from usefirst.api.auth import TokenAuth
from usefirst.api.fields import ExactNumber
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.errors import DomainError, Forbidden
from usefirst.core.excel import accept_xlsx
from usefirst.core.pagination import DEFAULT_PAGE_SIZE, paginate
from usefirst.core.permissions import Action, get_for_user

from . import selectors, services, survey
from .models import ConversionIntent, RecommendationBatch, RecommendationRow

router = Router(tags=["成果推荐渠道与成果来源"])
AUTH = [TokenAuth(), django_auth]


class RecommendationBatchIn(Schema):
    organisation_id: int = Field(description="推荐机构（须为其成员）")
    title: str = Field(description="批次名称")
    note: str = ""
    rows: str = Field(
        "",
        description="不上传 Excel 时，以 JSON 数组给出各行：[{title, owner_name, outside, ip_kind, ip_number, field, "
        "maturity, summary, scenario, consent}]；maturity 为 lab/small_pilot/pilot/industrial 或中文名称，"
        "consent 为 是/否",
    )


class RowOut(Schema):
    id: int
    position: int
    title: str
    owner_name: str
    owner_id: int | None
    owner_outside_province: bool
    ip_kind: str
    ip_number: str
    field_id: int
    maturity: str
    maturity_label: str
    scenario: str
    outcome: str
    outcome_label: str
    outcome_reason: str
    achievement_id: int | None

    @staticmethod
    def resolve_maturity_label(obj: RecommendationRow) -> str:
        return str(obj.get_maturity_display())

    @staticmethod
    def resolve_outcome_label(obj: RecommendationRow) -> str:
        return str(obj.get_outcome_display())


class RecommendationBatchOut(Schema):
    id: int
    title: str
    recommender_id: int
    recommender_name: str
    channel: str
    channel_label: str
    reviewer_id: int
    reviewer_name: str
    via_excel: bool
    status: str
    status_display: str
    created_at: dt.datetime
    reviewed_at: dt.datetime | None
    rows: list[RowOut]

    @staticmethod
    def resolve_recommender_name(obj: RecommendationBatch) -> str:
        return obj.recommender.name

    @staticmethod
    def resolve_reviewer_name(obj: RecommendationBatch) -> str:
        return obj.reviewer.name

    @staticmethod
    def resolve_channel_label(obj: RecommendationBatch) -> str:
        return str(obj.get_channel_display())

    @staticmethod
    def resolve_status_display(obj: RecommendationBatch) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_rows(obj: RecommendationBatch) -> list[RecommendationRow]:
        return list(obj.rows.order_by("position"))


class BatchListOut(Schema):
    count: int
    page: int
    page_size: int
    num_pages: int
    items: list[RecommendationBatchOut]


class DecisionIn(Schema):
    row_id: int
    accept: bool
    reason: str = ""


class ReviewIn(Schema):
    decisions: list[DecisionIn] = Field(description="每一行的审核结果；不采纳须写理由")


def _rows(text: str) -> list[services.RowInput]:
    try:
        items = json.loads(text) if text else []
    except json.JSONDecodeError as exc:
        raise DomainError("rows 应为 JSON 数组", code="validation_failed") from exc
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise DomainError("rows 应为 JSON 对象数组", code="validation_failed")
    keys = set(services.HEADER_OF)
    return [
        services.RowInput(position=n, **{k: v for k, v in item.items() if k in keys}) for n, item in enumerate(items, start=1)
    ]


@router.post(
    "/recommendation-batches",
    response={201: RecommendationBatchOut},
    auth=AUTH,
    summary="提交成果推荐批次（multipart：file 为 Excel 模板文件，或 rows 为 JSON；signed_recommendation 为盖章推荐函）",
)
def batch_create(
    request: AuthenticatedHttpRequest,
    payload: Form[RecommendationBatchIn],
    file: File[UploadedFile | None] = None,
    signed_recommendation: File[UploadedFile | None] = None,
) -> Status[RecommendationBatch]:
    recommender = Organisation.objects.filter(pk=payload.organisation_id).first()
    if recommender is None:
        raise Forbidden("只有推荐机构的成员可以提交推荐", code="not_recommender")
    if file is not None:
        workbook = accept_xlsx(file)
        rows, name = services.rows_from_excel(workbook), workbook.name
    else:
        rows, name = _rows(payload.rows), ""
    batch = services.batch_submit(
        actor=request.user,
        recommender=recommender,
        title=payload.title,
        note=payload.note,
        rows=rows,
        signed_recommendation=signed_recommendation,
        file_name=name,
    )
    return Status(201, batch)


@router.get("/recommendation-batches", response=BatchListOut, auth=AUTH, summary="成果推荐批次（本机构提交的与待本部门审核的）")
def batch_list(
    request: AuthenticatedHttpRequest,
    status: str = "",
    to_review: bool = False,
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> dict[str, Any]:
    result = paginate(selectors.batches_for(request.user, status=status, to_review=to_review), page=page, page_size=page_size)
    return {**result.__dict__}


def _batch(request: AuthenticatedHttpRequest, pk: int) -> RecommendationBatch:
    return get_for_user(RecommendationBatch.objects.select_related("recommender", "reviewer"), request.user, Action.VIEW, pk=pk)


@router.get("/recommendation-batches/{pk}", response=RecommendationBatchOut, auth=AUTH, summary="成果推荐批次及逐行审核结果")
def batch_get(request: AuthenticatedHttpRequest, pk: int) -> RecommendationBatch:
    return _batch(request, pk)


@router.post(
    "/recommendation-batches/{pk}/review",
    response=RecommendationBatchOut,
    auth=AUTH,
    summary="审核部门逐行审核（须对每一行给出结果；有误时不保存任何结果）",
)
def batch_review(request: AuthenticatedHttpRequest, pk: int, payload: ReviewIn) -> RecommendationBatch:
    decisions = {d.row_id: services.Decision(d.accept, d.reason) for d in payload.decisions}
    return services.batch_review(actor=request.user, batch=_batch(request, pk), decisions=decisions)


@router.post(
    "/recommendation-batches/{pk}/withdraw", response=RecommendationBatchOut, auth=AUTH, summary="推荐机构撤回待审核的批次"
)
def batch_withdraw(request: AuthenticatedHttpRequest, pk: int) -> RecommendationBatch:
    return services.batch_withdraw(actor=request.user, batch=_batch(request, pk))


class SourceCountsOut(Schema):
    by_source: dict[str, int] = Field(
        description="self 自行登记 / imported 批量导入 / auto_included 自动纳入 / recommended 推荐渠道"
    )
    by_channel: dict[str, int] = Field(description="推荐渠道：city / unit / superior / enterprise / out_of_province / service")


@router.get("/achievement-sources", response=SourceCountsOut, auth=AUTH, summary="科技成果按来源计数（主管部门）")
def source_counts(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    if not roles.department_ids(request.user):
        raise Forbidden("成果来源统计面向主管部门", code="forbidden")
    return selectors.source_counts()


class ConversionIntentOut(Schema):
    achievement_id: int
    achievement_title: str
    achievement_status: str
    intent: str = Field(
        description="transfer 转让 / licence 许可 / open_licence 开放许可 / use_first 先用后转 / not_available 暂不转化"
    )
    intent_display: str
    minimum_terms: str
    minimum_price: Decimal | None = Field(description="最低价格（元）")
    inventors_consent: bool
    surveyed_at: dt.datetime


def _intent_out(row: ConversionIntent) -> dict[str, Any]:
    return {
        "achievement_id": row.achievement_id,
        "achievement_title": row.achievement.title,
        "achievement_status": row.achievement.status,
        "intent": row.intent,
        "intent_display": row.get_intent_display(),
        "minimum_terms": row.minimum_terms,
        "minimum_price": row.minimum_price,
        "inventors_consent": row.inventors_consent,
        "surveyed_at": row.surveyed_at,
    }


class ConversionIntentIn(Schema):
    achievement_id: int | None = Field(None, description="本单位已有成果的编号；新的专利留空并填写 title、patent、field")
    title: str = Field("", description="新专利的名称")
    patent: str = Field("", description="新专利的专利号")
    field: str = Field("", description="新专利的技术领域（名称）")
    intent: str = Field(description="转化意向：代码或中文名称（转让、许可、开放许可、先用后转、暂不转化）")
    minimum_terms: str = ""
    minimum_price_wan: ExactNumber | None = Field(None, description="最低价格（万元，与摸底表一致）")
    inventors_consent: bool = Field(description="完成人是否同意；转让、许可、开放许可、先用后转须为 true")


def _survey_unit(request: AuthenticatedHttpRequest, pk: int) -> Organisation:
    unit = Organisation.objects.filter(pk=pk).first()
    if unit is None or not unit.is_owner_unit_kind or not roles.is_member(request.user, unit):
        raise Forbidden("只有成果单位可以填报转化意向", code="not_survey_unit")
    return unit


class ConversionIntentPageOut(Schema):
    count: int
    page: int
    page_size: int
    num_pages: int
    items: list[ConversionIntentOut]


@router.get(
    "/organisations/{pk}/conversion-intents",
    response=ConversionIntentPageOut,
    auth=AUTH,
    summary="本单位的转化意向摸底结果（每项成果最近一次填报，分页）",
)
def conversion_intent_list(
    request: AuthenticatedHttpRequest, pk: int, page: int = 1, page_size: int = DEFAULT_PAGE_SIZE
) -> dict[str, Any]:
    result = paginate(survey.intents_of(_survey_unit(request, pk)), page=page, page_size=page_size)
    return {**result.__dict__, "items": [_intent_out(row) for row in result.items]}


@router.post(
    "/organisations/{pk}/conversion-intents",
    response={201: ConversionIntentOut, 204: None},
    auth=AUTH,
    summary="填报一行转化意向（与摸底表同一规则；意向开放的新专利生成成果草稿；不转化的新专利不记录，返回 204）",
)
def conversion_intent_submit(
    request: AuthenticatedHttpRequest, pk: int, payload: ConversionIntentIn
) -> Status[dict[str, Any] | None]:
    unit = _survey_unit(request, pk)
    row = {
        "achievement_id": payload.achievement_id,
        "title": payload.title,
        "patent": payload.patent,
        "field": payload.field,
        "intent": payload.intent,
        "terms": payload.minimum_terms,
        "price": payload.minimum_price_wan,
        "consent": payload.inventors_consent,
    }
    recorded = survey.submit_row(actor=request.user, unit=unit, row=row)
    if recorded is None:
        return Status(204, None)
    return Status(201, _intent_out(recorded))
