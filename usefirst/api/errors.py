"""One error format for every endpoint: application/problem+json with a stable `code` and a
Chinese `detail` (RFC 9457)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from usefirst.core.error_reporting import report_request_exception
from usefirst.core.errors import DomainError, from_validation_error

PROBLEM_JSON = "application/problem+json"
API_PREFIX = "/api/v1/"

logger = logging.getLogger(__name__)


def problem(status: int, code: str, detail: str) -> HttpResponse:
    """A problem+json response built without the NinjaAPI (for middleware and fallbacks)."""
    body = DomainError(detail, code=code, status=status).as_problem()
    return HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_JSON)


_FALLBACK: dict[int, tuple[str, str]] = {
    400: ("bad_request", "请求有误"),
    401: ("unauthenticated", "请先登录或提供有效的接口令牌"),
    403: ("forbidden", "您没有执行此操作的权限"),
    404: ("not_found", "未找到该接口或对象"),
    405: ("method_not_allowed", "该接口不支持此请求方法"),
    413: ("payload_too_large", "请求内容过大"),
    415: ("unsupported_media_type", "不支持的请求内容类型"),
    429: ("rate_limited", "请求过于频繁，请稍后再试"),
    500: ("server_error", "服务器内部错误，请稍后再试"),
}


class ProblemJsonMiddleware:
    """Every error under /api/v1/ leaves as problem+json, including those raised outside the
    NinjaAPI's handlers: unknown paths (404 from the URL resolver), wrong methods (405),
    CSRF refusals, and unhandled exceptions (500)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            repeated = sorted(key for key, values in request.GET.lists() if len(values) > 1)
            if repeated:  # no API parameter takes a list: a second value would be silently dropped
                names = "、".join(f"“{k}”" for k in repeated)
                return problem(400, "repeated_parameter", f"查询参数{names}只能出现一次")
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith(PROBLEM_JSON):
            return response
        code, detail = _FALLBACK.get(
            response.status_code, ("error" if response.status_code < 500 else "server_error", "请求失败")
        )
        replacement = problem(response.status_code, code, detail)
        for header, value in response.items():
            if header.lower() in ("allow", "retry-after", "www-authenticate") or header.lower().startswith("ratelimit-"):
                replacement[header] = value
        return replacement

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not request.path.startswith(API_PREFIX):
            return None
        if isinstance(exception, DomainError):
            return problem(exception.status, exception.code, exception.detail)
        if isinstance(exception, Http404):
            return problem(404, *_FALLBACK[404])
        if isinstance(exception, PermissionDenied):
            return problem(403, *_FALLBACK[403])
        logger.exception("unhandled error in %s %s", request.method, request.path, exc_info=exception)
        report_request_exception(exception, request)
        return problem(500, *_FALLBACK[500])


def problem_response(api: NinjaAPI, request: HttpRequest, problem: dict[str, Any], status: int) -> HttpResponse:
    response = api.create_response(request, problem, status=status)
    response["Content-Type"] = PROBLEM_JSON
    return response


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return problem_response(api, request, exc.as_problem(), exc.status)

    @api.exception_handler(ValidationError)
    def django_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        err = from_validation_error(exc)
        return problem_response(api, request, err.as_problem(), err.status)

    @api.exception_handler(NinjaValidationError)
    def request_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for error in exc.errors:
            loc = ".".join(str(p) for p in error.get("loc", [])[1:]) or "body"
            fields.setdefault(loc, []).append(_chinese_message(error))
        err = DomainError(
            "请求参数有误：" + "；".join(f"{k}：{v[0]}" for k, v in fields.items()),
            code="validation_failed",
            field_errors=fields,
            status=422,
        )
        return problem_response(api, request, err.as_problem(), err.status)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        err = DomainError("请先登录或提供有效的接口令牌", code="unauthenticated", status=401)
        return problem_response(api, request, err.as_problem(), 401)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        err = DomainError("未找到该对象，或您无权查看", code="not_found", status=404)
        return problem_response(api, request, err.as_problem(), 404)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = {429: "rate_limited", 403: "forbidden", 401: "unauthenticated", 404: "not_found"}.get(exc.status_code, "error")
        err = DomainError(str(exc.message), code=code, status=exc.status_code)
        return problem_response(api, request, err.as_problem(), exc.status_code)


_MESSAGES = {
    "missing": "此项为必填项",
    "int_parsing": "应为整数",
    "decimal_parsing": "应为数字",
    "float_parsing": "应为数字",
    "string_too_long": "内容过长",
    "string_too_short": "内容过短",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "bool_parsing": "应为 true 或 false",
    "json_invalid": "请求体不是有效的 JSON",
}


def _chinese_message(error: dict[str, Any]) -> str:
    return _MESSAGES.get(str(error.get("type")), "取值无效")
