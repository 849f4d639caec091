"""The workspace opens on the work waiting for each role, and offers only the pages of its role.
The journey crawler checks the same on the demo for every demo login."""

import re

import pytest
from django.urls import reverse

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.core.testing import make_org, make_user


def _workspace(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("accounts:workspace"))
    assert response.status_code == 200
    return response.content.decode()


def _todos(html: str) -> dict[str, int]:
    pairs = re.findall(r'<span class="todo-count">(\d+)</span> <span class="todo-label">([^<]+)</span>', html)
    return {label: int(count) for count, label in pairs}


@pytest.mark.django_db
def test_an_owner_unit_sees_its_achievements_and_deal_todos_but_not_the_enterprise_pages(client, owner):
    html = _workspace(client, owner)
    assert "本机构科技成果" in html and "登记新成果" in html
    assert "本机构技术需求" not in html and "科技成果审核" not in html
    todos = _todos(html)
    assert {"待答复的对接意向", "待本机构签署的合同", "待确认的到账", "有到账待分配收益的合同", "公示中的认定"} <= set(todos)


@pytest.mark.django_db
def test_an_enterprise_sees_its_demands_and_may_also_own_achievements(client, outsider):
    html = _workspace(client, outsider)
    assert "本机构技术需求" in html and "发布新需求" in html
    # Any organisation may own achievements (docs/domain.md, "Actors and roles"): an enterprise registers them too.
    assert "本机构科技成果" in html
    assert "科技成果审核" not in html


@pytest.mark.django_db
def test_a_reviewer_opens_on_the_review_queues_with_their_counts(client, provincial_reviewer):
    html = _workspace(client, provincial_reviewer)
    todos = _todos(html)
    assert {"待审核的科技成果", "待审核的技术需求", "待审核的机构注册", "待省级审核的认定申请"} <= set(todos)
    assert "本机构科技成果" not in html and "本机构技术需求" not in html


@pytest.mark.django_db
def test_an_insurer_gets_an_honest_workspace_without_dead_links(client, province):
    insurer = make_org(OrganisationKind.INSURER)
    html = _workspace(client, make_user(insurer, role=Membership.Role.ADMIN))
    assert "暂无待办" in html and "机构成员" in html
    for label in ("本机构科技成果", "本机构技术需求", "我的对接", "认定申请", "科技成果审核"):
        assert label not in html


@pytest.mark.django_db
def test_every_entry_of_the_provincial_administrators_directory_opens(client, provincial_admin):
    city = make_org(OrganisationKind.CITY_DEPARTMENT, city="韶关市", county="浈江区")
    routed_to_the_city = make_org(OrganisationKind.ENTERPRISE, city="韶关市", county="浈江区", reviewing_department=city)
    client.force_login(provincial_admin)
    directory = client.get(reverse("accounts_review:queue") + "?status=all").content.decode()
    assert routed_to_the_city.name in directory
    record = client.get(reverse("accounts_review:organisation", args=[routed_to_the_city.pk]))
    assert record.status_code == 200


@pytest.mark.django_db
def test_each_to_do_is_shown_once_in_its_task_area_with_the_areas_pending_count(client, provincial_reviewer):
    html = _workspace(client, provincial_reviewer)
    review_area = re.search(
        r'<section class="card ws-section[^"]*" id="(ws-\d+)"[^>]*>\s*<div class="ws-head"><h2[^>]*>审核与监管</h2>(.*?)</section>',
        html,
        re.S,
    )
    assert review_area is not None
    assert "待审核的科技成果" in review_area.group(2) and "待审核的机构注册" in review_area.group(2)
    assert html.count('<span class="todo-label">待审核的科技成果</span>') == 1
    # The reviewer's main action is a button at the top of the area.
    assert f'<a class="button" href="{reverse("catalog:review_achievements")}">科技成果审核</a>' in review_area.group(2)


@pytest.mark.django_db
def test_the_summary_names_the_areas_with_work_waiting_and_links_to_them(client, unit, owner, outsider, provincial_reviewer):
    from usefirst.catalog.tests.factories import make_published_achievement
    from usefirst.matchmaking.tests.factories import intent_on

    html = _workspace(client, owner)
    assert "暂无待办" in html  # nothing waits yet: the summary says so
    intent_on(make_published_achievement(unit, owner, provincial_reviewer), outsider)
    html = _workspace(client, owner)
    area = re.search(r'<li><a href="#(ws-\d+)">对接与合同：1 项</a></li>', html)
    assert area is not None
    assert f'id="{area.group(1)}"' in html


@pytest.mark.django_db
def test_the_areas_where_work_waits_come_first_in_the_order_the_work_is_done(client, unit, owner, outsider, provincial_reviewer):
    from usefirst.catalog.services.achievements import achievement_submit
    from usefirst.catalog.tests.factories import make_achievement, make_published_achievement
    from usefirst.matchmaking.tests.factories import intent_on

    intent_on(make_published_achievement(unit, owner, provincial_reviewer), outsider)
    achievement_submit(actor=owner, achievement=make_achievement(unit, owner))
    titles = re.findall(r'<h2 id="ws-\d+-h">([^<]+)</h2>', _workspace(client, provincial_reviewer))
    assert titles[0] == "审核与监管"  # a review (rank 10) comes before everything else
    titles = re.findall(r'<h2 id="ws-\d+-h">([^<]+)</h2>', _workspace(client, owner))
    assert titles[0] == "对接与合同" and titles[-1] == "本机构"


def test_every_to_do_rank_in_use_has_a_task_area():
    """A to-do whose rank has no area would sit under a stray heading of its own."""
    import pathlib

    from usefirst.accounts.workspace import TODO_SECTIONS

    root = pathlib.Path(__file__).resolve().parents[2]
    ranks = {int(r) for path in root.glob("*/hooks.py") for r in re.findall(r"rank=(\d+)", path.read_text())}
    ranks |= {int(r) for r in re.findall(r"rank=(\d+)", (root / "accounts" / "workspace.py").read_text())}
    assert ranks and ranks <= set(TODO_SECTIONS)


@pytest.mark.django_db
def test_the_audit_office_gets_its_read_only_links_and_every_one_opens(client, province):
    """A member of the audit office (审计机关) granted safehouse.audit_readonly: the workspace
    offers the 安心屋's dossiers, exemptions and systems read-only, each answering 200, and none
    of a unit's or a department's pages; the kind cannot be self-registered."""
    from django.contrib.auth.models import Permission

    from usefirst.accounts.services.organisations import SELF_REGISTRABLE_KINDS

    office = make_org(OrganisationKind.AUDIT_OFFICE, name="测试审计厅")
    auditor = make_user(office, role=Membership.Role.STAFF)
    auditor.user_permissions.add(Permission.objects.get(codename="audit_readonly", content_type__app_label="safehouse"))
    html = _workspace(client, auditor)
    assert "审计查阅（只读）" in html
    for name in ("safehouse:index", "safehouse:exemptions", "safehouse:systems"):
        assert f'href="{reverse(name)}"' in html
        assert client.get(reverse(name)).status_code == 200
    for label in ("登记新成果", "科技成果审核", "推荐科技成果", "本机构技术需求"):
        assert label not in html
    assert OrganisationKind.AUDIT_OFFICE not in SELF_REGISTRABLE_KINDS
