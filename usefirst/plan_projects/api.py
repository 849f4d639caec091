"""Plan projects and Excel imports in the open API.

Row-level problems of an Excel file come back as problem+json, 422, `code: "import_rows_invalid"`
and `errors: [{row, column, message}]`; nothing is imported then. One project sent as JSON
(PUT /plan-projects/{number}) goes through the same checks and sync as a spreadsheet row and
answers `validation_failed` with `errors: {field: [message]}`.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth
from pydantic import Field

from usefirst.accounts import roles
from usefirst.api.auth import TokenAuth
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.errors import Forbidden
from usefirst.core.pagination import DEFAULT_PAGE_SIZE, paginate
from usefirst.core.permissions import Action, get_for_user

from . import selectors
from .imports.achievements import achievement_import_organisations, achievements_import
from .models import ImportBatch, ImportOutcome, PlanProject
from .services import plan_project_save, plan_projects_import

router = Router(tags=["省级科技计划项目与批量导入"])
AUTH = [TokenAuth(), django_auth]


class PlanProjectOut(Schema):
    id: int
    number: str
    title: str
    category: str = Field(description="key_technology 科研攻关类 / other 其他类")
    category_label: str
    unit_credit_code: str
    unit_name: str
    unit_id: int | None = Field(description="承担单位在平台上的机构编号；未注册时为空")
    city: str
    leader_name: str
    acceptance_date: dt.date | None
    provincial_funding: bool
    research_funding_only: bool
    updated_at: dt.datetime

    @staticmethod
    def resolve_category_label(obj: PlanProject) -> str:
        return str(obj.get_category_display())


class PlanProjectListOut(Schema):
    count: int
    page: int
    page_size: int
    num_pages: int
    items: list[PlanProjectOut]


class PlanProjectDetailOut(PlanProjectOut):
    created_at: dt.datetime
    first_batch_id: int
    last_batch_id: int


class PlanProjectQuery(Schema):
    category: str = Field("", description="key_technology 科研攻关类 / other 其他类")
    year: int | None = Field(None, description="验收年份")
    unit: str = Field("", description="承担单位名称（包含）或统一社会信用代码")
    unit_id: int | None = Field(None, description="承担单位在平台上的机构编号")
    city: str = Field("", description="所属地市，如 广州市")
    accepted: bool | None = Field(None, description="true 已验收 / false 未验收")
    provincial_funding: bool | None = Field(None, description="是否获省级财政科技资金支持")
    registered: bool | None = Field(None, description="承担单位是否已在平台注册")
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE


class PlanProjectIn(Schema):
    title: str
    category: str = Field(description="key_technology 科研攻关类 / other 其他类（也可写中文）")
    unit_credit_code: str
    unit_name: str
    leader_name: str
    acceptance_date: dt.date | None = None
    provincial_funding: bool
    research_funding_only: bool = False
    city: str = ""


class PlanProjectSavedOut(PlanProjectDetailOut):
    batch_id: int = Field(description="记录这次写入的导入批次")

    @staticmethod
    def resolve_batch_id(obj: PlanProject) -> int:
        return obj.last_batch_id


class ImportBatchOut(Schema):
    id: int
    kind: str
    outcome: str
    at: dt.datetime
    organisation_id: int
    file_name: str
    file_sha256: str
    row_count: int
    created_count: int
    updated_count: int
    unchanged_count: int
    error_count: int
    duration_ms: int


class AchievementImportOut(ImportBatchOut):
    achievement_ids: list[int]


class RowErrorOut(Schema):
    row: int
    column: str
    message: str


class ImportBatchStatusOut(ImportBatchOut):
    progress_percent: int = Field(description="排队中或导入中时按预计耗时估算的进度（0–100）")
    errors: list[RowErrorOut] = Field(default_factory=list, description="结果为 refused 时的逐行错误")

    @staticmethod
    def resolve_errors(obj: ImportBatch) -> list[dict[str, object]]:
        return list(obj.detail.get("errors", [])) if obj.outcome == ImportOutcome.REFUSED else []


class ImportProblemOut(Schema):
    type: str
    title: str
    status: int
    code: str = Field(description="import_rows_invalid：文件中有错误行，未导入任何数据")
    detail: str
    errors: list[RowErrorOut] = []


def _require_department(request: HttpRequest) -> None:
    if not roles.department_ids(request.user):
        raise Forbidden("只有省、市及行业主管部门可以查看省级科技计划项目", code="forbidden")


@router.get(
    "/plan-projects",
    response=PlanProjectListOut,
    auth=AUTH,
    summary="省级科技计划项目列表（主管部门，可按年份、单位、地市、验收与资助情况筛选）",
)
def list_plan_projects(request: AuthenticatedHttpRequest, query: Query[PlanProjectQuery]) -> dict[str, object]:
    _require_department(request)
    filters = selectors.parse_plan_project_filters(query.dict(exclude={"page", "page_size"}))
    result = paginate(selectors.plan_projects_for(request.user, filters), page=query.page, page_size=query.page_size)
    return {**result.__dict__}


@router.post(
    "/plan-projects/import",
    response={201: ImportBatchOut, 422: ImportProblemOut},
    auth=AUTH,
    summary="导入省级科技计划项目（.xlsx，multipart 字段 file）",
)
def import_plan_projects(request: AuthenticatedHttpRequest, file: File[UploadedFile]) -> Status[ImportBatch]:
    return Status(201, plan_projects_import(actor=request.user, file=file))


@router.post(
    "/imports/achievements",
    response={201: AchievementImportOut, 202: AchievementImportOut, 422: ImportProblemOut},
    auth=AUTH,
    summary="批量导入科技成果为草稿（.xlsx，multipart 字段 file）",
    description="逐行检查后导入；任一行有错误时返回 422 且不导入任何数据。"
    "超过 200 行的文件检查通过后转入后台导入，返回 202，用 GET /imports/batches/{id} 查询进度与结果。",
)
def import_achievements(
    request: AuthenticatedHttpRequest,
    file: File[UploadedFile],
    organisation: Form[int | None] = None,
) -> Status[dict[str, object]]:
    allowed = achievement_import_organisations(request.user)
    if organisation is None:
        if not allowed:
            raise Forbidden("只有成果单位和地市管理部门可以批量导入成果", code="forbidden")
        acting = allowed[0]
    else:
        match = [o for o in allowed if o.pk == organisation]
        if not match:
            raise Forbidden("您不能以该机构的名义导入成果", code="forbidden")
        acting = match[0]
    batch, created = achievements_import(actor=request.user, organisation=acting, file=file)
    data = ImportBatchOut.from_orm(batch).dict()
    return Status(201 if batch.is_finished else 202, {**data, "achievement_ids": [a.pk for a in created]})


@router.get("/imports/batches/{batch_id}", response=ImportBatchStatusOut, auth=AUTH, summary="导入批次的状态、进度与逐行错误")
def get_import_batch(request: AuthenticatedHttpRequest, batch_id: int) -> ImportBatch:
    return get_for_user(ImportBatch.objects.all(), request.user, Action.VIEW, pk=batch_id)


# Last: “/plan-projects/{number}” would otherwise take the paths above (import) for a number.
@router.get("/plan-projects/{number}", response=PlanProjectDetailOut, auth=AUTH, summary="省级科技计划项目详情（按项目编号）")
def get_plan_project(request: AuthenticatedHttpRequest, number: str) -> PlanProject:
    _require_department(request)
    key = number.strip().upper().replace(" ", "")
    return get_for_user(PlanProject.objects.select_related("unit"), request.user, Action.VIEW, number=key)


@router.put(
    "/plan-projects/{number}",
    response={200: PlanProjectSavedOut, 201: PlanProjectSavedOut},
    auth=AUTH,
    summary="新增或更新一个省级科技计划项目（JSON；与 Excel 导入同一校验与权限，省科技厅和地市管理部门）",
)
def save_plan_project(request: AuthenticatedHttpRequest, number: str, payload: PlanProjectIn) -> Status[PlanProject]:
    project, created = plan_project_save(actor=request.user, number=number, values=payload.dict())
    return Status(201 if created else 200, project)
