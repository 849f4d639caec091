"""Bench: the dashboards' and the open statistics' queries at scale.

Generates units, enterprises, engagements, contracts and confirmed receipts into a temporary
database, rebuilds the rollup once (the worker's hourly job, timed), then times every query a
dashboard page makes — the province dashboard (each grouping), a city's dashboard, the open
statistics (uncached) — in a warm process and reports p50 / p95 / max per page. Target: p95 ≤
200 ms.

    .venv/bin/python bench/dashboards.py                                   # modest: 20,000 contracts
    .venv/bin/python bench/dashboards.py --contracts 100000 --receipts 1000000
    .venv/bin/python bench/dashboards.py --postgres postgres://usefirst:usefirst@127.0.0.1:5432/usefirst

With --postgres a temporary database is created next to the one named in the URL and dropped
afterwards (the role needs CREATEDB).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_MS = 200.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--enterprises", type=int, default=1000)
    parser.add_argument("--contracts", type=int, default=20_000)
    parser.add_argument("--receipts", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=30, help="timed page loads per page kind")
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL server URL (a temporary database is created there)")
    args = parser.parse_args()
    if args.postgres is None and os.environ.get("BENCH_POSTGRES_URL"):
        code = subprocess.call([sys.executable, __file__, *sys.argv[1:], "--postgres", os.environ["BENCH_POSTGRES_URL"]])
        if code:
            return code
    tmpdir = tempfile.mkdtemp(prefix="usefirst-bench-")
    pg_admin_url = pg_name = None
    if args.postgres:
        import psycopg

        pg_name = f"usefirst_bench_{uuid.uuid4().hex[:8]}"
        pg_admin_url = args.postgres
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{pg_name}"')
        base, _, _ = args.postgres.rpartition("/")
        os.environ["DATABASE_URL"] = f"{base}/{pg_name}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmpdir}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "usefirst.settings.test"
    try:
        return run(args)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
        if pg_name and pg_admin_url:
            from django.db import connections

            connections.close_all()
            import psycopg

            with psycopg.connect(pg_admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}"')


def run(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from usefirst.accounts.models import Organisation, OrganisationKind, OrganisationStatus, User
    from usefirst.catalog.models import Achievement, TechField
    from usefirst.contracts.models import Contract, ContractAchievement, ContractTemplate
    from usefirst.core.regions import CITY_COUNTIES, region_of
    from usefirst.finance.models import Receipt
    from usefirst.matchmaking.models import Engagement

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"engine: {connection.vendor}; schema ready in {time.perf_counter() - t0:.1f} s", flush=True)
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
    units = [u for kind in kinds for u in orgs(kind, args.units // len(kinds), f"U{kind[:2]}")]
    enterprises = orgs(OrganisationKind.ENTERPRISE, args.enterprises, "E")
    tops = [TechField.objects.create(code=f"B{i}", name=f"领域{i}", position=i) for i in range(8)]
    subs = [TechField.objects.create(code=f"B{i}-1", name=f"子领域{i}", parent=t) for i, t in enumerate(tops)]
    template = ContractTemplate.objects.create(kind="free_use_licence", mode="pay_later", version=999, title="bench", body="-")

    with transaction.atomic():
        Achievement.objects.bulk_create(
            (
                Achievement(owner=units[i % len(units)], title=f"成果{i}", summary="-", field=subs[i % len(subs)], trl=5)
                for i in range(args.contracts)
            ),
            batch_size=5000,
        )
        achievements = list(Achievement.objects.values_list("pk", "owner_id").order_by("pk"))
        n_engagements = int(args.contracts * 1.5)
        Engagement.objects.bulk_create(
            (
                Engagement(
                    unit_id=achievements[i % len(achievements)][1],
                    enterprise=enterprises[i % len(enterprises)],
                    initiator_side="enterprise",
                    achievement_id=achievements[i % len(achievements)][0],
                    status="agreed" if i < args.contracts else "intent",
                    agreed_at=now if i < args.contracts else None,
                    created_at=now - dt.timedelta(days=rng.randint(0, 700)),
                )
                for i in range(n_engagements)
            ),
            batch_size=5000,
        )
        engagement_ids = list(Engagement.objects.values_list("pk", flat=True).order_by("pk"))
        Contract.objects.bulk_create(
            (
                Contract(
                    number=f"B{i:07d}",
                    mode=rng.choice(["pay_later", "cooperate_later"]),
                    kind="free_use_licence" if i % 5 else "licence",
                    status=rng.choice(["signed", "free_use", "awaiting_next_step", "next_step_agreed"]),
                    template=template,
                    title="bench",
                    licensor_id=achievements[i][1],
                    licensee=enterprises[i % len(enterprises)],
                    engagement_id=engagement_ids[i] if i % 3 else None,
                    signed_at=now - dt.timedelta(days=rng.randint(0, 700)),
                    free_use_end=(now + dt.timedelta(days=rng.randint(-200, 400))).date(),
                    price=Decimal(rng.randint(10_000, 5_000_000)),
                    created_by=user,
                )
                for i in range(args.contracts)
            ),
            batch_size=5000,
        )
        contract_ids = list(Contract.objects.values_list("pk", flat=True).order_by("pk"))
        ContractAchievement.objects.bulk_create(
            (
                ContractAchievement(contract_id=cid, achievement_id=achievements[i][0], price_share=Decimal("100"))
                for i, cid in enumerate(contract_ids)
            ),
            batch_size=5000,
        )
    print(
        f"{len(units):,} units, {len(enterprises):,} enterprises, {n_engagements:,} engagements, "
        f"{len(contract_ids):,} contracts in {time.perf_counter() - t0:.1f} s",
        flush=True,
    )
    t0 = time.perf_counter()
    written = 0
    while written < args.receipts:
        batch = []
        for rid in range(written, min(args.receipts, written + 20_000)):
            day = (now - dt.timedelta(days=rng.randint(0, 700))).date()
            batch.append(
                Receipt(
                    contract_id=contract_ids[rid % len(contract_ids)],
                    received_on=day,
                    amount=Decimal(rng.randint(100, 10_000_000)) / 100,
                    payer="企业",
                    voucher_number=f"V{rid}",
                    idempotency_key=f"bench-{rid}",
                    payload_hash="-",
                    recorded_by=user,
                    status="confirmed",
                    confirmed_by=user,
                    confirmed_at=now,
                )
            )
        with transaction.atomic():
            Receipt.objects.bulk_create(batch, batch_size=5000)
        written += len(batch)
        print(f"\r{written:,} receipts", end="", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"\n{written:,} receipts in {time.perf_counter() - t0:.1f} s", flush=True)
    return measure(args, cities)


def measure(args: argparse.Namespace, cities: list[str]) -> int:
    from django.core.cache import cache
    from django.db import connection

    from usefirst.statistics import dashboards, rollup, selectors, views
    from usefirst.statistics.selectors import Scope

    t0 = time.perf_counter()
    rollup.build()
    print(f"rollup computed (not saved) in {time.perf_counter() - t0:.1f} s", flush=True)
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
    raise SystemExit(main())
