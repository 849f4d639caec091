"""Words for the evaluation pages: a source's Chinese label, a reported field's label, a grade badge."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from .. import sources
from ..choices import Grade

register = template.Library()

GRADE_TONES: dict[str, str] = {Grade.EXCELLENT: "done", Grade.PASS: "active", Grade.FAIL: "refused"}


@register.simple_tag
def source_label(key: str) -> str:
    source = sources.get_source(key)
    return f"{source.label}（{source.origin}）" if source else "（数据来源已停用）"


@register.simple_tag
def reported_label(kind: str, key: str) -> str:
    for field, label, unit in sources.REPORTED_FIELDS.get(kind, []):
        if field == key:
            return f"{label}（{unit}）"
    return "其他填报数据"


@register.simple_tag
def grade_badge(grade: str) -> SafeString:
    label = Grade(grade).label if grade in Grade.values else "未评定"
    return format_html('<span class="status-badge status-{}">{}</span>', GRADE_TONES.get(grade, "ended"), label)
