"""Demo recommendation channels and local support measures.

- The demo enterprise recommends a batch of three achievements (one of the demo university's, one
  of an out-of-province institute not on the platform, one at the laboratory stage replaced by a
  pilot-stage one) and its city's department reviews it: two accepted — the university's becomes
  a draft for the university to complete — and one refused with its reason.
- The incubator recommends a batch awaiting review, and a duplicate row is shown refused when the
  demo is walked through (docs/sources.md).
- The province publishes support measures for the cities of the demo's enterprises and contracts,
  and the development zone one for its county, so achievement and contract pages show them.
Made through the services, like real records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile

from usefirst.accounts.models import Membership, Organisation, OrganisationKind, User
from usefirst.catalog.models import TechField
from usefirst.contracts.models import Contract
from usefirst.core.dates import today
from usefirst.core.identifiers import patent_check_char
from usefirst.measures.services import measure_create, measure_publish
from usefirst.sources.services import Decision, RowInput, batch_review, batch_submit

from .logins import DEMO_EMAIL_DOMAIN

_LETTER = b"%PDF-1.4\n1 0 obj\n<</Type/Catalog>>\nendobj\ntrailer\n<</Root 1 0 R>>\n%%EOF\n"


def _user(local: str) -> User:
    return User.objects.get(email=f"{local}@{DEMO_EMAIL_DOMAIN}")


def _org_of(user: User) -> Organisation:
    return user.memberships.select_related("organisation").get().organisation


def _member(organisation: Organisation) -> User | None:
    membership = (
        Membership.objects.filter(organisation=organisation, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _letter() -> SimpleUploadedFile:
    return SimpleUploadedFile("推荐函.pdf", _LETTER, content_type="application/pdf")


def _patent(serial: int) -> str:
    digits = f"2024105{serial:05d}"
    return f"ZL{digits}.{patent_check_char(digits)}"


def load_demo_sources(*, log: Callable[[str], None] = print) -> int:
    """The demo's recommendation batches and support measures; returns how many records."""
    made = 0
    field = TechField.objects.filter(parent__isnull=False).order_by("position", "code").first()
    field_name = field.name if field else ""
    university = _org_of(_user("university-admin"))
    enterprise_user = _user("enterprise-admin")
    batch = batch_submit(
        actor=enterprise_user,
        recommender=_org_of(enterprise_user),
        title="2026 年第一批企业推荐成果",
        note="本企业在产业链对接中发现、拟承接或推荐给同行的成果。",
        rows=[
            RowInput(
                1,
                "面向陶瓷窑炉的智能燃烧控制系统",
                university.name,
                "否",
                "发明专利",
                _patent(1),
                field_name,
                "中试",
                "",
                "建筑陶瓷企业窑炉节能改造，年节约天然气 10% 以上。",
                "是",
            ),
            RowInput(
                2,
                "高速列车轴承故障声学诊断方法",
                "湖南轨道交通研究院",
                "是",
                "发明专利",
                _patent(2),
                field_name,
                "小试",
                "",
                "轨道交通装备企业的轴承在线监测。",
                "是",
            ),
            RowInput(
                3,
                "城市内涝数字孪生预警平台",
                "华南智慧水务研究中心",
                "否",
                "计算机软件著作权",
                "2024SR000001",
                field_name,
                "产业化",
                "",
                "地市水务部门与园区的内涝预警。",
                "是",
            ),
        ],
        signed_recommendation=_letter(),
    )
    reviewer = _member(batch.reviewer)
    rows = list(batch.rows.order_by("position"))
    if reviewer is not None:
        batch_review(
            actor=reviewer,
            batch=batch,
            decisions={
                rows[0].pk: Decision(True, "成熟度与应用场景清楚，采纳"),
                rows[1].pk: Decision(True, "鼓励省外高校院所成果来粤转化"),
                rows[2].pk: Decision(False, "软件平台类成果请通过本市数字政府渠道推荐"),
            },
        )
    made += 1
    incubator_user = _user("incubator")
    batch_submit(
        actor=incubator_user,
        recommender=_org_of(incubator_user),
        title="孵化器在孵企业需求导向的推荐成果",
        rows=[
            RowInput(
                1,
                "可降解生物基包装膜",
                "东莞材料创新研究院",
                "否",
                "发明专利",
                _patent(3),
                field_name,
                "中试",
                "",
                "电子产品与食品包装的替代材料。",
                "是",
            ),
        ],
        signed_recommendation=_letter(),
    )
    made += 1
    log(f"成果推荐：{made} 批")
    made += _measures(log)
    made += _pool(log)
    return made


def _pool(log: Callable[[str], None]) -> int:
    """The education department's new-energy pool: the demo enterprise a member, an auto-included achievement
    placed, a published one proposed by the enterprise with its vote."""
    from usefirst.catalog.choices import AchievementStatus
    from usefirst.catalog.models import Achievement
    from usefirst.inclusion.models import AutoInclusion
    from usefirst.pools.services import entry_place, entry_propose, entry_vote, pool_add_member, pool_create

    # Operated by the education department, which sees its universities' auto-included achievements.
    province_admin = _user("education-reviewer")
    enterprise_user = _user("enterprise-admin")
    enterprise = _org_of(enterprise_user)
    pool = pool_create(
        actor=province_admin,
        operator=_org_of(province_admin),
        name="新能源与储能产业成果池",
        industry="新能源与储能",
        description="汇集动力电池、储能、氢能与风光发电领域的科技成果，由省教育厅运营，成员企业推荐并投票入池。",
    )
    pool_add_member(actor=province_admin, pool=pool, enterprise=enterprise)
    auto = AutoInclusion.objects.select_related("achievement").order_by("pk").first()
    if auto is not None and auto.achievement.status == AchievementStatus.AUTO_INCLUDED:
        entry_place(actor=province_admin, pool=pool, achievement=auto.achievement, note="验收满三年自动纳入的成果")
    published = Achievement.objects.filter(status=AchievementStatus.PUBLISHED, restriction="").order_by("pk").first()
    if published is not None:
        entry = entry_propose(actor=enterprise_user, pool=pool, achievement=published, proposer=enterprise, note="本企业拟承接")
        entry_vote(actor=enterprise_user, entry=entry, voter=enterprise, approve=True)
    log("产业成果池：1 个")
    return 1


def _measures(log: Callable[[str], None]) -> int:
    province_admin = _user("province-admin")
    province = _org_of(province_admin)
    start = (today() - dt.timedelta(days=180)).isoformat()
    end = (today() + dt.timedelta(days=365)).isoformat()
    enterprises: list[Organisation | None] = [_org_of(_user("enterprise-admin"))]
    enterprises += [c.licensee for c in Contract.objects.select_related("licensee").order_by("pk")[:5]]
    cities: list[str] = []
    for organisation in enterprises:
        if (
            organisation is not None
            and organisation.kind == OrganisationKind.ENTERPRISE
            and organisation.city not in cities
            and organisation.city != "省外"
        ):
            cities.append(organisation.city)
    count = 0
    for city in cities[:4]:
        for title, kind, amount, rate, who in (
            (
                f"{city}科技成果转化后补助",
                "subsidy",
                "500000",
                "30",
                "在本市注册、通过平台承接高校院所科技成果并签订“先用后转”合同的企业",
            ),
            (f"{city}科技保险保费补贴", "premium_subsidy", "200000", "50", "为承接的科技成果投保成果转化险、首台套险的企业"),
        ):
            measure = measure_create(
                actor=province_admin,
                publisher=province,
                data={
                    "title": title,
                    "kind": kind,
                    "city": city,
                    "eligibility": who,
                    "amount": amount,
                    "rate": rate,
                    "valid_from": start,
                    "valid_until": end,
                    "contact_name": "成果转化科",
                    "contact_phone": "020-83163000",
                    "document_ref": "（示例）关于支持科技成果“先用后转”的若干措施",
                },
            )
            measure_publish(actor=province_admin, measure=measure)
            count += 1
    zone = Organisation.objects.filter(kind=OrganisationKind.DEVELOPMENT_ZONE).order_by("pk").first()
    zone_user = _member(zone) if zone else None
    if zone is not None and zone_user is not None:
        measure = measure_create(
            actor=zone_user,
            publisher=zone,
            data={
                "title": f"{zone.name}成果落地奖励",
                "kind": "reward",
                "eligibility": "在本区落地转化科技成果、实现首年销售的企业",
                "amount": "300000",
                "valid_from": start,
                "contact_name": "产业服务局",
                "contact_phone": "0759-3388000",
            },
        )
        measure_publish(actor=zone_user, measure=measure)
        count += 1
    log(f"地方支持措施：{count} 项")
    return count
