"""Demo: deals signed from the agreed engagements, over the past months, so that the dashboards'
funnel reaches its contract stage and the open statistics have figures about three organisations
or more; then the statistics rollup is computed (the worker keeps it fresh afterwards).

Each contract is drafted from an agreed engagement that has none yet and signed by both sides'
administrators through the contract services, on a day in the past (time-travelled), with its
free-use period starting a week later; the daily contracts job then starts the periods.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone

from usefirst.catalog.choices import Mode
from usefirst.contracts import services as contracts
from usefirst.contracts.models import ContractKind
from usefirst.core import dates
from usefirst.core.errors import DomainError
from usefirst.matchmaking.choices import EngagementStatus
from usefirst.matchmaking.models import Engagement

from .authenticators import signing_code
from .contracts import _admin_of
from .logins import DEMO_PASSWORD

DAYS_AGO = (320, 250, 190, 130, 75, 40, 20)
# The scope written on these contracts: it tells them apart from the contracts stage's stories.
STATISTICS_SCOPE = "依据平台对接达成的一致意见，被许可方在约定范围内免费实施许可成果（已签署）。"


def load_demo_statistics(*, log: Callable[[str], None] = print) -> int:
    import time_machine  # development dependency; the demo only runs in DEMO_MODE

    from usefirst.statistics.rollup import refresh

    signed = 0
    engagements = (
        Engagement.objects.filter(status=EngagementStatus.AGREED, achievement__isnull=False, contracts__isnull=True)
        .select_related("achievement", "unit", "enterprise")
        .order_by("pk")
    )
    for engagement, days_ago in zip(list(engagements), DAYS_AGO, strict=False):
        assert engagement.achievement is not None and engagement.enterprise is not None
        moment = timezone.now() - dt.timedelta(days=days_ago)
        start = dates.today() - dt.timedelta(days=days_ago - 7)
        try:
            with time_machine.travel(moment, tick=True):
                contract = contracts.contract_draft(
                    actor=_admin_of(engagement.unit),
                    data=contracts.DraftData(
                        kind=ContractKind.FREE_USE_LICENCE,
                        mode=Mode.PAY_LATER if signed % 2 == 0 else Mode.COOPERATE_LATER,
                        achievements=[contracts.AchievementShare(engagement.achievement.pk, Decimal("100.00"))],
                        licensor_id=engagement.unit_id,
                        licensee_id=engagement.enterprise_id,
                        engagement_id=engagement.pk,
                        scope=STATISTICS_SCOPE,
                        territory="广东省",
                        free_use_start=start,
                        free_use_end=dates.add_months(start, 12) - dt.timedelta(days=1),
                        payment_terms="免费使用期届满后按正式许可合同约定支付许可费，或开展下一阶段合作。",
                    ),
                )
                for signer in (_admin_of(engagement.unit), _admin_of(engagement.enterprise)):
                    with signing_code(signer) as code:
                        contracts.contract_sign(actor=signer, contract=contract, password=DEMO_PASSWORD, code=code)
            signed += 1
        except DomainError as refused:  # an engagement the rules do not let become a contract: the demo goes on
            log(f"统计演示：对接 {engagement.pk} 未能签约（{refused.detail}）")
    contracts.contract_advance()
    done = refresh()
    log(f"统计演示：由对接签订合同 {signed} 份；统计汇总 {done.cells} 个单元")
    return signed
