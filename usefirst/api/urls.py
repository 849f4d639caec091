"""The versioned open API. Each bounded context contributes a router in its own `api.py`."""

from __future__ import annotations

from ninja import NinjaAPI

from .errors import install_error_handlers

api = NinjaAPI(
    title="先用后转平台开放接口",
    version="1.0.0",
    urls_namespace="api-v1",
    description="广东省科技成果“先用后转”平台 v1 接口。错误统一为 application/problem+json。",
    openapi_url="/openapi.json",
    docs_url="/docs",
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
api.add_router("/", "usefirst.contracts.api.router")  # contracts: drafting, signing, public verification
api.add_router("/", "usefirst.notifications.api.router")  # the notification inbox
