"""Bench: computing a year's agency and unit evaluations (DOMAIN.md rules 5 and 6) at scale.

Generates units, agencies, enterprises (a third of them in east, west or north Guangdong),
engagements with a facilitator confirmed by both sides for most, use-first contracts (free-use
licences and follow-on licences) and receipts (nine in ten confirmed) into a temporary database,
then times `evaluation_compute` for the agency and the unit evaluation of the year, each with all
its platform indicators, printing the progress of each step. Target (issue 15, item 7): both in
≤ 60 s at 1,000 units, 500 agencies, 100,000 contracts and 1,000,000 receipts.

    .venv/bin/python bench/evaluation.py                                  # the full size, SQLite
    .venv/bin/python bench/evaluation.py --units 100 --agencies 50 --contracts 10000 --receipts 100000
    .venv/bin/python bench/evaluation.py --postgres postgres://usefirst:usefirst@127.0.0.1:5432/usefirst

With --postgres a temporary database is created next to the one named in the URL and dropped
afterwards (the role needs CREATEDB).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

YEAR = 2026


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=1_000)
    parser.add_argument("--agencies", type=int, default=500)
    parser.add_argument("--enterprises", type=int, default=5_000)
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--receipts", type=int, default=1_000_000)
    parser.add_argument("--target", type=float, default=60.0, help="seconds allowed for both computations")
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL server URL (a temporary database is created there)")
    args = parser.parse_args()
    if args.postgres is None and os.environ.get("BENCH_POSTGRES_URL"):
        code = subprocess.call([sys.executable, __file__, *sys.argv[1:], "--postgres", os.environ["BENCH_POSTGRES_URL"]])
        if code:
            return code
    tmpdir = tempfile.mkdtemp(prefix="usefirst-bench-eval-")
    pg_name = None
    if args.postgres:
        import psycopg

        pg_name = f"usefirst_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.postgres, autocommit=True) as conn:
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
        if pg_name and args.postgres:
            from django.db import connections

            connections.close_all()
            import psycopg

            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}"')


def _bar(label: str, done: int, total: int, started: float) -> None:
    width = 30
    filled = int(width * done / max(total, 1))
    print(
        f"\r{label:<14} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} {time.perf_counter() - started:6.1f} s",
        end="" if done < total else "\n",
        flush=True,
    )


def run(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from usefirst.accounts.models import Membership, Organisation, OrganisationKind, OrganisationStatus, User
    from usefirst.catalog.models import Demand, TechField
    from usefirst.contracts.models import Contract, ContractTemplate
    from usefirst.core.regions import CITY_COUNTIES, region_of
    from usefirst.core.testing import make_credit_code
    from usefirst.evaluation import services
    from usefirst.evaluation.services import IndicatorData, SchemeData
    from usefirst.evaluation.sources import sources_for
    from usefirst.finance.models import Receipt
    from usefirst.matchmaking.models import Engagement

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"engine: {connection.vendor}; schema ready in {time.perf_counter() - t0:.1f} s", flush=True)
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

    t0 = time.perf_counter()
    batch = 5000
    made = 0
    while made < args.contracts:
        size = min(batch, args.contracts - made)
        with transaction.atomic():
            engagements = []
            pairs = []
            for _ in range(size):
                unit, enterprise = rng.choice(unit_ids), rng.choice(enterprise_ids)
                facilitated = rng.random() < 0.7
                agency = rng.choice(agency_ids) if facilitated else None
                created = now - dt.timedelta(days=rng.randint(5, 120))
                engagements.append(
                    Engagement(
                        unit_id=unit,
                        enterprise_id=enterprise,
                        initiator_side="unit",
                        demand_id=demand_of[enterprise],
                        status="agreed",
                        agreed_at=now,
                        created_at=created,
                        updated_at=now,
                        facilitator_id=agency,
                        proposed_facilitator_id=agency,
                        facilitator_enterprise_confirmed_at=now if facilitated else None,
                        facilitator_unit_confirmed_at=now if facilitated else None,
                    )
                )
                pairs.append((unit, enterprise))
            engagements = Engagement.objects.bulk_create(engagements, batch_size=batch)
            contracts = []
            for i, (engagement, (unit, enterprise)) in enumerate(zip(engagements, pairs, strict=True)):
                kind = "free_use_licence" if rng.random() < 0.6 else "licence"
                contracts.append(
                    Contract(
                        number=f"B{made + i:08d}",
                        mode="pay_later",
                        kind=kind,
                        status="free_use" if kind == "free_use_licence" else "signed",
                        template=templates[kind],
                        title="bench",
                        licensor_id=unit,
                        licensee_id=enterprise,
                        engagement_id=engagement.pk,
                        agency_id=engagement.facilitator_id,
                        price=Decimal(rng.randint(1_000_000, 500_000_000)) / 100,
                        signed_at=now - dt.timedelta(days=rng.randint(0, 120)),
                        created_by=user,
                    )
                )
            Contract.objects.bulk_create(contracts, batch_size=batch)
        made += size
        _bar("合同与对接", made, args.contracts, t0)

    t0 = time.perf_counter()
    contract_ids = list(Contract.objects.values_list("pk", flat=True))
    written = 0
    batch = 20_000
    while written < args.receipts:
        size = min(batch, args.receipts - written)
        rows = []
        for i in range(size):
            n = written + i
            confirmed = rng.random() < 0.9
            rows.append(
                Receipt(
                    contract_id=rng.choice(contract_ids),
                    received_on=dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randint(0, 330)),
                    amount=Decimal(rng.randint(100, 10_000_000)) / 100,
                    payer="企业",
                    voucher_number=f"V{n}",
                    idempotency_key=f"bench-{n}",
                    payload_hash="-",
                    recorded_by=user,
                    recorded_at=now,
                    status="confirmed" if confirmed else "pending",
                    confirmed_at=now if confirmed else None,
                    confirmed_by=user if confirmed else None,
                    confirmed_as="payer" if confirmed else "",
                )
            )
        with transaction.atomic():
            Receipt.objects.bulk_create(rows, batch_size=5000)
        written += size
        _bar("到账记录", written, args.receipts, t0)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    timings = {}
    for kind, name in (("agency", "服务机构评价"), ("unit", "成果单位量化评价")):
        platform = [s for s in sources_for(kind) if not s.reported]
        weights = [Decimal(100) // len(platform)] * len(platform)
        weights[0] += Decimal(100) - sum(weights)
        evaluation = services.evaluation_create(actor=user, data=SchemeData(kind=kind, year=YEAR, name=f"{YEAR}年度{name}"))
        for source, weight in zip(platform, weights, strict=True):
            services.indicator_add(
                actor=user, evaluation=evaluation, data=IndicatorData(name="", source=source.key, weight=weight)
            )
        started = time.perf_counter()
        print(f"{name}：{len(platform)} 项平台指标", flush=True)

        def progress(step: str, done: int, total: int, since: float = started) -> None:
            _bar(f"  {step}", done, total, since)

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
    raise SystemExit(main())
