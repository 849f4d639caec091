"""The dashboards' content: figures and charts for a scope (all of Guangdong or one city).

Each chart is a `usefirst.core.charts.Chart`, so its table and Excel download are the same
numbers as its drawing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from usefirst.core.charts import Chart, Series
from usefirst.core.dates import today
from usefirst.evaluation.choices import EvaluationKind, Grade
from usefirst.evaluation.selectors import published_summary

from . import selectors
from .models import FUNNEL, FUNNEL_LABELS, Metric
from .selectors import Figure, Scope

COUNT_METRICS = (
    Metric.CONTRACT_SIGNED,
    Metric.FREE_USE_RUNNING,
    Metric.FREE_USE_ENDING,
    Metric.CONVERSION,
    Metric.RECOGNISED,
)
MONEY_METRICS = (Metric.RECEIVED, Metric.DISTRIBUTED)
CARD_METRICS = (
    *FUNNEL[:2],
    Metric.CONTRACT_SIGNED,
    Metric.FREE_USE_RUNNING,
    Metric.FREE_USE_ENDING,
    Metric.CONVERSION,
    Metric.RECOGNISED,
)
MONEY_LABELS = {Metric.RECEIVED: "实际到账金额", Metric.DISTRIBUTED: "成果完成人所得（已发放）"}


@dataclass
class Card:
    label: str
    figure: str


def _rate(part: int, whole: int) -> str:
    return f"{(Decimal(part) * 100 / whole).quantize(Decimal('0.1'))}%" if whole else "—"


def cards(scope: Scope) -> list[Card]:
    found = selectors.totals(scope, [*CARD_METRICS, *MONEY_METRICS])
    from usefirst.core.money import format_cny

    shown = [Card(str(Metric(m).label), f"{found[m].count} 项") for m in CARD_METRICS]
    shown += [Card(MONEY_LABELS[m], format_cny(found[m].amount)) for m in MONEY_METRICS]
    return shown


def funnel(scope: Scope) -> Chart:
    found = selectors.totals(scope, FUNNEL)
    first = found[Metric.INTENT].count
    return Chart(
        key="funnel",
        title="对接转化漏斗",
        kind="funnel",
        category_label="阶段",
        categories=[f"{FUNNEL_LABELS[m]}（{_rate(found[m].count, first)}）" for m in FUNNEL],
        series=[Series("对接数", [found[m].count for m in FUNNEL])],
        note="按提出意向的月份归集：提出的对接中，后来达成一致、签订合同、有确认到账的各有多少（括号内为占提出意向的比例）。",
    )


def funnel_by(scope: Scope, dimension: str) -> Chart:
    values, by_metric = selectors.breakdown(scope, FUNNEL, dimension)
    return Chart(
        key=f"funnel_{dimension}",
        title=f"对接转化漏斗（按{selectors.DIMENSIONS[dimension]}）",
        kind="hbar" if len(values) > 6 else "bar",
        category_label=selectors.DIMENSIONS[dimension],
        categories=[selectors.label(dimension, v) for v in values],
        series=[Series(FUNNEL_LABELS[m], [by_metric[m].get(v, Figure()).count for v in values]) for m in FUNNEL],
    )


def monthly(scope: Scope) -> tuple[Chart, Chart]:
    months = selectors.months_back(dt.date(scope.year, 12, 1), 12) if scope.year else selectors.months_back(today(), 12)
    _values, counts = selectors.breakdown(scope, COUNT_METRICS, "month")
    _values, money = selectors.breakdown(scope, MONEY_METRICS, "month")
    labels = [selectors.label("month", m) for m in months]
    count_chart = Chart(
        key="monthly_counts",
        title="逐月合同、转化与认定",
        kind="bar",
        category_label="月份",
        categories=labels,
        series=[
            Series(str(Metric(m).label), [counts[m].get(month, Figure()).count for month in months])
            for m in (Metric.CONTRACT_SIGNED, Metric.CONVERSION, Metric.RECOGNISED)
        ],
        note="签订合同按签署完成的月份，转化按后续合同签署的月份，认定按认定决定的月份。",
    )
    money_chart = Chart(
        key="monthly_money",
        title="逐月实际到账与收益分配",
        kind="line",
        category_label="月份",
        categories=labels,
        series=[
            Series(MONEY_LABELS[m], [money[m].get(month, Figure()).amount for month in months], money=True) for m in MONEY_METRICS
        ],
        note="实际到账只计已确认的到账（扣除冲销）；收益分配为已发放的成果完成人所得。",
    )
    return count_chart, money_chart


def by_dimension(scope: Scope, dimension: str) -> tuple[Chart, Chart]:
    name = selectors.DIMENSIONS[dimension]
    values, counts = selectors.breakdown(scope, COUNT_METRICS, dimension)
    money_values, money = selectors.breakdown(scope, MONEY_METRICS, dimension)
    categories = [selectors.label(dimension, v) for v in values]
    count_chart = Chart(
        key=f"counts_{dimension}",
        title=f"合同、免费使用期、转化与认定（按{name}）",
        kind="hbar" if len(values) > 8 else "bar",
        category_label=name,
        categories=categories,
        series=[Series(str(Metric(m).label), [counts[m].get(v, Figure()).count for v in values]) for m in COUNT_METRICS],
        note="免费使用期进行中按届满月份归集；90日内届满为其中即将届满的部分。",
    )
    money_chart = Chart(
        key=f"money_{dimension}",
        title=f"实际到账与收益分配（按{name}）",
        kind="hbar" if len(money_values) > 8 else "bar",
        category_label=name,
        categories=[selectors.label(dimension, v) for v in money_values],
        series=[
            Series(MONEY_LABELS[m], [money[m].get(v, Figure()).amount for v in money_values], money=True) for m in MONEY_METRICS
        ],
    )
    return count_chart, money_chart


def charts(scope: Scope, dimension: str) -> list[Chart]:
    """Every chart of a dashboard, in page order."""
    found = [funnel(scope), funnel_by(scope, "source"), funnel_by(scope, "field")]
    found += monthly(scope)
    found += by_dimension(scope, dimension)
    return found


EVALUATED = (EvaluationKind.AGENCY, EvaluationKind.UNIT)


def evaluation_charts(scope: Scope) -> list[Chart]:
    """The published evaluation results (DOMAIN.md rules 5 and 6): for agencies and for units, the
    latest published evaluation (of the year chosen, when one is) — its grade counts and its top
    ranks; for a city, the city's own agencies and units in rank order."""
    found = []
    where = f"{scope.city}参评机构" if scope.city else "全省"
    for kind in EVALUATED:
        summary = published_summary(kind, city=scope.city, year=scope.year, top=20 if scope.city else 10)
        name = str(EvaluationKind(kind).label)
        evaluation = summary.evaluation
        heading = f"{evaluation.year} 年度{name}" if evaluation else name
        source = (
            f"已发布的 {evaluation.year} 年度评价（第 {evaluation.version} 版，{evaluation.published_at:%Y-%m-%d} 发布）。"
            if evaluation and evaluation.published_at
            else "尚无已发布的评价结果。"
        )
        found.append(
            Chart(
                key=f"evaluation_{kind}_grades",
                title=f"{heading}：等级分布（{where}）",
                kind="bar",
                category_label="等级",
                categories=[str(label) for label in Grade.labels],
                series=[Series("机构数", [summary.grades[g] for g in Grade.values])],
                note=source,
            )
        )
        found.append(
            Chart(
                key=f"evaluation_{kind}_ranks",
                title=f"{heading}：{'本市参评机构排名' if scope.city else '排名前 10 位'}",
                kind="hbar",
                category_label="排名与机构",
                categories=[f"第 {r.rank} 名 {r.organisation.name}（{r.get_grade_display()}）" for r in summary.ranked],
                series=[Series("综合得分", [r.total for r in summary.ranked])],
                note=source + ("排名为全省排名。" if scope.city else ""),
            )
        )
    return found
