"""Bench: computing a year's agency and unit evaluations (DOMAIN.md rules 5 and 6) at scale.

Generates units, agencies, enterprises (a third of them in east, west or north Guangdong),
engagements with a facilitator confirmed by both sides for most, use-first contracts (free-use
licences and follow-on licences) and receipts (nine in ten confirmed) into a temporary database
(bench/_harness.py: rows written with executemany on SQLite, COPY on PostgreSQL), then times
`evaluation_compute` for the agency and the unit evaluation of the year, each with all its
platform indicators, with the evaluation's own progress bar. Target (issue 15, item 7): both in
≤ 60 s at 1,000 units, 500 agencies, 100,000 contracts and 1,000,000 receipts.

    .venv/bin/python bench/evaluation.py                                  # the full size, SQLite
    .venv/bin/python bench/evaluation.py --cache                          # keep/reuse the data (var/bench/)
    .venv/bin/python bench/evaluation.py --units 100 --agencies 50 --contracts 10000 --receipts 100000
    nice -n 10 .venv/bin/python bench/evaluation.py --postgres postgres://usefirst:usefirst@127.0.0.1:5432/usefirst
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from decimal import Decimal

import _harness

YEAR = 2026
BATCH = 20_000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=1_000)
    parser.add_argument("--agencies", type=int, default=500)
    parser.add_argument("--enterprises", type=int, default=5_000)
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--receipts", type=int, default=1_000_000)
    parser.add_argument("--target", type=float, default=60.0, help="seconds allowed for both computations")
    _harness.add_arguments(parser, cache=True)
    args = parser.parse_args()
    code = _harness.also_on_postgres(args, __file__)
    if code:
        return code
    key = f"evaluation-{args.units}-{args.agencies}-{args.enterprises}-{args.contracts}-{args.receipts}"
    with _harness.temporary_database(args, prefix="evaluation", cache_key=key) as db:
        if not db.cached:
            generate(args)
            db.loaded()
        return measure(args)


def generate(args: argparse.Namespace) -> None:
    from django.db import transaction

    from usefirst.accounts.models import Membership, Organisation, OrganisationKind, OrganisationStatus, User
    from usefirst.catalog.models import Demand, TechField
    from usefirst.contracts.models import Contract, ContractTemplate
    from usefirst.core.regions import CITY_COUNTIES, region_of
    from usefirst.core.testing import make_credit_code
    from usefirst.finance.models import Receipt
    from usefirst.matchmaking.models import Engagement

    rng = random.Random(20260201)
    cities = list(CITY_COUNTIES)
    prd = cities[:9]
    now = dt.datetime(YEAR, 6, 1, 2, 0, tzinfo=dt.UTC)

    def orgs(kind: str, n: int, *, spread: bool = False) -> list[int]:
        rows = []
        for i in range(n):
            city = rng.choice(cities if spread and i % 3 == 0 else prd)
            rows.append(
                Organisation(
                    name=f"{kind}{i}",
                    kind=kind,
                    credit_code=make_credit_code(),
                    legal_representative="张三",
                    city=city,
                    county=CITY_COUNTIES[city][0],
                    region=region_of(city),
                    status=OrganisationStatus.ACTIVE,
                    enterprise_size="small" if kind == OrganisationKind.ENTERPRISE else "",
                )
            )
        made = Organisation.objects.bulk_create(rows, batch_size=2000)
        return [o.pk for o in made]

    t0 = time.perf_counter()
    with transaction.atomic():
        user = User.objects.create_user("bench@example.com", "x")
        institution = Organisation.objects.get(pk=orgs(OrganisationKind.PROFESSIONAL_INSTITUTION, 1)[0])
        Membership.objects.create(user=user, organisation=institution, role=Membership.Role.ADMIN)
        unit_ids = orgs(OrganisationKind.UNIVERSITY, args.units)
        agency_ids = orgs(OrganisationKind.AGENCY, args.agencies)
        enterprise_ids = orgs(OrganisationKind.ENTERPRISE, args.enterprises, spread=True)
        field = TechField.objects.order_by("pk").first()
        demands = Demand.objects.bulk_create(
            [
                Demand(
                    enterprise_id=e,
                    title="需求",
                    description="-",
                    field=field,
                    deadline=dt.date(2030, 1, 1),
                    city="广州市",
                    region="prd",
                    status="published",
                )
                for e in enterprise_ids
            ],
            batch_size=2000,
        )
        demand_of = {d.enterprise_id: d.pk for d in demands}
        templates = {
            kind: ContractTemplate.objects.create(kind=kind, mode="pay_later", version=999, title="bench", body="-")
            for kind in ("free_use_licence", "licence")
        }
    print(
        f"{args.units:,} units, {args.agencies:,} agencies, {args.enterprises:,} enterprises in {time.perf_counter() - t0:.1f} s",
        flush=True,
    )

    engagements = _harness.Table(
        Engagement,
        [
            "id",
            "unit_id",
            "enterprise_id",
            "demand_id",
            "created_at",
            "facilitator_id",
            "proposed_facilitator_id",
            "facilitator_enterprise_confirmed_at",
            "facilitator_unit_confirmed_at",
        ],
        initiator_side="unit",
        status="agreed",
        agreed_at=now,
        updated_at=now,
    )
    contracts = _harness.Table(
        Contract,
        [
            "id",
            "number",
            "kind",
            "status",
            "template_id",
            "licensor_id",
            "licensee_id",
            "engagement_id",
            "agency_id",
            "price",
            "signed_at",
        ],
        mode="pay_later",
        title="bench",
        created_by=user,
        created_at=now,
        updated_at=now,
    )
    at_now = engagements.when(now)
    bar = _harness.Bar("合同与对接", args.contracts)
    made = 0
    while made < args.contracts:
        size = min(BATCH, args.contracts - made)
        engagement_rows, contract_rows = [], []
        for i in range(made + 1, made + size + 1):
            unit, enterprise = rng.choice(unit_ids), rng.choice(enterprise_ids)
            facilitated = rng.random() < 0.7
            agency = rng.choice(agency_ids) if facilitated else None
            created = engagements.when(now - dt.timedelta(days=rng.randint(5, 120)))
            engagement_rows.append(
                (
                    i,
                    unit,
                    enterprise,
                    demand_of[enterprise],
                    created,
                    agency,
                    agency,
                    at_now if facilitated else None,
                    at_now if facilitated else None,
                )
            )
            kind = "free_use_licence" if rng.random() < 0.6 else "licence"
            contract_rows.append(
                (
                    i,
                    f"B{i:08d}",
                    kind,
                    "free_use" if kind == "free_use_licence" else "signed",
                    templates[kind].pk,
                    unit,
                    enterprise,
                    i,
                    agency,
                    Decimal(rng.randint(1_000_000, 500_000_000)) / 100,
                    contracts.when(now - dt.timedelta(days=rng.randint(0, 120))),
                )
            )
        with transaction.atomic():
            engagements.write(engagement_rows)
            contracts.write(contract_rows)
        made += size
        bar(made)

    receipts = _harness.Table(
        Receipt,
        [
            "id",
            "contract_id",
            "received_on",
            "amount",
            "voucher_number",
            "idempotency_key",
            "status",
            "confirmed_at",
            "confirmed_by_id",
            "confirmed_as",
        ],
        payer="企业",
        payload_hash="-",
        recorded_by=user,
        recorded_at=now,
    )
    bar = _harness.Bar("到账记录", args.receipts)
    first_day = dt.date(YEAR, 1, 1)
    days = [first_day + dt.timedelta(days=d) for d in range(331)]
    if receipts.vendor == "sqlite":
        days = [d.isoformat() for d in days]  # type: ignore[misc]
    written = 0
    while written < args.receipts:
        size = min(BATCH * 5, args.receipts - written)
        rows = []
        for n in range(written + 1, written + size + 1):
            confirmed = rng.random() < 0.9
            rows.append(
                (
                    n,
                    rng.randint(1, args.contracts),
                    days[rng.randint(0, 330)],
                    Decimal(rng.randint(100, 10_000_000)) / 100,
                    f"V{n}",
                    f"bench-{n}",
                    "confirmed" if confirmed else "pending",
                    at_now if confirmed else None,
                    user.pk if confirmed else None,
                    "payer" if confirmed else "",
                )
            )
        with transaction.atomic():
            receipts.write(rows)
        written += size
        bar(written)
    _harness.reset_sequences(Engagement, Contract, Receipt)
    t0 = time.perf_counter()
    _harness.analyze()
    print(f"statistics for the planner in {time.perf_counter() - t0:.1f} s", flush=True)


def measure(args: argparse.Namespace) -> int:
    from decimal import Decimal as D

    from django.db import connection

    from usefirst.accounts.models import User
    from usefirst.evaluation import services
    from usefirst.evaluation.services import IndicatorData, SchemeData
    from usefirst.evaluation.sources import sources_for

    user = User.objects.get(email="bench@example.com")
    timings = {}
    for kind, name in (("agency", "服务机构评价"), ("unit", "成果单位量化评价")):
        platform = [s for s in sources_for(kind) if not s.reported]
        weights = [D(100) // len(platform)] * len(platform)
        weights[0] += D(100) - sum(weights)
        evaluation = services.evaluation_create(actor=user, data=SchemeData(kind=kind, year=YEAR, name=f"{YEAR}年度{name}"))
        for source, weight in zip(platform, weights, strict=True):
            services.indicator_add(
                actor=user, evaluation=evaluation, data=IndicatorData(name="", source=source.key, weight=weight)
            )
        started = time.perf_counter()
        print(f"{name}：{len(platform)} 项平台指标", flush=True)
        bars: dict[str, _harness.Bar] = {}

        def progress(step: str, done: int, total: int, bars: dict[str, _harness.Bar] = bars) -> None:
            if step not in bars:
                bars[step] = _harness.Bar(f"  {step}", total)
            bars[step](done, total)

        services.evaluation_compute(actor=user, evaluation=evaluation, progress=progress)
        timings[kind] = time.perf_counter() - started
        results = evaluation.results.count()
        excellent = evaluation.results.filter(grade="excellent").count()
        print(f"{name}：{results:,} 家参评，{excellent:,} 家优秀，用时 {timings[kind]:.1f} s", flush=True)
    total = sum(timings.values())
    verdict = "ok" if total <= args.target else "SLOW"
    print(
        f"engine {connection.vendor}: agency {timings['agency']:.1f} s + unit {timings['unit']:.1f} s = {total:.1f} s "
        f"(target ≤ {args.target:.0f} s at {args.units:,} units, {args.agencies:,} agencies, {args.contracts:,} contracts, "
        f"{args.receipts:,} receipts): {verdict}",
        flush=True,
    )
    return 0 if total <= args.target else 1


if __name__ == "__main__":
    sys.exit(main())
