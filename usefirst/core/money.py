"""Money is CNY as Decimal with two places (分), rounded half up (四舍五入) by this one function."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
WAN = Decimal("10000")
HUNDRED = Decimal("100")


def to_cny(value: Decimal | int | str) -> Decimal:
    """Exact CNY amount, half-up to the cent. Floats are refused: they are not exact."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    try:
        amount = Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(fraction: Decimal | int | str) -> Decimal:
    """A share held as a fraction (a policy parameter such as 0.70) as a percent to two places,
    half up (70.00), so a percentage typed on a form is compared with it as Decimal."""
    if isinstance(fraction, float):
        raise TypeError("a share must not be a float")
    return (Decimal(fraction) * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def format_cny(amount: Decimal) -> str:
    return f"{to_cny(amount):,.2f} 元"


def format_wan(amount: Decimal) -> str:
    return f"{(to_cny(amount) / WAN).quantize(CENT, rounding=ROUND_HALF_UP):,.2f} 万元"
