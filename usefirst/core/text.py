"""Plain-text hygiene for user input: control characters are refused, not silently dropped."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def reject_control_characters(value: str) -> None:
    if value and _CONTROL.search(value):
        raise ValidationError("内容包含不可见的控制字符，请删除后重新提交", code="control_characters")


def stated_reason(value: object, *, field: str, label: str, min_chars: int = 4, max_chars: int = 2000) -> str:
    """A reason a person must state (for a return, a second contract, an ending): trimmed, on as
    many lines as they like, at least `min_chars` characters that are not punctuation or spaces
    (so "x" or "。。。" is not a reason), at most `max_chars`. Refused with the field named."""
    from .errors import DomainError

    text = str(value or "").replace("\r\n", "\n").strip()
    meaningful = re.sub(r"[\s\W_]+", "", text)
    message = ""
    if not text:
        message = f"请填写{label}"
    elif _CONTROL.search(text):
        message = f"{label}包含不可见的控制字符，请删除后重新提交"
    elif len(meaningful) < min_chars:
        message = f"{label}过于简略，请至少写 {min_chars} 个字说明"
    elif len(text) > max_chars:
        message = f"{label}最多 {max_chars} 字（现有 {len(text)} 字）"
    if message:
        raise DomainError(message, code="reason_invalid", field_errors={field: [message]})
    return text
