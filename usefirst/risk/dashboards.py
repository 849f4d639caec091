"""The risk dashboards (issue 14, item 8; docs/risk-dashboards.md): policies, premiums, premium subsidies, claims and the
loss ratio of an insurer's own products, a guarantor's own guarantees, or the whole province.

The policies come through the chokepoint (`policies.dashboard_policies`); everything else is read
from them. Each chart is a `usefirst.core.charts.Chart`, so its table and Excel download are the
same numbers as its drawing (the way usefirst/statistics builds its dashboards).

How the year filter counts (the calendar year of):
- a policy: its application (投保时间);
- a premium received: the day it was paid (`PremiumPayment.paid_on`);
- a claim: its report (报案时间); a claim paid: the day it was paid (`Claim.paid_on`).

Loss ratio (赔付率) = claims paid ÷ premiums received in the same period, as a Decimal percentage
to two places, half up; "—" when no premium was received (no ratio, not 0 %).

Premium subsidies are not a payment the platform records: they are computed here for each
premium received, with the subsidy rule in force on the day it was paid, exactly as a quote
applies it (`quoting.matching_rule` and `quoting.subsidise`: the rule's share, higher in east, west
and north Guangdong, within the insured firm's yearly cap; other public subsidies unknown, so 0).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from usefirst.accounts.models import Organisation
from usefirst.catalog.choices import Mode
from usefirst.core.charts import Chart, Series
from usefirst.core.money import format_cny, percent_of, to_cny

from .choices import ClaimStatus, PolicyStatus
from .models import Claim, Policy, PremiumPayment, SubsidyRule
from .quoting import DealFacts, matching_rule, subsidise

ZERO = Decimal("0.00")
PAID_STATES = (ClaimStatus.PAID, ClaimStatus.SUBROGATED)
NO_RATIO = "—"
DIMENSIONS = {"product": "产品", "city": "地市", "mode": "模式"}
NO_CITY = "未填写地市"
NO_MODE = "未约定模式"


def loss_ratio(paid: Decimal, received: Decimal) -> Decimal | None:
    """Claims paid over premiums received, as a percentage (12.50 for 12.50 %); None without premium."""
    if received <= 0:
        return None
    return percent_of(paid / received)


def ratio_text(ratio: Decimal | None) -> str:
    return NO_RATIO if ratio is None else f"{ratio}%"


@dataclass
class Figures:
    """What one group (a product, a city, a mode, or everything) adds up to."""

    policies: int = 0
    premium_issued: Decimal = ZERO
    premium_received: Decimal = ZERO
    subsidy: Decimal = ZERO
    claims: int = 0
    claimed: Decimal = ZERO
    paid: Decimal = ZERO
    by_policy_state: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    by_claim_state: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    claimed_by_state: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))

    @property
    def ratio(self) -> Decimal | None:
        return loss_ratio(self.paid, self.premium_received)


@dataclass
class Report:
    """A dashboard's figures: the totals, and per dimension the groups in order."""

    total: Figures
    groups: dict[str, dict[str, Figures]]
    years: list[int]

    @property
    def is_empty(self) -> bool:
        return not self.years


def _in(year: int | None, day: dt.date | dt.datetime | None) -> bool:
    return day is not None and (year is None or day.year == year)


def _keys(policy: Policy, *, show_provider: bool) -> dict[str, str]:
    contract = policy.contract
    party = contract.licensee or contract.licensor
    product = policy.product.name if not show_provider else f"{policy.product.name}（{policy.provider.name}）"
    return {
        "product": product,
        "city": (party.city if party is not None else "") or NO_CITY,
        "mode": str(Mode(contract.mode).label) if contract.mode in Mode.values else NO_MODE,
    }


def _subsidies(payments: Iterable[PremiumPayment], policies: dict[int, Policy]) -> dict[int, Decimal]:
    """The subsidy of each premium payment (by payment id), in the order they were paid, each firm's
    yearly cap used up as it goes."""
    rules = list(SubsidyRule.objects.order_by("-valid_from", "id"))
    used: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    found: dict[int, Decimal] = {}
    for payment in sorted(payments, key=lambda p: (p.paid_on, p.pk)):
        policy = policies[payment.policy_id]
        party = policy.contract.licensee or policy.contract.licensor
        deal = DealFacts(
            mode=policy.contract.mode,
            amount=None,
            amount_source="",
            trl=None,
            enterprise_size="",
            region=party.region if party is not None else "",
            subsidised_this_year=used[(policy.insured_id, payment.paid_on.year)],
        )
        rule = matching_rule(policy.product, deal, rules, on=payment.paid_on)
        amount = subsidise(rule, payment.amount, deal).subsidy if rule is not None else ZERO
        used[(policy.insured_id, payment.paid_on.year)] += amount
        found[payment.pk] = amount
    return found


def report(policies: QuerySet[Policy], *, year: int | None, show_provider: bool) -> Report:
    """The figures of the policies given (already scoped by the chokepoint) for `year` (None: all)."""
    rows = {
        p.pk: p for p in policies.select_related("product", "provider", "contract__licensee", "contract__licensor").order_by("pk")
    }
    payments = list(PremiumPayment.objects.filter(policy_id__in=list(rows)).order_by("paid_on", "pk"))
    claims = list(Claim.objects.filter(policy_id__in=list(rows)).order_by("pk"))
    subsidies = _subsidies(payments, rows)
    keys = {pk: _keys(p, show_provider=show_provider) for pk, p in rows.items()}
    total = Figures()
    groups: dict[str, dict[str, Figures]] = {d: defaultdict(Figures) for d in DIMENSIONS}

    def each(policy_id: int) -> list[Figures]:
        return [total, *(groups[d][keys[policy_id][d]] for d in DIMENSIONS)]

    years: set[int] = set()
    for pk, policy in rows.items():
        years.add(policy.applied_at.year)
        if _in(year, policy.applied_at):
            for f in each(pk):
                f.policies += 1
                f.by_policy_state[policy.status] += 1
        if policy.premium is not None and _in(year, policy.decided_at):
            for f in each(pk):
                f.premium_issued += policy.premium
    for payment in payments:
        years.add(payment.paid_on.year)
        if _in(year, payment.paid_on):
            for f in each(payment.policy_id):
                f.premium_received += payment.amount
                f.subsidy += subsidies[payment.pk]
    for claim in claims:
        years.add(claim.opened_at.year)
        if _in(year, claim.opened_at):
            for f in each(claim.policy_id):
                f.claims += 1
                f.claimed += claim.amount_claimed
                f.by_claim_state[claim.status] += 1
                f.claimed_by_state[claim.status] += claim.amount_claimed
        if claim.status in PAID_STATES and claim.payout and _in(year, claim.paid_on):
            for f in each(claim.policy_id):
                f.paid += claim.payout
    ordered = {
        d: dict(sorted(groups[d].items(), key=lambda kv: (-kv[1].premium_received, -kv[1].policies, kv[0]))) for d in DIMENSIONS
    }
    return Report(total=total, groups=ordered, years=sorted(years, reverse=True))


# ---------------------------------------------------------------- what the page shows


@dataclass
class Card:
    label: str
    figure: str


def cards(found: Report) -> list[Card]:
    t = found.total
    return [
        Card("保单（担保）", f"{t.policies} 份"),
        Card("出单保费（担保费）", format_cny(to_cny(t.premium_issued))),
        Card("实收保费（担保费）", format_cny(to_cny(t.premium_received))),
        Card("保费补贴（按规则测算）", format_cny(to_cny(t.subsidy))),
        Card("理赔（代偿）", f"{t.claims} 件"),
        Card("已付赔款（代偿）", format_cny(to_cny(t.paid))),
        Card("赔付率", ratio_text(t.ratio)),
    ]


def _state_chart(
    key: str, title: str, labels: type[PolicyStatus] | type[ClaimStatus], counts: dict[str, int], unit: str
) -> Chart:
    present = [s for s in labels if counts.get(s)]
    return Chart(
        key=key,
        title=title,
        category_label="状态",
        categories=[str(s.label) for s in present],
        series=[Series(unit, [counts[s] for s in present])],
    )


def _by(
    found: Report,
    dimension: str,
    key: str,
    title: str,
    series: list[tuple[str, Callable[[Figures], Decimal | int | None], str]],
    **options: object,
) -> Chart:
    name = DIMENSIONS[dimension]
    groups = found.groups[dimension]
    return Chart(
        key=f"{key}_{dimension}",
        title=f"{title}（按{name}）",
        kind="hbar" if len(groups) > 6 else "bar",
        category_label=name,
        categories=list(groups),
        series=[
            Series(label, [get(f) for f in groups.values()], money=kind == "money", percent=kind == "percent")
            for label, get, kind in series
        ],
        **options,  # type: ignore[arg-type]
    )


def charts(found: Report, dimension: str) -> list[Chart]:
    """Every chart of a risk dashboard, in page order."""
    t = found.total
    claimed = Chart(
        key="claims_amount_state",
        title="索赔金额（按案件状态）",
        category_label="状态",
        categories=[str(s.label) for s in ClaimStatus if t.by_claim_state.get(s)],
        series=[Series("索赔金额", [t.claimed_by_state[s] for s in ClaimStatus if t.by_claim_state.get(s)], money=True)],
    )
    return [
        _state_chart("policies_state", "保单（担保）数（按状态）", PolicyStatus, t.by_policy_state, "份数"),
        _state_chart("claims_state", "理赔（代偿）件数（按状态）", ClaimStatus, t.by_claim_state, "件数"),
        claimed,
        _by(
            found,
            dimension,
            "counts",
            "保单与理赔件数",
            [("保单（担保）", lambda f: f.policies, "count"), ("理赔（代偿）", lambda f: f.claims, "count")],
        ),
        _by(
            found,
            dimension,
            "money",
            "保费、补贴与赔款",
            [
                ("出单保费", lambda f: to_cny(f.premium_issued), "money"),
                ("实收保费", lambda f: to_cny(f.premium_received), "money"),
                ("保费补贴（测算）", lambda f: to_cny(f.subsidy), "money"),
                ("索赔金额", lambda f: to_cny(f.claimed), "money"),
                ("已付赔款", lambda f: to_cny(f.paid), "money"),
            ],
            note="保费补贴按缴费当日有效的补贴规则测算（与报价的算法相同），不含其他财政补贴。",
        ),
        _by(
            found,
            dimension,
            "loss_ratio",
            "赔付率",
            [("赔付率", lambda f: f.ratio, "percent")],
            note="赔付率 = 已付赔款（代偿）÷ 实收保费（担保费）；没有实收保费的显示“—”。",
            withheld_text=NO_RATIO,
        ),
    ]


def provider_title(provider: Organisation) -> str:
    from usefirst.accounts.models import OrganisationKind

    what = "担保业务" if provider.kind == OrganisationKind.GUARANTOR else "保险业务"
    return f"{provider.name}{what}看板"
