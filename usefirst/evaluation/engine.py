"""The computation of an evaluation: pure arithmetic over the figures the sources return.

For each indicator, every evaluated organisation's figure (0 where the platform has none) is
normalised to a 0–100 score — min–max (the best figure 100, the worst 0) or by rank (the best 100,
the last 0, ties sharing the better place) — turned round for indicators where lower is better;
the total is the weighted sum (weights in %, summing to 100), rounded half up to 0.01. Ranks are
competition ranks (1, 1, 3). Grades: below the pass score 不合格; otherwise 优秀 for the best
`excellent_share` % of the organisations (rounded down) — unless the city did not recommend the
organisation — and 合格 for the rest.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from usefirst.core.money import to_cny as quantize

from .choices import CityOpinion, Direction, Grade, Normalisation

HUNDRED = Decimal("100")
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Spec:
    key: str
    direction: str
    weight: Decimal
    normalisation: str


@dataclass
class Row:
    organisation_id: int
    figures: dict[str, Decimal] = field(default_factory=dict)
    scores: dict[str, Decimal] = field(default_factory=dict)
    total: Decimal = Decimal("0")
    rank: int = 0
    grade: str = Grade.PASS
    city_opinion: str = CityOpinion.PENDING
    note: str = ""


def _min_max(values: Sequence[Decimal], direction: str) -> list[Decimal]:
    low, high = min(values), max(values)
    if high == low:
        flat = HUNDRED if (direction == Direction.LOWER or high > 0) else Decimal("0")
        return [flat for _ in values]
    span = high - low
    if direction == Direction.LOWER:
        return [(high - v) * HUNDRED / span for v in values]
    return [(v - low) * HUNDRED / span for v in values]


def _by_rank(values: Sequence[Decimal], direction: str) -> list[Decimal]:
    n = len(values)
    if n == 1:
        return [HUNDRED]
    ordered = sorted(values, reverse=direction != Direction.LOWER)
    first_place: dict[Decimal, int] = {}
    for position, value in enumerate(ordered):
        first_place.setdefault(value, position)
    return [Decimal(n - 1 - first_place[v]) * HUNDRED / Decimal(n - 1) for v in values]


def normalise(values: Sequence[Decimal], *, direction: str, method: str) -> list[Decimal]:
    if not values:
        return []
    raw = _by_rank(values, direction) if method == Normalisation.RANK else _min_max(values, direction)
    return [quantize(v) for v in raw]


def score(
    rows: list[Row],
    specs: Sequence[Spec],
    *,
    excellent_share: Decimal,
    pass_score: Decimal,
    progress: Progress | None = None,
) -> list[Row]:
    """Scores, totals, ranks and grades of `rows` (their figures already filled), in rank order."""
    for i, spec in enumerate(specs, start=1):
        values = [row.figures.get(spec.key, Decimal("0")) for row in rows]
        for row, value in zip(rows, normalise(values, direction=spec.direction, method=spec.normalisation), strict=True):
            row.scores[spec.key] = value
        if progress:
            progress("标准化", i, len(specs))
    for row in rows:
        row.total = quantize(sum((row.scores[s.key] * s.weight / HUNDRED for s in specs), Decimal("0")))
    rows.sort(key=lambda r: (-r.total, r.organisation_id))
    previous_total: Decimal | None = None
    previous_rank = 0
    for position, row in enumerate(rows, start=1):
        row.rank = previous_rank if row.total == previous_total else position
        previous_total, previous_rank = row.total, row.rank
    places = math.floor(Decimal(len(rows)) * excellent_share / HUNDRED)
    for row in rows:
        if row.total < pass_score:
            row.grade = Grade.FAIL
        elif row.rank <= places and row.city_opinion != CityOpinion.NOT_RECOMMENDED:
            row.grade = Grade.EXCELLENT
        else:
            row.grade = Grade.PASS
    return rows
