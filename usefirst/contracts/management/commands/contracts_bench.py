"""Warm-process timings of drafting (with PDF), the first and a further signature, and
verification, on the standard pay_later template. Runs inside a transaction that is rolled
back, so it leaves no rows behind (a CA is created for the run if none exists; the PDFs go to
the configured file storage). bench/contracts_signing.py runs the same measurement on a
temporary database and checks it against its targets.

    python manage.py contracts_bench --rounds 5
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from usefirst.accounts.scripted_signing import signing_code

STAGES = ("draft", "first_signature", "further_signature", "verify")
PASSWORD = "correct-horse-battery"  # the one usefirst.core.testing.make_user sets


class _Rollback(Exception):
    pass


@dataclass
class Timings:
    """Per stage, one (wall seconds, CPU seconds of this thread) pair per round; round 0 is the
    cold one (first document of the process) and is kept apart from the figures."""

    rounds: dict[str, list[tuple[float, float]]] = field(default_factory=lambda: {s: [] for s in STAGES})
    pages: int = 0
    pdf_bytes: int = 0

    def add(self, stage: str, wall: float, cpu: float) -> None:
        self.rounds[stage].append((wall, cpu))

    def warm(self, stage: str, *, cpu: bool = False) -> list[float]:
        values = [c if cpu else w for w, c in self.rounds[stage]]
        return values[1:] or values


class _Clock:
    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.thread_time()

    def lap(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.thread_time() - self.cpu


def measure(rounds: int, *, licensee_name: str = "基准测试科技有限公司") -> Timings:
    """Draft, sign twice and verify `rounds + 1` contracts, rolled back at the end."""
    timings = Timings()
    try:
        with transaction.atomic():
            _run(rounds, timings, licensee_name)
            raise _Rollback
    except _Rollback:
        pass
    return timings


def _run(rounds: int, timings: Timings, licensee_name: str) -> None:
    from usefirst.accounts.models import Membership, OrganisationKind
    from usefirst.catalog.choices import Mode
    from usefirst.catalog.models import Achievement, TechField
    from usefirst.contracts import services, signing
    from usefirst.contracts.models import ContractKind, PlatformRoot
    from usefirst.core.dates import today
    from usefirst.core.testing import make_org, make_user

    if not PlatformRoot.objects.filter(is_current=True).exists():
        signing.store_root(*signing.build_root())
    unit = make_org(OrganisationKind.UNIVERSITY, name="基准测试大学")
    enterprise = make_org(OrganisationKind.ENTERPRISE, name=licensee_name)
    owner = make_user(unit, role=Membership.Role.ADMIN)
    signer = make_user(enterprise, role=Membership.Role.ADMIN)
    tech_field = TechField.objects.filter(parent__isnull=False).first() or TechField.objects.first()
    assert tech_field is not None, "run the migrations first (technology fields)"
    achievement = Achievement.objects.create(
        owner=unit, title="一种低功耗边缘计算芯片", summary="基准测试用成果。", field=tech_field, trl=6
    )
    for _ in range(rounds + 1):
        clock = _Clock()
        contract = services.contract_draft(
            actor=owner,
            data=services.DraftData(
                kind=ContractKind.FREE_USE_LICENCE,
                mode=Mode.PAY_LATER,
                licensor_id=unit.pk,
                licensee_id=enterprise.pk,
                achievements=[services.AchievementShare(achievement.pk, Decimal("100"))],
                scope="在乙方生产线上使用该成果。",
                free_use_start=today(),
                free_use_end=today() + dt.timedelta(days=364),
            ),
        )
        timings.add("draft", *clock.lap())
        clock = _Clock()
        with signing_code(owner) as code:
            services.contract_sign(actor=owner, contract=contract, password=PASSWORD, code=code)
        timings.add("first_signature", *clock.lap())
        clock = _Clock()
        with signing_code(signer) as code:
            services.contract_sign(actor=signer, contract=contract, password=PASSWORD, code=code)
        timings.add("further_signature", *clock.lap())
        data = services.current_document(contract).file.read()
        clock = _Clock()
        report = signing.verify_pdf(data)
        timings.add("verify", *clock.lap())
        assert report.ok and len(report.signatures) == 2, report.message
        timings.pages = len(re.findall(rb"/Type\s*/Page(?!s)", data))
        timings.pdf_bytes = len(data)


class Command(BaseCommand):
    help = "测量合同起草、签署与验证的耗时（热进程，事务回滚）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rounds", type=int, default=5)

    def handle(self, *args: Any, **options: Any) -> None:
        timings = measure(options["rounds"])
        for name in STAGES:
            values = timings.warm(name)
            self.stdout.write(
                f"{name:18s} median {statistics.median(values) * 1000:7.1f} ms   max {max(values) * 1000:7.1f} ms   (n={len(values)})"
            )
