"""The hooks the performance record declares for the apps above it (usefirst/core/hooks.py).

`claims_paid` — the claims an insurer or guarantor has paid on the licensee's behalf. Risk owns
claims (issue 14, item 4); when it records a paid claim it answers this hook in its own
`hooks.py`:

    from usefirst.performance import hooks as performance_hooks

    @performance_hooks.claims_paid.connect
    def paid_claims(enterprise_id: int) -> list[performance_hooks.PaidClaim]:
        return [performance_hooks.PaidClaim(...) for claim in ...]

Risk answers it (`risk/hooks.py`) with every payment an insurer or guarantor made on the
licensee's behalf and the recourse recorded. The record asks it each time it is computed, so
nothing is copied into this app.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from usefirst.core.hooks import Hook


@dataclass(frozen=True)
class PaidClaim:
    """One claim paid on the licensee's behalf, as the record shows it."""

    key: str  # stable and unique among claims, e.g. "policy-claim-12"; the entry is "claim:<key>"
    contract_id: int | None
    contract_number: str
    paid_on: dt.date
    amount: Decimal
    payer_name: str  # the insurer or guarantor that paid
    description: str = ""  # e.g. the product and the trigger, in Chinese
    recourse: str = ""  # the recourse (追偿) recorded against the licensee, in Chinese


claims_paid = Hook[[int], list[PaidClaim]]("performance.claims_paid")


@dataclass(frozen=True)
class BreachFact:
    """One breach record (违约记录) a party of a contract entered against the licensee."""

    key: str  # stable and unique among breaches, e.g. "risk-breach-3"; the entry is "breach:<key>"
    contract_number: str
    contract_title: str
    occurred_on: dt.date
    kind_label: str  # e.g. 未按约定付款
    recorded_by_name: str  # the organisation that recorded it
    description: str = ""


breaches = Hook[[int], list[BreachFact]]("performance.breaches")
"""The breach records against the enterprise as licensee; risk answers it (risk/hooks.py)."""
