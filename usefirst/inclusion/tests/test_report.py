"""The dry-run report: what falls due in the next 90 days and, for every other project, why it
does not — in Chinese, on the page, in the Excel export, from the command and the API."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from usefirst.catalog.choices import RestrictionReason
from usefirst.catalog.tests.factories import make_achievement
from usefirst.contracts import services as contract_services
from usefirst.contracts.models import Contract, ContractKind, ContractStatus, Mode
from usefirst.core.dates import today
from usefirst.core.testing import make_org
from usefirst.inclusion.choices import Verdict
from usefirst.inclusion.selectors import SweepFilters, parse_sweep_filters, sweep_report
from usefirst.inclusion.services import declaration_accept, declaration_submit, sweep_include

from .builders import make_project, pdf

pytestmark = pytest.mark.django_db
D = dt.date
ON = D(2026, 10, 1)


def _signed_contract(unit, owner, number):
    achievement = make_achievement(unit, owner, plan_project_number=number, plan_project_category="key_technology")
    contract = contract_services.draft_without_text(
        actor=owner,
        data=contract_services.DraftData(
            kind=ContractKind.FREE_USE_LICENCE,
            mode=Mode.PAY_LATER,
            licensor_id=unit.pk,
            licensee_id=make_org("enterprise").pk,
            achievements=[contract_services.AchievementShare(achievement.pk, Decimal("100"))],
            free_use_start=today(),
            free_use_end=today() + dt.timedelta(days=364),
        ),
    )
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.SIGNED, signed_at=timezone.now())
    return Contract.objects.get(pk=contract.pk)


@pytest.fixture
def projects(provincial_reviewer, unit, owner):
    p = {
        "soon": make_project(provincial_reviewer, unit, number="SOON", accepted=D(2023, 11, 25)),  # due 2026-11-26
        "due": make_project(provincial_reviewer, unit, number="DUE", accepted=D(2023, 9, 1)),  # due 2026-09-02
        "later": make_project(provincial_reviewer, unit, number="LATER", accepted=D(2024, 6, 1)),
        "other": make_project(provincial_reviewer, unit, number="OTHER", category="other"),
        "unfunded": make_project(provincial_reviewer, unit, number="UNFUNDED", funded=False),
        "open": make_project(provincial_reviewer, unit, number="OPEN", accepted=None),
        "future": make_project(provincial_reviewer, unit, number="FUTURE", accepted=D(2026, 12, 1)),
        "secret": make_project(provincial_reviewer, unit, number="SECRET"),
        "on": make_project(provincial_reviewer, unit, number="ONPLATFORM"),
        "off": make_project(provincial_reviewer, unit, number="OFFPLATFORM"),
        "pending": make_project(provincial_reviewer, unit, number="PENDING"),
        "nobody": make_project(provincial_reviewer, None, number="NOBODY"),
        "included": make_project(provincial_reviewer, unit, number="INCLUDED", accepted=D(2023, 8, 4)),
    }
    make_achievement(
        unit,
        owner,
        plan_project_number="SECRET",
        plan_project_category="key_technology",
        restriction=RestrictionReason.NATIONAL_SECURITY,
    )
    _signed_contract(unit, owner, "ONPLATFORM")
    for key in ("off", "pending"):
        declaration = declaration_submit(
            actor=owner,
            project=p[key],
            kind="transfer",
            counterparty="佛山某制造有限公司",
            signed_on="2025-05-20",
            contract_file=pdf(),
        )
        if key == "off":
            declaration_accept(actor=provincial_reviewer, declaration=declaration)
    sweep_include(D(2026, 8, 5))  # INCLUDED was due 2026-08-05
    return p


def _by_number(rows):
    return {r.project.number: r for r in rows}


def test_every_project_gets_a_verdict_and_a_chinese_reason(projects, provincial_reviewer):
    rows = _by_number(sweep_report(provincial_reviewer, SweepFilters(on=ON)))
    expected = {
        "SOON": (Verdict.DUE_SOON, "将于 2026-11-26 纳入（还有 56 天）"),
        "DUE": (Verdict.DUE, "自 2026-09-02 起应纳入"),
        "LATER": (Verdict.LATER, "验收满3年的次日为 2027-06-02，不在未来 90 天内"),
        "OTHER": (Verdict.NOT_KEY_TECHNOLOGY, "项目类别为“其他类”，自动纳入只适用于科研攻关类项目"),
        "UNFUNDED": (Verdict.NOT_PROVINCIALLY_FUNDED, "未获省级财政科技资金支持"),
        "OPEN": (Verdict.NOT_ACCEPTED, "项目尚未验收"),
        "FUTURE": (Verdict.ACCEPTANCE_IN_FUTURE, "验收日期 2026-12-01 晚于统计日期"),
        "SECRET": (Verdict.RESTRICTED, "成果涉及国家安全，依政策不纳入"),
        "ONPLATFORM": (Verdict.CONVERTED_ON_PLATFORM, "已在平台签订转化合同（合同编号"),
        "OFFPLATFORM": (Verdict.CONVERTED_OFF_PLATFORM, "单位已申报平台外技术转让（2025-05-20 签订），经主管部门认可"),
        "PENDING": (Verdict.DECLARATION_PENDING, "主管部门审核前暂不纳入"),
        "NOBODY": (Verdict.AWAITING_UNIT, "承担单位尚未在平台注册"),
        "INCLUDED": (Verdict.INCLUDED, "已于 2026-08-05 自动纳入平台"),
    }
    assert set(rows) == set(expected)
    for number, (verdict, words) in expected.items():
        assert rows[number].verdict == verdict, number
        assert words in rows[number].reason, (number, rows[number].reason)


def test_the_falling_due_filter_lists_what_the_next_90_days_bring_soonest_first(projects, provincial_reviewer):
    rows = sweep_report(provincial_reviewer, SweepFilters(on=ON, verdict="falling_due"))
    assert [(r.project.number, r.due_on) for r in rows] == [
        ("DUE", D(2026, 9, 2)),
        ("NOBODY", D(2026, 11, 26)),
        ("SOON", D(2026, 11, 26)),
    ]
    excluded = {r.project.number for r in sweep_report(provincial_reviewer, SweepFilters(on=ON, verdict="excluded"))}
    assert excluded == {"OTHER", "UNFUNDED", "OPEN", "FUTURE", "SECRET", "ONPLATFORM", "OFFPLATFORM", "PENDING"}


def test_a_report_date_outside_the_policys_term_is_refused_in_chinese():
    with pytest.raises(Exception) as exc:
        parse_sweep_filters({"on": "2026-01-31"})
    assert exc.value.code == "sweep_date_outside_term"
    assert "政策有效期（2026-02-01至2031-01-31）" in exc.value.detail
    with pytest.raises(Exception) as exc:
        parse_sweep_filters({"on": "2026-13-01"})
    assert exc.value.code == "date_invalid"
    with pytest.raises(Exception) as exc:
        parse_sweep_filters({"verdict": "whatever"})
    assert exc.value.code == "invalid_filter"


def test_the_page_is_paginated_and_filtered_and_the_export_carries_the_reasons(projects, client, provincial_reviewer):
    client.force_login(provincial_reviewer)
    page = client.get("/inclusion/", {"on": ON.isoformat(), "verdict": "falling_due"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "共 3 个项目" in text and "SOON" in text and "OTHER" not in text
    small = client.get("/inclusion/", {"on": ON.isoformat(), "page": 99})
    assert "页码超出范围" in small.content.decode()
    bad = client.get("/inclusion/", {"on": "2025-01-01"})
    assert "统计日期须在政策有效期" in bad.content.decode()
    export = client.get("/inclusion/export.xlsx", {"on": ON.isoformat()})
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    header, *body = list(sheet.values)
    assert header[-2:] == ("结论", "原因")
    reasons = {row[0]: row[-1] for row in body}
    assert "自动纳入只适用于科研攻关类项目" in reasons["OTHER"]
    assert len(body) == 13


def test_the_command_prints_the_dry_run_and_writes_the_workbook(projects, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "预览.xlsx"
    call_command("inclusion_report", "--on", ON.isoformat(), "--xlsx", str(target), stdout=out, stderr=err)
    text = out.getvalue()
    assert "统计日期 2026-10-01，预览 90 天，共 13 个项目" in text
    assert "SOON" in text and "将于 2026-11-26 纳入" in text
    assert "非科研攻关类：1" in text
    assert "判断项目" in err.getvalue()  # the progress bar
    assert target.exists()


def test_the_command_refuses_a_date_outside_the_term():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="政策有效期"):
        call_command("inclusion_report", "--on", "2032-01-01", stdout=io.StringIO(), stderr=io.StringIO())
