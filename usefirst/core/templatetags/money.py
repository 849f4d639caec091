"""Amounts on pages, written by `usefirst.core.money`: {{ amount|cny }} → 1,234,567.89 元,
{{ amount|wan }} → 50 万元, {{ low|cny_range:high }} → 300,000.00 元 至 600,000.00 元."""

from __future__ import annotations

from decimal import Decimal

from django import template

from usefirst.core import money

register = template.Library()

MISSING = "—"


def _amount(value: object) -> Decimal | int | str | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal | int | str) and not isinstance(value, bool):
        return value
    raise TypeError(f"not an amount: {value!r}")


@register.filter
def cny(value: object) -> str:
    amount = _amount(value)
    return MISSING if amount is None else money.format_cny(amount)


@register.filter
def wan(value: object) -> str:
    amount = _amount(value)
    return MISSING if amount is None else money.format_wan(amount)


@register.filter
def cny_range(low: object, high: object) -> str:
    return money.format_cny_range(_amount(low), _amount(high))
