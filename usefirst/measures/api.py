"""Local support measures in the open API: the public list (by city, county, kind), a measure,
those that may apply to an organisation; publishers create, edit, publish and withdraw."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Query, Router, Schema, Status
from ninja.security import django_auth
from pydantic import Field

from usefirst.accounts.models import Organisation
from usefirst.api.auth import TokenAuth
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.errors import Forbidden
from usefirst.core.pagination import DEFAULT_PAGE_SIZE, paginate
from usefirst.core.permissions import Action, get_for_user

from . import selectors, services
from .models import SupportMeasure

router = Router(tags=["地方支持措施"])
AUTH = [TokenAuth(), django_auth]


class MeasureOut(Schema):
    id: int
    title: str
    kind: str
    kind_display: str
    city: str
    county: str
    eligibility: str
    amount: Decimal | None
    rate: Decimal | None = Field(description="支持比例（%）")
    valid_from: dt.date
    valid_until: dt.date | None
    contact_name: str
    contact_phone: str
    document_ref: str
    publisher_id: int
    publisher_name: str
    status: str
    status_display: str

    @staticmethod
    def resolve_kind_display(obj: SupportMeasure) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_display(obj: SupportMeasure) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_publisher_name(obj: SupportMeasure) -> str:
        return obj.publisher.name


class MeasureListOut(Schema):
    count: int
    page: int
    page_size: int
    num_pages: int
    items: list[MeasureOut]


class MeasureQuery(Schema):
    city: str = ""
    county: str = ""
    kind: str = Field("", description="subsidy 补贴 / reward 奖励 / premium_subsidy 保费补贴 / interest_subsidy 贴息 / other")
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE


class MeasureIn(Schema):
    organisation_id: int = Field(description="发布机构（地市管理部门或开发区，须为其成员）")
    title: str
    kind: str
    city: str = Field("", description="省科学技术厅发布时填写；地市与开发区为本机构所在地市")
    county: str = ""
    eligibility: str
    amount: str = ""
    rate: str = ""
    valid_from: str
    valid_until: str = ""
    contact_name: str
    contact_phone: str
    document_ref: str = ""


@router.get("/support-measures", response=MeasureListOut, summary="正在执行的地方支持措施（公开）")
def measure_list(request: AuthenticatedHttpRequest, query: Query[MeasureQuery]) -> dict[str, Any]:
    rows = selectors.public_list(request.user, city=query.city, county=query.county, kind=query.kind)
    return {**paginate(rows, page=query.page, page_size=query.page_size).__dict__}


@router.get(
    "/organisations/{pk}/support-measures",
    response=list[MeasureOut],
    auth=AUTH,
    summary="按机构所在地市、区县，可能适用于该机构的支持措施",
)
def measures_for_organisation(request: AuthenticatedHttpRequest, pk: int) -> list[SupportMeasure]:
    organisation = Organisation.objects.filter(pk=pk).first()
    return list(selectors.applicable_to(organisation))


@router.get("/support-measures/{pk}", response=MeasureOut, summary="支持措施详情")
def measure_get(request: AuthenticatedHttpRequest, pk: int) -> SupportMeasure:
    return get_for_user(SupportMeasure.objects.select_related("publisher"), request.user, Action.VIEW, pk=pk)


@router.post("/support-measures", response={201: MeasureOut}, auth=AUTH, summary="新建支持措施草稿")
def measure_create(request: AuthenticatedHttpRequest, payload: MeasureIn) -> Status[SupportMeasure]:
    publisher = Organisation.objects.filter(pk=payload.organisation_id).first()
    if publisher is None:
        raise Forbidden("只有地市管理部门和省级以上开发区可以发布地方支持措施", code="not_measure_publisher")
    data = payload.dict(exclude={"organisation_id"})
    return Status(201, services.measure_create(actor=request.user, publisher=publisher, data=data))


def _mine(request: AuthenticatedHttpRequest, pk: int) -> SupportMeasure:
    return get_for_user(SupportMeasure.objects.select_related("publisher"), request.user, Action.CHANGE, pk=pk)


@router.post("/support-measures/{pk}/publish", response=MeasureOut, auth=AUTH, summary="发布")
def measure_publish(request: AuthenticatedHttpRequest, pk: int) -> SupportMeasure:
    return services.measure_publish(actor=request.user, measure=_mine(request, pk))


@router.post("/support-measures/{pk}/withdraw", response=MeasureOut, auth=AUTH, summary="撤回")
def measure_withdraw(request: AuthenticatedHttpRequest, pk: int) -> SupportMeasure:
    return services.measure_withdraw(actor=request.user, measure=_mine(request, pk))
