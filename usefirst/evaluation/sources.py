"""The registry of named data sources an indicator may point at (a platform query or a reported
field). Another app adds a source with `register_source(Source(...))` — for instance the unit
management-system approval, when its app exists — and schemes can use it by its key at once.

Each platform source computes, for a year, one figure per evaluated organisation in one grouped
query (so a year's evaluation over thousands of organisations stays a handful of queries). Where a
source is `regional`, deals whose enterprise (licensee) sits in a county of east, west or north
Guangdong (粤东粤西粤北, DOMAIN.md rule 6; the organisation's region follows its county's city) count
times the scheme's multiplier.

Money measures are kept apart as DOMAIN.md names them: agencies' contract value (成交额, the price of
the contracts they facilitated), units' transaction amount (交易额, the price of their contracts),
and the amount actually received (实际到账: confirmed receipts only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Case, Count, DecimalField, ExpressionWrapper, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from usefirst.core.regions import Region

from .choices import Direction, EvaluationKind

SHANGHAI = ZoneInfo("Asia/Shanghai")  # business years are Asia/Shanghai calendar years
SUPPORTED_REGIONS = (Region.EAST, Region.WEST, Region.NORTH)
MONEY = DecimalField(max_digits=18, decimal_places=4)


@dataclass(frozen=True)
class Context:
    """What a source needs to compute: the year, the scheme's regional multiplier, the evaluation
    (for reported figures)."""

    year: int
    multiplier: Decimal
    evaluation_id: int | None = None

    @property
    def start(self) -> dt.datetime:
        return dt.datetime(self.year, 1, 1, tzinfo=SHANGHAI)

    @property
    def end(self) -> dt.datetime:
        return dt.datetime(self.year + 1, 1, 1, tzinfo=SHANGHAI)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, 12, 31)


Figures = dict[int, Decimal]


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    kind: str  # an EvaluationKind
    unit: str
    compute: Callable[[Context], Figures]
    direction: str = Direction.HIGHER
    regional: bool = False
    reported: bool = False
    help: str = ""

    @property
    def origin(self) -> str:
        return "单位填报" if self.reported else "平台数据"


_REGISTRY: dict[str, Source] = {}


def register_source(source: Source) -> Source:
    if source.key in _REGISTRY:
        raise ValueError(f"evaluation source {source.key!r} registered twice")
    _REGISTRY[source.key] = source
    return source


def get_source(key: str) -> Source | None:
    return _REGISTRY.get(key)


def sources_for(kind: str) -> list[Source]:
    return [s for s in _REGISTRY.values() if s.kind == kind]


def all_sources() -> list[Source]:
    return list(_REGISTRY.values())


def _dec(value: Any) -> Decimal:
    if value is None:
        return Decimal("0")
    return Decimal(str(value))


def _rows(queryset: Any, key: str, value: str) -> dict[Any, Decimal]:
    return {row[key]: _dec(row[value]) for row in queryset if row[key] is not None}


def _weighted_count(ctx: Context, region_path: str) -> Any:
    return Sum(
        Case(
            When(**{f"{region_path}__in": SUPPORTED_REGIONS}, then=Value(ctx.multiplier)),
            default=Value(Decimal("1")),
            output_field=MONEY,
        )
    )


def _weighted_amount(ctx: Context, region_path: str, amount: str) -> Any:
    return Sum(
        Case(
            When(
                **{f"{region_path}__in": SUPPORTED_REGIONS},
                then=ExpressionWrapper(F(amount) * Value(ctx.multiplier), output_field=MONEY),
            ),
            default=F(amount),
            output_field=MONEY,
        )
    )


def _signed_in_year(ctx: Context, prefix: str = "") -> Q:
    return Q(**{f"{prefix}signed_at__gte": ctx.start, f"{prefix}signed_at__lt": ctx.end})


# ---------------------------------------------------------------- grouped sources
# Most platform sources are one grouped query: the rows of a table that pass a filter, summed
# per organisation. Each is one line of `GROUPED` below: (table, filter, organisation, value).


def _contracts() -> Any:
    from usefirst.contracts.models import Contract

    return Contract.objects


def _engagements() -> Any:
    from usefirst.matchmaking.models import Engagement

    return Engagement.objects


def _receipts() -> Any:
    from usefirst.finance.models import Receipt

    return Receipt.objects


def _confirmed_in_year(ctx: Context) -> Q:
    from usefirst.finance.models import ReceiptStatus

    return Q(status=ReceiptStatus.CONFIRMED, received_on__gte=ctx.first_day, received_on__lte=ctx.last_day)


def _follow_on(prefix: str = "") -> Q:
    from usefirst.contracts.models import FOLLOW_ON_KINDS

    return Q(**{f"{prefix}kind__in": FOLLOW_ON_KINDS})


USE_FIRST = ~Q(mode="")  # a use-first contract (先用后转: pay later or cooperate later)
TEN_THOUSAND = Decimal(10000)  # 元 → 万元


@dataclass(frozen=True)
class Grouped:
    """One grouped source: `value` summed over the rows of `rows()` that pass `where(ctx)`, per
    the organisation at `by`; money is divided by `per` (万元)."""

    rows: Callable[[], Any]
    where: Callable[[Context], Q]
    by: str
    value: Callable[[Context], Any]
    per: Decimal = Decimal(1)

    def __call__(self, ctx: Context) -> Figures:
        qs = self.rows().filter(self.where(ctx)).values(self.by).annotate(v=self.value(ctx)).order_by()
        return {k: v / self.per for k, v in _rows(qs, self.by, "v").items()}


def _count(ctx: Context) -> Any:
    return Count("id")


def _regional_count(ctx: Context) -> Any:
    return _weighted_count(ctx, "licensee__region")


def _regional_price(ctx: Context) -> Any:
    return _weighted_amount(ctx, "licensee__region", "price")


def _amount(ctx: Context) -> Any:
    return Sum("amount")


# An agency is credited only through an engagement whose two sides both confirmed it as facilitator
# (matchmaking: `Engagement.facilitator` is set only then; a contract's own `agency` field is not
# enough).
FACILITATED = Q(engagement__facilitator__isnull=False)
GROUPED: dict[str, Grouped] = {
    # agencies (rule 5)
    "agency.conversions": Grouped(
        _contracts, lambda ctx: _signed_in_year(ctx) & FACILITATED & USE_FIRST, "engagement__facilitator_id", _regional_count
    ),
    "agency.contract_value": Grouped(
        _contracts,
        lambda ctx: _signed_in_year(ctx) & FACILITATED & Q(price__isnull=False),
        "engagement__facilitator_id",
        _regional_price,
        TEN_THOUSAND,
    ),
    "agency.received": Grouped(
        _receipts,
        lambda ctx: _confirmed_in_year(ctx) & Q(contract__engagement__facilitator__isnull=False),
        "contract__engagement__facilitator_id",
        _amount,
        TEN_THOUSAND,
    ),
    "agency.formal_conversions": Grouped(
        _contracts,
        lambda ctx: _signed_in_year(ctx) & _follow_on() & Q(parent__engagement__facilitator__isnull=False),
        "parent__engagement__facilitator_id",
        _count,
    ),
    "agency.declines": Grouped(
        _engagements,
        lambda ctx: Q(facilitator__isnull=False, status="declined", updated_at__gte=ctx.start, updated_at__lt=ctx.end),
        "facilitator_id",
        _count,
    ),
    # units (rule 6)
    "unit.free_use_signed": Grouped(
        _contracts,
        lambda ctx: _signed_in_year(ctx) & Q(kind="free_use_licence", licensor__isnull=False),
        "licensor_id",
        _regional_count,
    ),
    "unit.conversions": Grouped(
        _contracts, lambda ctx: _signed_in_year(ctx) & _follow_on() & Q(licensor__isnull=False), "licensor_id", _regional_count
    ),
    "unit.transaction_amount": Grouped(
        _contracts,
        lambda ctx: _signed_in_year(ctx) & USE_FIRST & Q(licensor__isnull=False, price__isnull=False),
        "licensor_id",
        _regional_price,
        TEN_THOUSAND,
    ),
    "unit.received": Grouped(
        _receipts,
        lambda ctx: _confirmed_in_year(ctx) & Q(contract__licensor__isnull=False),
        "contract__licensor_id",
        _amount,
        TEN_THOUSAND,
    ),
}


def _agency_days_to_agreement(ctx: Context) -> Figures:
    rows = (
        _engagements()
        .filter(facilitator__isnull=False, agreed_at__gte=ctx.start, agreed_at__lt=ctx.end)
        .values_list("facilitator_id", "created_at", "agreed_at")
    )
    spans: dict[int, list[float]] = {}
    for agency, created, agreed in rows.iterator():
        spans.setdefault(agency, []).append((agreed - created).total_seconds() / 86400)
    return {k: Decimal(str(round(sum(v) / len(v), 1))) for k, v in spans.items()}


def _fund(kind: str) -> Callable[[Context], Figures]:
    def compute(ctx: Context) -> Figures:
        from usefirst.finance.models import GuidanceFundEntry

        qs = (
            GuidanceFundEntry.objects.filter(kind=kind, at__gte=ctx.start, at__lt=ctx.end)
            .values("unit_id")
            .annotate(v=Sum("amount"))
        )
        return {k: abs(v) / 10000 for k, v in _rows(qs, "unit_id", "v").items()}

    return compute


def _unit_inventor_shares_paid(ctx: Context) -> Figures:
    from usefirst.finance.models import Distribution, DistributionStatus

    qs = (
        Distribution.objects.filter(status=DistributionStatus.PAID, paid_at__gte=ctx.start, paid_at__lt=ctx.end)
        .values("unit_id")
        .annotate(v=Coalesce(Sum("inventors_total"), Value(Decimal("0")), output_field=MONEY))
    )
    return {k: v / 10000 for k, v in _rows(qs, "unit_id", "v").items()}


# ---------------------------------------------------------------- cities' work


def _unit_management_system(ctx: Context) -> Figures:
    from usefirst.safehouse.selectors import units_with_approved_system

    return {unit: Decimal(1) for unit in units_with_approved_system(ctx.year)}


def _unit_incentives(ctx: Context) -> Figures:
    from usefirst.safehouse.selectors import incentive_counts

    return {unit: Decimal(n) for unit, n in incentive_counts(ctx.year).items()}


def _city_ids() -> dict[str, int]:
    from usefirst.accounts.models import Organisation, OrganisationKind

    return dict(Organisation.objects.filter(kind=OrganisationKind.CITY_DEPARTMENT).order_by("-pk").values_list("city", "pk"))


def _by_city(values: dict[str, Decimal]) -> Figures:
    ids = _city_ids()
    return {ids[city]: v for city, v in values.items() if city in ids}


def _city_contracts(ctx: Context) -> Figures:
    qs = (
        _contracts()
        .filter(_signed_in_year(ctx) & USE_FIRST & Q(licensee__isnull=False))
        .values("licensee__city")
        .annotate(n=Count("id"))
        .order_by()
    )
    return _by_city(_rows(qs, "licensee__city", "n"))


def _city_received(ctx: Context) -> Figures:
    qs = _receipts().filter(_confirmed_in_year(ctx)).values("contract__licensee__city").annotate(v=Sum("amount")).order_by()
    return _by_city({k: v / TEN_THOUSAND for k, v in _rows(qs, "contract__licensee__city", "v").items()})


# ---------------------------------------------------------------- reported fields


def _reported(field: str) -> Callable[[Context], Figures]:
    def compute(ctx: Context) -> Figures:
        from .models import SelfReport

        found: Figures = {}
        for org, figures in SelfReport.objects.filter(evaluation_id=ctx.evaluation_id or 0).values_list(
            "organisation_id", "figures"
        ):
            value = (figures or {}).get(field)
            if value not in (None, ""):
                found[org] = _dec(value)
        return found

    return compute


A, U, C = EvaluationKind.AGENCY, EvaluationKind.UNIT, EvaluationKind.CITY

for _source in (
    Source(
        "agency.conversions",
        "促成“先用后转”转化项数",
        A,
        "项",
        GROUPED["agency.conversions"],
        regional=True,
        help="经企业与成果单位双方确认为促成服务机构的对接所签“先用后转”合同（当年签署）",
    ),
    Source(
        "agency.contract_value",
        "促成技术合同成交额",
        A,
        "万元",
        GROUPED["agency.contract_value"],
        regional=True,
        help="上述合同的合同金额（成交额）",
    ),
    Source(
        "agency.received",
        "促成项目实际到账金额",
        A,
        "万元",
        GROUPED["agency.received"],
        help="上述合同当年经确认的到账（实际到账），未确认或有异议的不计",
    ),
    Source(
        "agency.formal_conversions",
        "免费使用转正式许可或合作项数",
        A,
        "项",
        GROUPED["agency.formal_conversions"],
        help="其促成的免费使用合同当年签署的后续正式许可、转让、开发或作价投资合同",
    ),
    Source("agency.declines", "促成对接被婉拒次数", A, "次", GROUPED["agency.declines"], direction=Direction.LOWER),
    Source(
        "agency.days_to_agreement",
        "对接至达成一致平均天数",
        A,
        "天",
        _agency_days_to_agreement,
        direction=Direction.LOWER,
        help="时效：提出意向至双方达成一致的平均天数",
    ),
    Source(
        "unit.conversions",
        "成果转化项数",
        U,
        "项",
        GROUPED["unit.conversions"],
        regional=True,
        help="当年签署的正式许可、转让、开发、作价投资合同",
    ),
    Source("unit.free_use_signed", "签订“先用后转”合同数", U, "项", GROUPED["unit.free_use_signed"], regional=True),
    Source(
        "unit.transaction_amount",
        "技术交易额",
        U,
        "万元",
        GROUPED["unit.transaction_amount"],
        regional=True,
        help="当年签署的“先用后转”相关合同金额（交易额）",
    ),
    Source("unit.received", "实际到账金额", U, "万元", GROUPED["unit.received"]),
    Source("unit.fund_in", "引导资金计提", U, "万元", _fund("allocation")),
    Source("unit.fund_out", "引导资金使用", U, "万元", _fund("spending")),
    Source("unit.inventor_shares_paid", "已发放成果完成人收益", U, "万元", _unit_inventor_shares_paid),
    Source(
        "unit.management_system",
        "配套管理制度已审核通过",
        U,
        "是/否",
        _unit_management_system,
        help="年底前已报送并经主管部门审核通过的先用后转配套管理制度：是计 1，否计 0",
    ),
    Source("unit.incentives", "获主管部门激励支持次数", U, "次", _unit_incentives),
    Source("city.contracts", "本市企业签订“先用后转”合同数", C, "项", _city_contracts),
    Source("city.received", "本市企业支付实际到账金额", C, "万元", _city_received),
    Source("agency.reported.staff", "技术经理人人数（自报）", A, "人", _reported("staff"), reported=True),
    Source("agency.reported.events", "组织对接活动场次（自报）", A, "场", _reported("events"), reported=True),
    Source("unit.reported.policy_documents", "转化制度文件数（自报）", U, "件", _reported("policy_documents"), reported=True),
    Source("city.reported.events", "组织对接活动场次（填报）", C, "场", _reported("events"), reported=True),
):
    register_source(_source)

REPORTED_FIELDS: dict[str, list[tuple[str, str, str]]] = {
    A: [("staff", "技术经理人人数", "人"), ("events", "组织对接活动场次", "场")],
    U: [("policy_documents", "转化制度文件数", "件")],
    C: [("events", "组织对接活动场次", "场")],
}
