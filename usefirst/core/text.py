"""Plain-text hygiene for user input, one rule for every app: control characters are refused, not
silently dropped; a reason, a note or an answer may run over several lines (a textarea's normal
input); a title, a name or a number stays on one line. Refusals are `DomainError`s whose
`field_errors` name the input by its field name."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab, line feed and carriage return are text
_LINE_BREAK = re.compile(r"[\r\n]")

REASON_MAX_CHARS = 2000
TITLE_MAX_CHARS = 200


def reject_control_characters(value: str) -> None:
    if value and _CONTROL.search(value):
        raise ValidationError("内容包含不可见的控制字符，请删除后重新提交", code="control_characters")


def clean_text(
    value: object,
    *,
    field: str,
    label: str,
    max_chars: int,
    required: bool = True,
    multiline: bool = False,
    min_chars: int = 0,
    code: str = "validation_failed",
    required_code: str | None = None,
    required_message: str | None = None,
) -> str:
    """The one rule for text a person types: line breaks normalised to "\\n" and the ends trimmed;
    refused when required and empty, when it holds a control character, when it breaks a line
    that must stay one line, when it has fewer than `min_chars` characters that are not
    punctuation or spaces (so "x" or "。。。" is no reason), or when it is longer than `max_chars`.
    `code` is the refusal's stable code (`required_code` for an empty value, if different)."""
    from .errors import DomainError

    text = str(value or "").replace("\r\n", "\n").strip()
    if not text:
        if not required:
            return ""
        message = required_message or f"请填写{label}"
        raise DomainError(message, code=required_code or code, field_errors={field: [message]})
    message = ""
    if _CONTROL.search(text):
        message = f"{label}包含不可见的控制字符，请删除后重新提交"
    elif not multiline and _LINE_BREAK.search(text):
        message = f"{label}应写在一行内，请删除换行"
    elif min_chars and len(re.sub(r"[\s\W_]+", "", text)) < min_chars:
        message = f"{label}过于简略，请至少写 {min_chars} 个字说明"
    elif len(text) > max_chars:
        message = f"{label}最多 {max_chars} 字（现有 {len(text)} 字）"
    if message:
        raise DomainError(message, code=code, field_errors={field: [message]})
    return text


def clean_reason(
    value: object,
    *,
    field: str = "reason",
    label: str = "理由",
    max_chars: int = REASON_MAX_CHARS,
    required: bool = True,
    min_chars: int = 0,
    code: str = "validation_failed",
    required_code: str | None = "reason_required",
    required_message: str | None = None,
) -> str:
    """A reason (for a return, a refusal, a waiver, an ending …), on as many lines as the person
    likes: `clean_text` with line breaks kept."""
    return clean_text(
        value,
        field=field,
        label=label,
        max_chars=max_chars,
        required=required,
        multiline=True,
        min_chars=min_chars,
        code=code,
        required_code=required_code,
        required_message=required_message,
    )


def clean_title(value: object, *, field: str = "title", label: str = "标题", max_chars: int = TITLE_MAX_CHARS) -> str:
    """A title or a name: required, on one line."""
    return clean_text(value, field=field, label=label, max_chars=max_chars)


def stated_reason(value: object, *, field: str, label: str, min_chars: int = 4, max_chars: int = REASON_MAX_CHARS) -> str:
    """A reason that must say something (a second contract, an ending, a dispute): at least
    `min_chars` meaningful characters; refused with the code `reason_invalid`."""
    return clean_reason(
        value, field=field, label=label, max_chars=max_chars, min_chars=min_chars, code="reason_invalid", required_code=None
    )


class ReasonField(forms.CharField):
    """A reason on a page: a textarea whose lines are kept, control characters refused, at most
    `REASON_MAX_CHARS` characters (the services apply `clean_reason` to the same rule)."""

    def __init__(self, *, label: str = "理由", rows: int = 3, **kwargs: object) -> None:
        kwargs.setdefault("max_length", REASON_MAX_CHARS)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(label=label, **kwargs)  # type: ignore[arg-type]
        self.validators.append(reject_control_characters)
