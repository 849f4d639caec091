"""What a signed-in person's workspace shows: the work waiting for them now, and the pages of
their role.

Each to-do counts through the owning app's own scoped selector, and each menu entry is shown
only under the same condition the page itself checks (its guard), so the workspace never offers
a page that would refuse the person (the journey crawler in usefirst/tests/journeys checks it
for every demo role).

The apps above accounts give their to-dos through the hook `todo_sources` and the guard of the
import page through `may_import_achievements`, each in its own `hooks.py` (usefirst/core/hooks.py);
accounts imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.urls import reverse

from usefirst.core import daily_jobs
from usefirst.core.actors import Actor
from usefirst.core.hooks import Hook
from usefirst.core.platform_roles import PlatformRole, role_of

from . import roles
from .models import Membership, Organisation, OrganisationKind


@dataclass(frozen=True)
class Todo:
    label: str
    count: int
    url: str
    hint: str = ""
    rank: int = field(default=0, compare=False)  # where it stands in the list, in the order the work is done


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str
    hint: str = ""
    primary: bool = False  # the section's main action, shown as a button


@dataclass
class MenuSection:
    """One task area of the workspace: its to-dos with their counts, its main actions and its pages."""

    title: str
    links: list[MenuLink] = field(default_factory=list)
    todos: list[Todo] = field(default_factory=list)

    @property
    def pending(self) -> int:
        return sum(todo.count for todo in self.todos)

    @property
    def actions(self) -> list[MenuLink]:
        return [link for link in self.links if link.primary]

    @property
    def pages(self) -> list[MenuLink]:
        return [link for link in self.links if not link.primary]


class Desk:
    """Who looks at the workspace: the person, their current organisation and what they are there."""

    def __init__(self, user: Actor, organisation: Organisation) -> None:
        self.user = user
        self.organisation = organisation
        self.departments = bool(roles.department_ids(user))  # reviews for one department or more
        self.unit = organisation.is_owner_unit_kind
        self.enterprise = organisation.kind == OrganisationKind.ENTERPRISE

    @cached_property
    def provincial(self) -> bool:
        return roles.is_provincial_staff(self.user)


# The to-dos of each app for this desk (each Todo with its rank: catalog's reviews 10, the
# registrations 20, engagements 30, contracts 40, receipts 50, distributions 60, recognition 70,
# auto-inclusion's declarations to review 75 and records to complete 76, risk products 78,
# policies and claims 83, loan applications 84, loan products 85).
# The rank also places the to-do in its task area of the workspace (TODO_SECTIONS).
todo_sources: Hook[[Desk], list[Todo]] = Hook("accounts.workspace_todos")
# Whether the person may use the Excel import of achievements (plan_projects answers).
may_import_achievements: Hook[[Actor], bool] = Hook("accounts.may_import_achievements")


@todo_sources.connect
def _registration_todos(desk: Desk) -> list[Todo]:
    if not desk.departments:
        return []
    from .services import organisations as org_services

    return [Todo("待审核的机构注册", org_services.review_queue(desk.user).count(), reverse("accounts_review:queue"), rank=20)]


ITEMS, REVIEW, DEALS, INCOME = "成果与需求", "审核与监管", "对接与合同", "收益与认定"
TODO_SECTIONS = {
    10: REVIEW,
    20: REVIEW,
    30: DEALS,
    40: DEALS,
    50: INCOME,
    60: INCOME,
    70: INCOME,
    75: REVIEW,
    76: ITEMS,
    77: REVIEW,
    78: REVIEW,
    79: REVIEW,
    80: REVIEW,
    81: "年度填报与整改",
    82: "年度填报与整改",
    83: DEALS,
    84: "银行融资",  # financing: applications to decide, information asked for
    85: REVIEW,  # financing: loan products awaiting the province
    91: DEALS,  # events: sign-ups awaiting the organiser
    92: REVIEW,  # cases: typical cases awaiting the department
}


def todos(user: Actor, membership: Membership | None) -> list[Todo]:
    """The work waiting for this person in their current organisation, in the order they would do it."""
    if membership is None:
        return []
    desk = Desk(user, membership.organisation)
    found = [todo for todos in todo_sources.send(desk) for todo in todos]
    return sorted(found, key=lambda todo: todo.rank)


def _link(name: str, label: str, hint: str = "", query: str = "", *, primary: bool = False) -> MenuLink:
    return MenuLink(label, reverse(name) + query, hint, primary)


def sections(user: Actor, membership: Membership | None, found: list[Todo]) -> list[MenuSection]:
    """The task areas of this person's role, each with its to-dos from `found` (todos()) and its
    pages; an area that has to-dos but no page of its own still shows them. Areas where work
    waits come first, in the order the work is done (the to-dos' ranks); the others keep the
    menu's order."""
    areas = menu(user, membership)
    by_title = {area.title: area for area in areas}
    for todo in found:
        title = TODO_SECTIONS.get(todo.rank, "其他待办")
        if title not in by_title:
            by_title[title] = MenuSection(title)
            areas.insert(0, by_title[title])
        by_title[title].todos.append(todo)
    waiting = sorted((area for area in areas if area.pending), key=lambda area: min(t.rank for t in area.todos if t.count))
    return waiting + [area for area in areas if not area.pending]


def menu(user: Actor, membership: Membership | None) -> list[MenuSection]:
    """The pages of this person's role, grouped; an entry appears only when its page's guard lets them in."""
    if membership is None:
        return []
    organisation = membership.organisation
    unit = organisation.is_owner_unit_kind
    enterprise = organisation.kind == OrganisationKind.ENTERPRISE
    departments = bool(roles.department_ids(user))
    provider = organisation.kind in (OrganisationKind.INSURER, OrganisationKind.GUARANTOR)
    bank = organisation.kind == OrganisationKind.BANK
    agency = organisation.kind == OrganisationKind.AGENCY
    # The audit office's read-only view of the 安心屋 (the permission safehouse/policies.py checks).
    auditor = user.has_perm("safehouse.audit_readonly")
    evaluator = roles.is_provincial_staff(user) or organisation.kind == OrganisationKind.PROFESSIONAL_INSTITUTION
    organiser = organisation.kind in (
        OrganisationKind.CITY_DEPARTMENT,
        OrganisationKind.DEVELOPMENT_ZONE,
        OrganisationKind.INCUBATOR,
        OrganisationKind.AGENCY,
        OrganisationKind.PROVINCIAL_DEPARTMENT,
    )
    checks: list[tuple[str, bool, Callable[[], MenuLink]]] = [
        ("成果与需求", unit, lambda: _link("catalog:my_achievements", "本机构科技成果", "登记、提交审核、修改、撤回")),
        ("成果与需求", unit, lambda: _link("catalog:achievement_create", "登记新成果", primary=True)),
        (
            "成果与需求",
            may_import_achievements.ask(user),
            lambda: _link("plan_projects:achievement_import", "批量导入科技成果", "Excel 模板"),
        ),
        (
            "成果与需求",
            unit,
            lambda: _link("inclusion:report", "验收满三年自动纳入预览", "本单位的省级科技计划项目；申报平台外转化"),
        ),
        ("成果与需求", unit, lambda: _link("sources:survey", "转化意向摸底", "逐项填报转化意向、最低条件和完成人意见（Excel）")),
        ("成果与需求", enterprise, lambda: _link("catalog:my_demands", "本机构技术需求", "发布、修改、关闭")),
        ("成果与需求", enterprise, lambda: _link("catalog:demand_create", "发布新需求", primary=True)),
        ("对接与合同", unit or enterprise, lambda: _link("matchmaking:my_engagements", "我的对接")),
        ("对接与合同", unit or enterprise, lambda: _link("matchmaking:decline_reasons", "对接谢绝原因汇总")),
        ("对接与合同", unit or enterprise or departments, lambda: _link("contracts:list", "“先用后转”合同")),
        ("推介活动与案例", organiser, lambda: _link("events:mine", "本机构举办的活动", "发布、报名审核、现场签到、成效")),
        ("推介活动与案例", organiser, lambda: _link("events:new", "新建活动", primary=True)),
        ("推介活动与案例", True, lambda: _link("events:calendar", "活动日历", "发布推介、路演展示、成果对接、场景应用")),
        ("推介活动与案例", True, lambda: _link("events:my_registrations", "我的活动报名", "入场码")),
        (
            "推介活动与案例",
            unit or enterprise or departments,
            lambda: _link("cases:mine", "典型案例", "以已签署的合同撰写、同意公开、审核"),
        ),
        ("保险与担保", provider, lambda: _link("risk:my_products", "本机构产品", "新建、修改、提交审核、发布新版本")),
        ("保险与担保", provider, lambda: _link("risk:product_create", "新建产品")),
        (
            "保险与担保",
            provider,
            lambda: _link("risk:dashboard", "本机构业务看板", "保单、保费、保费补贴、理赔与赔付率，按产品、地市、模式"),
        ),
        (
            "统计与监测",
            roles.is_provincial_staff(user),
            lambda: _link("risk:province_dashboard", "全省科技保险与担保看板", "保单、保费、补贴、理赔与赔付率"),
        ),
        ("保险与担保", True, lambda: _link("risk:catalogue", "科技保险与担保产品", "已发布的产品；合同页可查看报价")),
        ("银行融资", bank, lambda: _link("financing:my_products", "本行融资产品", "新建、修改、提交审核、发布新版本")),
        ("银行融资", bank, lambda: _link("financing:product_create", "新建融资产品")),
        (
            "银行融资",
            bank or unit or enterprise,
            lambda: _link("financing:application_list", "融资申请", "审批、质押登记与解除、结清"),
        ),
        ("银行融资", True, lambda: _link("financing:catalogue", "先用后付贷产品", "升级贷、购买贷、收益权贷；合同页可申请")),
        (
            "对接与合同",
            unit or enterprise,
            lambda: _link("simulator:page", "付款方式模拟", "比较分期、延期、提成、里程碑等付款方式"),
        ),
        (
            "对接与合同",
            enterprise,
            lambda: _link("performance:mine", "本企业履约信用档案", "按期付款、争议与代偿；共享须经本企业授权"),
        ),
        ("对接与合同", enterprise, lambda: _link("performance:consents", "履约信用档案共享授权", "授权或撤回")),
        (
            "对接与合同",
            unit or provider or organisation.kind == OrganisationKind.AGENCY,
            lambda: _link("performance:shared", "企业授权查看的履约信用档案"),
        ),
        (
            "保险与担保",
            provider or unit or enterprise,
            lambda: _link("risk:policy_list", "保单与理赔", "核保、保费、理赔与代偿、追偿"),
        ),
        ("收益与认定", unit or departments, lambda: _link("finance:receipts_to_confirm", "待确认的到账")),
        ("收益与认定", unit, lambda: _link("finance:my_distributions", "我的收益分配")),
        ("收益与认定", unit or departments, lambda: _link("finance:fund", "成果转化引导资金台账")),
        ("收益与认定", unit or departments, lambda: _link("recognition:application_list", "认定申请")),
        ("审核与监管", departments, lambda: _link("catalog:review_achievements", "科技成果审核", primary=True)),
        ("审核与监管", departments, lambda: _link("catalog:review_demands", "技术需求审核")),
        ("审核与监管", departments, lambda: _link("accounts_review:queue", "机构注册审核")),
        ("审核与监管", departments, lambda: _link("accounts_review:queue", "机构名录", query="?status=all")),
        ("审核与监管", departments, lambda: _link("plan_projects:list", "省级科技计划项目")),
        (
            "审核与监管",
            departments,
            lambda: _link("inclusion:report", "自动纳入预览", "验收满三年未转化的科研攻关类项目"),
        ),
        ("审核与监管", departments, lambda: _link("inclusion:declarations", "平台外转化申报")),
        (
            "对接与合同",
            unit,
            lambda: _link("safehouse:index", "安心屋：尽职免责存证", "定价、公示、决策、利益冲突申报；申请尽职免责"),
        ),
        ("审核与监管", departments, lambda: _link("safehouse:exemptions", "尽职免责认定", "核对安心屋卷宗后认定")),
        (
            "审计查阅（只读）",
            auditor,
            lambda: _link("safehouse:index", "安心屋卷宗", "全部卷宗：存证、哈希链与导出核验", primary=True),
        ),
        ("审计查阅（只读）", auditor, lambda: _link("safehouse:exemptions", "尽职免责认定", "申请、认定结论与理由")),
        ("审计查阅（只读）", auditor, lambda: _link("safehouse:systems", "配套管理制度", "各单位报送与审核结果")),
        ("审核与监管", departments, lambda: _link("safehouse:systems", "配套管理制度审核")),
        ("审核与监管", departments, lambda: _link("safehouse:incentives", "激励支持", "登记给予单位和个人的激励")),
        ("审核与监管", departments, lambda: _link("sources:batches", "成果推荐审核", query="?view=review&status=submitted")),
        ("审核与监管", departments, lambda: _link("sources:counts", "成果来源统计", "按来源与推荐渠道计数")),
        (
            "成果与需求",
            organisation.kind not in ("insurer", "guarantor", "bank", "professional_institution", "audit_office"),
            lambda: _link("sources:batches", "推荐科技成果", "按批次推荐（表单或 Excel），查看逐条审核结果"),
        ),
        (
            "成果与需求",
            organisation.kind in ("city_department", "development_zone", "provincial_department"),
            lambda: _link("measures:mine", "地方支持措施", "发布补贴、奖励、保费补贴等措施"),
        ),
        ("成果与需求", True, lambda: _link("pools:list", "产业成果池", "按产业汇集的成果专区；成员企业推荐与投票")),
        ("成果与需求", enterprise, lambda: _link("measures:list", "地方支持措施", "本地可申请的补贴与奖励")),
        ("审核与监管", roles.is_provincial_staff(user), lambda: _link("recognition:quota", "年度认定配额")),
        (
            "统计与监测",
            roles.is_provincial_staff(user),
            lambda: _link("statistics:province", "全省运行看板", "对接转化漏斗、合同、到账与认定", primary=True),
        ),
        (
            "统计与监测",
            _is_city_department(user),
            lambda: _link("statistics:city", "本市运行看板", "本市的对接转化、合同、到账与认定", primary=True),
        ),
        ("统计与监测", departments, lambda: _link("statistics:public", "公开统计")),
        ("审核与监管", roles.is_provincial_staff(user), lambda: _link("risk:review_queue", "保险与担保产品审核")),
        ("审核与监管", roles.is_provincial_staff(user), lambda: _link("financing:review_queue", "融资产品审核")),
        ("审核与监管", roles.is_provincial_staff(user), lambda: _link("recognition:misconduct_list", "科研失信记录")),
        # Evaluations (usefirst/evaluation): the province and the 专业机构 run them; agencies and
        # units self-report and see their own results; departments see their organisations'.
        (
            "评价与名单",
            evaluator,
            lambda: _link("evaluation:index", "评价方案与结果", "制定方案、计算、审核、公示、发布", primary=True),
        ),
        (
            "评价与名单",
            (agency or unit or departments) and not evaluator,
            lambda: _link("evaluation:index", "年度评价", "自评报告、地市预审、结果"),
        ),
        ("评价与名单", agency or unit, lambda: _link("evaluation:mine", "本机构评价结果", "得分明细、排名、异议")),
        ("评价与名单", agency or evaluator, lambda: _link("evaluation:managers", "技术经理人", "登记、业绩、年度备案、等级")),
        ("评价与名单", True, lambda: _link("evaluation:excellent", "优秀名单", "已发布的优秀服务机构与成果单位")),
        (
            "年度填报与整改",
            (unit and not enterprise) or organisation.kind == OrganisationKind.CITY_DEPARTMENT,
            lambda: _link("reporting:my_reports", "本单位年度数据填报", "平台数据预填、Excel 导入、提交主管部门审核"),
        ),
        ("年度填报与整改", departments, lambda: _link("reporting:reports", "年度数据报告审核与汇总")),
        ("年度填报与整改", departments or unit, lambda: _link("reporting:cases", "整改案件")),
        (
            "平台运行",
            daily_jobs.may_operate(user),
            lambda: _link("core:daily_jobs", "每日任务运行情况", "错过与失败的日期、重新运行某日"),
        ),
        (
            "平台运行",
            role_of(user) == PlatformRole.SECURITY,
            lambda: _link("accounts:second_factor_reset", "重置用户的双因素认证", "手机丢失时，核实身份后重置"),
        ),
        ("本机构", True, lambda: _link("accounts:staff", "机构成员", "邀请成员、签署权限")),
        ("本机构", unit, lambda: _link("safehouse:systems", "先用后转配套管理制度", "报送与审核结果")),
        ("本机构", unit, lambda: _link("accounts:people", "成果完成人", "登记与告知同意")),
        ("本机构", True, lambda: _org_record(organisation)),
        ("本机构", True, lambda: _link("notifications:inbox", "消息")),
        ("本机构", True, lambda: _link("accounts:password_change", "修改密码")),
        ("本机构", True, lambda: _link("accounts:second_factor", "双因素认证", "身份验证器与恢复码")),
    ]
    sections: dict[str, MenuSection] = {}
    for title, allowed, build in checks:
        if allowed:
            sections.setdefault(title, MenuSection(title)).links.append(build())
    return list(sections.values())


def _is_city_department(user: Actor) -> bool:
    return roles.active_memberships(user).filter(organisation__kind=OrganisationKind.CITY_DEPARTMENT).exists()


def _org_record(organisation: Organisation) -> MenuLink:
    return MenuLink("本机构注册档案与状态记录", reverse("accounts_review:organisation", args=[organisation.pk]))
