"""Industry pools: an operator's pool, member enterprises proposing and voting, the operator's
decisions with the tally, auto-included achievements placed directly, the page and the digest."""

from __future__ import annotations

import pytest

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.catalog.choices import AchievementStatus
from usefirst.catalog.services.achievements import achievement_approve, achievement_submit
from usefirst.catalog.tests.factories import make_achievement
from usefirst.core.errors import Conflict, DomainError, Forbidden
from usefirst.core.testing import make_org, make_user
from usefirst.pools import services
from usefirst.pools.choices import EntryStatus
from usefirst.pools.models import PoolEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_user(province):
    return make_user(province, role=Membership.Role.ADMIN)


@pytest.fixture
def pool(operator_user, province):
    return services.pool_create(
        actor=operator_user, operator=province, name="新能源汽车成果池", industry="新能源汽车", description="动力电池、电驱与充电"
    )


@pytest.fixture
def members(pool, operator_user):
    users = []
    for name in ("广汽测试", "比亚迪测试"):
        org = make_org(OrganisationKind.ENTERPRISE, name=name)
        services.pool_add_member(actor=operator_user, pool=pool, enterprise=org)
        users.append(make_user(org, role=Membership.Role.ADMIN))
    return users


@pytest.fixture
def published(unit, owner, provincial_reviewer):
    achievement = make_achievement(unit, owner, title="固态电池电解质")
    achievement_submit(actor=owner, achievement=achievement)
    return achievement_approve(actor=provincial_reviewer, achievement=achievement)


def _org(user):
    return user.memberships.first().organisation


def test_members_propose_and_vote_and_the_operator_admits_with_the_tally(pool, members, published, operator_user):
    first, second = members
    entry = services.entry_propose(actor=first, pool=pool, achievement=published, proposer=_org(first), note="产业急需")
    services.entry_vote(actor=first, entry=entry, voter=_org(first), approve=True)
    services.entry_vote(actor=second, entry=entry, voter=_org(second), approve=False)
    services.entry_vote(actor=second, entry=entry, voter=_org(second), approve=True)  # a member changes its vote
    assert services.tally(entry) == "赞成 2 票，反对 0 票"
    services.entry_admit(actor=operator_user, entry=entry)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.ADMITTED
    assert entry.events.last().reason == "入池（赞成 2 票，反对 0 票）"
    with pytest.raises(Conflict) as closed:
        services.entry_vote(actor=first, entry=entry, voter=_org(first), approve=False)
    assert closed.value.code == "pool_vote_closed"


def test_only_members_propose_only_enterprises_vote_and_only_the_operator_decides(pool, members, published, outsider):
    with pytest.raises(Forbidden):
        services.entry_propose(actor=outsider, pool=pool, achievement=published, proposer=_org(outsider))
    entry = services.entry_propose(actor=members[0], pool=pool, achievement=published, proposer=_org(members[0]))
    with pytest.raises(Forbidden) as refused:
        services.entry_admit(actor=members[0], entry=entry)
    assert refused.value.code == "not_pool_operator"
    with pytest.raises(Conflict):
        services.entry_propose(actor=members[1], pool=pool, achievement=published, proposer=_org(members[1]))


def test_a_declined_proposal_needs_reasons_and_may_be_proposed_again(pool, members, published, operator_user):
    entry = services.entry_propose(actor=members[0], pool=pool, achievement=published, proposer=_org(members[0]))
    with pytest.raises(DomainError):
        services.entry_decline(actor=operator_user, entry=entry, reason="")
    services.entry_decline(actor=operator_user, entry=entry, reason="与本池产业方向不符")
    again = services.entry_propose(actor=members[1], pool=pool, achievement=published, proposer=_org(members[1]))
    assert again.status == EntryStatus.PROPOSED


def test_the_operator_places_an_auto_included_achievement_which_only_insiders_with_sight_see(
    client, pool, operator_user, unit, owner, members
):
    from usefirst.catalog.services.achievements import achievement_create_auto_included

    auto = achievement_create_auto_included(
        owner=unit,
        project_number="GD2023-1",
        project_title="海上风电运维机器人",
        acceptance_date=__import__("datetime").date(2023, 1, 1),
        reason="自动纳入",
    )
    assert auto.status == AchievementStatus.AUTO_INCLUDED
    services.entry_place(actor=operator_user, pool=pool, achievement=auto)
    assert PoolEntry.objects.get(achievement=auto).status == EntryStatus.ADMITTED
    client.force_login(operator_user)
    page = client.get(f"/pools/{pool.pk}/").content.decode()
    assert "海上风电运维机器人" in page and "自动纳入，待成果单位完善" in page
    client.logout()
    assert "海上风电运维机器人" not in client.get(f"/pools/{pool.pk}/").content.decode()


def test_a_draft_cannot_be_proposed_or_placed(pool, operator_user, members, unit, owner):
    draft = make_achievement(unit, owner, title="草稿成果")
    with pytest.raises(DomainError) as refused:
        services.entry_propose(actor=members[0], pool=pool, achievement=draft, proposer=_org(members[0]))
    assert refused.value.code == "pool_item_not_public"
    with pytest.raises(DomainError):
        services.entry_place(actor=operator_user, pool=pool, achievement=draft)


def test_pages_list_propose_vote_and_digest(client, pool, members, published, operator_user):
    assert "新能源汽车成果池" in client.get("/pools/").content.decode()
    client.force_login(members[0])
    response = client.post(f"/pools/{pool.pk}/propose/", {"achievement": published.pk, "note": "推荐"})
    assert response.status_code == 302
    entry = PoolEntry.objects.get()
    assert client.post(f"/pools/{pool.pk}/entries/{entry.pk}/yes/").status_code == 302
    page = client.get(f"/pools/{pool.pk}/").content.decode()
    assert "赞成 1 票，反对 0 票" in page
    client.force_login(operator_user)
    assert client.post(f"/pools/{pool.pk}/entries/{entry.pk}/admit/").status_code == 302
    digest = client.get(f"/pools/{pool.pk}/digest/").content.decode()
    assert "固态电池电解质" in digest and "新入池的成果（1 项）" in digest
