"""Demo auto-inclusion (rule 4): provincial plan projects of the demo university around their
third anniversary of acceptance, so that the dry-run report (/inclusion/) has something in
every column — projects falling due in the next 90 days, one already included by the daily job,
one declared converted off the platform and accepted by the education department, one declared
and awaiting review, and projects the sweep leaves out, each with its reason.

Dates are relative to the day the demo is loaded, so the report reads the same on any day.
Made through the services, like real records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile

from usefirst.accounts.models import Organisation, User
from usefirst.catalog.choices import ProjectCategory
from usefirst.core.dates import add_months, today
from usefirst.inclusion.services import declaration_accept, declaration_submit, sweep_include
from usefirst.plan_projects.models import PlanProject
from usefirst.plan_projects.services import plan_projects_sync
from usefirst.plan_projects.sources import PlanProjectRecord, StaticPlanProjectSource

from .logins import DEMO_EMAIL_DOMAIN

# A one-page PDF standing in for a scanned contract.
_CONTRACT_PDF = b"%PDF-1.4\n1 0 obj\n<</Type/Catalog>>\nendobj\ntrailer\n<</Root 1 0 R>>\n%%EOF\n"


def _user(local: str) -> User:
    return User.objects.get(email=f"{local}@{DEMO_EMAIL_DOMAIN}")


def load_demo_inclusion(*, log: Callable[[str], None] = print) -> int:
    """The demo's plan projects and what the sweep makes of them; returns how many projects."""
    province_admin = _user("province-admin")
    unit_admin = _user("university-admin")
    reviewer = _user("education-reviewer")
    unit: Organisation = unit_admin.memberships.get().organisation
    day = today()
    three_years_ago = add_months(day, -36)

    def accepted(days_from_due: int) -> dt.date:
        # Due the day after the third anniversary: accepted this many days later than three years ago.
        return three_years_ago + dt.timedelta(days=days_from_due - 1)

    rows = [
        ("GDKJ2023-0101", "高性能锂电池硅碳负极材料制备关键技术", accepted(12), ProjectCategory.KEY_TECHNOLOGY, True, unit),
        ("GDKJ2023-0102", "海上风电叶片无损检测机器人", accepted(45), ProjectCategory.KEY_TECHNOLOGY, True, unit),
        ("GDKJ2023-0103", "工业互联网边缘安全网关", accepted(80), ProjectCategory.KEY_TECHNOLOGY, True, unit),
        ("GDKJ2023-0090", "陶瓷窑炉烟气余热梯级利用技术", accepted(-15), ProjectCategory.KEY_TECHNOLOGY, True, unit),
        ("GDKJ2023-0104", "农产品冷链品质智能监测系统", accepted(30), ProjectCategory.KEY_TECHNOLOGY, True, unit),
        ("GDKJ2023-0105", "高精度柔性触觉传感器", accepted(60), ProjectCategory.KEY_TECHNOLOGY, True, unit),
        ("GDKJ2023-0201", "粤港澳大湾区科技金融政策研究", accepted(20), ProjectCategory.OTHER, True, unit),
        ("GDKJ2023-0202", "岭南特色中药材种植技术推广", accepted(25), ProjectCategory.KEY_TECHNOLOGY, False, unit),
        ("GDKJ2024-0301", "新型钙钛矿光伏组件封装技术", accepted(400), ProjectCategory.KEY_TECHNOLOGY, True, unit),
        ("GDKJ2025-0401", "氢燃料电池双极板精密成形", None, ProjectCategory.KEY_TECHNOLOGY, True, unit),
        ("GDKJ2023-0501", "岭南建筑遗产数字化保护关键技术", accepted(50), ProjectCategory.KEY_TECHNOLOGY, True, None),
    ]
    records = [
        PlanProjectRecord(
            row=n,
            number=number,
            title=title,
            category=category,
            unit_credit_code=org.credit_code if org is not None else "12440100MB2C45678E",
            unit_name=org.name if org is not None else "广州岭南文化遗产研究院",
            leader_name="郑海燕" if org is not None else "陈立",
            acceptance_date=acceptance,
            provincial_funding=funded,
            research_funding_only=False,
            city="广州市",
        )
        for n, (number, title, acceptance, category, funded, org) in enumerate(rows, start=1)
    ]
    plan_projects_sync(actor=province_admin, source=StaticPlanProjectSource(records, name="省科技业务管理阳光政务平台"))
    # The one whose day has passed: the daily job has put it on the platform.
    sweep_include(day)
    # One converted off the platform and accepted by the education department; one awaiting review.
    for number, counterparty, signed, accept in (
        ("GDKJ2023-0104", "佛山市顺德区冷链科技有限公司", day - dt.timedelta(days=200), True),
        ("GDKJ2023-0105", "东莞市智感电子有限公司", day - dt.timedelta(days=30), False),
    ):
        declaration = declaration_submit(
            actor=unit_admin,
            project=PlanProject.objects.get(number=number),
            kind="licence",
            counterparty=counterparty,
            signed_on=signed,
            amount="600000.00",
            registration_number=f"2025440100{number[-4:]}",
            contract_file=SimpleUploadedFile("转化合同.pdf", _CONTRACT_PDF, content_type="application/pdf"),
        )
        if accept:
            declaration_accept(actor=reviewer, declaration=declaration, reason="合同与技术合同登记证明一致")
    log(f"自动纳入演示：{len(records)} 个省级科技计划项目")
    return len(records)
