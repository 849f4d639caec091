"""Payment-plan item types: an open registry (docs/domain.md: the list of ways to pay is open).

Each type validates the terms the parties agreed and expands them into scheduled lines —
dated amounts, a milestone awaiting confirmation, or a royalty period awaiting its report.
A plan is any combination of items (e.g. an entry fee as a lump sum plus a royalty).
Due dates that fall on a statutory holiday or weekend move to the next working day.
Adding a type is one class with `@register_item_type`; no model or migration changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from usefirst.core.dates import add_months, next_working_day
from usefirst.core.errors import DomainError
from usefirst.core.money import to_cny

from .amounts import parse_amount, parse_percent


@dataclass(frozen=True)
class LineSpec:
    """One scheduled line of a plan before it is stored."""

    label: str
    amount: Decimal | None  # None: known later (royalty report, milestone without a fixed sum)
    stated_date: dt.date | None  # the date the contract states (None: milestone not yet reached)
    due_date: dt.date | None  # stated_date moved to the next working day
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    report_due: dt.date | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def parse_date(value: object, *, label: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise DomainError(f"{label}“{value}”不是有效日期（如 2026-06-30）", code="date_invalid") from exc


def due(stated: dt.date) -> dt.date:
    return next_working_day(stated)


class ItemType:
    kind: ClassVar[str]
    label: ClassVar[str]

    def clean(self, terms: Mapping[str, Any]) -> dict[str, Any]:
        """Validated, normalised terms (JSON-safe strings for money and dates)."""
        raise NotImplementedError

    def expand(self, terms: Mapping[str, Any]) -> list[LineSpec]:
        raise NotImplementedError


ITEM_TYPES: dict[str, ItemType] = {}


def register_item_type(cls: type[ItemType]) -> type[ItemType]:
    ITEM_TYPES[cls.kind] = cls()
    return cls


def item_type(kind: str) -> ItemType:
    try:
        return ITEM_TYPES[kind]
    except KeyError:
        raise DomainError(f"未知的付款方式“{kind}”", code="unknown_item_type") from None


def item_type_choices() -> list[tuple[str, str]]:
    return [(t.kind, t.label) for t in ITEM_TYPES.values()]


def _dated_amount(terms: Mapping[str, Any], *, what: str) -> dict[str, str]:
    return {
        "date": parse_date(terms.get("date"), label=f"{what}日期").isoformat(),
        "amount": str(parse_amount(terms.get("amount"), label=f"{what}金额")),
    }


@register_item_type
class LumpSum(ItemType):
    kind = "lump_sum"
    label = "一次性支付"

    def clean(self, terms: Mapping[str, Any]) -> dict[str, Any]:
        return _dated_amount(terms, what="一次性支付")

    def expand(self, terms: Mapping[str, Any]) -> list[LineSpec]:
        stated = dt.date.fromisoformat(terms["date"])
        return [LineSpec(self.label, Decimal(terms["amount"]), stated, due(stated))]


@register_item_type
class Deferred(ItemType):
    kind = "deferred"
    label = "延期支付"

    def clean(self, terms: Mapping[str, Any]) -> dict[str, Any]:
        return _dated_amount(terms, what="延期支付")

    def expand(self, terms: Mapping[str, Any]) -> list[LineSpec]:
        stated = dt.date.fromisoformat(terms["date"])
        return [LineSpec(self.label, Decimal(terms["amount"]), stated, due(stated))]


@register_item_type
class Installments(ItemType):
    kind = "installment"
    label = "分期支付"

    def clean(self, terms: Mapping[str, Any]) -> dict[str, Any]:
        rows = terms.get("installments") or []
        if not isinstance(rows, Sequence) or not rows:
            raise DomainError("分期支付至少需要一期", code="installments_empty")
        cleaned = [_dated_amount(row, what=f"第{n}期") for n, row in enumerate(rows, start=1)]
        for n in range(1, len(cleaned)):
            if cleaned[n]["date"] <= cleaned[n - 1]["date"]:
                raise DomainError(
                    f"第{n + 1}期的日期（{cleaned[n]['date']}）应晚于第{n}期（{cleaned[n - 1]['date']}）",
                    code="dates_out_of_order",
                )
        return {"installments": cleaned}

    def expand(self, terms: Mapping[str, Any]) -> list[LineSpec]:
        lines = []
        for n, row in enumerate(terms["installments"], start=1):
            stated = dt.date.fromisoformat(row["date"])
            lines.append(LineSpec(f"第{n}期", Decimal(row["amount"]), stated, due(stated)))
        return lines


@register_item_type
class Milestones(ItemType):
    """Named events with amounts. A milestone is due once both sides have confirmed it was
    reached, `payment_days` after the later confirmation (moved to a working day)."""

    kind = "milestone"
    label = "里程碑支付"

    def clean(self, terms: Mapping[str, Any]) -> dict[str, Any]:
        rows = terms.get("milestones") or []
        if not isinstance(rows, Sequence) or not rows:
            raise DomainError("里程碑支付至少需要一个里程碑", code="milestones_empty")
        cleaned = []
        names: set[str] = set()
        for n, row in enumerate(rows, start=1):
            name = str(row.get("name") or "").strip()
            if not name or len(name) > 100:
                raise DomainError(f"第{n}个里程碑需要名称（不超过100字）", code="milestone_name")
            if name in names:
                raise DomainError(f"里程碑名称“{name}”重复", code="milestone_name")
            names.add(name)
            cleaned.append({"name": name, "amount": str(parse_amount(row.get("amount"), label=f"里程碑“{name}”金额"))})
        days = int(terms.get("payment_days", 30))
        if not 0 <= days <= 365:
            raise DomainError("里程碑确认后的付款期限应在 0 到 365 天之间", code="payment_days")
        return {"milestones": cleaned, "payment_days": days}

    def expand(self, terms: Mapping[str, Any]) -> list[LineSpec]:
        return [
            LineSpec(f"里程碑：{row['name']}", Decimal(row["amount"]), None, None, extra={"payment_days": terms["payment_days"]})
            for row in terms["milestones"]
        ]


ROYALTY_BASES = {"net_sales": "净销售额", "profit": "利润"}
SCOPES = {"period": "每期", "cumulative": "累计"}


@register_item_type
class Royalty(ItemType):
    """A rate on a base (net sales or profit) that the enterprise reports for each period.

    Terms: base, rate (percent), first period start, number of periods, period length in
    months, days after a period ends by which the report is due and then the payment, and
    optional minimum and cap, each per period or cumulative over the whole term.
    """

    kind = "royalty"
    label = "收益提成支付"

    def clean(self, terms: Mapping[str, Any]) -> dict[str, Any]:
        base = str(terms.get("base") or "")
        if base not in ROYALTY_BASES:
            raise DomainError("提成基数应为净销售额或利润", code="royalty_base")
        rate = parse_percent(terms.get("rate"), label="提成比例")
        if rate <= 0:
            raise DomainError("提成比例必须大于零", code="percent_out_of_range")
        start = parse_date(terms.get("start"), label="首个提成期起始日")
        try:
            periods = int(terms.get("periods", 0))
            months = int(terms.get("period_months", 3))
            report_days = int(terms.get("report_days", 15))
            payment_days = int(terms.get("payment_days", 30))
        except (TypeError, ValueError) as exc:
            raise DomainError("提成期数、期长与期限应为整数", code="royalty_terms") from exc
        if not 1 <= periods <= 120 or months not in (1, 3, 6, 12):
            raise DomainError("提成期数应为 1–120，期长为 1、3、6 或 12 个月", code="royalty_terms")
        if not 0 <= report_days <= 120 or not 0 <= payment_days <= 365 or payment_days < report_days:
            raise DomainError("报告期限与付款期限不合理（付款期限不应早于报告期限）", code="royalty_terms")
        cleaned: dict[str, Any] = {
            "base": base,
            "rate": str(rate),
            "start": start.isoformat(),
            "periods": periods,
            "period_months": months,
            "report_days": report_days,
            "payment_days": payment_days,
        }
        for key, what in (("minimum", "保底"), ("cap", "封顶")):
            amount = terms.get(key)
            if amount in (None, ""):
                continue
            cleaned[key] = str(parse_amount(amount, label=f"{what}金额"))
            scope = str(terms.get(f"{key}_scope") or "period")
            if scope not in SCOPES:
                raise DomainError(f"{what}应为每期或累计", code="royalty_scope")
            cleaned[f"{key}_scope"] = scope
        same_scope = "minimum" in cleaned and "cap" in cleaned and cleaned["minimum_scope"] == cleaned["cap_scope"]
        if same_scope and Decimal(cleaned["minimum"]) > Decimal(cleaned["cap"]):
            raise DomainError("保底金额不能高于封顶金额", code="royalty_min_above_cap")
        return cleaned

    def expand(self, terms: Mapping[str, Any]) -> list[LineSpec]:
        start = dt.date.fromisoformat(terms["start"])
        lines = []
        for n in range(terms["periods"]):
            period_start = add_months(start, n * terms["period_months"])
            period_end = add_months(start, (n + 1) * terms["period_months"]) - dt.timedelta(days=1)
            report_due = due(period_end + dt.timedelta(days=terms["report_days"]))
            stated = period_end + dt.timedelta(days=terms["payment_days"])
            lines.append(
                LineSpec(
                    f"提成 {period_start:%Y-%m-%d} 至 {period_end:%Y-%m-%d}",
                    None,
                    stated,
                    due(stated),
                    period_start=period_start,
                    period_end=period_end,
                    report_due=report_due,
                )
            )
        return lines


def royalty_amounts(terms: Mapping[str, Any], bases: Sequence[Decimal | None]) -> list[Decimal | None]:
    """What each period owes from the reported bases (None: not reported yet).

    A per-period minimum raises and a per-period cap limits each period's amount. A cumulative
    cap limits the running total: once reached, later periods owe nothing. A cumulative
    minimum is settled in the last period: when every period has been reported and the total
    falls short, the last period owes the difference as well.
    """
    rate = Decimal(terms["rate"]) / 100
    minimum = Decimal(terms["minimum"]) if "minimum" in terms else None
    cap = Decimal(terms["cap"]) if "cap" in terms else None
    results: list[Decimal | None] = []
    running = Decimal(0)
    for base in bases:
        if base is None:
            results.append(None)
            continue
        amount = to_cny(max(base, Decimal(0)) * rate)
        if minimum is not None and terms.get("minimum_scope") == "period":
            amount = max(amount, minimum)
        if cap is not None and terms.get("cap_scope") == "period":
            amount = min(amount, cap)
        if cap is not None and terms.get("cap_scope") == "cumulative":
            amount = max(Decimal(0), min(amount, cap - running))
        running += amount
        results.append(amount)
    if (
        minimum is not None
        and terms.get("minimum_scope") == "cumulative"
        and results
        and all(r is not None for r in results)
        and len(results) == terms["periods"]
        and running < minimum
    ):
        last = results[-1]
        assert last is not None
        results[-1] = last + (minimum - running)
    return results
