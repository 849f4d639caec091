"""Reads of the sweep (rule 4): where each plan project stands and why, for the dry-run report,
its export, the command and the daily job — one judgement for all of them (`verdicts`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from usefirst.catalog.choices import ProjectCategory, RestrictionReason
from usefirst.catalog.models import Achievement
from usefirst.contracts.selectors import conversion_contracts_by_plan_project
from usefirst.core.actors import Visitor
from usefirst.core.dates import parse_date, today
from usefirst.core.errors import DomainError
from usefirst.core.permissions import Action, restrict
from usefirst.core.regions import CITY_COUNTIES, OUTSIDE_PROVINCE
from usefirst.plan_projects.models import PlanProject
from usefirst.plan_projects.selectors import auto_inclusion_on
from usefirst.policy.parameters import POLICY_END, POLICY_START
from usefirst.policy.selectors import parameter_value

from .choices import FALLING_DUE, LIVE_DECLARATION, DeclarationStatus, Verdict
from .models import AutoInclusion, ConversionDeclaration

DEFAULT_HORIZON_DAYS = 90
MAX_HORIZON_DAYS = 366
MAX_UNIT_QUERY = 64
FALLING_DUE_FILTER = "falling_due"
EXCLUDED_FILTER = "excluded"
VERDICT_FILTERS: dict[str, str] = {
    FALLING_DUE_FILTER: "即将或已经到期（含待单位注册）",
    EXCLUDED_FILTER: "不纳入（含原因）",
    **{v.value: str(v.label) for v in Verdict},
}


@dataclass(frozen=True)
class SweepRow:
    project: PlanProject
    verdict: str
    reason: str
    due_on: dt.date | None = None
    inclusion: AutoInclusion | None = None
    declaration: ConversionDeclaration | None = None

    @property
    def verdict_label(self) -> str:
        return str(Verdict(self.verdict).label)

    @property
    def falls_due(self) -> bool:
        return self.verdict in FALLING_DUE


@dataclass(frozen=True)
class SweepFilters:
    on: dt.date
    horizon: int = DEFAULT_HORIZON_DAYS
    verdict: str = ""
    unit: str = ""
    city: str = ""

    def as_query(self, *, with_on: bool = True) -> dict[str, str]:
        query = {
            "on": self.on.isoformat() if with_on else "",
            "horizon": str(self.horizon) if self.horizon != DEFAULT_HORIZON_DAYS else "",
            "verdict": self.verdict,
            "unit": self.unit,
            "city": self.city,
        }
        return {k: v for k, v in query.items() if v}


def parse_report_date(value: object) -> dt.date:
    """The date the report is computed for: a date within the policy's term (2026-02-01 to
    2031-01-31); the sweep has no meaning outside it."""
    day = parse_date(value, label="统计日期", field="on")
    if not POLICY_START <= day <= POLICY_END:
        message = f"统计日期须在政策有效期（{POLICY_START:%Y-%m-%d}至{POLICY_END:%Y-%m-%d}）内"
        raise DomainError(message, code="sweep_date_outside_term", field_errors={"on": [message]})
    return day


def parse_sweep_filters(params: Mapping[str, Any]) -> SweepFilters:
    raw_on = str(params.get("on") or "").strip()
    on = parse_report_date(raw_on) if raw_on else today()
    raw_horizon = str(params.get("horizon") or "").strip()
    horizon = DEFAULT_HORIZON_DAYS
    if raw_horizon:
        if not raw_horizon.isdigit() or not 1 <= int(raw_horizon) <= MAX_HORIZON_DAYS:
            message = f"预览天数应为 1 到 {MAX_HORIZON_DAYS} 之间的整数"
            raise DomainError(message, code="invalid_filter", field_errors={"horizon": [message]})
        horizon = int(raw_horizon)
    verdict = str(params.get("verdict") or "").strip()
    if verdict and verdict not in VERDICT_FILTERS:
        raise DomainError(f"筛选条件“结论”的取值无效：{verdict}", code="invalid_filter", field_errors={"verdict": ["取值无效"]})
    unit = str(params.get("unit") or "").strip()
    if len(unit) > MAX_UNIT_QUERY:
        raise DomainError(f"承担单位不超过 {MAX_UNIT_QUERY} 个字", code="invalid_filter", field_errors={"unit": ["过长"]})
    city = str(params.get("city") or "").strip()
    if city and city not in CITY_COUNTIES and city != OUTSIDE_PROVINCE:
        raise DomainError(f"未知的地市：{city}", code="invalid_filter", field_errors={"city": ["不是广东省的地级市"]})
    return SweepFilters(on=on, horizon=horizon, verdict=verdict, unit=unit, city=city)


def _restricted(numbers: list[str]) -> dict[tuple[str, int], str]:
    rows = (
        Achievement.objects.filter(plan_project_number__in=numbers)
        .exclude(restriction=RestrictionReason.NONE)
        .values_list("plan_project_number", "owner_id", "restriction")
    )
    return {(number, owner): restriction for number, owner, restriction in rows}


def verdicts(projects: Iterable[PlanProject], *, on: dt.date, horizon: int = DEFAULT_HORIZON_DAYS) -> list[SweepRow]:
    """Rule 4 for each project on the business date `on`: included already, due, due within
    `horizon` days, later, or not swept and why (in Chinese). The daily job includes exactly the
    rows judged `due` on its date."""
    projects = list(projects)
    numbers = [p.number for p in projects]
    ids = [p.pk for p in projects]
    years = int(parameter_value("auto_inclusion_years", on=on))
    restricted = _restricted(numbers)
    contracts = conversion_contracts_by_plan_project(numbers)
    inclusions = {i.project_id: i for i in AutoInclusion.objects.filter(project_id__in=ids).select_related("achievement")}
    declarations = {
        d.project_id: d for d in ConversionDeclaration.objects.filter(project_id__in=ids, status__in=LIVE_DECLARATION)
    }
    rows = [
        _judge(
            p,
            on=on,
            horizon=horizon,
            years=years,
            restricted=restricted,
            contracts=contracts,
            inclusion=inclusions.get(p.pk),
            declaration=declarations.get(p.pk),
        )
        for p in projects
    ]
    return sorted(rows, key=row_order)


def row_order(row: SweepRow) -> tuple[dt.date, str]:
    """Soonest due first; projects without a due date last."""
    return (row.due_on or dt.date.max, row.project.number)


def _judge(
    p: PlanProject,
    *,
    on: dt.date,
    horizon: int,
    years: int,
    restricted: dict[tuple[str, int], str],
    contracts: dict[tuple[str, int], str],
    inclusion: AutoInclusion | None,
    declaration: ConversionDeclaration | None,
) -> SweepRow:
    accepted = p.acceptance_date
    due = auto_inclusion_on(accepted, years=years) if accepted is not None else None
    if inclusion is not None:
        return SweepRow(
            p,
            Verdict.INCLUDED,
            f"已于 {inclusion.included_on:%Y-%m-%d} 自动纳入平台，待成果单位完善后提交审核",
            inclusion.due_on,
            inclusion=inclusion,
        )
    if accepted is None:
        return SweepRow(p, Verdict.NOT_ACCEPTED, f"项目尚未验收，验收满{years}年仍未转化的才纳入")
    if p.category != ProjectCategory.KEY_TECHNOLOGY:
        return SweepRow(
            p, Verdict.NOT_KEY_TECHNOLOGY, f"项目类别为“{p.get_category_display()}”，自动纳入只适用于科研攻关类项目", due
        )
    if not p.provincial_funding:
        return SweepRow(p, Verdict.NOT_PROVINCIALLY_FUNDED, "项目未获省级财政科技资金支持，不适用自动纳入", due)
    if accepted > on:
        return SweepRow(p, Verdict.ACCEPTANCE_IN_FUTURE, f"验收日期 {accepted:%Y-%m-%d} 晚于统计日期，请核对项目数据", due)
    restriction = restricted.get((p.number, p.unit_id or 0))
    if restriction:
        label = RestrictionReason(restriction).label
        return SweepRow(p, Verdict.RESTRICTED, f"成果{label}，依政策不纳入平台公开", due)
    contract = contracts.get((p.number, p.unit_id or 0))
    if contract:
        return SweepRow(p, Verdict.CONVERTED_ON_PLATFORM, f"已在平台签订转化合同（合同编号 {contract}），不纳入", due)
    if declaration is not None and declaration.status == DeclarationStatus.ACCEPTED:
        return SweepRow(
            p,
            Verdict.CONVERTED_OFF_PLATFORM,
            f"单位已申报平台外{declaration.get_kind_display()}（{declaration.signed_on:%Y-%m-%d} 签订），经主管部门认可，不纳入",
            due,
            declaration=declaration,
        )
    if declaration is not None:
        return SweepRow(
            p,
            Verdict.DECLARATION_PENDING,
            f"单位已申报平台外{declaration.get_kind_display()}，主管部门审核前暂不纳入",
            due,
            declaration=declaration,
        )
    assert due is not None
    if due > on + dt.timedelta(days=horizon):
        return SweepRow(p, Verdict.LATER, f"验收满{years}年的次日为 {due:%Y-%m-%d}，不在未来 {horizon} 天内", due)
    if p.unit_id is None:
        return SweepRow(p, Verdict.AWAITING_UNIT, f"应于 {due:%Y-%m-%d} 纳入；承担单位尚未在平台注册，注册后由每日任务纳入", due)
    if due <= on:
        return SweepRow(p, Verdict.DUE, f"{accepted:%Y-%m-%d} 验收，满{years}年未转化，自 {due:%Y-%m-%d} 起应纳入", due)
    days = (due - on).days
    return SweepRow(
        p, Verdict.DUE_SOON, f"将于 {due:%Y-%m-%d} 纳入（还有 {days} 天），此前签订转化合同或申报平台外转化并经认可的除外", due
    )


def sweep_projects_for(user: Visitor, filters: SweepFilters) -> QuerySet[PlanProject]:
    queryset = restrict(PlanProject.objects.select_related("unit"), user, Action.VIEW)
    if filters.unit:
        queryset = queryset.filter(Q(unit_name__icontains=filters.unit) | Q(unit_credit_code=filters.unit.upper()))
    if filters.city:
        queryset = queryset.filter(city=filters.city)
    return queryset


def sweep_report(user: Visitor, filters: SweepFilters) -> list[SweepRow]:
    """The dry-run report: every plan project the user may see, judged on `filters.on`."""
    return filter_rows(verdicts(sweep_projects_for(user, filters), on=filters.on, horizon=filters.horizon), filters.verdict)


def filter_rows(rows: list[SweepRow], verdict: str) -> list[SweepRow]:
    if verdict == FALLING_DUE_FILTER:
        return [r for r in rows if r.falls_due]
    if verdict == EXCLUDED_FILTER:
        return [r for r in rows if not r.falls_due and r.verdict not in (Verdict.INCLUDED, Verdict.LATER)]
    if verdict:
        return [r for r in rows if r.verdict == verdict]
    return rows


def verdict_counts(rows: Iterable[SweepRow]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.verdict] = counts.get(row.verdict, 0) + 1
    return [(str(v.label), counts[v.value]) for v in Verdict if v.value in counts]


REPORT_HEADERS = [
    "项目编号",
    "项目名称",
    "承担单位",
    "所属地市",
    "项目类别",
    "验收日期",
    "省级财政科技资金支持",
    "应纳入日期",
    "结论",
    "原因",
]


def report_export_rows(rows: Iterable[SweepRow]) -> Iterator[list[Any]]:
    for r in rows:
        p = r.project
        yield [
            p.number,
            p.title,
            p.unit_name,
            p.city,
            p.get_category_display(),
            p.acceptance_date,
            p.provincial_funding,
            r.due_on,
            r.verdict_label,
            r.reason,
        ]


def inclusions_for(user: Visitor) -> QuerySet[AutoInclusion]:
    return restrict(AutoInclusion.objects.select_related("project", "unit", "achievement"), user, Action.VIEW)


def declarations_for(user: Visitor, *, status: str = "") -> QuerySet[ConversionDeclaration]:
    queryset = restrict(ConversionDeclaration.objects.select_related("project", "unit"), user, Action.VIEW)
    if status:
        if status not in DeclarationStatus.values:
            raise DomainError(f"筛选条件“状态”的取值无效：{status}", code="invalid_filter", field_errors={"status": ["取值无效"]})
        queryset = queryset.filter(status=status)
    return queryset
