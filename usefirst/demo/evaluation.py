"""The demo's evaluations (DOMAIN.md rules 5 and 6): last year's agency and unit evaluations
published with their excellent lists, this year's agency evaluation under review and this year's
unit evaluation in publicity (公示) with an objection waiting for the 专业机构's answer. Everything
goes through the evaluation services as the pages use them; only the dates of last year's
publicity are set in the past, as if it had run in January."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile

from usefirst.accounts.models import Membership, Organisation, OrganisationKind, OrganisationStatus, User
from usefirst.accounts.roles import reviewing_department
from usefirst.core.dates import today
from usefirst.evaluation import services
from usefirst.evaluation.models import Evaluation
from usefirst.evaluation.services import UNIT_KINDS, IndicatorData, SchemeData

from . import specs
from .logins import DEMO_LOGINS, DEMO_PASSWORD, admin_email

_PDF = b"%PDF-1.4\n1 0 obj\n<</Type/Catalog>>\nendobj\ntrailer\n<</Root 1 0 R>>\n%%EOF\n"

EXTRA_AGENCIES = [
    specs.OrgSpec("agency3", "粤东技术转移服务中心有限公司", OrganisationKind.AGENCY, "汕头市", "龙湖区"),
    specs.OrgSpec("agency4", "湛江海洋科技成果转化服务有限公司", OrganisationKind.AGENCY, "湛江市", "赤坎区"),
    specs.OrgSpec("agency5", "佛山智造技术经纪有限公司", OrganisationKind.AGENCY, "佛山市", "禅城区"),
]

AGENCY_INDICATORS = [
    ("agency.conversions", "30"),
    ("agency.contract_value", "20"),
    ("agency.received", "10"),
    ("agency.formal_conversions", "10"),
    ("agency.reported.staff", "15"),
    ("agency.reported.events", "15"),
]
UNIT_INDICATORS = [
    ("unit.conversions", "20"),
    ("unit.free_use_signed", "20"),
    ("unit.transaction_amount", "20"),
    ("unit.received", "10"),
    ("unit.fund_in", "5"),
    ("unit.inventor_shares_paid", "10"),
    ("unit.reported.policy_documents", "15"),
]
# Reported figures per agency key (staff, events), by year.
AGENCY_REPORTS = {
    2025: {"agency1": (12, 18), "agency2": (8, 9), "agency3": (5, 11), "agency4": (3, 4), "agency5": (6, 6)},
    2026: {"agency1": (15, 22), "agency2": (9, 12), "agency3": (7, 15), "agency4": (4, 6), "agency5": (6, 8)},
}


def _login(local: str) -> User:
    return User.objects.get(email=next(login.email for login in DEMO_LOGINS if login.email.startswith(f"{local}@")))


def _admin_of(org: Organisation) -> User | None:
    membership = (
        Membership.objects.filter(organisation=org, is_active=True, role=Membership.Role.ADMIN)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _extra_agency(spec: specs.OrgSpec, serial: int) -> Organisation:
    from .loader import credit_code

    org = Organisation(
        name=spec.name,
        kind=spec.kind,
        credit_code=credit_code(spec.kind, specs.CITY_AREA[spec.city], serial),
        legal_representative="吴立新",
        city=spec.city,
        county=spec.county,
        status=OrganisationStatus.ACTIVE,
    )
    org.full_clean()
    org.save()
    org.reviewing_department = reviewing_department(org)
    org.save(update_fields=["reviewing_department"])
    admin = User.objects.create(
        email=admin_email(spec.key), full_name="吴立新", password=make_password(DEMO_PASSWORD), email_verified_at=org.created_at
    )
    Membership.objects.create(user=admin, organisation=org, role=Membership.Role.ADMIN, can_sign=True)
    return org


def _agencies() -> dict[str, Organisation]:
    found = {"agency1": _org("agency1"), "agency2": _org("agency2")}
    for serial, spec in enumerate(EXTRA_AGENCIES, start=9101):
        found[spec.key] = _extra_agency(spec, serial)
    return found


def _org(key: str) -> Organisation:
    user = User.objects.get(email=admin_email(key)) if key != "agency1" else _login("agency")
    membership = Membership.objects.filter(user=user, is_active=True).select_related("organisation").order_by("pk").first()
    assert membership is not None, key
    return membership.organisation


def _scheme(actor: User, kind: str, year: int, name: str, indicators: list[tuple[str, str]]) -> Evaluation:
    evaluation = services.evaluation_create(
        actor=actor,
        data=SchemeData(kind=kind, year=year, name=name, excellent_share=Decimal("20"), pass_score=Decimal("20")),
    )
    for source, weight in indicators:
        services.indicator_add(actor=actor, evaluation=evaluation, data=IndicatorData(name="", source=source, weight=weight))
    return evaluation


def _city_review(evaluation: Evaluation, org: Organisation, report: object, *, recommended: bool = True) -> None:
    city = Organisation.objects.filter(kind=OrganisationKind.CITY_DEPARTMENT, city=org.city).order_by("pk").first()
    reviewer = _admin_of(city) if city else None
    if reviewer is not None:
        services.self_report_review(
            actor=reviewer,
            report=report,  # type: ignore[arg-type]
            recommended=recommended,
            note="" if recommended else "服务收费投诉尚在核查中，暂不推荐评优",
        )


def _agency_reports(evaluation: Evaluation, agencies: dict[str, Organisation], year: int) -> None:
    for key, (staff, events) in AGENCY_REPORTS[year].items():
        org = agencies[key]
        admin = _admin_of(org)
        if admin is None:
            continue
        report = services.self_report_submit(
            actor=admin,
            evaluation=evaluation,
            organisation=org,
            statement=f"{year} 年度本机构围绕“先用后转”开展成果对接、路演与合同谈判服务，详见佐证材料。",
            evidence="服务合同清单、对接活动通知与签到表、技术经理人证书复印件",
            figures={"staff": staff, "events": events},
            evidence_file=SimpleUploadedFile("佐证材料.pdf", _PDF, content_type="application/pdf"),
        )
        _city_review(evaluation, org, report, recommended=not (year == 2026 and key == "agency4"))


def _unit_reports(evaluation: Evaluation, year: int) -> int:
    made = 0
    units = Organisation.objects.filter(kind__in=UNIT_KINDS, status=OrganisationStatus.ACTIVE).order_by("pk")[:12]
    for i, org in enumerate(units):
        admin = _admin_of(org)
        if admin is None:
            continue
        services.self_report_submit(
            actor=admin,
            evaluation=evaluation,
            organisation=org,
            statement=f"{year} 年度本单位完善成果转化制度，设立成果转化引导资金，推进“先用后转”。",
            evidence="成果转化管理办法、引导资金管理细则",
            figures={"policy_documents": (i * 7) % 6 + 1},
        )
        made += 1
    return made


def _publish_last_year(evaluation: Evaluation, institution: User, reviewer: User) -> None:
    services.evaluation_compute(actor=institution, evaluation=evaluation)
    services.evaluation_start_publicity(actor=reviewer, evaluation=evaluation)
    # Last year's publicity ran in January: its dates are set in the past so that it can be published.
    start = dt.date(evaluation.year + 1, 1, 5)
    Evaluation.objects.filter(pk=evaluation.pk).update(
        publicity_start=start, publicity_end=start + dt.timedelta(days=evaluation.objection_days)
    )
    evaluation.refresh_from_db()
    services.evaluation_publish(actor=reviewer, evaluation=evaluation)


def _managers(org: Organisation, year: int) -> None:
    """Two technology managers of the demo agency, credited on the engagements it facilitated."""
    from usefirst.evaluation import managers
    from usefirst.matchmaking.models import Engagement

    staff = _admin_of(org)
    if staff is None:
        return
    first = managers.manager_register(
        actor=staff, agency=org, name="罗嘉明", certificate_number="粤技经 2024-0137", manager_class="intermediate"
    )
    managers.manager_register(actor=staff, agency=org, name="陈雨桐", certificate_number="粤技经 2025-0412")
    for engagement in Engagement.objects.filter(facilitator=org).order_by("pk")[:3]:
        managers.manager_credit(actor=staff, manager=first, engagement_id=engagement.pk)
    managers.manager_file(
        actor=staff,
        manager=first,
        year=year,
        summary="全年组织成果对接 9 场，促成“先用后转”许可 2 项，跟进免费使用期满后的正式许可谈判。",
    )


def load_demo_evaluation(*, log: Callable[[str], None] = print) -> int:
    """Seed the evaluations; returns how many evaluations were made."""
    institution = _login("institution")
    reviewer = _login("province-reviewer")
    agencies = _agencies()
    year = today().year
    last = year - 1

    agency_last = _scheme(institution, "agency", last, f"{last}年度技术转移转化服务机构评价", AGENCY_INDICATORS)
    _agency_reports(agency_last, agencies, last if last in AGENCY_REPORTS else 2025)
    _publish_last_year(agency_last, institution, reviewer)

    unit_last = _scheme(institution, "unit", last, f"{last}年度成果单位量化评价", UNIT_INDICATORS)
    _unit_reports(unit_last, last)
    _publish_last_year(unit_last, institution, reviewer)

    agency_now = _scheme(institution, "agency", year, f"{year}年度技术转移转化服务机构评价", AGENCY_INDICATORS)
    _agency_reports(agency_now, agencies, year if year in AGENCY_REPORTS else 2026)
    services.evaluation_compute(actor=institution, evaluation=agency_now)

    unit_now = _scheme(institution, "unit", year, f"{year}年度成果单位量化评价", UNIT_INDICATORS)
    _unit_reports(unit_now, year)
    services.evaluation_compute(actor=institution, evaluation=unit_now)
    services.evaluation_start_publicity(actor=reviewer, evaluation=unit_now)
    objector = _login("university-admin")
    objected = unit_now.results.filter(organisation__memberships__user=objector).first()
    if objected is not None:
        services.objection_raise(
            actor=objector,
            result=objected,
            text="本校与汕头企业签订的许可合同已于年内到账，请核实“实际到账金额”是否已计入。",
        )
    log(f"评价：{last} 年度服务机构与成果单位评价已发布（优秀名单），{year} 年度服务机构评价审核中、成果单位评价公示中")
    return 4
