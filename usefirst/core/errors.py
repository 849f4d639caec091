"""Domain errors: one coded error type that pages show as a Chinese message and the API as
application/problem+json. Codes are stable machine identifiers; details are Chinese."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


class DomainError(Exception):
    status = 400
    default_code = "invalid"

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        field_errors: dict[str, list[str]] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code or self.default_code
        self.field_errors = field_errors or {}
        if status is not None:
            self.status = status

    def as_problem(self) -> dict[str, Any]:
        problem: dict[str, Any] = {
            "type": f"https://usefirst.invalid/problems/{self.code}",
            "title": self.code,
            "status": self.status,
            "code": self.code,
            "detail": self.detail,
        }
        if self.field_errors:
            problem["errors"] = self.field_errors
        return problem


class NotFound(DomainError):
    status = 404
    default_code = "not_found"


class Forbidden(DomainError):
    status = 403
    default_code = "forbidden"


class Conflict(DomainError):
    status = 409
    default_code = "conflict"


class IllegalTransition(Conflict):
    default_code = "illegal_transition"


def from_validation_error(exc: ValidationError, *, code: str = "validation_failed") -> DomainError:
    """Turn Django's ValidationError (from full_clean) into a DomainError with per-field messages."""
    if hasattr(exc, "error_dict"):
        fields = {name: [str(m) for e in errs for m in e.messages] for name, errs in exc.error_dict.items()}
        first = next(iter(fields.values()))[0] if fields else "输入有误"
        return DomainError(f"输入有误：{first}", code=code, field_errors=fields)
    return DomainError("；".join(str(m) for m in exc.messages), code=code)
