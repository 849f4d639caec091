"""What a signed-in person's workspace shows: the work waiting for them now, and the pages of
their role.

Each to-do counts through the owning app's own scoped selector, and each menu entry is shown
only under the same condition the page itself checks (its guard), so the workspace never offers
a page that would refuse the person (the journey crawler in usefirst/tests/journeys checks it
for every demo role).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from usefirst.core import daily_jobs
from usefirst.core.dates import today

from . import roles
from .models import Membership, Organisation, OrganisationKind

EXPIRING_DAYS = 30  # a free-use period ending within this many days is shown as a to-do


@dataclass(frozen=True)
class Todo:
    label: str
    count: int
    url: str
    hint: str = ""


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str
    hint: str = ""


@dataclass
class MenuSection:
    title: str
    links: list[MenuLink] = field(default_factory=list)


def _review_todos(user: Any) -> list[Todo]:
    from usefirst.catalog import selectors as catalog_selectors

    from .services import organisations as org_services

    achievements = catalog_selectors.achievement_review_queue(user=user).count()
    revisions = catalog_selectors.revision_review_queue(user=user).count()
    return [
        Todo(
            "待审核的科技成果", achievements + revisions, reverse("catalog:review_achievements"), "新提交的成果与已发布成果的修改"
        ),
        Todo("待审核的技术需求", catalog_selectors.demand_review_queue(user=user).count(), reverse("catalog:review_demands")),
        Todo("待审核的机构注册", org_services.review_queue(user).count(), reverse("accounts_review:queue")),
    ]


def _recognition_todos(user: Any, *, provincial: bool, unit: bool) -> list[Todo]:
    from usefirst.recognition import selectors as recognition_selectors
    from usefirst.recognition.models import ApplicationStatus
    from usefirst.recognition.services import batch_year

    url = reverse("recognition:application_list")
    todos: list[Todo] = []
    if unit:
        eligible = recognition_selectors.eligible_to_apply(user, year=batch_year()).count()
        todos.append(Todo("可申请认定的成果", eligible, url + "#eligible", "实际到账已达认定门槛，尚未提出申请"))
    if provincial:
        waiting = recognition_selectors.applications_for(user, status=ApplicationStatus.RECOMMENDED).count()
        todos.append(Todo("待省级审核的认定申请", waiting, f"{url}?status={ApplicationStatus.RECOMMENDED}"))
    notice = recognition_selectors.applications_for(user, status=ApplicationStatus.PUBLIC_NOTICE).count()
    todos.append(Todo("公示中的认定", notice, f"{url}?status={ApplicationStatus.PUBLIC_NOTICE}", "公示期内可查看异议"))
    return todos


def _contract_todos(user: Any, organisation: Organisation) -> list[Todo]:
    from usefirst.contracts.models import ContractParty, ContractStatus, Signature
    from usefirst.contracts.selectors import visible_contracts

    url = reverse("contracts:list")
    unsigned_party = ContractParty.objects.filter(contract=OuterRef("pk"), organisation=organisation).exclude(
        Exists(Signature.objects.filter(party=OuterRef("pk")))
    )
    visible = visible_contracts(user)
    to_sign = visible.filter(status__in=[ContractStatus.DRAFTED, ContractStatus.SIGNING]).filter(Exists(unsigned_party)).count()
    day = today()
    expiring = visible.filter(
        status=ContractStatus.FREE_USE, free_use_end__gte=day, free_use_end__lte=day + dt.timedelta(days=EXPIRING_DAYS)
    ).count()
    return [
        Todo("待本机构签署的合同", to_sign, url),
        Todo(f"{EXPIRING_DAYS} 天内届满的免费使用期", expiring, url, "届满前请与对方商定后续安排"),
    ]


def _receipt_todos(user: Any) -> list[Todo]:
    from usefirst.finance.selectors import receipts_awaiting_confirmation

    waiting = receipts_awaiting_confirmation(user).count()
    return [Todo("待确认的到账", waiting, reverse("finance:receipts_to_confirm"), "核对付款记录后确认或提出异议")]


def _distribution_todos(organisation: Organisation) -> list[Todo]:
    from usefirst.finance.models import Receipt

    waiting = (
        Receipt.objects.filter(contract__licensor=organisation, confirmed_at__isnull=False, distribution_link__isnull=True)
        .values("contract")
        .distinct()
        .count()
    )
    return [Todo("有到账待分配收益的合同", waiting, reverse("contracts:list"), "已确认到账、尚未核算成果完成人收益")]


def _engagement_todos(organisation: Organisation) -> list[Todo]:
    from usefirst.matchmaking.choices import EngagementStatus, Side
    from usefirst.matchmaking.models import Engagement

    to_answer = Engagement.objects.filter(status=EngagementStatus.INTENT).filter(
        Q(unit=organisation, initiator_side=Side.ENTERPRISE) | Q(enterprise=organisation, initiator_side=Side.UNIT)
    )
    url = reverse("matchmaking:my_engagements") + f"?status={EngagementStatus.INTENT}"
    return [Todo("待答复的对接意向", to_answer.count(), url)]


def todos(user: Any, membership: Membership | None) -> list[Todo]:
    """The work waiting for this person in their current organisation, in the order they would do it."""
    if membership is None:
        return []
    organisation = membership.organisation
    items: list[Todo] = []
    departments = bool(roles.department_ids(user))
    if departments:
        items += _review_todos(user)
    if organisation.is_owner_unit_kind or organisation.kind == OrganisationKind.ENTERPRISE:
        items += _engagement_todos(organisation)
        items += _contract_todos(user, organisation)
    if organisation.is_owner_unit_kind or departments:
        items += _receipt_todos(user)
    if organisation.is_owner_unit_kind:
        items += _distribution_todos(organisation)
    if organisation.is_owner_unit_kind or departments:
        items += _recognition_todos(user, provincial=roles.is_provincial_staff(user), unit=organisation.is_owner_unit_kind)
    return items


def _link(name: str, label: str, hint: str = "", query: str = "") -> MenuLink:
    return MenuLink(label, reverse(name) + query, hint)


def menu(user: Any, membership: Membership | None) -> list[MenuSection]:
    """The pages of this person's role, grouped; an entry appears only when its page's guard lets them in."""
    if membership is None:
        return []
    from usefirst.plan_projects.imports.achievements import achievement_import_organisations

    organisation = membership.organisation
    unit = organisation.is_owner_unit_kind
    enterprise = organisation.kind == OrganisationKind.ENTERPRISE
    departments = bool(roles.department_ids(user))
    checks: list[tuple[str, bool, Callable[[], MenuLink]]] = [
        ("成果与需求", unit, lambda: _link("catalog:my_achievements", "本机构科技成果", "登记、提交审核、修改、撤回")),
        ("成果与需求", unit, lambda: _link("catalog:achievement_create", "登记新成果")),
        (
            "成果与需求",
            bool(achievement_import_organisations(user)),
            lambda: _link("plan_projects:achievement_import", "批量导入科技成果", "Excel 模板"),
        ),
        ("成果与需求", enterprise, lambda: _link("catalog:my_demands", "本机构技术需求", "发布、修改、关闭")),
        ("成果与需求", enterprise, lambda: _link("catalog:demand_create", "发布新需求")),
        ("对接与合同", unit or enterprise, lambda: _link("matchmaking:my_engagements", "我的对接")),
        ("对接与合同", unit or enterprise, lambda: _link("matchmaking:decline_reasons", "对接谢绝原因汇总")),
        ("对接与合同", unit or enterprise or departments, lambda: _link("contracts:list", "“先用后转”合同")),
        ("收益与认定", unit or departments, lambda: _link("finance:receipts_to_confirm", "待确认的到账")),
        ("收益与认定", unit, lambda: _link("finance:my_distributions", "我的收益分配")),
        ("收益与认定", unit or departments, lambda: _link("finance:fund", "成果转化引导资金台账")),
        ("收益与认定", unit or departments, lambda: _link("recognition:application_list", "认定申请")),
        ("审核与监管", departments, lambda: _link("catalog:review_achievements", "科技成果审核")),
        ("审核与监管", departments, lambda: _link("catalog:review_demands", "技术需求审核")),
        ("审核与监管", departments, lambda: _link("accounts_review:queue", "机构注册审核")),
        ("审核与监管", departments, lambda: _link("accounts_review:queue", "机构名录", query="?status=all")),
        ("审核与监管", departments, lambda: _link("plan_projects:list", "省级科技计划项目")),
        ("审核与监管", roles.is_provincial_staff(user), lambda: _link("recognition:quota", "年度认定配额")),
        ("审核与监管", roles.is_provincial_staff(user), lambda: _link("recognition:misconduct_list", "科研失信记录")),
        (
            "平台运行",
            daily_jobs.may_operate(user),
            lambda: _link("core:daily_jobs", "每日任务运行情况", "错过与失败的日期、重新运行某日"),
        ),
        ("本机构", True, lambda: _link("accounts:staff", "机构成员", "邀请成员、签署权限")),
        ("本机构", unit, lambda: _link("accounts:people", "成果完成人", "登记与告知同意")),
        ("本机构", True, lambda: _org_record(organisation)),
        ("本机构", True, lambda: _link("notifications:inbox", "消息")),
        ("本机构", True, lambda: _link("accounts:password_change", "修改密码")),
    ]
    sections: dict[str, MenuSection] = {}
    for title, allowed, build in checks:
        if allowed:
            sections.setdefault(title, MenuSection(title)).links.append(build())
    return list(sections.values())


def _org_record(organisation: Organisation) -> MenuLink:
    return MenuLink("本机构注册档案与状态记录", reverse("accounts_review:organisation", args=[organisation.pk]))
