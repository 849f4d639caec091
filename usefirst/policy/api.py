"""Policy parameters in the open API: everyone reads; provincial administrators set."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.security import django_auth
from pydantic import Field

from usefirst.api.auth import TokenAuth
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.errors import NotFound

from .parameters import DEFINITIONS
from .selectors import ParameterOverview, parameter_overview
from .services import parameter_set

router = Router(tags=["政策参数"])

JsonValue = str | bool | int


class VersionOut(Schema):
    value: JsonValue
    display: str
    effective_from: dt.date
    state: str = Field(description="in_force 现行 / scheduled 待生效 / superseded 已被取代")
    changed_at: dt.datetime
    changed_by: str | None
    reason: str


class ParameterOut(Schema):
    key: str
    label: str
    kind: str
    interpretation: bool = Field(description="true：政策条文未明确、由省科技厅确定的适用口径")
    help: str
    value: JsonValue = Field(description="现行取值；小数以字符串表示（精确值）")
    display: str
    is_default: bool
    history: list[VersionOut]


class ParameterListOut(Schema):
    count: int
    items: list[ParameterOut]


class ParameterSetIn(Schema):
    value: str | bool | int | float = Field(description='新取值；小数请以字符串传入，如 "0.75"')
    effective_from: dt.date = Field(description="生效日期（北京时间），须在政策有效期内")
    reason: str = Field(max_length=2000, description="修改理由")


def _json(value: object) -> JsonValue:
    if isinstance(value, bool | int | str):
        return value
    return str(value)


def _out(item: ParameterOverview) -> ParameterOut:
    d = item.definition
    return ParameterOut(
        key=d.key,
        label=d.label,
        kind=d.kind,
        interpretation=d.interpretation,
        help=d.help,
        value=_json(item.value),
        display=item.display,
        is_default=item.is_default,
        history=[
            VersionOut(
                value=_json(row.version.value),
                display=row.display,
                effective_from=row.version.effective_from,
                state=row.state,
                changed_at=row.version.changed_at,
                changed_by=(row.version.changed_by.full_name or row.version.changed_by.email) if row.version.changed_by else None,
                reason=row.version.reason,
            )
            for row in item.history
        ],
    )


@router.get("/parameters", response=ParameterListOut, auth=None, summary="政策参数及其修改记录")
def list_parameters(request: HttpRequest) -> ParameterListOut:
    items = [_out(item) for item in parameter_overview()]
    return ParameterListOut(count=len(items), items=items)


@router.post(
    "/parameters/{key}",
    response={201: ParameterOut},
    auth=[TokenAuth(), django_auth],
    summary="设置政策参数的新取值（省科技厅管理员）",
)
def set_parameter(request: AuthenticatedHttpRequest, key: str, payload: ParameterSetIn) -> Status[ParameterOut]:
    if key not in DEFINITIONS:
        raise NotFound("未知的政策参数", code="parameter_unknown")
    # JSON numbers with a fraction arrive as floats; their shortest repr is the number typed.
    value = repr(payload.value) if isinstance(payload.value, float) else payload.value
    parameter_set(actor=request.user, key=key, value=value, effective_from=payload.effective_from, reason=payload.reason)
    item = next(i for i in parameter_overview() if i.definition.key == key)
    return Status(201, _out(item))
