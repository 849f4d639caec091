"""Demo engagements (对接) in every status, made through the services like real ones.

Called at the end of the demo loader (loader.py) so that `make run` shows them:
the demo enterprise administrator (enterprise-admin@usefirst.example), the university
administrator and the agency login all find engagements of their own.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from django.db.models import Q

from usefirst.accounts.models import Membership, Organisation, OrganisationKind, OrganisationStatus, User
from usefirst.catalog.choices import AchievementStatus, DemandStatus
from usefirst.catalog.models import Achievement, Demand
from usefirst.core.dates import today
from usefirst.matchmaking import services
from usefirst.matchmaking.choices import DeclineReason
from usefirst.matchmaking.models import Engagement

from .logins import DEMO_LOGINS

SEED = 20260301
# The story each engagement is taken to, in order (30 in all).
PLAN: list[str] = (
    ["intent"] * 5
    + ["talking"] * 4
    + ["talking_agreement_proposed"] * 2
    + ["talking_agency_proposed"] * 2
    + ["agreed"] * 4
    + ["agreed_with_agency"] * 3
    + ["declined"] * 6
    + ["withdrawn"] * 2
    + ["closed"] * 2
)
_INTENT_FROM_ENTERPRISE = (
    "我公司对该成果很感兴趣，希望以先使用后付费方式试用，请问能否安排技术交流？",
    "我们的生产线正面临相关技术难题，希望了解该成果的中试情况和免费使用期安排。",
    "拟在本公司新建产线上应用该成果，想进一步了解技术指标和知识产权状况。",
)
_INTENT_FROM_UNIT = (
    "我单位有相关成果，技术成熟度较高，可先使用后付费，欢迎进一步交流。",
    "我校团队长期从事该方向研究，已有可转化成果，愿意到贵司现场了解需求。",
    "我院成果已完成中试，可提供免费使用期，期待与贵司合作。",
)
_TALK = (
    ("enterprise", "请问免费使用期可以安排多长时间？我们希望至少 12 个月。"),
    ("unit", "可以，我们建议 12 个月免费使用期，期满后按销售收入提成支付。"),
    ("enterprise", "提成比例我们内部再评估一下，下周安排技术人员到校交流。"),
    ("unit", "好的，欢迎来访，我们会准备样机和测试数据。"),
)
_DECLINES = (
    (DeclineReason.TOO_EARLY, "公司今年暂无扩产计划，明年再议。"),
    (DeclineReason.BENEFIT_UNCLEAR, "测算后经济效益不够明确。"),
    (DeclineReason.PRICE, "后续付费金额超出我们的预算。"),
    (DeclineReason.ROUTE_TO_MARKET_UNCLEAR, "产品的市场推广渠道尚不清晰。"),
    (DeclineReason.OTHER, "已与其他单位开展同类合作。"),
    (DeclineReason.PRICE, "提成比例偏高。"),
)


def _admin(org: Organisation) -> User | None:
    membership = (
        Membership.objects.filter(organisation=org, role=Membership.Role.ADMIN, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _login_org(org_key: str) -> Organisation | None:
    email = next((login.email for login in DEMO_LOGINS if login.org_key == org_key), None)
    membership = Membership.objects.filter(user__email=email).select_related("organisation").first() if email else None
    return membership.organisation if membership else None


def _talk(engagement: Engagement, users: dict[str, User], count: int) -> None:
    for side, body in _TALK[:count]:
        services.message_post(actor=users[side], engagement=engagement, body=body)


def load_demo_engagements(*, count: int = len(PLAN), log: Callable[[str], None] | None = None) -> int:
    """Create up to `count` engagements between demo enterprises and units; returns how many."""
    rng = random.Random(SEED)
    achievements = list(
        Achievement.objects.filter(
            status=AchievementStatus.PUBLISHED, restriction="", owner__status=OrganisationStatus.ACTIVE
        ).select_related("owner")[:400]
    )
    demands = list(
        Demand.objects.filter(
            status=DemandStatus.PUBLISHED, deadline__gte=today(), enterprise__status=OrganisationStatus.ACTIVE
        ).select_related("enterprise")[:200]
    )
    enterprises = list(Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, status=OrganisationStatus.ACTIVE))
    if not achievements or not enterprises:
        return 0
    showcase_enterprise = _login_org("ent44")
    showcase_unit = _login_org("lnlg")
    agency = _login_org("agency1") or Organisation.objects.filter(kind=OrganisationKind.AGENCY).first()
    # Put the demo logins' organisations first, so their pages are not empty.
    rng.shuffle(achievements)
    rng.shuffle(demands)
    achievements.sort(key=lambda a: a.owner_id != (showcase_unit.pk if showcase_unit else None))
    demands.sort(key=lambda d: d.enterprise_id != (showcase_enterprise.pk if showcase_enterprise else None))
    if showcase_enterprise is not None:
        enterprises = [showcase_enterprise, *[e for e in enterprises if e.pk != showcase_enterprise.pk]]
    made = 0
    used: set[tuple[int, int, str]] = set()
    for n, story in enumerate(PLAN[:count]):
        engagement = _intent(n, rng, achievements, demands, enterprises, used)
        if engagement is None:
            continue
        users = {"enterprise": _admin(engagement.enterprise), "unit": _admin(engagement.unit)}
        if users["enterprise"] is None or users["unit"] is None:
            continue
        _advance(engagement, story, users, agency, n)  # type: ignore[arg-type]
        made += 1
    if log is not None:
        log(f"对接 {made} 项")
    return made


def _intent(
    n: int,
    rng: random.Random,
    achievements: list[Achievement],
    demands: list[Demand],
    enterprises: list[Organisation],
    used: set[tuple[int, int, str]],
) -> Engagement | None:
    # Alternate: enterprises on achievements, units on demands (when there are demands).
    if n % 2 == 1 and demands:
        for demand in demands[n // 2 % len(demands) :] + demands[: n // 2 % len(demands)]:
            candidates = [a for a in achievements if a.owner_id != demand.enterprise_id and a.owner.is_owner_unit_kind]
            candidates = [a for a in candidates if (a.owner_id, demand.pk, "d") not in used]
            if not candidates:
                continue
            # Every third is the demo university login's (sorted first); the rest spread over all units.
            achievement = candidates[0] if n % 3 == 0 else rng.choice(candidates)
            actor = _admin(achievement.owner)
            if actor is None:
                continue
            used.add((achievement.owner_id, demand.pk, "d"))
            return services.engagement_create(
                actor=actor,
                organisation=achievement.owner,
                demand=demand,
                achievement=achievement,
                message=rng.choice(_INTENT_FROM_UNIT),
            )
        return None
    start = n // 3 if n % 3 == 0 else rng.randrange(len(achievements))
    for offset in range(len(achievements)):
        achievement = achievements[(start + offset) % len(achievements)]
        # Every fourth engagement is the demo enterprise login's, so its pages show each status.
        enterprise = enterprises[0] if n % 4 == 0 else rng.choice(enterprises)
        if enterprise.pk == achievement.owner_id or (enterprise.pk, achievement.pk, "a") in used:
            continue
        actor = _admin(enterprise)
        if actor is None:
            continue
        used.add((enterprise.pk, achievement.pk, "a"))
        return services.engagement_create(
            actor=actor, organisation=enterprise, achievement=achievement, message=rng.choice(_INTENT_FROM_ENTERPRISE)
        )
    return None


def _advance(engagement: Engagement, story: str, users: dict[str, User], agency: Organisation | None, n: int) -> None:
    initiator = users[engagement.initiator_side]
    responder = users[engagement.responder_side]
    if story == "intent":
        return
    if story == "declined":
        reason, detail = _DECLINES[n % len(_DECLINES)]
        services.engagement_decline(actor=responder, engagement=engagement, reason=reason, detail=detail)
        return
    if story == "withdrawn":
        services.engagement_close(actor=initiator, engagement=engagement, reason="内部立项调整，暂不推进")
        return
    services.engagement_accept(actor=responder, engagement=engagement)
    _talk(engagement, users, 2 if story.startswith("talking") else 4)
    if story == "closed":
        services.engagement_close(actor=responder, engagement=engagement, reason="双方在付费方式上未能达成一致")
    elif story == "talking_agreement_proposed":
        services.engagement_propose_agreement(actor=initiator, engagement=engagement)
    elif story == "talking_agency_proposed" and agency is not None:
        services.engagement_propose_facilitator(actor=responder, engagement=engagement, agency=agency)
    elif story.startswith("agreed"):
        if story == "agreed_with_agency" and agency is not None:
            services.engagement_propose_facilitator(actor=initiator, engagement=engagement, agency=agency)
            services.engagement_confirm_facilitator(actor=responder, engagement=engagement)
        services.engagement_propose_agreement(actor=users["enterprise"], engagement=engagement)
        services.engagement_confirm_agreement(actor=users["unit"], engagement=engagement)


def demo_summary() -> dict[str, Any]:
    """Counts by status (for the loader's log and tests)."""
    from django.db.models import Count

    rows = Engagement.objects.order_by().values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows} | {"facilitated": Engagement.objects.filter(~Q(facilitator=None)).count()}
