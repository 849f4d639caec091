"""Warm-process timings of drafting (with PDF), the first and a further signature, and
verification, on the standard pay_later template. Runs inside a transaction that is rolled
back, so it leaves nothing behind (a CA is created for the run if none exists).

    python manage.py contracts_bench --rounds 5
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "测量合同起草、签署与验证的耗时（热进程，事务回滚）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rounds", type=int, default=5)

    def handle(self, *args: Any, **options: Any) -> None:
        timings: dict[str, list[float]] = {"draft": [], "first_signature": [], "second_signature": [], "verify": []}
        try:
            with transaction.atomic():
                self._run(options["rounds"], timings)
                raise _Rollback
        except _Rollback:
            pass
        for name, values in timings.items():
            values = values[1:] or values  # the first round warms the process
            self.stdout.write(
                f"{name:18s} median {statistics.median(values) * 1000:7.1f} ms   max {max(values) * 1000:7.1f} ms   (n={len(values)})"
            )

    def _run(self, rounds: int, timings: dict[str, list[float]]) -> None:
        from usefirst.accounts.models import Membership, OrganisationKind
        from usefirst.catalog.models import Achievement, TechField
        from usefirst.contracts import services, signing
        from usefirst.contracts.models import ContractKind, Mode, PlatformRoot
        from usefirst.core.dates import today
        from usefirst.core.testing import make_org, make_user

        if not PlatformRoot.objects.filter(is_current=True).exists():
            signing.store_root(*signing.build_root())
        unit = make_org(OrganisationKind.UNIVERSITY, name="基准测试大学")
        enterprise = make_org(OrganisationKind.ENTERPRISE, name="基准测试科技有限公司")
        owner = make_user(unit, role=Membership.Role.ADMIN)
        signer = make_user(enterprise, role=Membership.Role.ADMIN)
        field = TechField.objects.filter(parent__isnull=False).first() or TechField.objects.first()
        assert field is not None, "run the migrations first (technology fields)"
        achievement = Achievement.objects.create(
            owner=unit, title="一种低功耗边缘计算芯片", summary="基准测试用成果。", field=field, trl=6
        )
        for _ in range(rounds + 1):
            started = time.perf_counter()
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
            timings["draft"].append(time.perf_counter() - started)
            started = time.perf_counter()
            services.contract_sign(actor=owner, contract=contract, password="correct-horse-battery")
            timings["first_signature"].append(time.perf_counter() - started)
            started = time.perf_counter()
            services.contract_sign(actor=signer, contract=contract, password="correct-horse-battery")
            timings["second_signature"].append(time.perf_counter() - started)
            data = services.current_document(contract).file.read()
            started = time.perf_counter()
            report = signing.verify_pdf(data)
            timings["verify"].append(time.perf_counter() - started)
            assert report.ok, report.message
