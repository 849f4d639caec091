"""Industry pools in the open API: the public list and detail (proposals only for insiders), a
member's proposal and votes, refusals as problem+json with their codes."""

from __future__ import annotations

import json

import pytest

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.catalog.services.achievements import achievement_approve, achievement_submit
from usefirst.catalog.tests.factories import make_achievement
from usefirst.core.testing import make_org, make_user
from usefirst.pools import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_user(province):
    return make_user(province, role=Membership.Role.ADMIN)


@pytest.fixture
def pool(operator_user, province):
    return services.pool_create(
        actor=operator_user, operator=province, name="海洋经济成果池", industry="海洋经济", description="海工装备与海洋生物"
    )


@pytest.fixture
def member(pool, operator_user):
    org = make_org(OrganisationKind.ENTERPRISE, name="南海测试装备")
    services.pool_add_member(actor=operator_user, pool=pool, enterprise=org)
    return make_user(org, role=Membership.Role.ADMIN)


@pytest.fixture
def published(unit, owner, provincial_reviewer):
    achievement = make_achievement(unit, owner, title="深海浮标")
    achievement_submit(actor=owner, achievement=achievement)
    return achievement_approve(actor=provincial_reviewer, achievement=achievement)


def _org(user):
    return user.memberships.first().organisation


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_member_proposes_and_votes_and_insiders_alone_see_the_proposal(client, pool, member, published):
    client.force_login(member)
    proposed = _post(
        client,
        f"/api/v1/pools/{pool.pk}/entries",
        {"organisation_id": _org(member).pk, "achievement_id": published.pk, "note": "急需"},
    )
    assert proposed.status_code == 201, proposed.content
    entry = proposed.json()
    assert (entry["status"], entry["status_display"]) == ("proposed", "推荐中")
    voted = _post(client, f"/api/v1/pool-entries/{entry['id']}/votes", {"organisation_id": _org(member).pk, "approve": True})
    assert voted.status_code == 200 and (voted.json()["yes"], voted.json()["no"]) == (1, 0)
    again = _post(client, f"/api/v1/pool-entries/{entry['id']}/votes", {"organisation_id": _org(member).pk, "approve": False})
    assert (again.json()["yes"], again.json()["no"]) == (0, 1)  # a later vote replaces the earlier one

    inside = client.get(f"/api/v1/pools/{pool.pk}").json()
    assert inside["is_insider"] and [e["id"] for e in inside["proposed"]] == [entry["id"]]
    client.logout()
    listed = client.get("/api/v1/pools").json()
    assert [(p["name"], p["member_count"]) for p in listed["items"]] == [("海洋经济成果池", 1)]
    assert (listed["count"], listed["page"], listed["num_pages"]) == (1, 1, 1)
    assert client.get("/api/v1/pools?page=9").json()["code"] == "page_out_of_range"
    outside = client.get(f"/api/v1/pools/{pool.pk}").json()
    assert outside["proposed"] == [] and not outside["is_insider"]


def test_an_outsider_may_not_propose_and_a_decided_entry_takes_no_vote(
    client, pool, member, published, operator_user, other_enterprise_user
):
    client.force_login(other_enterprise_user)
    refused = _post(
        client,
        f"/api/v1/pools/{pool.pk}/entries",
        {"organisation_id": _org(other_enterprise_user).pk, "achievement_id": published.pk},
    )
    assert refused.status_code == 403 and refused.json()["code"] == "not_pool_member"
    entry = services.entry_propose(actor=member, pool=pool, achievement=published, proposer=_org(member))
    hidden = _post(
        client, f"/api/v1/pool-entries/{entry.pk}/votes", {"organisation_id": _org(other_enterprise_user).pk, "approve": True}
    )
    assert hidden.status_code == 404  # a proposal is not shown outside the pool
    services.entry_admit(actor=operator_user, entry=entry)
    client.force_login(member)
    closed = _post(client, f"/api/v1/pool-entries/{entry.pk}/votes", {"organisation_id": _org(member).pk, "approve": True})
    assert closed.status_code == 409 and closed.json()["code"] == "pool_vote_closed"
    twice = _post(
        client, f"/api/v1/pools/{pool.pk}/entries", {"organisation_id": _org(member).pk, "achievement_id": published.pk}
    )
    assert twice.status_code == 409 and twice.json()["code"] == "pool_entry_exists"


@pytest.fixture
def other_enterprise_user(province):
    return make_user(make_org(OrganisationKind.ENTERPRISE, name="局外测试企业"), role=Membership.Role.ADMIN)
