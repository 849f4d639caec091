"""Plain-text hygiene for user input: control characters are refused, not silently dropped."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def reject_control_characters(value: str) -> None:
    if value and _CONTROL.search(value):
        raise ValidationError("内容包含不可见的控制字符，请删除后重新提交", code="control_characters")
