"""The demo's 安心屋 (rule 10) and management systems: 岭南理工大学's first deal has a complete,
signed dossier and an exemption the education department determined; its second deal lacks two
steps; 岭南理工大学's management system is approved and 珠江大学's returned; the education
department recorded incentive support. Everything goes through the services."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from usefirst.accounts.models import Membership, Organisation, OrganisationKind, OrganisationStatus, User
from usefirst.accounts.roles import reviewing_department
from usefirst.contracts.models import Contract
from usefirst.safehouse import pdf, services
from usefirst.safehouse.models import Dossier

from . import specs
from .logins import DEMO_LOGINS, DEMO_PASSWORD, admin_email


def _login(local: str) -> User:
    return User.objects.get(email=next(login.email for login in DEMO_LOGINS if login.email.startswith(f"{local}@")))


def _org_of(user: User) -> Organisation:
    membership = Membership.objects.filter(user=user, is_active=True).select_related("organisation").order_by("pk").first()
    assert membership is not None, user.email
    return membership.organisation


def _document(title: str, lines: list[str]) -> SimpleUploadedFile:
    data = pdf.render_summary(title=title, facts=[], rows=[], notes=lines)
    return SimpleUploadedFile("record.pdf", data, content_type="application/pdf")


STEPS: list[tuple[str, str, dict[str, str], list[str]]] = [
    (
        "valuation",
        "成果许可价格资产评估报告",
        {"method": "资产评估", "price": "800000.00", "basis": "第三方评估机构以收益法评估，评估基准日 2026-01-31"},
        ["评估结论：许可使用费人民币 80 万元。", "评估机构：广州某资产评估有限公司（示例）。"],
    ),
    (
        "notice",
        "成果许可价格公示",
        {
            "notice_start": "2026-02-02",
            "notice_end": "2026-02-16",
            "channel": "学校官网通知公告栏",
            "objections": "公示期内未收到异议",
        },
        ["公示内容：成果名称、许可方式、拟定价格、被许可方。", "公示期 15 日。"],
    ),
    (
        "decision",
        "校长办公会会议纪要（2026 年第 5 次）",
        {
            "meeting_date": "2026-02-20",
            "body": "校长办公会",
            "resolution": "同意以“先使用后付费”方式许可，免费使用期满后按评估价格分期支付",
        },
        ["出席：校领导 9 人。", "决议：同意。"],
    ),
    (
        "conflict",
        "成果完成人与经办人利益冲突申报表",
        {"person_name": "黄思源", "person_role": "成果完成人", "declaration": "无利益冲突"},
        ["本人与被许可企业无投资、任职及近亲属关系。"],
    ),
]


AUDIT_OFFICE = specs.OrgSpec("audit", "广东省审计厅", OrganisationKind.AUDIT_OFFICE, "广州市", "越秀区")


def _audit_office() -> User:
    """The audit office and its demo login (审计部门（只读）): a member of 广东省审计厅 granted the
    read-only permission on every dossier, exemption and management system (no review power)."""
    from .loader import credit_code

    spec = AUDIT_OFFICE
    login = next(lg for lg in DEMO_LOGINS if lg.org_key == spec.key)
    org = Organisation(
        name=spec.name,
        kind=spec.kind,
        credit_code=credit_code(OrganisationKind.PROVINCIAL_DEPARTMENT, specs.CITY_AREA[spec.city], 9101),
        legal_representative="陈立衡",
        city=spec.city,
        county=spec.county,
        status=OrganisationStatus.ACTIVE,
    )
    org.full_clean()
    org.save()
    org.reviewing_department = reviewing_department(org)
    org.save(update_fields=["reviewing_department"])
    user = User.objects.create(
        email=login.email, full_name=login.full_name, password=make_password(DEMO_PASSWORD), email_verified_at=org.created_at
    )
    Membership.objects.create(user=user, organisation=org, role=login.membership_role)
    user.user_permissions.add(Permission.objects.get(content_type__app_label="safehouse", codename="audit_readonly"))
    return user


def load_demo_safehouse(*, log: Callable[[str], None] = print) -> int:
    log("安心屋存证与尽职免责")
    _audit_office()
    admin = _login("university-admin")
    staff = _login("university-staff")
    reviewer = _login("education-reviewer")
    unit = _org_of(admin)
    deals = list(Contract.objects.filter(licensor=unit).order_by("pk")[:2])
    count = 0
    if deals:
        first = deals[0]
        for step, title, values, lines in STEPS:
            services.entry_deposit(
                actor=admin, contract=first, step=step, title=title, values=values, upload=_document(title, lines)
            )
            count += 1
        dossier = Dossier.objects.get(contract=first)
        services.head_sign(dossier)
        application = services.exemption_apply(
            actor=staff,
            dossier=dossier,
            role="researcher",
            situations=["declared_interest"],
            statement="本人作为成果完成人已如实申报利益关系；许可价格经评估、公示和校长办公会决策，后因市场变化价值上升。",
        )
        services.exemption_determine(
            actor=reviewer,
            application=application,
            exempt=True,
            reason="定价经第三方评估，公示 15 日无异议，校长办公会集体决策，申请人如实申报无利益冲突，符合尽职免责情形。",
        )
    if len(deals) > 1:
        for step, title, values, lines in (STEPS[0], STEPS[2]):
            services.entry_deposit(
                actor=admin, contract=deals[1], step=step, title=title, values=values, upload=_document(title, lines)
            )
            count += 1
    system = services.system_file(
        actor=admin,
        unit=unit,
        title="岭南理工大学职务科技成果“先用后转”管理办法",
        effective_from="2026-03-01",
        document=_document("职务科技成果“先用后转”管理办法", ["第一条 为规范本校职务科技成果“先使用后付费”……"]),
    )
    services.system_approve(actor=reviewer, system=system, reason="制度要素齐全")
    other_admin = User.objects.filter(email=admin_email("zjdx")).first()
    if other_admin is not None:
        other = services.system_file(
            actor=other_admin,
            unit=_org_of(other_admin),
            title="珠江大学科技成果转化管理规定（修订稿）",
            effective_from="2026-04-01",
            document=_document("科技成果转化管理规定（修订稿）", ["第一条 ……"]),
        )
        services.system_return(
            actor=reviewer,
            system=other,
            reason="未写明“先使用后付费”免费使用期的审批程序和成果完成人收益比例，请补充后重新报送。",
        )
    services.incentive_record(
        actor=reviewer,
        unit=unit,
        kind="funding",
        year=2026,
        granted_on="2026-05-08",
        amount="300000",
        description="2026 年度高校科技成果“先用后转”专项支持",
    )
    services.incentive_record(
        actor=reviewer,
        unit=unit,
        kind="reward",
        year=2026,
        granted_on="2026-05-08",
        person_name="黄思源",
        description="“先用后转”优秀成果完成人表彰",
    )
    return count
