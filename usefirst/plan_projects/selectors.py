"""Reads of plan projects and import batches, always scoped through the chokepoint."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from usefirst.catalog.choices import ProjectCategory
from usefirst.core.actors import Visitor
from usefirst.core.dates import add_months, period_end, today
from usefirst.core.errors import DomainError
from usefirst.core.permissions import Action, restrict
from usefirst.core.regions import CITY_COUNTIES, OUTSIDE_PROVINCE
from usefirst.policy.selectors import parameter_value

from .models import ImportBatch, ImportKind, PlanProject

MAX_UNIT_QUERY = 64


@dataclass(frozen=True)
class PlanProjectFilters:
    category: str = ""
    year: int | None = None
    unit: str = ""
    unit_id: int | None = None
    city: str = ""
    accepted: bool | None = None
    provincial_funding: bool | None = None
    registered: bool | None = None

    def as_query(self) -> dict[str, str]:
        query = {
            "category": self.category,
            "year": str(self.year or ""),
            "unit": self.unit,
            "unit_id": str(self.unit_id or ""),
            "city": self.city,
            **{
                name: ("" if value is None else "true" if value else "false")
                for name, value in (
                    ("accepted", self.accepted),
                    ("provincial_funding", self.provincial_funding),
                    ("registered", self.registered),
                )
            },
        }
        return {k: v for k, v in query.items() if v}


FLAG_LABELS = {"accepted": "是否已验收", "provincial_funding": "省级财政科技资金支持", "registered": "承担单位已在平台注册"}


def _flag(params: Mapping[str, Any], name: str) -> bool | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("true", "1", "yes", "是"):
        return True
    if text in ("false", "0", "no", "否"):
        return False
    raise DomainError(
        f"筛选条件“{FLAG_LABELS[name]}”应为 true 或 false", code="invalid_filter", field_errors={name: ["应为 true 或 false"]}
    )


def parse_plan_project_filters(params: Mapping[str, Any]) -> PlanProjectFilters:
    """Filters from a query string; unknown values are a clear error, not a silent empty list."""
    category = str(params.get("category") or "").strip()
    if category and category not in ProjectCategory.values:
        raise DomainError(
            f"筛选条件“项目类别”的取值无效：{category}", code="invalid_filter", field_errors={"category": ["取值无效"]}
        )
    raw_year = str(params.get("year") or "").strip()
    year: int | None = None
    if raw_year:
        if not raw_year.isdigit() or not 1990 <= int(raw_year) <= 2100:
            raise DomainError("验收年份应为四位年份，如 2023", code="invalid_filter", field_errors={"year": ["应为四位年份"]})
        year = int(raw_year)
    unit = str(params.get("unit") or "").strip()
    if len(unit) > MAX_UNIT_QUERY:
        raise DomainError(f"承担单位不超过 {MAX_UNIT_QUERY} 个字", code="invalid_filter", field_errors={"unit": ["过长"]})
    raw_unit_id = str(params.get("unit_id") or "").strip()
    if raw_unit_id and not raw_unit_id.isdigit():
        raise DomainError("承担单位编号应为整数", code="invalid_filter", field_errors={"unit_id": ["应为整数"]})
    city = str(params.get("city") or "").strip()
    if city and city not in CITY_COUNTIES and city != OUTSIDE_PROVINCE:
        raise DomainError(f"未知的地市：{city}", code="invalid_filter", field_errors={"city": ["不是广东省的地级市"]})
    return PlanProjectFilters(
        category=category,
        year=year,
        unit=unit,
        unit_id=int(raw_unit_id) if raw_unit_id else None,
        city=city,
        accepted=_flag(params, "accepted"),
        provincial_funding=_flag(params, "provincial_funding"),
        registered=_flag(params, "registered"),
    )


def plan_projects_for(user: Visitor, filters: PlanProjectFilters | None = None) -> QuerySet[PlanProject]:
    queryset = restrict(PlanProject.objects.select_related("unit"), user, Action.VIEW)
    if filters is None:
        return queryset
    if filters.category:
        queryset = queryset.filter(category=filters.category)
    if filters.year:
        queryset = queryset.filter(acceptance_date__year=filters.year)
    if filters.unit:
        queryset = queryset.filter(Q(unit_name__icontains=filters.unit) | Q(unit_credit_code=filters.unit.upper()))
    if filters.unit_id is not None:
        queryset = queryset.filter(unit_id=filters.unit_id)
    if filters.city:
        queryset = queryset.filter(city=filters.city)
    if filters.accepted is not None:
        queryset = queryset.filter(acceptance_date__isnull=not filters.accepted)
    if filters.provincial_funding is not None:
        queryset = queryset.filter(provincial_funding=filters.provincial_funding)
    if filters.registered is not None:
        queryset = queryset.filter(unit__isnull=not filters.registered)
    return queryset


def import_batches_for(user: Visitor, kind: str | None = None) -> QuerySet[ImportBatch]:
    queryset = restrict(ImportBatch.objects.select_related("actor", "organisation"), user, Action.VIEW)
    if kind:
        if kind not in ImportKind.values:
            raise DomainError("导入类型无效", code="invalid_filter")
        queryset = queryset.filter(kind=kind)
    return queryset


PLAN_PROJECT_EXPORT_HEADERS = [
    "项目编号",
    "项目名称",
    "项目类别",
    "承担单位统一社会信用代码",
    "承担单位名称",
    "所属地市",
    "项目负责人",
    "验收日期",
    "省级财政科技资金支持",
    "仅获省级科研经费资助",
    "承担单位已在平台注册",
    "最近导入时间",
]


def plan_project_export_rows(queryset: QuerySet[PlanProject]) -> Iterator[list[Any]]:
    for p in queryset.select_related("last_batch").iterator(chunk_size=1000):
        yield [
            p.number,
            p.title,
            p.get_category_display(),
            p.unit_credit_code,
            p.unit_name,
            p.city,
            p.leader_name,
            p.acceptance_date,
            p.provincial_funding,
            p.research_funding_only,
            p.unit_id is not None,
            p.last_batch.at,
        ]


BATCH_EXPORT_HEADERS = [
    "批次号",
    "导入类型",
    "结果",
    "导入时间",
    "操作人",
    "操作机构",
    "文件名",
    "文件 SHA-256",
    "数据行数",
    "新增",
    "更新",
    "未变化",
    "错误数",
    "耗时（毫秒）",
]


def batch_export_rows(queryset: QuerySet[ImportBatch]) -> Iterator[list[Any]]:
    for b in queryset.iterator(chunk_size=1000):
        yield [
            b.pk,
            b.get_kind_display(),
            b.get_outcome_display(),
            b.at,
            b.actor.full_name,
            b.organisation.name,
            b.file_name,
            b.file_sha256,
            b.row_count,
            b.created_count,
            b.updated_count,
            b.unchanged_count,
            b.error_count,
            b.duration_ms,
        ]


# ---------------------------------------------------------------- for the rules that build on plan projects


def plan_project_by_number(number: str) -> PlanProject | None:
    """The plan project with this number (numbers are compared as imported: trimmed, upper case)."""
    return PlanProject.objects.filter(number=(number or "").strip().upper().replace(" ", "")).first()


def counts_as_established(project: PlanProject, *, on: dt.date | None = None) -> bool:
    """Rule 3: does this plan project make a conversion “already 立项”? A project that had
    provincial research funding only counts when the setting `research_funding_excludes`
    says so (default: no; the reviewer sees it as a flag either way)."""
    if not project.research_funding_only:
        return True
    return bool(parameter_value("research_funding_excludes", on=on))


def auto_inclusion_on(acceptance_date: dt.date, *, years: int) -> dt.date:
    """Rule 4: the day non-conversion is established — the day after the period of `years`
    counted from acceptance ends (民法典 arts. 201–204: the day of acceptance is not counted; the
    period ends on the corresponding day, or the month's last day where there is none).
    A last day that is a statutory holiday or a rest day moves to the next working day: the unit
    may still convert on it. Accepted 2023-11-25 → due 2026-11-26; accepted 2024-02-29 → the
    anniversary is 2027-02-28, a Sunday, so the period ends with Monday 2027-03-01 and the project
    is due 2027-03-02 (docs/domain.md, "Auto-inclusion date")."""
    return period_end(acceptance_date, years=years) + dt.timedelta(days=1)


def auto_inclusion_due(*, on: dt.date | None = None) -> list[PlanProject]:
    """Rule 4: key-technology projects with provincial fiscal funding that are due for
    auto-inclusion on `on` or earlier (`auto_inclusion_on`). Whether a conversion contract exists
    is for the caller to check."""
    on = on or today()
    years = int(parameter_value("auto_inclusion_years", on=on))
    coarse = PlanProject.objects.filter(
        category=ProjectCategory.KEY_TECHNOLOGY,
        provincial_funding=True,
        acceptance_date__isnull=False,
        acceptance_date__lte=add_months(on, -12 * years),
    ).select_related("unit")
    return [p for p in coarse if p.acceptance_date is not None and auto_inclusion_on(p.acceptance_date, years=years) <= on]
