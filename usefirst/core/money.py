"""Money is CNY as Decimal with two places (分), rounded half up (四舍五入) by this one function."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
WAN = Decimal("10000")
HUNDRED = Decimal("100")
MAX_AMOUNT = Decimal("999999999999.99")  # fits DecimalField(max_digits=14, decimal_places=2)


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


def parse_amount(value: object, *, allow_zero: bool = False, allow_negative: bool = False, label: str = "金额") -> Decimal:
    """An exact CNY amount as a person entered it, the one rule for every form and service:
    positive unless told otherwise, at most two places. Over-precise amounts are refused, never
    rounded: silently rounding what a cashier typed would change the money recorded (amounts the
    platform computes are rounded half up by `to_cny`)."""
    from .errors import DomainError

    if isinstance(value, float):
        raise DomainError(f"{label}必须以精确的十进制数提交", code="amount_not_exact")
    try:
        amount = Decimal(str(value).strip().replace(",", "")) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(f"{label}“{value}”不是有效的金额", code="amount_invalid") from exc
    if not amount.is_finite():
        raise DomainError(f"{label}“{value}”不是有效的金额", code="amount_invalid")
    if amount != amount.quantize(CENT, rounding=ROUND_DOWN):
        raise DomainError(
            f"{label}最多保留两位小数（精确到分），“{value}”过于精确，平台不会替您四舍五入", code="amount_too_precise"
        )
    if amount == 0 and not allow_zero:
        raise DomainError(f"{label}必须大于零", code="amount_not_positive")
    if amount < 0 and not allow_negative:
        raise DomainError(f"{label}不能为负数", code="amount_negative" if allow_zero else "amount_not_positive")
    if abs(amount) > MAX_AMOUNT:
        raise DomainError(f"{label}超出上限", code="amount_too_large")
    return amount.quantize(CENT)


def percent_of(fraction: Decimal | int | str) -> Decimal:
    """A share held as a fraction (a policy parameter such as 0.70) as a percent to two places,
    half up (70.00), so a percentage typed on a form is compared with it as Decimal."""
    if isinstance(fraction, float):
        raise TypeError("a share must not be a float")
    return (Decimal(fraction) * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------- how amounts are written
# One way for pages, PDFs and spreadsheets: 1,234,567.89 元 — thousands grouped, two places,
# half up; 万元 only where the policy itself speaks in 万元 (the 50 万元 recognition threshold).

CNY_UNIT = "元"
WAN_UNIT = "万元"
NO_LIMIT = "不限"
EXCEL_CNY_FORMAT = "#,##0.00"  # a spreadsheet's number format for amounts; the header carries （元）


def cny_number(amount: Decimal | int | str) -> str:
    """The figure alone, 1,234,567.89 (a table whose header already says （元）)."""
    return f"{to_cny(amount):,.2f}"


def format_cny(amount: Decimal | int | str) -> str:
    """1,234,567.89 元; negatives as -1,234.50 元 (a reversal), zero as 0.00 元."""
    return f"{cny_number(amount)} {CNY_UNIT}"


def wan_number(amount: Decimal | int | str) -> str:
    """An amount in 万元, to the hundred yuan, half up, without trailing zeros: 50, 12.5, 123.46."""
    wan = (to_cny(amount) / WAN).quantize(CENT, rounding=ROUND_HALF_UP)
    figure = f"{wan:,.2f}"
    return figure.rstrip("0").rstrip(".") if "." in figure else figure


def format_wan(amount: Decimal | int | str) -> str:
    """50 万元 — as the policy writes its thresholds."""
    return f"{wan_number(amount)} {WAN_UNIT}"


def format_cny_range(low: Decimal | int | str | None, high: Decimal | int | str | None) -> str:
    """A budget range, 300,000.00 元 至 600,000.00 元; an open end reads 不限."""
    if low is None and high is None:
        return NO_LIMIT
    return f"{format_cny(low) if low is not None else NO_LIMIT} 至 {format_cny(high) if high is not None else NO_LIMIT}"
