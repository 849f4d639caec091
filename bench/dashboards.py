"""Bench: the dashboards' and the open statistics' queries at scale.

Generates units, enterprises, engagements, contracts and confirmed receipts into a temporary
database, rebuilds the rollup once (the worker's hourly job, timed), then times every query a
dashboard page makes — the province dashboard (each grouping), a city's dashboard, the open
statistics (uncached) — in a warm process and reports p50 / p95 / max per page. Target: p95 ≤
200 ms.

    .venv/bin/python bench/dashboards.py                  # the full size: 100,000 contracts, 1,000,000 receipts
    .venv/bin/python bench/dashboards.py --cache          # keep/reuse the generated data (var/bench/)
    .venv/bin/python bench/dashboards.py --contracts 20000 --receipts 100000 --units 300 --enterprises 1000
    nice -n 10 .venv/bin/python bench/dashboards.py --postgres postgres://usefirst:usefirst@127.0.0.1:5432/usefirst

The temporary database and the loading: bench/_harness.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from decimal import Decimal

import _harness

TARGET_MS = 200.0
BATCH = 20_000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--enterprises", type=int, default=5000)
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--receipts", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=30, help="timed page loads per page kind")
    _harness.add_arguments(parser, cache=True)
    args = parser.parse_args()
    code = _harness.also_on_postgres(args, __file__)
    if code:
        return code
    key = f"dashboards-{args.units}-{args.enterprises}-{args.contracts}-{args.receipts}"
    with _harness.temporary_database(args, prefix="dashboards", cache_key=key) as db:
        if not db.cached:
            generate(args)
            db.loaded()
        from usefirst.core.regions import CITY_COUNTIES

        return measure(args, list(CITY_COUNTIES))


def generate(args: argparse.Namespace) -> None:
    from django.db import transaction

    from usefirst.accounts.models import Organisation, OrganisationKind, OrganisationStatus, User
    from usefirst.catalog.models import Achievement, TechField
    from usefirst.contracts.models import Contract, ContractAchievement, ContractTemplate
    from usefirst.core.regions import CITY_COUNTIES, region_of
    from usefirst.finance.models import Receipt
    from usefirst.matchmaking.models import Engagement

    rng = random.Random(20261206)
    cities = list(CITY_COUNTIES)
    now = dt.datetime(2026, 11, 1, 2, 0, tzinfo=dt.UTC)

    t0 = time.perf_counter()
    user = User.objects.create_user("bench@example.com", "x")

    serial = iter(range(1, 10**9))

    def orgs(kind: str, count: int, prefix: str) -> list[Organisation]:
        made = []
        for i in range(count):
            city = cities[i % len(cities)]
            made.append(
                Organisation(
                    name=f"{prefix}{i}",
                    kind=kind,
                    credit_code=f"{next(serial):018d}",
                    legal_representative="张三",
                    city=city,
                    county=CITY_COUNTIES[city][0],
                    region=region_of(city).value,
                    status=OrganisationStatus.ACTIVE,
                    enterprise_size="small" if kind == OrganisationKind.ENTERPRISE else "",
                )
            )
        Organisation.objects.bulk_create(made, batch_size=2000)
        return list(Organisation.objects.filter(kind=kind).order_by("pk"))

    kinds = [OrganisationKind.UNIVERSITY, OrganisationKind.RESEARCH_INSTITUTE, OrganisationKind.MEDICAL_INSTITUTION]
    units = [u.pk for kind in kinds for u in orgs(kind, args.units // len(kinds), f"U{kind[:2]}")]
    enterprises = [e.pk for e in orgs(OrganisationKind.ENTERPRISE, args.enterprises, "E")]
    tops = [TechField.objects.create(code=f"B{i}", name=f"领域{i}", position=i) for i in range(8)]
    subs = [TechField.objects.create(code=f"B{i}-1", name=f"子领域{i}", parent=t) for i, t in enumerate(tops)]
    template = ContractTemplate.objects.create(kind="free_use_licence", mode="pay_later", version=999, title="bench", body="-")

    n = args.contracts
    n_engagements = int(n * 1.5)
    owner = [units[i % len(units)] for i in range(n)]  # achievement i + 1 belongs to owner[i]
    achievements = _harness.Table(Achievement, ["id", "owner_id", "title", "field_id"], summary="-", trl=5)
    engagements = _harness.Table(
        Engagement,
        ["id", "unit_id", "enterprise_id", "achievement_id", "status", "agreed_at", "created_at"],
        initiator_side="enterprise",
    )
    contracts = _harness.Table(
        Contract,
        [
            "id",
            "number",
            "mode",
            "kind",
            "status",
            "licensor_id",
            "licensee_id",
            "engagement_id",
            "signed_at",
            "free_use_end",
            "price",
        ],
        template=template,
        title="bench",
        created_by=user,
    )
    links = _harness.Table(ContractAchievement, ["contract_id", "achievement_id"], price_share=Decimal("100"))
    at = contracts.when
    bar = _harness.Bar("成果、对接与合同", n_engagements)
    for start in range(0, n_engagements, BATCH):
        stop = min(start + BATCH, n_engagements)
        with transaction.atomic():
            achievements.write((i + 1, owner[i], f"成果{i}", subs[i % len(subs)].pk) for i in range(start, min(stop, n)))
            engagements.write(
                (
                    i + 1,
                    owner[i % n],
                    enterprises[i % len(enterprises)],
                    i % n + 1,
                    "agreed" if i < n else "intent",
                    at(now) if i < n else None,
                    at(now - dt.timedelta(days=rng.randint(0, 700))),
                )
                for i in range(start, stop)
            )
            contracts.write(
                (
                    i + 1,
                    f"B{i:07d}",
                    rng.choice(["pay_later", "cooperate_later"]),
                    "free_use_licence" if i % 5 else "licence",
                    rng.choice(["signed", "free_use", "awaiting_next_step", "next_step_agreed"]),
                    owner[i],
                    enterprises[i % len(enterprises)],
                    i + 1 if i % 3 else None,
                    at(now - dt.timedelta(days=rng.randint(0, 700))),
                    _day(contracts, (now + dt.timedelta(days=rng.randint(-200, 400))).date()),
                    Decimal(rng.randint(10_000, 5_000_000)),
                )
                for i in range(start, min(stop, n))
            )
            links.write((i + 1, i + 1) for i in range(start, min(stop, n)))
        bar(stop)

    receipts = _harness.Table(
        Receipt,
        ["id", "contract_id", "received_on", "amount", "voucher_number", "idempotency_key"],
        payer="企业",
        payload_hash="-",
        recorded_by=user,
        status="confirmed",
        confirmed_by=user,
        confirmed_at=now,
    )
    days = [_day(receipts, (now - dt.timedelta(days=d)).date()) for d in range(701)]
    bar = _harness.Bar("到账记录", args.receipts)
    for start in range(0, args.receipts, BATCH * 5):
        stop = min(start + BATCH * 5, args.receipts)
        with transaction.atomic():
            receipts.write(
                (
                    rid + 1,
                    rid % n + 1,
                    days[rng.randint(0, 700)],
                    Decimal(rng.randint(100, 10_000_000)) / 100,
                    f"V{rid}",
                    f"bench-{rid}",
                )
                for rid in range(start, stop)
            )
        bar(stop)
    _harness.reset_sequences(Achievement, Engagement, Contract, ContractAchievement, Receipt)
    _harness.analyze()
    print(f"generated in {time.perf_counter() - t0:.1f} s", flush=True)


def _day(table: _harness.Table, day: dt.date) -> object:
    return day.isoformat() if table.vendor == "sqlite" else day


def measure(args: argparse.Namespace, cities: list[str]) -> int:
    from django.core.cache import cache
    from django.db import connection

    from usefirst.statistics import dashboards, rollup, selectors, views
    from usefirst.statistics.selectors import Scope

    t0 = time.perf_counter()
    done = rollup.refresh()
    print(f"rollup refresh (the worker's hourly job): {done.cells:,} cells in {time.perf_counter() - t0:.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    rng = random.Random(7)
    years = selectors.years()

    def province() -> None:
        scope = Scope(year=rng.choice([None, *years]))
        dashboards.cards(scope)
        dashboards.charts(scope, rng.choice(views.PROVINCE_DIMENSIONS))

    def city() -> None:
        scope = Scope(city=rng.choice(cities), year=rng.choice([None, *years]))
        dashboards.cards(scope)
        dashboards.charts(scope, rng.choice(("field", "mode", "unit_kind", "source")))

    def public() -> None:
        cache.clear()  # the open figures are cached per refresh; time them uncached
        year = rng.choice([None, *years])
        views.public_charts(year)
        for metric in views.PUBLIC_METRICS:
            selectors.open_total(metric, year=year)

    failed = False
    for name, page in (("province dashboard", province), ("city dashboard", city), ("public statistics (uncached)", public)):
        page()  # warm
        timings = []
        for _ in range(args.samples):
            start = time.perf_counter()
            page()
            timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
        print(
            f"{name}: p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms "
            f"({args.samples} loads, every query of the page)",
            flush=True,
        )
        failed |= p95 > TARGET_MS
    print(f"target: p95 ≤ {TARGET_MS:.0f} ms — {'NOT MET' if failed else 'met'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
