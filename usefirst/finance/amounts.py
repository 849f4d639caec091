"""Pure money arithmetic of the finance app: exact amounts, pro-rata splits that sum exactly.

No database here: these functions are the rules, tested on their own.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from usefirst.core.errors import DomainError
from usefirst.core.money import CENT, HUNDRED, MAX_AMOUNT, parse_amount

__all__ = ["CENT", "HUNDRED", "MAX_AMOUNT", "allocate", "parse_amount", "parse_percent"]


def parse_percent(value: object, *, label: str = "比例") -> Decimal:
    """A percentage between 0 and 100 with at most 2 decimals (70.00 means 70 %)."""
    try:
        pct = Decimal(str(value).strip().rstrip("%"))
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(f"{label}“{value}”不是有效的百分比", code="percent_invalid") from exc
    if not pct.is_finite() or pct != pct.quantize(CENT, rounding=ROUND_DOWN):
        raise DomainError(f"{label}最多保留两位小数", code="percent_invalid")
    if not Decimal(0) <= pct <= HUNDRED:
        raise DomainError(f"{label}应在 0 到 100 之间", code="percent_out_of_range")
    return pct.quantize(CENT)


def allocate[K: Hashable](total: Decimal, weights: Sequence[tuple[K, Decimal]], *, quantum: Decimal = CENT) -> dict[K, Decimal]:
    """Split `total` over the keys pro rata to their weights, each part rounded half up to the
    quantum, and the parts summing to `total` exactly.

    Rounding every part half up can leave the sum a few quanta off. The difference is settled
    one quantum at a time: a missing quantum goes to the part that rounding cut the most, an
    extra one comes from the part that rounding raised the most; ties go to the earlier key in
    `weights`. So the same input always gives the same split. A negative total is split as the
    mirror image of the positive one, so a full reversal cancels its original to the fen.
    """
    if not weights:
        raise ValueError("allocate needs at least one weight")
    if total != total.quantize(quantum, rounding=ROUND_DOWN):
        raise ValueError(f"total {total} is finer than {quantum}")
    if any(w < 0 for _, w in weights):
        raise ValueError("weights must not be negative")
    weight_sum = sum((w for _, w in weights), Decimal(0))
    if weight_sum == 0:
        raise ValueError("weights must not all be zero")
    if total < 0:
        return {k: -v for k, v in allocate(-total, weights, quantum=quantum).items()}
    exact = [(k, total * w / weight_sum) for k, w in weights]
    parts = [(k, e.quantize(quantum, rounding=ROUND_HALF_UP)) for k, e in exact]
    result = dict(parts)
    steps = int(((total - sum(result.values(), Decimal(0))) / quantum).to_integral_value())
    if steps:
        # (how far rounding moved this part the wrong way, original position)
        order = sorted(
            range(len(exact)),
            key=lambda i: (-(exact[i][1] - parts[i][1]) if steps > 0 else -(parts[i][1] - exact[i][1]), i),
        )
        sign = quantum if steps > 0 else -quantum
        for i in order[: abs(steps)]:
            result[exact[i][0]] += sign
    return result
