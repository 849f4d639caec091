"""Demo annual reporting and rectification: last year's filing window open until 20 days from
the day the demo is loaded, reports in each state (a university's returned with reasons, one
countersigned by the province, one accepted by its department and waiting for the province's
countersign, one and a city's awaiting review, one still a draft), and a rectification case in each
state (found, notified, plan submitted, plan returned, closed). Made through the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile

from usefirst.accounts.models import Organisation, User
from usefirst.core.dates import today
from usefirst.reporting import services
from usefirst.reporting.models import AnnualReport

from .logins import DEMO_EMAIL_DOMAIN

_PDF = b"%PDF-1.4\n1 0 obj\n<</Type/Catalog>>\nendobj\ntrailer\n<</Root 1 0 R>>\n%%EOF\n"


def _user(local: str) -> User:
    return User.objects.get(email=f"{local}@{DEMO_EMAIL_DOMAIN}")


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _PDF, content_type="application/pdf")


def _org(name: str) -> Organisation | None:
    return Organisation.objects.filter(name=name).first()


def _member(organisation: Organisation) -> User | None:
    return User.objects.filter(memberships__organisation=organisation, memberships__is_active=True).order_by("pk").first()


def load_demo_reporting(*, log: Callable[[str], None] = print) -> int:
    """Returns how many reports and cases were made."""
    province = _user("province-reviewer")
    education = _user("education-reviewer")
    unit_admin = _user("university-admin")
    city_reviewer = _user("city-reviewer")
    day = today()
    year = day.year - 1
    services.window_set(actor=province, year=year, opens_on=day - dt.timedelta(days=60), deadline=day + dt.timedelta(days=20))
    log(f"年度数据填报：{year} 年度填报期至 {day + dt.timedelta(days=20):%Y-%m-%d}")

    def filed(actor: User, organisation: Organisation, extra: dict[str, str]) -> AnnualReport:
        report = services.report_start(actor=actor, organisation=organisation, year=year)
        base = {"work_summary": "建立科技成果转化管理制度，设立转化专门机构，推进“先用后转”实施。", "problems": "专业人才不足。"}
        if report.form == "unit":
            base.update({"service_count": "6", "service_amount": "85.3"})
        else:
            base.update({"cooperation_projects": "12", "city_fund": "1500"})
        report = services.report_update(actor=actor, report=report, values={**base, **extra})
        return services.report_upload(actor=actor, report=report, cover=_pdf("封面.pdf"), undertaking=_pdf("承诺书.pdf"))

    made = 0
    lnlg: Organisation = unit_admin.memberships.get().organisation
    # The demo university: submitted with a transfer figure far from the platform's, returned.
    report = filed(unit_admin, lnlg, {"transfer_count": "5", "transfer_amount": "620"})
    report = services.report_submit(actor=unit_admin, report=report)
    reviewer = province if report.department is None or report.department.name.startswith("广东省科学") else education
    services.report_return(
        actor=reviewer,
        report=report,
        reason="转让合同数量和金额与平台登记的合同不符，请逐项核对后修改，并在附表中列明平台外签订的合同。",
    )
    made += 1
    for name, state in (
        ("东江职业技术学院", "accepted"),
        ("韩江理工学院", "department_accepted"),
        ("侨乡科技学院", "submitted"),
        ("西江学院", "draft"),
    ):
        organisation = _org(name)
        member = _member(organisation) if organisation else None
        if organisation is None or member is None:
            continue
        report = filed(member, organisation, {"licence_count": "2"})
        if state != "draft":
            report = services.report_submit(actor=member, report=report)
        if state in ("accepted", "department_accepted"):
            reviewer = province if report.department is None or report.department.name.startswith("广东省科学") else education
            report = services.report_accept(actor=reviewer, report=report, reason="数据齐全，与平台数据一致。")
        if state == "accepted" and report.status == "department_accepted":
            services.report_countersign(actor=province, report=report, reason="复核通过，计入全省汇总。")
        made += 1
    city: Organisation = city_reviewer.memberships.get().organisation
    report = filed(city_reviewer, city, {})
    services.report_submit(actor=city_reviewer, report=report)
    made += 1
    log(f"年度数据填报：{made} 份报告")

    cases = [
        ("韩江理工学院", "found", "成果转化引导资金未单独设账", "年度报告称已设立引导资金，平台台账无任何收支记录。"),
        (lnlg.name, "notified", "年度报告转让数据与平台不符", "填报转让合同 5 项 620 万元，平台登记的合同与到账明显少于填报数。"),
        ("西江学院", "plan_submitted", "未按期完成年度数据填报", "填报期过半仍未开始填报。"),
        ("北江职业技术学院", "plan_returned", "成果完成人奖励未按规定发放", "收益分配核算后六个月内未发放成果完成人奖励。"),
        ("东江职业技术学院", "closed", "转化合同未办理技术合同登记", "3 项转让合同未办理技术合同认定登记。"),
    ]
    for name, state, title, finding in cases:
        unit = _org(name)
        if unit is None:
            continue
        member = _member(unit)
        case = services.case_open(
            actor=province, unit=unit, title=title, finding=finding, severity="serious" if state == "found" else "general"
        )
        made += 1
        if state == "found" or member is None:
            continue
        services.case_notify(actor=province, case=case, plan_due=day + dt.timedelta(days=15))
        if state == "notified":
            continue
        services.case_submit_plan(actor=member, case=case, plan="明确分管领导和责任部门，一个月内完成整改并建立定期自查制度。")
        if state == "plan_returned":
            services.case_return_plan(actor=province, case=case, reason="整改方案未写明完成时限和责任人，请补充。")
        elif state == "closed":
            services.case_close(actor=province, case=case, verification="已补办登记，抽查无误，同意销号。")
    log(f"整改案件：{len(cases)} 件")
    return made
