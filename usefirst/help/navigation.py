"""The sections of the portal, named once: the breadcrumb trail of every inner page and the site
map are both drawn from this table.

A page belongs to the section of its view's `namespace:url_name`, or else of its namespace
(`catalog:demand_detail` → 技术需求, `contracts:detail` → 合同). A section may sit under another
(成果审核 under 工作台), so the trail reads 首页 › 工作台 › 成果审核 › 审核成果：…; the page's own
title ends it. Pages with no section (登录, 机构注册) read 首页 › the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import ResolverMatch, reverse


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    url_name: str
    audience: str  # the site map's group (AUDIENCES)
    description: str
    parent: str = ""  # the key of the section it sits under


# The site map's groups, in order.
AUDIENCES: dict[str, str] = {
    "public": "公开栏目（无需登录）",
    "signed_in": "登录后（各机构用户）",
    "unit": "成果单位与成果完成人",
    "enterprise": "企业",
    "provider": "保险机构与担保机构",
    "bank": "银行",
    "reviewer": "审核部门（省、行业、地市）",
    "province": "省科技厅",
    "help": "帮助与说明",
}

SECTIONS: dict[str, Section] = {
    s.key: s
    for s in [
        Section(
            "achievements", "科技成果", "catalog:achievement_list", "public", "已发布的科技成果，可按领域、地区、转化方式筛选"
        ),
        Section("demands", "技术需求", "catalog:demand_list", "public", "企业发布的技术需求"),
        Section("search", "检索", "matching:search", "public", "按关键词与语义同时检索成果和需求"),
        Section("recognition", "认定项目", "recognition:public_list", "public", "视同省级科技计划立项的认定项目、公示与统计"),
        Section("risk", "科技保险与担保", "risk:catalogue", "public", "已发布的“先用后转”保险和担保产品及保费补贴"),
        Section("financing", "先用后付贷", "financing:catalogue", "public", "银行发布的升级贷、购买贷和收益权贷产品"),
        Section("verify", "合同验证", "contracts:verify", "public", "核对平台出具的合同文件是否真实、完整"),
        Section(
            "statistics",
            "公开统计",
            "statistics:public",
            "public",
            "合同、到账、转化与认定的汇总统计（不足3家机构的数字不予显示）",
        ),
        Section("workspace", "工作台", "accounts:workspace", "signed_in", "待办事项与本机构的各项功能入口"),
        Section("engagements", "对接", "matchmaking:my_engagements", "signed_in", "对接意向、洽谈与结果"),
        Section("contracts", "合同", "contracts:list", "signed_in", "“先用后转”合同的起草、签署、免费使用期与后续约定"),
        Section("inbox", "消息", "notifications:inbox", "signed_in", "站内消息与通知设置"),
        Section("staff", "机构成员", "accounts:staff", "signed_in", "本机构的成员与邀请", parent="workspace"),
        Section(
            "my_achievements", "我的成果", "catalog:my_achievements", "unit", "登记、提交和维护本单位的成果", parent="workspace"
        ),
        Section("my_demands", "我的需求", "catalog:my_demands", "enterprise", "发布和维护本企业的技术需求", parent="workspace"),
        Section("people", "成果完成人", "accounts:people", "unit", "本单位的成果完成人登记", parent="workspace"),
        Section(
            "applications", "认定申请", "recognition:application_list", "unit", "认定资格、申请、推荐与审核", parent="workspace"
        ),
        Section("distributions", "我的收益分配", "finance:my_distributions", "unit", "成果完成人的收益分配", parent="workspace"),
        Section("fund", "成果转化引导资金", "finance:fund", "unit", "本单位引导资金的收支", parent="workspace"),
        Section(
            "plan_projects", "省级科技计划项目", "plan_projects:list", "unit", "从阳光政务平台导入的项目记录", parent="workspace"
        ),
        Section(
            "review_orgs", "机构注册审核", "accounts_review:queue", "reviewer", "审核本部门负责的机构注册", parent="workspace"
        ),
        Section(
            "review_achievements",
            "成果审核",
            "catalog:review_achievements",
            "reviewer",
            "审核成果的发布与修改",
            parent="workspace",
        ),
        Section("review_demands", "需求审核", "catalog:review_demands", "reviewer", "审核技术需求的发布", parent="workspace"),
        Section(
            "misconduct",
            "科研失信记录",
            "recognition:misconduct_list",
            "province",
            "科研失信记录的登记与查询",
            parent="workspace",
        ),
        Section("quota", "年度认定名额", "recognition:quota", "province", "每年认定项目数的上限与调整", parent="workspace"),
        Section(
            "inclusion",
            "自动纳入",
            "inclusion:report",
            "unit",
            "验收满三年未转化的科研攻关类项目：纳入预览与平台外转化申报",
            parent="workspace",
        ),
        Section(
            "declarations",
            "平台外转化申报",
            "inclusion:declarations",
            "reviewer",
            "审核成果单位申报的平台外转化",
            parent="workspace",
        ),
        Section("safehouse", "安心屋", "safehouse:index", "unit", "尽职免责存证、卷宗导出与离线核验", parent="workspace"),
        Section("exemptions", "尽职免责认定", "safehouse:exemptions", "reviewer", "主管部门作出尽职免责认定", parent="workspace"),
        Section("systems", "配套管理制度", "safehouse:systems", "unit", "先用后转配套管理制度的报送与审核", parent="workspace"),
        Section(
            "incentives", "激励支持", "safehouse:incentives", "reviewer", "主管部门给予单位和个人的激励支持", parent="workspace"
        ),
        Section(
            "reporting",
            "年度数据填报",
            "reporting:my_reports",
            "unit",
            "成果单位和地市按全国年度报告格式填报数据，平台数据预填",
            parent="workspace",
        ),
        Section(
            "reporting_review",
            "年度数据报告",
            "reporting:reports",
            "reviewer",
            "审核所属单位的年度数据报告、汇总与导出",
            parent="workspace",
        ),
        Section("cases", "整改案件", "reporting:cases", "reviewer", "发现偏差、通知整改、核验销号", parent="workspace"),
        Section("my_products", "本机构产品", "risk:my_products", "provider", "保险、担保机构的产品", parent="workspace"),
        Section("review_products", "产品审核", "risk:review_queue", "province", "保险与担保产品的审核", parent="workspace"),
        Section("my_loan_products", "本行融资产品", "financing:my_products", "bank", "银行的融资产品", parent="workspace"),
        Section(
            "review_loan_products", "融资产品审核", "financing:review_queue", "province", "银行融资产品的审核", parent="workspace"
        ),
        Section(
            "loan_applications",
            "融资申请",
            "financing:application_list",
            "signed_in",
            "合同当事方的融资申请、银行审批与专利质押",
            parent="workspace",
        ),
        Section(
            "risk_dashboard",
            "本机构业务看板",
            "risk:dashboard",
            "provider",
            "本机构的保单、保费、保费补贴、理赔与赔付率",
            parent="workspace",
        ),
        Section(
            "risk_province_dashboard",
            "全省科技保险与担保看板",
            "risk:province_dashboard",
            "province",
            "全省的保单、保费、保费补贴、理赔与赔付率，按产品、地市、模式",
            parent="workspace",
        ),
        Section(
            "performance", "履约信用档案", "performance:mine", "enterprise", "企业的履约信用档案与共享授权", parent="workspace"
        ),
        Section(
            "simulator", "付款方式模拟", "simulator:page", "signed_in", "比较各种付款方式的现金流、现值与风险", parent="workspace"
        ),
        Section(
            "evaluation",
            "评价与名单",
            "evaluation:index",
            "signed_in",
            "服务机构与成果单位的年度评价、公示与异议",
            parent="workspace",
        ),
        Section("excellent", "优秀名单", "evaluation:excellent", "public", "已发布的优秀技术转移转化服务机构与成果单位名单"),
        Section(
            "province_dashboard",
            "全省运行看板",
            "statistics:province",
            "province",
            "对接转化漏斗、合同、到账、分配与认定",
            parent="workspace",
        ),
        Section(
            "city_dashboard",
            "本市运行看板",
            "statistics:city",
            "reviewer",
            "地市管理部门查看本市的对接与转化",
            parent="workspace",
        ),
        Section("events", "活动", "events:calendar", "public", "发布推介、路演展示、成果对接与场景应用活动的日历与在线展台"),
        Section("cases", "典型案例", "cases:list", "public", "经双方同意发布的“先用后转”典型案例"),
        Section("measures", "支持措施", "measures:list", "public", "各地市、园区发布的补贴、奖励与保费补贴措施"),
        Section("pools", "成果池", "pools:list", "public", "按产业组织的成果池（专区）与企业推荐"),
        Section(
            "sources",
            "成果推荐",
            "sources:batches",
            "signed_in",
            "地市、单位、部门与企业分批推荐成果及其审核",
            parent="workspace",
        ),
        Section("policy", "政策参数", "policy:parameter_list", "province", "政策数值与解释口径的生效版本"),
        Section("operations", "平台运行", "core:daily_jobs", "province", "每日任务的运行情况", parent="workspace"),
        Section("help", "帮助", "help:index", "help", "政策摘要、办事指南、技术成熟度、常见问题与联系方式"),
    ]
}

# `namespace:url_name` or `namespace` → the section key. The most specific entry wins.
PAGE_SECTIONS: dict[str, str] = {
    "catalog": "achievements",
    "events": "events",
    "cases": "cases",
    "measures": "measures",
    "pools": "pools",
    "sources": "sources",
    "catalog:demand_list": "demands",
    "catalog:demand_detail": "demands",
    "catalog:demand_history": "demands",
    "catalog:demand_export": "demands",
    "catalog:my_achievements": "my_achievements",
    "catalog:achievement_create": "my_achievements",
    "catalog:achievement_edit": "my_achievements",
    "catalog:attachment_upload": "my_achievements",
    "catalog:attachment_remove": "my_achievements",
    "catalog:achievement_transition": "my_achievements",
    "catalog:my_demands": "my_demands",
    "catalog:demand_create": "my_demands",
    "catalog:demand_edit": "my_demands",
    "catalog:demand_transition": "my_demands",
    "catalog:review_achievements": "review_achievements",
    "catalog:review_achievement_decide": "review_achievements",
    "catalog:review_achievement_take_down": "review_achievements",
    "catalog:review_revision": "review_achievements",
    "catalog:review_demands": "review_demands",
    "catalog:review_demand_decide": "review_demands",
    "matching": "search",
    "recognition": "recognition",
    "recognition:application_list": "applications",
    "recognition:application_new": "applications",
    "recognition:application_detail": "applications",
    "recognition:application_action": "applications",
    "recognition:objection_answer": "applications",
    "recognition:misconduct_list": "misconduct",
    "recognition:misconduct_detail": "misconduct",
    "recognition:quota": "quota",
    "accounts:workspace": "workspace",
    "accounts:organisation_edit": "workspace",
    "accounts:organisation_licence": "workspace",
    "accounts:password_change": "workspace",
    "accounts:password_change_done": "workspace",
    "accounts:staff": "staff",
    "accounts:membership_edit": "staff",
    "accounts:people": "people",
    "accounts:person_add": "people",
    "accounts:person_unmask": "people",
    "accounts_review": "review_orgs",
    "matchmaking": "engagements",
    "contracts": "contracts",
    "contracts:verify": "verify",
    "finance": "contracts",
    "finance:receipts_to_confirm": "workspace",
    "finance:my_distributions": "distributions",
    "finance:fund": "fund",
    "notifications": "inbox",
    "plan_projects": "plan_projects",
    "plan_projects:achievement_import": "my_achievements",
    "inclusion": "inclusion",
    "inclusion:declarations": "declarations",
    "inclusion:declaration_detail": "declarations",
    "inclusion:declaration_action": "declarations",
    "reporting": "reporting",
    "reporting:reports": "reporting_review",
    "reporting:rollup": "reporting_review",
    "reporting:rollup_export": "reporting_review",
    "reporting:batch_import": "reporting_review",
    "reporting:batch_template": "reporting_review",
    "reporting:window": "reporting_review",
    "reporting:cases": "cases",
    "reporting:case_new": "cases",
    "reporting:case_detail": "cases",
    "reporting:case_action": "cases",
    "reporting:case_plan_file": "cases",
    "risk": "risk",
    "financing": "financing",
    "financing:my_products": "my_loan_products",
    "financing:product_create": "my_loan_products",
    "financing:product_edit": "my_loan_products",
    "financing:product_transition": "my_loan_products",
    "financing:review_queue": "review_loan_products",
    "financing:review_decide": "review_loan_products",
    "financing:contract_financing": "contracts",
    "financing:application_apply": "contracts",
    "financing:application_list": "loan_applications",
    "financing:application_detail": "loan_applications",
    "financing:application_action": "loan_applications",
    "evaluation": "evaluation",
    "evaluation:excellent": "excellent",
    "safehouse": "safehouse",
    "safehouse:exemptions": "exemptions",
    "safehouse:exemption": "exemptions",
    "safehouse:exemption_action": "exemptions",
    "safehouse:systems": "systems",
    "safehouse:system_new": "systems",
    "safehouse:system": "systems",
    "safehouse:system_document": "systems",
    "safehouse:system_action": "systems",
    "safehouse:incentives": "incentives",
    "risk:my_products": "my_products",
    "risk:product_create": "my_products",
    "risk:product_edit": "my_products",
    "risk:product_transition": "my_products",
    "risk:review_queue": "review_products",
    "risk:review_decide": "review_products",
    "risk:contract_quotes": "contracts",
    "performance": "performance",
    "simulator": "simulator",
    "risk:contract_cover": "contracts",
    "risk:policy_apply": "contracts",
    "risk:policy_list": "workspace",
    "risk:policy_detail": "workspace",
    "risk:policy_pack": "workspace",
    "risk:policy_action": "workspace",
    "risk:claim_detail": "workspace",
    "risk:claim_action": "workspace",
    "risk:dashboard": "risk_dashboard",
    "risk:province_dashboard": "risk_province_dashboard",
    "policy": "policy",
    "core": "operations",
    "statistics": "statistics",
    "statistics:province": "province_dashboard",
    "statistics:city": "city_dashboard",
    "help": "help",
}


@dataclass(frozen=True)
class Crumb:
    label: str
    url: str


def section_url(section: Section) -> str:
    return reverse(section.url_name)


def section_of(match: ResolverMatch | None) -> Section | None:
    """The section a resolved page belongs to, or None (the home page, sign-in, unknown pages)."""
    if match is None or not match.namespace:
        return None
    key = PAGE_SECTIONS.get(f"{match.namespace}:{match.url_name}") or PAGE_SECTIONS.get(match.namespace)
    return SECTIONS[key] if key else None


def section_chain(section: Section | None) -> list[Section]:
    """The section and the ones above it, outermost first."""
    chain: list[Section] = []
    while section is not None and section not in chain:
        chain.insert(0, section)
        section = SECTIONS.get(section.parent)
    return chain


# Sections every signed-in person may open (the header links them for everybody); the others
# belong to some roles only.
OPEN_AUDIENCES = frozenset({"public", "help"})
SIGNED_IN_AUDIENCES = frozenset({"public", "help", "signed_in"})


def trail(match: ResolverMatch | None, path: str, may_open: Callable[[Section, str], bool]) -> list[Crumb]:
    """The crumbs above the current page: 首页, then its sections outermost first. A section whose
    landing page is the current page is left out (the page's own title stands for it), and so is
    one the person may not open (`may_open(section, url)`), so the trail never leads to a refusal."""
    crumbs = [Crumb("首页", reverse("home"))]
    for section in section_chain(section_of(match)):
        url = section_url(section)
        if url != path and may_open(section, url):
            crumbs.append(Crumb(section.label, url))
    return crumbs


@dataclass(frozen=True)
class SiteLink:
    label: str
    url: str
    description: str = ""


@dataclass(frozen=True)
class SiteGroup:
    title: str
    links: list[SiteLink]


def _links(audience: str) -> list[SiteLink]:
    return [SiteLink(s.label, section_url(s), s.description) for s in SECTIONS.values() if s.audience == audience]


def sitemap(signed_in: list[SiteGroup] | None = None) -> list[SiteGroup]:
    """The site map: the public sections, then the signed-in ones, then help. For a visitor the
    signed-in part lists every role's sections (each asks them to sign in); for a signed-in person
    it is `signed_in`, the pages of their own role, so it offers nothing that would refuse them."""
    groups = [SiteGroup(AUDIENCES["public"], _links("public"))]
    if signed_in is None:
        groups += [
            SiteGroup(label, links)
            for audience, label in AUDIENCES.items()
            if audience not in ("public", "help")
            if (links := _links(audience))
        ]
    else:
        groups += signed_in
    return [*groups, SiteGroup(AUDIENCES["help"], _links("help"))]
