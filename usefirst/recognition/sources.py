"""The one door through which money enters recognition: the amount actually received
(实际到账) and the receipt rows it comes from.

Receipts belong to the finance app; contracts to the contracts app. This module calls
finance's selectors (`received_for_achievement`, `received_for_contract`) for the figure and
lists the receipts it comes from through finance's selectors too (`allocations_for_achievement`,
`confirmed_receipts_between`), to show where the figure comes from.

Counting interpretations (docs/domain.md, rule 2, each a policy parameter):
- `recognition_only_use_first_contracts`: only contracts that began with a 先用后转 free-use
  licence count (a follow-on contract whose parent is a free-use licence);
- `recognition_pro_rata_allocation`: a multi-achievement contract counts for this achievement
  by its price share (finance allocates every receipt so); when off, multi-achievement
  contracts do not count at all (no share is attributed);
- `recognition_receipts_from_policy_start`: receipts before 2026-02-01 do not count;
- `recognition_counts_cover_payments` (off by default): what an insurer or guarantor paid on the
  licensee's behalf counts too, when the parameter was on the day it was paid (risk answers the
  hook `finance.counted_cover_payments`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q

from usefirst.catalog.choices import Mode
from usefirst.catalog.models import Achievement
from usefirst.contracts.models import Contract, ContractAchievement, ContractKind, ContractStatus
from usefirst.core.money import to_cny
from usefirst.finance import selectors as finance_selectors
from usefirst.policy.parameters import POLICY_START
from usefirst.policy.selectors import parameter_value, share_pct

ZERO = Decimal("0.00")
COUNTING_STATUSES = (
    ContractStatus.SIGNED,
    ContractStatus.FREE_USE,
    ContractStatus.AWAITING_NEXT_STEP,
    ContractStatus.NEXT_STEP_AGREED,
    ContractStatus.ENDED,
)


@dataclass(frozen=True)
class CountingSettings:
    only_use_first_contracts: bool = True
    pro_rata_allocation: bool = True
    receipts_from_policy_start: bool = True

    @classmethod
    def on(cls, day: dt.date) -> CountingSettings:
        return cls(
            only_use_first_contracts=bool(parameter_value("recognition_only_use_first_contracts", on=day)),
            pro_rata_allocation=bool(parameter_value("recognition_pro_rata_allocation", on=day)),
            receipts_from_policy_start=bool(parameter_value("recognition_receipts_from_policy_start", on=day)),
        )

    @property
    def since(self) -> dt.date | None:
        return POLICY_START if self.receipts_from_policy_start else None


@dataclass(frozen=True)
class SourceRow:
    """One receipt (or reversal) as counted for this figure."""

    receipt_id: int
    contract_id: int
    contract_number: str
    received_on: dt.date
    amount: Decimal
    is_reversal: bool
    voucher_number: str

    def as_json(self) -> dict[str, Any]:
        return {
            "receipt_id": self.receipt_id,
            "contract_id": self.contract_id,
            "contract_number": self.contract_number,
            "received_on": self.received_on.isoformat(),
            "amount": str(self.amount),
            "is_reversal": self.is_reversal,
            "voucher_number": self.voucher_number,
        }


@dataclass
class Received:
    amount: Decimal = ZERO
    rows: list[SourceRow] = field(default_factory=list)
    contract_ids: list[int] = field(default_factory=list)
    note: str = ""


def pay_later_contracts(achievement: Achievement, *, settings: CountingSettings) -> list[Contract]:
    """The licence / transfer contracts of this single achievement that count (rule 2)."""
    qs = Contract.objects.filter(
        achievements__achievement=achievement,
        kind__in=[ContractKind.LICENCE, ContractKind.TRANSFER],
        status__in=COUNTING_STATUSES,
    ).filter(Q(mode=Mode.PAY_LATER) | Q(parent__mode=Mode.PAY_LATER))
    if settings.only_use_first_contracts:
        qs = qs.filter(parent__kind=ContractKind.FREE_USE_LICENCE)
    if not settings.pro_rata_allocation:
        multi = ContractAchievement.objects.values("contract").annotate(n=Count("id")).filter(n__gt=1).values("contract")
        qs = qs.exclude(pk__in=multi)
    return list(qs.distinct().order_by("pk"))


def _rows(*, achievement_id: int | None, contract_ids: list[int], since: dt.date | None, on: dt.date) -> list[SourceRow]:
    if not contract_ids:
        return []
    rows: list[SourceRow] = []
    if achievement_id is not None:
        allocations = finance_selectors.allocations_for_achievement(achievement_id, contract_ids=contract_ids, since=since, on=on)
        for a in allocations:
            rows.append(
                SourceRow(
                    a.receipt_id,
                    a.contract_id,
                    a.contract.number,
                    a.received_on,
                    a.amount,
                    a.receipt.reverses_id is not None,
                    a.receipt.voucher_number,
                )
            )
        return rows
    for r in finance_selectors.confirmed_receipts_between(contract_ids, since=since, on=on):
        rows.append(
            SourceRow(
                r.pk, r.contract_id, r.contract.number, r.received_on, r.amount, r.reverses_id is not None, r.voucher_number
            )
        )
    return rows


def received_for_achievement(achievement: Achievement, *, on: dt.date, settings: CountingSettings) -> Received:
    """pay_later: cumulative amount actually received for this achievement under its counting
    licence / transfer contracts, up to and including `on`."""
    contracts = pay_later_contracts(achievement, settings=settings)
    ids = [c.pk for c in contracts]
    rows = _rows(achievement_id=achievement.pk, contract_ids=ids, since=settings.since, on=on)
    amount = sum((r.amount for r in rows), ZERO)
    if ids and on >= _today():
        # The figure is finance's; the rows only show where it comes from.
        amount = finance_selectors.received_for_achievement(achievement.pk, since=settings.since, contract_ids=ids)
    amount += _counted_cover(ids, since=settings.since, on=on, achievement_id=achievement.pk)
    return Received(amount=to_cny(amount), rows=rows, contract_ids=ids)


def _counted_cover(contract_ids: list[int], *, since: dt.date | None, on: dt.date, achievement_id: int | None) -> Decimal:
    """Payouts by insurers and guarantors on the licensee's behalf count only when the policy
    parameter `recognition_counts_cover_payments` was on when they were paid (off by default:
    实际到账 is what the licensee itself paid); for an achievement, by its price share."""
    if not contract_ids:
        return ZERO
    from usefirst.finance import hooks as finance_hooks

    total = ZERO
    for answer in finance_hooks.counted_cover_payments.send(contract_ids, since, on):
        for contract_id, paid in answer.items():
            share = Decimal("100")
            if achievement_id is not None:
                found = (
                    ContractAchievement.objects.filter(contract_id=contract_id, achievement_id=achievement_id)
                    .values_list("price_share", flat=True)
                    .first()
                )
                share = found if found is not None else share
            total += to_cny(paid * share / Decimal("100"))
    return total


def cooperate_later_bases(achievement: Achievement) -> list[Contract]:
    """The signed free-use licences (先使用后合作) of this achievement: each may have a first
    cooperation project."""
    return list(
        Contract.objects.filter(
            achievements__achievement=achievement,
            kind=ContractKind.FREE_USE_LICENCE,
            mode=Mode.COOPERATE_LATER,
            status__in=COUNTING_STATUSES,
        )
        .distinct()
        .order_by("pk")
    )


def first_cooperation(parent: Contract) -> Contract | None:
    """Interpretation (docs/domain.md, rule 2): the first follow-on contract after the free-use
    period, fixed once signed; contracts marks it `is_first_cooperation`."""
    return Contract.objects.filter(parent=parent, is_first_cooperation=True, status__in=COUNTING_STATUSES).first()


def received_for_first_cooperation(parent: Contract, *, on: dt.date, settings: CountingSettings) -> Received:
    """cooperate_later: the amount actually received under the first cooperation project's
    contract. A 作价投资 (equity) first cooperation brings no cash: zero, whatever is booked."""
    first = first_cooperation(parent)
    if first is None:
        return Received(note="尚无首个合作项目合同")
    if first.kind == ContractKind.EQUITY:
        return Received(contract_ids=[first.pk], note="首个合作项目为作价投资，无现金到账，不能达到门槛")
    rows = _rows(achievement_id=None, contract_ids=[first.pk], since=settings.since, on=on)
    amount = sum((r.amount for r in rows), ZERO)
    if on >= _today():
        amount = finance_selectors.received_for_contract(first, since=settings.since)
    amount += _counted_cover([first.pk], since=settings.since, on=on, achievement_id=None)
    return Received(amount=to_cny(amount), rows=rows, contract_ids=[first.pk])


def _today() -> dt.date:
    from usefirst.core.dates import today

    return today()


def distributions_below_floor(contract_ids: list[int], *, on: dt.date) -> list[dict[str, Any]]:
    """Distributions of these contracts whose inventors' percentage is below the floor of rule 1
    (a flag for the reviewer only: the unit's own rules may apply to some grants)."""
    if not contract_ids:
        return []
    floor = share_pct("inventor_share_floor", on=on)
    rows = finance_selectors.distributions_below(contract_ids, inventor_pct=floor)
    return [{"distribution": d.pk, "contract_id": d.contract_id, "inventor_pct": str(d.inventor_pct)} for d in rows]
