"""The versioned open API. Each bounded context contributes a router in its own `api.py`."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI, Swagger
from ninja.openapi.schema import OpenAPISchema

from usefirst.core.error_codes import CODES

from .errors import install_error_handlers


class UseFirstAPI(NinjaAPI):
    """The schema also describes the error format: a `Problem` component whose `code` lists every
    registered code (usefirst.core.error_codes), and the codes with status, domain and Chinese
    default message under `x-error-codes`."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = {
            "title": "Problem",
            "type": "object",
            "description": "application/problem+json（RFC 9457）：code 为稳定的错误代码，detail 为中文说明",
            "properties": {
                "type": {"type": "string"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "code": {"type": "string", "enum": [entry.code for entry in CODES]},
                "detail": {"type": "string"},
                "errors": {"description": "按字段（或按行）的错误说明"},
            },
            "required": ["type", "title", "status", "code", "detail"],
        }
        schema["x-error-codes"] = [{"code": e.code, "status": e.status, "domain": e.domain, "message": e.message} for e in CODES]
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                if isinstance(operation, dict) and "responses" in operation:
                    _document_problems(method, operation)
        return schema


_PROBLEM_CONTENT = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
_PROBLEMS = {
    "400": "请求有误（如查询参数重复、筛选值无效），见 code 与 detail",
    "401": "未登录或接口令牌无效",
    "403": "无权进行此操作",
    "404": "对象不存在，或您无权查看",
    "409": "与对象当前状态冲突（如已被他人处理）",
    "422": "参数格式不符合接口定义（validation_failed，errors 按字段说明）",
    "429": "请求过于频繁（响应头 Retry-After 给出等待秒数）",
}


def _document_problems(method: str, operation: dict[str, Any]) -> None:
    """Every operation lists the problem+json answers it can give, besides its success."""
    # An operation open to everyone that still answers 401 (the token exchange: wrong credentials)
    # names it with openapi_extra={"x-problem-statuses": ["401"]}.
    statuses = ["400", "404", "429", *operation.get("x-problem-statuses", [])]
    if operation.get("parameters") or operation.get("requestBody"):
        statuses.append("422")
    if operation.get("security"):
        statuses += ["401", "403"]
    statuses = list(dict.fromkeys(statuses))
    if method.lower() in ("post", "put", "patch", "delete"):
        statuses.append("409")
    responses = operation["responses"]
    declared = {str(code) for code in responses}  # ninja keys its own answers by int: never add a twin "400"
    for status in sorted(statuses):
        if status not in declared:
            responses[int(status)] = {"description": _PROBLEMS[status], "content": _PROBLEM_CONTENT}


api = UseFirstAPI(
    title="先用后转平台开放接口",
    version="1.0.0",
    urls_namespace="api-v1",
    description="广东省科技成果“先用后转”平台 v1 接口。错误统一为 application/problem+json。",
    openapi_url="/openapi.json",
    docs_url="/docs",
    # Swagger UI's validator badge would otherwise load an image from the validator's own host.
    docs=Swagger(settings={"validatorUrl": None}),
)
install_error_handlers(api)
api.add_router("/policy", "usefirst.policy.api.router")  # policy parameters


@api.get("/health", tags=["系统"], summary="健康检查")
def health(request: object) -> dict[str, str]:
    return {"status": "ok"}


api.add_router("/", "usefirst.accounts.api.router")  # tokens, me, organisations and their review
api.add_router("/", "usefirst.plan_projects.api.router")  # plan projects and Excel imports
api.add_router("/", "usefirst.catalog.api.router")  # achievements, demands and their review
api.add_router("/", "usefirst.matching.api.router")  # search and recommendations
api.add_router("/", "usefirst.matchmaking.api.router")  # matchmaking (对接): engagements, messages
api.add_router("/", "usefirst.finance.api.router")  # payment plans, receipts, distributions
api.add_router("/", "usefirst.recognition.api.router")  # recognition: applications, quota, public list, misconduct
api.add_router("/", "usefirst.inclusion.api.router")  # auto-inclusion (rule 4): the dry run, off-platform declarations
api.add_router("/", "usefirst.safehouse.api.router")  # 安心屋 (rule 10): evidence vault, exemptions, management systems
api.add_router("/", "usefirst.reporting.api.router")  # annual data reporting and rectification cases
api.add_router("/", "usefirst.contracts.api.router")  # contracts: drafting, signing, public verification
api.add_router("/", "usefirst.risk.api.router")  # insurance and guarantee products, their review, quotes
api.add_router("/", "usefirst.financing.api.router")  # bank loans (先用后付贷), applications, patent pledges
api.add_router("/", "usefirst.evaluation.api.router")  # evaluations, results, objections, excellent lists
api.add_router("/", "usefirst.performance.api.router")  # the licensee's performance record, consents, statements
api.add_router("/", "usefirst.simulator.api.router")  # the payment-mode simulator
api.add_router("/", "usefirst.events.api.router")  # events: calendar, sign-up, check-in, outcomes
api.add_router("/", "usefirst.cases.api.router")  # typical cases (典型案例)
api.add_router("/", "usefirst.measures.api.router")  # local support measures
api.add_router("/", "usefirst.pools.api.router")  # industry pools: list, detail, proposals and votes
api.add_router("/", "usefirst.sources.api.router")  # recommendation batches, source counts
api.add_router("/", "usefirst.notifications.api.router")  # the notification inbox
api.add_router("/", "usefirst.statistics.api.router")  # open statistics (aggregate, rule of three)
