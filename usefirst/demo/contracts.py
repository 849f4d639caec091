"""Demo contracts in every state, their finance and a recognition path, written through the
services (contracts, finance, recognition) so that every state has its event rows.

The story needs history (a free-use period that has ended, receipts months ago, a public
notice that has run its course) and the services only accept dates as of "today" (a free-use
period may not start in the past, a receipt may not be dated in the future). So each step
runs with the clock set to the day it happened (time-machine, a development dependency:
the demo only runs in DEMO_MODE). The PDFs, signatures, events and dates then agree with
each other, and a signed PDF verifies on the public page like any other.

Signing is the slow part (a PAdES signature each), so the number of signatures is kept small:
six contracts signed by both sides and one signed by one side.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from usefirst.accounts.models import Membership, Organisation, OrganisationKind, User
from usefirst.catalog.choices import AchievementStatus, Mode, ProjectCategory
from usefirst.catalog.models import Achievement, AchievementInventor
from usefirst.contracts import services as contracts
from usefirst.contracts import signing
from usefirst.contracts.models import Contract, ContractKind, DevelopmentKind, PlatformRoot
from usefirst.core import dates

from .authenticators import signing_code
from .logins import DEMO_LOGINS, DEMO_PASSWORD

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
# The main pay_later chain covers six achievements; recognition takes each to a different stage.
CHAIN_SHARES = (Decimal("20.00"), *([Decimal("16.00")] * 5))
RECOGNITION_STAGES = ("eligible", "recommended", "public_notice", "recognised", "recognised", "rejected")


def _login(email_local: str) -> User:
    email = next(login.email for login in DEMO_LOGINS if login.email.startswith(f"{email_local}@"))
    return User.objects.get(email=email)


def _org_of(user: User) -> Organisation:
    membership = Membership.objects.filter(user=user, is_active=True).select_related("organisation").order_by("pk").first()
    assert membership is not None, user.email
    return membership.organisation


def _admin_of(org: Organisation) -> User:
    membership = (
        Membership.objects.filter(organisation=org, role=Membership.Role.ADMIN, can_sign=True, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    assert membership is not None, org.name
    return membership.user


@dataclass
class DemoContracts:
    """What the stage made, by story (contract numbers are shown in the log and the README)."""

    by_story: dict[str, Contract]
    recognition: list[tuple[str, Achievement]]


class ContractsStage:
    def __init__(self, *, log: Callable[[str], None] = print) -> None:
        self.log = log
        self.mark = time.monotonic()
        self.today = dates.today()
        self.signatures = 0
        self.unit_user = _login("university-admin")
        self.unit = _org_of(self.unit_user)
        self.enterprise_user = _login("enterprise-admin")
        self.enterprise = _org_of(self.enterprise_user)
        self.agency_user = _login("agency")
        self.agency = _org_of(self.agency_user)
        self.reviewer = _login("province-reviewer")
        self.stories: dict[str, Contract] = {}

    # -- the clock --------------------------------------------------------------------------
    @contextmanager
    def on(self, days_ago: int, hour: int = 10) -> Iterator[None]:
        """Run the block as if it were `days_ago` days before today, at `hour` Shanghai time."""
        try:
            import time_machine  # development dependency (requirements-dev.txt); the demo only runs in DEMO_MODE
        except ImportError as exc:  # pragma: no cover - make run installs it
            raise RuntimeError("演示合同需要 time-machine（requirements-dev.txt，make run 会安装）") from exc

        day = self.today - dt.timedelta(days=days_ago)
        moment = dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=SHANGHAI)
        if moment >= timezone.now():
            yield
            return
        with time_machine.travel(moment, tick=True):
            yield

    def _daily(self, days_ago: int) -> dict[str, int]:
        """The daily contracts job (free-use periods starting and ending, reminders) as it ran
        that morning."""
        with self.on(days_ago, hour=1):
            return contracts.contract_advance()

    def _period_days(self, contract: Contract) -> int:
        """Run the daily job on the days that matter to this contract's free-use period (its
        first day, the 30- and 7-day reminders, the day after its last day); returns how many
        days ago the period ended."""
        assert contract.free_use_start is not None and contract.free_use_end is not None
        start = (self.today - contract.free_use_start).days
        last = (self.today - contract.free_use_end).days
        for days_ago in (start, last + 30, last + 7, last - 1):
            if days_ago >= 0:
                self._daily(days_ago)
        return last - 1

    def _stage(self, message: str) -> None:
        """One line per stage with the time it took."""
        now = time.monotonic()
        self.log(f"{message}（本阶段 {now - self.mark:.1f} 秒）")
        self.mark = now

    # -- helpers --------------------------------------------------------------------------------
    def _ensure_ca(self) -> None:
        """The platform CA signs every signature; made here, dated before the oldest demo
        signature, when the deployment has none yet (manage.py contracts_init_ca keeps it)."""
        if PlatformRoot.objects.filter(is_current=True).exists():
            return
        with self.on(400):
            key, cert = signing.build_root()
            signing.store_root(key, cert)

    def _sign(self, contract: Contract, *signers: User) -> Contract:
        for user in signers:
            with signing_code(user) as code:
                contracts.contract_sign(actor=user, contract=contract, password=DEMO_PASSWORD, code=code)
            self.signatures += 1
        contract.refresh_from_db()
        return contract

    def _draft(self, actor: User, **data: Any) -> Contract:
        return contracts.contract_draft(actor=actor, data=contracts.DraftData(**data))

    def _free_use(
        self,
        actor: User,
        *,
        mode: str,
        achievements: Sequence[tuple[Achievement, Decimal]],
        licensee: Organisation,
        start_in: int,
        months: int = 0,
        end: dt.date | None = None,
        agency: Organisation | None = None,
        engagement_id: int | None = None,
        title: str = "",
    ) -> Contract:
        start = dates.today() + dt.timedelta(days=start_in)
        end = end or dates.add_months(start, months) - dt.timedelta(days=1)
        pay_later = mode == Mode.PAY_LATER
        return self._draft(
            actor,
            kind=ContractKind.FREE_USE_LICENCE,
            mode=mode,
            title=title,
            achievements=[contracts.AchievementShare(a.pk, share) for a, share in achievements],
            licensor_id=self.unit.pk,
            licensee_id=licensee.pk,
            agency_id=agency.pk if agency else None,
            engagement_id=engagement_id,
            scope="被许可方在本合同约定的领域和地域内免费实施许可成果，用于中试验证和首批产品试制。",
            field_of_use="工业制造领域",
            territory="中华人民共和国境内",
            free_use_start=start,
            free_use_end=end,
            payment_terms=(
                "免费使用期届满后，被许可方继续实施的，双方按届时签订的正式许可合同约定支付许可费。"
                if pay_later
                else "免费使用期届满后，双方以技术开发、作价投资等方式开展下一阶段合作。"
            ),
        )

    # -- the choice of achievements ----------------------------------------------------------------
    def _candidates(self, owner: Organisation) -> list[Achievement]:
        """Published, unrestricted achievements of the unit without a provincial plan project,
        oldest publication first (contracts come after publication)."""
        return list(
            Achievement.objects.filter(
                owner=owner, status=AchievementStatus.PUBLISHED, restriction="", plan_project_number=""
            ).order_by("published_at", "pk")
        )

    def _disjoint(self, achievements: list[Achievement], count: int) -> list[Achievement]:
        """Up to `count` achievements no two of which share an inventor (one recognition per
        person per year), then the rest in order."""
        inventors: dict[int, set[int]] = {}
        for row in AchievementInventor.objects.filter(achievement__in=achievements).values("achievement_id", "person_id"):
            inventors.setdefault(row["achievement_id"], set()).add(row["person_id"])
        chosen: list[Achievement] = []
        taken: set[int] = set()
        # Fewest inventors first: more of them then fit side by side.
        for achievement in sorted(achievements, key=lambda a: len(inventors.get(a.pk, ()))):
            people = inventors.get(achievement.pk, set())
            if people and not people & taken:
                chosen.append(achievement)
                taken |= people
            if len(chosen) == count:
                break
        return chosen

    def _other_enterprises(self) -> list[Organisation]:
        return list(
            Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, status="active")
            .exclude(pk=self.enterprise.pk)
            .order_by("pk")[:3]
        )

    # -- the load ---------------------------------------------------------------------------------
    def run(self) -> DemoContracts:
        self._ensure_ca()
        pool = self._candidates(self.unit)
        chain = self._disjoint(pool, len(CHAIN_SHARES))
        if len(chain) < len(CHAIN_SHARES):
            raise RuntimeError(f"演示合同：{self.unit.name} 只有 {len(chain)} 项完成人互不相同的已发布成果，至少需要 6 项")
        rest = [a for a in pool if a not in chain]
        if len(rest) < 6:
            raise RuntimeError(f"演示合同：{self.unit.name} 的已发布成果不足")
        others = self._other_enterprises()

        self._pay_later_chain(chain)
        self._stage(f"先使用后付费全流程（免费使用→期满→正式许可→付款计划、到账、分配）：{self.stories['licence'].number}")
        self._cooperate_later(rest[0], others[0])
        self._stage(f"先使用后合作及首个合作项目：{self.stories['first_cooperation'].number}")
        self._awaiting_next_step(rest[1])
        self._ending_soon(rest[2], others[1])
        self._stage("免费使用期届满待商定、即将届满（提醒）")
        self._partly_signed(rest[3])
        self._from_engagement(rest[4])
        self._cancelled(rest[5], others[2])
        self._stage("签署中、待签署（来自对接）、已撤销")
        counts = self._daily(0)  # this morning's run: starts, expiries, reminders
        self._stage(f"每日合同任务：{counts}")
        recognition = self._recognition(chain)
        self._stage("认定：" + "，".join(f"{stage} 成果 {a.pk}" for stage, a in recognition))
        self._stage(f"合同 {len(self.stories)} 份，签名 {self.signatures} 个")
        return DemoContracts(by_story=dict(self.stories), recognition=recognition)

    # -- stories --------------------------------------------------------------------------------
    def _pay_later_chain(self, chain: list[Achievement]) -> None:
        """The contract a demo user follows from drafting to a distribution: a free-use licence
        (pay_later) of six achievements, its period ended, the follow-on licence signed, a
        payment plan, receipts (one partly reversed) and a paid distribution."""
        from usefirst.finance.demo import seed_licence_finance

        shares = list(zip(chain, CHAIN_SHARES, strict=True))
        with self.on(250):
            parent = self._free_use(
                self.unit_user,
                mode=Mode.PAY_LATER,
                achievements=shares,
                licensee=self.enterprise,
                start_in=5,
                months=4,
                title="智能制造关键技术成果包免费使用许可合同（先使用后付费）",
            )
        with self.on(247):
            self._sign(parent, self.unit_user)
        with self.on(246, hour=15):
            self._sign(parent, self.enterprise_user)
        ended = self._period_days(parent)  # the free-use period starts, is reminded of, ends
        with self.on(ended - 4):
            licence = self._draft(
                self.unit_user,
                kind=ContractKind.LICENCE,
                title="智能制造关键技术成果包技术许可合同",
                achievements=[contracts.AchievementShare(a.pk, share) for a, share in shares],
                licensor_id=self.unit.pk,
                licensee_id=self.enterprise.pk,
                scope=parent.scope,
                field_of_use=parent.field_of_use,
                territory=parent.territory,
                price=Decimal("3600000.00"),
                payment_terms="入门费 120 万元，分两期支付 200 万元，中试线验收后支付 40 万元，另按净销售额 3% 提成。",
                parent_id=parent.pk,
            )
        with self.on(ended - 6):
            self._sign(licence, self.unit_user)
        with self.on(ended - 6, hour=16):
            self._sign(licence, self.enterprise_user)
        seed_licence_finance(contract=licence, unit_user=self.unit_user, at=self.on)
        parent.refresh_from_db()
        self.stories["pay_later_free_use"] = parent
        self.stories["licence"] = licence

    def _cooperate_later(self, achievement: Achievement, enterprise: Organisation) -> None:
        """A cooperate_later licence through the demo agency; its first cooperation project (a
        cooperative development contract) is signed, and the free-use licence then ends."""
        enterprise_user = _admin_of(enterprise)
        with self.on(300):
            parent = self._free_use(
                self.unit_user,
                mode=Mode.COOPERATE_LATER,
                achievements=[(achievement, Decimal("100.00"))],
                licensee=enterprise,
                agency=self.agency,
                start_in=3,
                months=5,
            )
            self._sign(parent, self.unit_user)
        with self.on(298):
            self._sign(parent, enterprise_user)
        self._period_days(parent)
        with self.on(130):
            project = self._draft(
                enterprise_user,
                kind=ContractKind.DEVELOPMENT,
                development_kind=DevelopmentKind.COOPERATIVE,
                title=f"{achievement.title[:60]}合作开发合同（首个合作项目）",
                achievements=[contracts.AchievementShare(achievement.pk)],
                licensor_id=self.unit.pk,
                licensee_id=enterprise.pk,
                agency_id=self.agency.pk,
                scope="双方在免费使用期成果基础上合作开发产业化版本，企业出资，学校派团队联合攻关。",
                price=Decimal("680000.00"),
                payment_terms="研发经费分三期拨付。",
                parent_id=parent.pk,
            )
        with self.on(126):
            self._sign(project, self.unit_user)
        with self.on(125):
            self._sign(project, enterprise_user)
        with self.on(120):
            contracts.contract_end(
                actor=self.unit_user,
                contract=parent,
                reason="首个合作项目（合作开发合同）已签署生效，免费使用许可按约终止，后续在合作开发合同下实施。",
            )
        parent.refresh_from_db()
        project.refresh_from_db()
        self.stories["cooperate_later_ended"] = parent
        self.stories["first_cooperation"] = project

    def _awaiting_next_step(self, achievement: Achievement) -> None:
        """The free-use period ended ten days ago; the unit proposed a licence, which the
        enterprise may accept in the pages (the follow-on licence is then drafted)."""
        with self.on(200):
            contract = self._free_use(
                self.unit_user,
                mode=Mode.PAY_LATER,
                achievements=[(achievement, Decimal("100.00"))],
                licensee=self.enterprise,
                start_in=2,
                months=6,
            )
            self._sign(contract, self.unit_user, self.enterprise_user)
        ended = self._period_days(contract)
        with self.on(max(ended - 3, 1)):
            contracts.next_step_propose(
                actor=self.unit_user,
                contract=contract,
                kind=ContractKind.LICENCE,
                achievement_id=achievement.pk,
                price=Decimal("300000.00"),
                terms="普通许可，许可费 30 万元，签约后 30 日内支付 10 万元，其余按季度等额支付。",
            )
        contract.refresh_from_db()
        self.stories["awaiting_next_step"] = contract

    def _ending_soon(self, achievement: Achievement, enterprise: Organisation) -> None:
        """In its free-use period, which ends in seven days: this morning's daily job sends the
        7-day reminder."""
        with self.on(358):
            contract = self._free_use(
                self.unit_user,
                mode=Mode.PAY_LATER,
                achievements=[(achievement, Decimal("100.00"))],
                licensee=enterprise,
                start_in=1,
                end=self.today + dt.timedelta(days=7),
            )
        with self.on(357):
            self._sign(contract, self.unit_user, _admin_of(enterprise))
        self._daily(23)  # the 30-day reminder (today's run sends the 7-day one)
        self.stories["free_use_ending_soon"] = contract

    def _partly_signed(self, achievement: Achievement) -> None:
        """Signed by the unit; the enterprise administrator signs in the pages."""
        with self.on(3):
            contract = self._free_use(
                self.unit_user,
                mode=Mode.PAY_LATER,
                achievements=[(achievement, Decimal("100.00"))],
                licensee=self.enterprise,
                start_in=10,
                months=12,
            )
        with self.on(2):
            self._sign(contract, self.unit_user)
        self.stories["partly_signed"] = contract

    def _from_engagement(self, achievement: Achievement) -> None:
        """Drafted from an agreed matchmaking engagement, awaiting both signatures."""
        from usefirst.matchmaking.choices import EngagementStatus
        from usefirst.matchmaking.models import Engagement

        engagements = Engagement.objects.filter(status=EngagementStatus.AGREED, achievement__isnull=False)
        engagement = (
            engagements.filter(unit=self.unit, enterprise=self.enterprise).first()
            or engagements.filter(Q(unit=self.unit) | Q(enterprise=self.enterprise)).first()
            or engagements.first()
        )
        if engagement is None or engagement.achievement is None:
            unit_user, licensee, engagement_id, shares = self.unit_user, self.enterprise, None, [(achievement, Decimal("100.00"))]
        else:
            unit_user = self.unit_user if engagement.unit_id == self.unit.pk else _admin_of(engagement.unit)
            licensee, engagement_id = engagement.enterprise, engagement.pk
            shares = [(engagement.achievement, Decimal("100.00"))]
        with self.on(1):
            contract = self._draft(
                unit_user,
                kind=ContractKind.FREE_USE_LICENCE,
                mode=Mode.PAY_LATER,
                achievements=[contracts.AchievementShare(a.pk, s) for a, s in shares],
                licensor_id=shares[0][0].owner_id,
                licensee_id=licensee.pk,
                engagement_id=engagement_id,
                scope="依据平台对接达成的一致意见，被许可方在约定范围内免费实施许可成果。",
                territory="广东省",
                free_use_start=dates.today() + dt.timedelta(days=15),
                free_use_end=dates.add_months(dates.today() + dt.timedelta(days=15), 12) - dt.timedelta(days=1),
                payment_terms="免费使用期届满后按正式许可合同约定支付许可费。",
            )
        self.stories["from_engagement"] = contract

    def _cancelled(self, achievement: Achievement, enterprise: Organisation) -> None:
        with self.on(40):
            contract = self._free_use(
                _admin_of(enterprise),
                mode=Mode.PAY_LATER,
                achievements=[(achievement, Decimal("100.00"))],
                licensee=enterprise,
                start_in=20,
                months=6,
            )
        with self.on(37):
            contracts.contract_cancel(actor=self.unit_user, contract=contract, reason="双方改为商谈先使用后合作方式，本稿撤销。")
        contract.refresh_from_db()
        self.stories["cancelled"] = contract

    # -- recognition ------------------------------------------------------------------------------
    def _recognition(self, chain: list[Achievement]) -> list[tuple[str, Achievement]]:
        from usefirst.recognition.demo import seed_recognition_stages

        for achievement in chain:
            if achievement.plan_project_category != ProjectCategory.KEY_TECHNOLOGY:
                achievement.plan_project_category = ProjectCategory.KEY_TECHNOLOGY  # declared by the unit
                achievement.save(update_fields=["plan_project_category"])
        stages = list(zip(RECOGNITION_STAGES, chain, strict=True))
        seed_recognition_stages(achievements=stages, unit_user=self.unit_user, reviewer=self.reviewer, at=self.on)
        return stages
