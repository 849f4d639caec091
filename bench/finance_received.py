"""Bench: the amount actually received (实际到账) of one achievement at scale.

Generates 100,000 contracts with 1,000,000 receipts (and their per-achievement allocation
rows, as the receipt service writes them) into a temporary database, then times
`selectors.received_for_achievement` for random achievements in a warm process and reports
p50 / p95 / max. Target: p95 ≤ 10 ms on SQLite and PostgreSQL.

    .venv/bin/python bench/finance_received.py                       # SQLite (temporary file)
    .venv/bin/python bench/finance_received.py --postgres postgres://usefirst:usefirst@127.0.0.1:5432/usefirst
    .venv/bin/python bench/finance_received.py --contracts 10000 --receipts 100000   # quicker

The temporary database (SQLite file, or PostgreSQL database created next to the one named in the
URL and dropped afterwards), --keep / --measure / --cache: bench/_harness.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import statistics
import sys
import time
from decimal import Decimal

import _harness


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--receipts", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=2000)
    _harness.add_arguments(parser, cache=True)
    args = parser.parse_args()
    code = _harness.also_on_postgres(args, __file__)
    if code:
        return code
    with _harness.temporary_database(args, prefix="finance", cache_key=f"finance-{args.contracts}-{args.receipts}") as db:
        if not db.cached:
            run(args)
            db.loaded()
        return measure(args)


def run(args: argparse.Namespace) -> int:
    from django.db import connection, transaction

    from usefirst.accounts.models import OrganisationKind, User
    from usefirst.catalog.models import Achievement, TechField
    from usefirst.contracts.models import Contract, ContractAchievement, ContractTemplate
    from usefirst.core.testing import make_org
    from usefirst.finance.amounts import allocate

    rng = random.Random(20260201)
    t0 = time.perf_counter()
    user = User.objects.create_user("bench@example.com", "x")
    units = [make_org(OrganisationKind.UNIVERSITY) for _ in range(10)]
    enterprises = [make_org(OrganisationKind.ENTERPRISE) for _ in range(20)]
    field = TechField.objects.filter(parent__isnull=False).first()
    template = ContractTemplate.objects.create(kind="licence", mode="pay_later", version=999, title="bench", body="-")
    n_achievements = max(1, int(args.contracts * 0.8))
    now = dt.datetime(2026, 3, 1, 2, 0, tzinfo=dt.UTC)
    with transaction.atomic():
        Achievement.objects.bulk_create(
            (
                Achievement(
                    owner=units[i % len(units)], title=f"成果{i}", summary="-", field=field, trl=5, created_at=now, updated_at=now
                )
                for i in range(n_achievements)
            ),
            batch_size=5000,
        )
        achievement_ids = list(Achievement.objects.values_list("pk", flat=True))
        Contract.objects.bulk_create(
            (
                Contract(
                    number=f"B{i:07d}",
                    mode="pay_later",
                    kind="licence",
                    status="signed",
                    template=template,
                    title="bench",
                    licensor=units[i % len(units)],
                    licensee=enterprises[i % len(enterprises)],
                    signed_at=now,
                    created_by=user,
                )
                for i in range(args.contracts)
            ),
            batch_size=5000,
        )
        contract_ids = list(Contract.objects.values_list("pk", flat=True))
        links: dict[int, list[tuple[int, Decimal]]] = {}
        rows = []
        for cid in contract_ids:
            if rng.random() < 0.1:  # one contract in ten covers two achievements
                a, b = rng.sample(achievement_ids, 2)
                links[cid] = [(a, Decimal("40.00")), (b, Decimal("60.00"))]
            else:
                links[cid] = [(rng.choice(achievement_ids), Decimal("100.00"))]
            rows.extend(
                ContractAchievement(contract_id=cid, achievement_id=a, price_share=s, position=p)
                for p, (a, s) in enumerate(links[cid])
            )
        ContractAchievement.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    print(
        f"{len(achievement_ids):,} achievements, {len(contract_ids):,} contracts in {time.perf_counter() - t0:.1f} s", flush=True
    )

    t0 = time.perf_counter()
    from usefirst.finance.models import Receipt

    receipt_table = _harness.Table(
        Receipt,
        ["id", "contract_id", "received_on", "amount", "voucher_number", "idempotency_key"],
        payer="企业",
        payload_hash="-",
        recorded_by=user,
        recorded_at=now,
        status="confirmed",
        confirmed_by=user,
        confirmed_at=now,
        confirmed_as="payer",
    )
    allocation_sql = "INSERT INTO finance_receiptallocation (receipt_id, contract_id, achievement_id, received_on, amount) VALUES (%s,%s,%s,%s,%s)"
    batch = 20_000
    start_day = dt.date(2026, 1, 1)
    written = 0
    while written < args.receipts:
        receipts, allocations = [], []
        for rid in range(written + 1, min(args.receipts, written + batch) + 1):
            cid = contract_ids[rid % len(contract_ids)]
            amount = Decimal(rng.randint(100, 10_000_000)) / 100
            day = start_day + dt.timedelta(days=rng.randint(0, 300))
            on = day.isoformat() if connection.vendor == "sqlite" else day
            receipts.append((rid, cid, on, amount, f"V{rid}", f"bench-{rid}"))
            for aid, part in allocate(amount, links[cid]).items():
                allocations.append((rid, cid, aid, day, part))
        with transaction.atomic(), connection.cursor() as cursor:
            receipt_table.write(receipts)
            cursor.executemany(allocation_sql, allocations)
        written += len(receipts)
        print(f"\r{written:,} receipts", end="", flush=True)
    _harness.reset_sequences(Receipt)
    _harness.analyze()  # PostgreSQL: VACUUM too, so the covering index answers alone (index-only scan)
    print(f"\n{written:,} receipts with their allocation rows in {time.perf_counter() - t0:.1f} s", flush=True)
    return 0


def measure(args: argparse.Namespace) -> int:
    from usefirst.contracts.models import ContractAchievement
    from usefirst.finance import selectors

    rng = random.Random(7)
    linked = list(ContractAchievement.objects.values_list("achievement_id", flat=True).distinct())
    sample = [rng.choice(linked) for _ in range(args.samples)]
    for aid in sample[:200]:  # warm the process and the cache
        selectors.received_for_achievement(aid)
    all_ok = True
    gc.collect()
    gc.disable()  # time the query, not a collector pause that lands in it
    for label, kwargs in (("all receipts", {}), ("since 2026-02-01", {"since": dt.date(2026, 2, 1)})):
        wall, cpu = [], []
        for aid in sample:
            t, c = time.perf_counter(), time.thread_time()
            selectors.received_for_achievement(aid, **kwargs)
            cpu.append((time.thread_time() - c) * 1000)
            wall.append((time.perf_counter() - t) * 1000)
        wall.sort()
        cpu.sort()
        p95 = wall[int(len(wall) * 0.95) - 1]
        all_ok &= p95 <= 10
        print(
            f"received_for_achievement ({label}), {len(wall)} samples: "
            f"p50 {statistics.median(wall):.2f} ms, p95 {p95:.2f} ms, max {wall[-1]:.2f} ms "
            f"-> {'OK' if p95 <= 10 else 'OVER'} (target p95 <= 10 ms); "
            f"this process's CPU per call p50 {statistics.median(cpu):.2f} ms, p95 {cpu[int(len(cpu) * 0.95) - 1]:.2f} ms"
        )
    gc.enable()
    # The plan of the selector's own statement (it must read the covering index only).
    from django.db import connection

    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(explain + selectors._achievement_total_sql(connection.vendor, since=True), [sample[0], "2026-02-01"])
        plan = " | ".join(" ".join(str(c) for c in row) for row in cursor.fetchall())
    print("plan:", plan[:300])
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
