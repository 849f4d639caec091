"""The host-system seam for provincial plan projects (docs/architecture.md, "Outside services and their seams").

The host platform (广东省科技业务管理阳光政务平台) owns the plan projects. `PlanProjectSource`
is what UseFirst needs from it: parsed, validated records plus row-level problems. The local
implementation reads an uploaded Excel file; a host implementation will pull from the host's
interface and report its own problems the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core.exceptions import ValidationError

from usefirst.catalog.choices import ProjectCategory
from usefirst.core.dates import today
from usefirst.core.excel import (
    DEFAULT_MAX_ROWS,
    CellError,
    RowError,
    UploadedWorkbook,
    iter_rows,
    parse_bool,
    parse_date,
    parse_text,
)
from usefirst.core.identifiers import normalise_credit_code
from usefirst.core.regions import CITY_COUNTIES, OUTSIDE_PROVINCE


@dataclass(frozen=True)
class PlanProjectRecord:
    row: int  # where it came from (spreadsheet row; 0 when the source has no rows)
    number: str
    title: str
    category: str  # ProjectCategory value
    unit_credit_code: str
    unit_name: str
    leader_name: str
    acceptance_date: dt.date | None
    provincial_funding: bool
    research_funding_only: bool
    city: str = ""


@dataclass
class SourceResult:
    records: list[PlanProjectRecord] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_name: str = ""
    file_sha256: str = ""
    file_size: int = 0


class PlanProjectSource(Protocol):
    """Where plan projects come from: an Excel upload now, the host platform later."""

    def fetch(self) -> SourceResult: ...


# Column headers of the template (the “*” marks required columns in the file).
COLUMNS: dict[str, str] = {
    "项目编号*": "number",
    "项目名称*": "title",
    "项目类别*": "category",
    "承担单位统一社会信用代码*": "unit_credit_code",
    "承担单位名称*": "unit_name",
    "项目负责人*": "leader_name",
    "验收日期": "acceptance_date",
    "省级财政科技资金支持*": "provincial_funding",
    "仅获省级科研经费资助": "research_funding_only",
    "所属地市": "city",
}
HEADER_OF = {key: header.rstrip("*") for header, key in COLUMNS.items()}
REQUIRED = [h for h in COLUMNS if h.endswith("*")]

INSTRUCTIONS: list[tuple[str, str]] = [
    ("项目编号", "必填。省级科技计划项目编号，平台内唯一；再次导入同一编号将更新该项目，不会重复新增。"),
    ("项目名称", "必填，不超过200字。"),
    ("项目类别", "必填：科研攻关类 或 其他类。"),
    ("承担单位统一社会信用代码", "必填，18位，平台按校验位核对。已在平台注册的单位会自动关联。"),
    ("承担单位名称", "必填。"),
    ("项目负责人", "必填，姓名。"),
    ("验收日期", "已验收的项目填写，日期格式或如 2023-11-25；未验收留空。"),
    ("省级财政科技资金支持", "必填：是 或 否。"),
    ("仅获省级科研经费资助", "选填：是 或 否，默认否。"),
    ("所属地市", "选填，如 广州市；承担单位已在平台注册时以平台登记的地市为准。"),
    (
        "说明",
        "第1行为表头，请勿修改；从第2行起每行一个项目。单个文件最多5000行、5MB，只接受 .xlsx。任一行有错误时整个文件都不会导入。",
    ),
]

CATEGORY_WORDS = {
    "科研攻关类": ProjectCategory.KEY_TECHNOLOGY,
    "科研攻关": ProjectCategory.KEY_TECHNOLOGY,
    "其他类": ProjectCategory.OTHER,
    "其他": ProjectCategory.OTHER,
    "其它": ProjectCategory.OTHER,
    "其它类": ProjectCategory.OTHER,
}


def template_example() -> list[list[Any]]:
    return [
        [
            "2021B0101010001",
            "示例：高效低成本固态电池关键材料研究",
            "科研攻关类",
            "12440000MB2C12345F",
            "示例大学",
            "张三",
            "2023-11-25",
            "是",
            "否",
            "广州市",
        ]
    ]


def parse_plan_project_row(number: int, values: dict[str, Any]) -> tuple[PlanProjectRecord | None, list[RowError]]:
    errors: list[RowError] = []
    parsed: dict[str, Any] = {}

    def take(key: str, parse: Any, *, required: bool = False) -> None:
        value = values.get(key)
        if value is None and required:
            errors.append(RowError(number, HEADER_OF[key], "此项为必填项"))
            return
        try:
            parsed[key] = parse(value)
        except CellError as exc:
            errors.append(RowError(number, HEADER_OF[key], str(exc)))

    def project_number(value: Any) -> str:
        text = parse_text(value, max_length=64).upper().replace(" ", "")
        if not text:
            raise CellError("此项为必填项")
        return text

    def category(value: Any) -> str:
        text = parse_text(value)
        if text not in CATEGORY_WORDS:
            raise CellError(f"项目类别应为“科研攻关类”或“其他类”，而不是“{text}”")
        return CATEGORY_WORDS[text]

    def credit_code(value: Any) -> str:
        try:
            return normalise_credit_code(parse_text(value, max_length=32))
        except ValidationError as exc:
            raise CellError(exc.messages[0]) from exc

    def city(value: Any) -> str:
        text = parse_text(value, max_length=16)
        if text and text not in CITY_COUNTIES and text != OUTSIDE_PROVINCE:
            if text + "市" in CITY_COUNTIES:
                return text + "市"
            raise CellError(f"“{text}”不是广东省的地级市（或填写“省外”）")
        return text

    def acceptance(value: Any) -> dt.date | None:
        if value is None:
            return None
        day = parse_date(value)
        if day > today():
            # Rule 4 counts three years from acceptance: a date still to come would put the
            # project on the platform too late, or not at all.
            raise CellError(f"验收日期 {day:%Y-%m-%d} 晚于今天；尚未验收的项目请留空")
        return day

    take("number", project_number, required=True)
    take("title", lambda v: parse_text(v, max_length=200), required=True)
    take("category", category, required=True)
    take("unit_credit_code", credit_code, required=True)
    take("unit_name", lambda v: parse_text(v, max_length=128), required=True)
    take("leader_name", lambda v: parse_text(v, max_length=64), required=True)
    take("acceptance_date", acceptance)
    take("provincial_funding", parse_bool, required=True)
    take("research_funding_only", lambda v: parse_bool(v, default=False))
    take("city", city)
    if errors:
        return None, errors
    return PlanProjectRecord(row=number, **parsed), []


class ExcelPlanProjectSource:
    """Local implementation: an uploaded .xlsx in the template's layout."""

    def __init__(self, workbook: UploadedWorkbook, *, max_rows: int = DEFAULT_MAX_ROWS) -> None:
        self.workbook = workbook
        self.max_rows = max_rows

    def fetch(self) -> SourceResult:
        result = SourceResult(file_name=self.workbook.name, file_sha256=self.workbook.sha256, file_size=self.workbook.size)
        seen: dict[str, int] = {}
        for number, values in iter_rows(self.workbook, COLUMNS, required_headers=REQUIRED, max_rows=self.max_rows):
            record, errors = parse_plan_project_row(number, values)
            result.errors.extend(errors)
            key = str(values.get("number") or "").upper().replace(" ", "")
            if key and key in seen:
                result.errors.append(RowError(number, HEADER_OF["number"], f"项目编号“{key}”与第 {seen[key]} 行重复"))
                continue
            if key:
                seen[key] = number
            if record is not None:
                result.records.append(record)
        return result


class StaticPlanProjectSource:
    """A source holding ready records (tests, and the shape a host adapter returns)."""

    def __init__(self, records: Sequence[PlanProjectRecord], *, name: str = "host") -> None:
        self._records = list(records)
        self._name = name

    def fetch(self) -> SourceResult:
        return SourceResult(records=list(self._records), file_name=self._name)


class SinglePlanProjectSource:
    """One project sent as data (the API's create-or-update): parsed and checked by the same
    rules as a spreadsheet row, so that both ways in accept and refuse the same values."""

    def __init__(self, number: str, values: Mapping[str, Any], *, name: str = "接口") -> None:
        self._values = {**values, "number": number}
        category = self._values.get("category")
        if category in ProjectCategory.values:
            self._values["category"] = ProjectCategory(category).label
        self._name = name

    def fetch(self) -> SourceResult:
        record, errors = parse_plan_project_row(0, self._values)
        name = f"{self._name}：{str(self._values['number'])[:64]}"
        return SourceResult(records=[record] if record else [], errors=errors, file_name=name)
