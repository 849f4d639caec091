"""One error format for every endpoint: application/problem+json with a stable `code` and a
Chinese `detail` (RFC 9457)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from usefirst.core.errors import DomainError, from_validation_error

PROBLEM_JSON = "application/problem+json"


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
            "请求参数有误：" + "；".join(f"{k}：{v[0]}" for k, v in fields.items()), code="validation_failed", field_errors=fields
        )
        return problem_response(api, request, err.as_problem(), 422)

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
