"""An active 科研失信记录 is shown on the subject's pages (the organisation's review page, the
achievement's page, the contract's page, the application's page) to the reviewers — the
provincial department and the subject's superior department — and to no one else."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.catalog.choices import AchievementStatus
from usefirst.core.dates import today
from usefirst.core.testing import make_org, make_user
from usefirst.recognition import services
from usefirst.recognition.models import MisconductStatus

from .builders import make_achievement, make_person, pay_later_licence

pytestmark = pytest.mark.django_db
HEADING = "有效科研失信记录"


def page(user, url):
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    return response.status_code, response.content.decode()


@pytest.fixture
def world(unit_with_superior, owner, enterprise, reviewer):
    inventor = make_person("赵敏")
    achievement = make_achievement(
        unit_with_superior, persons=[inventor, make_person("钱伟")], status=AchievementStatus.PUBLISHED
    )
    contract = pay_later_licence(achievement, licensee=enterprise, created_by=owner)
    on = today()
    unit_record = services.misconduct_record(
        actor=reviewer,
        organisation=unit_with_superior,
        period_start=on - dt.timedelta(days=30),
        period_end=on + dt.timedelta(days=365),
        reason="认定申报材料弄虚作假（单位）",
        referral="省纪委监委",
    )
    inventor_record = services.misconduct_record(
        actor=reviewer,
        person=inventor,
        period_start=on,
        period_end=on,
        reason="抄袭剽窃他人科研成果（完成人）",
    )
    expired = services.misconduct_record(
        actor=reviewer,
        organisation=unit_with_superior,
        period_start=on - dt.timedelta(days=400),
        period_end=on - dt.timedelta(days=1),
        reason="已过记录期的旧记录",
    )
    return {
        "achievement": achievement,
        "contract": contract,
        "unit_record": unit_record,
        "inventor_record": inventor_record,
        "expired": expired,
        "pages": {
            "organisation": f"/review/organisations/{unit_with_superior.pk}/",
            "achievement": f"/achievements/{achievement.pk}/",
            "contract": f"/contracts/{contract.pk}/",
        },
    }


@pytest.fixture
def stranger(province):
    return make_user(make_org(OrganisationKind.ENTERPRISE, name="无关测试有限公司"), role=Membership.Role.ADMIN)


@pytest.fixture
def city_staff(enterprise):
    """Staff of the department that reviews the licensee (not the unit): no reviewer of the unit."""
    return make_user(enterprise.reviewing_department, role=Membership.Role.ADMIN)


@pytest.mark.parametrize("where", ["organisation", "achievement", "contract"])
def test_the_provincial_reviewer_sees_the_active_records_with_period_reason_and_link(world, reviewer, where):
    status, content = page(reviewer, world["pages"][where])
    assert status == 200
    assert HEADING in content
    unit_record, inventor_record = world["unit_record"], world["inventor_record"]
    assert f"/recognition/misconduct/{unit_record.pk}/" in content
    assert "认定申报材料弄虚作假（单位）" in content
    assert f"记录期 {unit_record.period_start:%Y-%m-%d} 至 {unit_record.period_end:%Y-%m-%d}" in content
    if where != "organisation":  # the inventor is a subject of the achievement's and the contract's pages
        assert f"/recognition/misconduct/{inventor_record.pk}/" in content
        assert "抄袭剽窃他人科研成果（完成人）" in content
    else:
        assert "抄袭剽窃他人科研成果（完成人）" not in content


@pytest.mark.parametrize("where", ["organisation", "achievement", "contract"])
def test_an_expired_record_is_not_shown(world, reviewer, where):
    _status, content = page(reviewer, world["pages"][where])
    assert "已过记录期的旧记录" not in content
    assert f"/recognition/misconduct/{world['expired'].pk}/" not in content


def test_the_superior_department_reviews_the_unit_and_sees_them_and_may_open_the_record(world, superior_staff):
    for where in ("achievement", "contract"):
        status, content = page(superior_staff, world["pages"][where])
        assert status == 200
        assert "认定申报材料弄虚作假（单位）" in content, where
    status, content = page(superior_staff, f"/recognition/misconduct/{world['unit_record'].pk}/")
    assert status == 200
    assert "省纪委监委" in content


@pytest.mark.parametrize("persona", ["anonymous", "stranger", "owner", "counterparty", "city_staff"])
def test_nobody_else_sees_them(world, persona, owner, outsider, stranger, city_staff):
    user = {"anonymous": None, "stranger": stranger, "owner": owner, "counterparty": outsider, "city_staff": city_staff}[persona]
    seen = []
    for where, url in world["pages"].items():
        status, content = page(user, url)
        if status == 200:
            seen.append(where)
        assert HEADING not in content, f"{where} as {persona}"
        assert "弄虚作假" not in content and "抄袭剽窃" not in content, f"{where} as {persona}"
    # the pages themselves are open to them where they should be: the check above is not vacuous
    expected = {
        "anonymous": ["achievement"],
        "stranger": ["achievement"],
        "owner": ["organisation", "achievement", "contract"],
        "counterparty": ["achievement", "contract"],
        "city_staff": ["achievement"],
    }[persona]
    assert seen == expected


def test_a_withdrawn_record_is_no_longer_shown(world, reviewer, owner):
    record = world["unit_record"]
    services.misconduct_appeal(actor=owner, record=record, text="已整改并提交证明")
    _status, content = page(reviewer, world["pages"]["achievement"])
    assert "认定申报材料弄虚作假（单位）" in content  # in force while the appeal is pending
    assert "（申诉中）" in content
    services.misconduct_decide_appeal(actor=reviewer, record=record, withdraw=True, answer="申诉成立")
    record.refresh_from_db()
    assert record.status == MisconductStatus.WITHDRAWN
    _status, content = page(reviewer, world["pages"]["achievement"])
    assert "认定申报材料弄虚作假（单位）" not in content
