"""One chart component for every page: a chart is data first, then a drawing of it.

A `Chart` holds its categories (the x axis, or the slices) and its series (one list of values
per series, aligned with the categories). From that one object come the three things a page
shows, so they can never disagree:

- the drawing: `payload()` is written into the page as a JSON data block
  (`{{ chart.payload|json_script:chart.data_id }}` in `templates/core/_chart.html`; a JSON block
  is not executed, so the strict Content-Security-Policy allows it) and `static/js/charts.js`
  draws it with Apache ECharts, vendored under `static/vendor/echarts/`;
- the table beside it: `table_headers()` and `table_rows()`, the same numbers as words;
- the Excel download: `workbook()` / `xlsx_response()`; a page offers it as `?xlsx=<chart key>`
  and answers it with `export_response(request, charts)`.

A page includes `{% include "core/_chart.html" with chart=chart %}` for each chart and
`{% include "core/_chart_scripts.html" %}` once in its `extra_scripts` block. A value may be
`None`: a cell withheld (the open statistics' rule of three, or no data); the table shows the
chart's `withheld_text` and the drawing leaves a gap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse

from .excel import SheetSpec, write_workbook, xlsx_response
from .money import cny_number

KINDS = ("bar", "line", "pie", "funnel", "hbar")
WITHHELD = "不足3家机构，不予显示"


@dataclass
class Series:
    name: str
    values: list[Decimal | int | None]
    money: bool = False  # amounts in 元: shown as ¥ with two decimals, exported as numbers
    percent: bool = False  # percentages (12.50 is 12.50 %): shown with “%”, exported as numbers


@dataclass
class Chart:
    key: str  # unique on its page, [a-z0-9_]: the download's query value and the element ids
    title: str
    categories: list[str]
    series: list[Series]
    kind: str = "bar"
    category_label: str = "类别"
    note: str = ""  # shown under the title (a definition, the source, the freshness)
    withheld_text: str = WITHHELD
    extra: dict[str, Any] = field(default_factory=dict)  # more ECharts options, merged by charts.js

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown chart kind {self.kind!r}")
        for series in self.series:
            if len(series.values) != len(self.categories):
                raise ValueError(f"series {series.name!r} has {len(series.values)} values for {len(self.categories)} categories")

    @property
    def data_id(self) -> str:
        return f"chart-data-{self.key}"

    @property
    def is_empty(self) -> bool:
        return not self.categories or all(v in (None, 0) for s in self.series for v in s.values)

    def payload(self) -> dict[str, Any]:
        """What charts.js draws: plain numbers (a withheld cell is null)."""
        return {
            "kind": self.kind,
            "title": self.title,
            "categories": list(self.categories),
            "series": [
                {"name": s.name, "money": s.money, "values": [None if v is None else float(v) for v in s.values]}
                for s in self.series
            ],
            "extra": self.extra,
        }

    def table_headers(self) -> list[str]:
        return [
            self.category_label,
            *(f"{s.name}（元）" if s.money else f"{s.name}（%）" if s.percent else s.name for s in self.series),
        ]

    def table_rows(self) -> list[list[str]]:
        """The table beside the chart: the same values as `payload()`, in words."""
        rows = []
        for index, category in enumerate(self.categories):
            cells = [category]
            for s in self.series:
                value = s.values[index]
                if value is None:
                    cells.append(self.withheld_text)
                elif s.money:
                    cells.append(cny_number(value))
                elif s.percent:
                    cells.append(f"{value}%")
                else:
                    cells.append(str(value))
            rows.append(cells)
        return rows

    def sheet(self) -> SheetSpec:
        rows = [
            [category, *(s.values[index] if s.values[index] is not None else self.withheld_text for s in self.series)]
            for index, category in enumerate(self.categories)
        ]
        return SheetSpec(self.title, self.table_headers(), rows)

    def workbook(self) -> bytes:
        return write_workbook([self.sheet()])

    def xlsx_response(self, filename_prefix: str = "") -> HttpResponse:
        return xlsx_response(f"{filename_prefix}{self.title}.xlsx", self.workbook())


def export_response(request: HttpRequest, charts: Iterable[Chart], *, filename_prefix: str = "") -> HttpResponse | None:
    """The Excel download a chart's link asks for (`?xlsx=<key>`, or `?xlsx=all` for one sheet per
    chart), or None when the request asks for the page."""
    wanted = request.GET.get("xlsx")
    if not wanted:
        return None
    charts = list(charts)
    if wanted == "all":
        return xlsx_response(f"{filename_prefix}全部图表.xlsx", write_workbook([c.sheet() for c in charts]))
    for chart in charts:
        if chart.key == wanted:
            return chart.xlsx_response(filename_prefix)
    from django.http import Http404

    raise Http404("没有这个图表。")


def from_pairs(
    key: str,
    title: str,
    pairs: Sequence[tuple[str, Decimal | int | None]],
    *,
    series_name: str,
    money: bool = False,
    **options: Any,
) -> Chart:
    """A one-series chart from (category, value) pairs."""
    return Chart(
        key=key,
        title=title,
        categories=[label for label, _ in pairs],
        series=[Series(series_name, [value for _, value in pairs], money=money)],
        **options,
    )
