"""The downloadable import templates: a data sheet with Chinese headers, an instructions
sheet, and (for achievements) the field codes."""

from __future__ import annotations

from usefirst.catalog.models import TechField
from usefirst.core.excel import SheetSpec, write_workbook

from . import sources
from .imports import achievements


def plan_project_template() -> bytes:
    example = [dict(zip(sources.COLUMNS, row, strict=True)) for row in sources.template_example()]
    return write_workbook(
        [
            SheetSpec("省级科技计划项目", list(sources.COLUMNS), [], column_width=22),
            SheetSpec("填写说明", ["列名", "说明"], sources.INSTRUCTIONS, column_width=60),
            SheetSpec("示例（请勿在此填写）", list(example[0]), [list(e.values()) for e in example], column_width=22),
        ]
    )


def achievement_template() -> bytes:
    fields = [
        [f.code, f.parent.name if f.parent else f.name, f.name if f.parent else ""]
        for f in TechField.objects.select_related("parent").order_by("code")
    ]
    example = [
        "示例：一种高效低成本的固态电解质及其制备方法",
        "本成果提出一种……（不超过5000字）",
        "解决现有固态电池界面阻抗大的问题",
        "成本降低30%",
        "0603",
        "材料科学与工程",
        "固态电池；电解质",
        6,
        "是",
        "否",
        "否",
        12,
        "免费使用12个月后按销售额3%提成",
        "202310123456.6",
        "张三:60;李四:40",
        "",
        "",
        "",
        "否",
        "不涉及",
        "",
    ]
    return write_workbook(
        [
            SheetSpec("科技成果", list(achievements.COLUMNS), [], column_width=20),
            SheetSpec("填写说明", ["列名", "说明"], achievements.INSTRUCTIONS, column_width=60),
            SheetSpec("技术领域代码", ["代码", "领域", "子领域"], fields, column_width=28),
            SheetSpec("示例（请勿在此填写）", list(achievements.COLUMNS), [example], column_width=20),
        ]
    )
