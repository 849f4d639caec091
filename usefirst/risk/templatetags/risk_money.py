"""Amounts on the risk pages with thousands separators, to the cent (core.money)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from usefirst.core.money import to_cny

register = template.Library()


@register.filter
def yuan(value: Decimal | None) -> str:
    """2160000 → “2,160,000.00” (the unit 元 is in the column or after the figure)."""
    return "" if value is None else f"{to_cny(value):,.2f}"
