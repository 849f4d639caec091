"""Reads of annual reporting and rectification: scoped listings, a report's figures beside the
platform's, the province's roll-up, and the Excel workbooks (a submission; the roll-up; the
templates of the imports)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from usefirst.core.actors import Visitor
from usefirst.core.errors import DomainError
from usefirst.core.excel import SheetSpec, write_workbook
from usefirst.core.permissions import Action, restrict

from . import rules
from .choices import AnnexKind, CaseStatus, FormKind, ReportStatus
from .fields import ANNEX_COLUMNS, PART_LABELS, FieldSpec, by_part, fields_of
from .models import AnnualReport, RectificationCase


def reports_for(user: Visitor, *, year: int | None = None, status: str = "", form: str = "") -> QuerySet[AnnualReport]:
    qs = restrict(AnnualReport.objects.select_related("organisation", "department"), user, Action.VIEW)
    if status:
        if status not in ReportStatus.values:
            raise DomainError("未知的报告状态", code="validation_failed")
        qs = qs.filter(status=status)
    if form:
        if form not in FormKind.values:
            raise DomainError("未知的报告表", code="validation_failed")
        qs = qs.filter(form=form)
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "organisation__name", "pk")


def review_queue(user: Visitor) -> QuerySet[AnnualReport]:
    return restrict(AnnualReport.objects.all(), user, Action.REVIEW).filter(status=ReportStatus.SUBMITTED)


def cases_for(user: Visitor, *, status: str = "") -> QuerySet[RectificationCase]:
    qs = restrict(RectificationCase.objects.select_related("unit", "opened_by_org"), user, Action.VIEW)
    if status:
        if status not in CaseStatus.values:
            raise DomainError("未知的整改状态", code="validation_failed")
        qs = qs.filter(status=status)
    return qs


@dataclass(frozen=True)
class FigureRow:
    spec: FieldSpec
    value: str
    platform: str | None
    flagged: bool

    @property
    def difference(self) -> Decimal | None:
        if self.platform in (None, "") or self.value in ("", None):
            return None
        return Decimal(self.value) - Decimal(self.platform)


def figure_rows(report: AnnualReport) -> list[tuple[str, str, list[FigureRow]]]:
    """The report part by part: each field's value, the platform's figure and the flag."""
    flags = set(rules.flagged_keys(report.form, report.values, report.platform))
    return [
        (
            key,
            label,
            [
                FigureRow(s, report.values.get(s.key, ""), report.platform.get(s.key) if s.platform else None, s.key in flags)
                for s in specs
            ],
        )
        for key, label, specs in by_part(report.form)
    ]


def _num(text: str | None) -> Any:
    if text in (None, ""):
        return ""
    return Decimal(text) if "." in str(text) else int(str(text))


FIGURE_HEADERS = ("部分", "字段编号", "项目", "单位", "填报值", "平台数据", "差异", "超过容差")


def report_workbook(report: AnnualReport) -> bytes:
    """A submission as Excel: its figures beside the platform's, then each annex list."""
    rows = []
    for _key, label, figures in figure_rows(report):
        for f in figures:
            rows.append(
                (
                    label,
                    f.spec.key,
                    f.spec.label,
                    f.spec.unit,
                    f.value if f.spec.kind == "text" else _num(f.value),
                    _num(f.platform),
                    f.difference if f.difference is not None else "",
                    f.flagged,
                )
            )
    sheets = [SheetSpec("年度数据", FIGURE_HEADERS, rows, column_width=20)]
    for annex, label in AnnexKind.choices:
        annex_rows = report.annex_rows.filter(annex=annex)
        sheets.append(
            SheetSpec(
                label.replace("/", "、"),
                [header for _, header in ANNEX_COLUMNS],
                [
                    (r.title, r.mode, r.counterparty, r.amount, r.received, r.fiscal, r.contract_number, r.note)
                    for r in annex_rows
                ],
            )
        )
    return write_workbook(sheets)


def form_template(report: AnnualReport) -> bytes:
    """The Excel template of one form, filled with the report's current values."""
    rows = [(s.key, f"{PART_LABELS[s.part]}｜{s.label}", s.unit, report.values.get(s.key, "")) for s in fields_of(report.form)]
    return write_workbook([SheetSpec("填报表", ("字段编号", "项目", "单位", "填报值"), rows, column_width=24)])


def batch_template(form: str) -> bytes:
    from .services import CREDIT_HEADER

    return write_workbook([SheetSpec("批量填报", [CREDIT_HEADER, "单位名称", *(s.heading for s in fields_of(form))], [])])


@dataclass(frozen=True)
class Rollup:
    form: str
    year: int
    reports: list[AnnualReport]
    totals: dict[str, Decimal]
    not_counted: int = 0


def rollup(user: Visitor, *, year: int, form: str = FormKind.UNIT) -> Rollup:
    """The province's (or a department's) roll-up of a year's reports: one row per report the
    province countersigned (省科学技术厅复核通过, the only state counted) and the totals of every
    numeric field; `not_counted` says how many submitted reports are still in review or returned."""
    qs = reports_for(user, year=year, form=form).exclude(status=ReportStatus.DRAFT)
    reports = list(qs.filter(status=ReportStatus.ACCEPTED))
    not_counted = qs.exclude(status=ReportStatus.ACCEPTED).count()
    totals: dict[str, Decimal] = {}
    for spec in fields_of(form):
        if spec.kind == "text":
            continue
        totals[spec.key] = sum((Decimal(r.values[spec.key]) for r in reports if r.values.get(spec.key)), Decimal(0))
    return Rollup(form, year, reports, totals, not_counted)


def rollup_workbook(user: Visitor, *, year: int) -> bytes:
    sheets = []
    for form, label in FormKind.choices:
        data = rollup(user, year=year, form=form)
        numeric = [s for s in fields_of(form) if s.kind != "text"]
        headers = ["填报单位", "统一社会信用代码", "所在地市", "状态", "差异提示项数", *(s.heading for s in numeric)]
        rows: list[list[Any]] = [
            [
                r.organisation.name,
                r.organisation.credit_code,
                r.organisation.city,
                r.get_status_display(),
                len(r.flags),
                *(_num(r.values.get(s.key)) for s in numeric),
            ]
            for r in data.reports
        ]
        rows.append(["合计", "", "", f"{len(data.reports)} 份", "", *(data.totals[s.key] for s in numeric)])
        sheets.append(SheetSpec(f"{label}汇总", headers, rows))
    return write_workbook(sheets)
