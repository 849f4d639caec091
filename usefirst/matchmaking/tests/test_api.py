"""The matchmaking API end to end, and its refusals as problem+json."""

from __future__ import annotations

import pytest
from django.test import Client

from usefirst.catalog.choices import RestrictionReason
from usefirst.catalog.tests.factories import bearer_for, make_achievement

pytestmark = pytest.mark.django_db
API = "/api/v1"


def post(user, path, body=None):
    return Client().post(API + path, body or {}, content_type="application/json", headers=bearer_for(user))


def get(user, path):
    return Client().get(API + path, headers=bearer_for(user))


def test_the_whole_path_through_the_api(achievement, buyer, seller, agency):
    created = post(buyer, "/engagements", {"achievement_id": achievement.pk, "message": "希望先试用"})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["status"] == "intent"
    assert post(seller, f"/engagements/{pk}/accept").json()["status"] == "talking"
    assert post(seller, f"/engagements/{pk}/facilitator/propose", {"agency_id": agency.pk}).json()["facilitator"] is None
    attached = post(buyer, f"/engagements/{pk}/facilitator/confirm").json()
    assert attached["facilitator"]["id"] == agency.pk
    assert attached["facilitator_enterprise_confirmed_at"] and attached["facilitator_unit_confirmed_at"]
    assert post(buyer, f"/engagements/{pk}/messages", {"body": "<b>你好</b>"}).status_code == 201
    messages = get(seller, f"/engagements/{pk}/messages").json()
    assert messages["count"] == 2 and messages["items"][0]["body"] == "<b>你好</b>"
    assert post(buyer, f"/engagements/{pk}/agreement/propose").json()["agreement_proposed_side"] == "enterprise"
    refused = post(buyer, f"/engagements/{pk}/agreement/confirm")
    assert refused.status_code == 403 and refused.json()["code"] == "wrong_side"
    agreed = post(seller, f"/engagements/{pk}/agreement/confirm").json()
    assert agreed["status"] == "agreed" and agreed["agreed_at"]
    listing = get(buyer, "/engagements?status=agreed").json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == pk


def test_a_unit_answers_a_demand_and_the_enterprise_declines_with_a_reason(demand, seller, buyer):
    created = post(seller, "/engagements", {"demand_id": demand.pk})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["initiator_side"] == "unit"
    bad = post(buyer, f"/engagements/{pk}/decline", {"reason": "nope"})
    assert bad.status_code == 400 and bad.json()["code"] == "validation_failed"
    declined = post(buyer, f"/engagements/{pk}/decline", {"reason": "route_to_market_unclear", "detail": "销路不明"})
    assert declined.json()["decline_reason"] == "route_to_market_unclear"
    summary = get(seller, "/engagements/decline-reasons").json()
    assert summary["received_total"] == 1
    assert {r["reason"]: r["received"] for r in summary["reasons"]}["route_to_market_unclear"] == 1


def test_refusals_are_problem_json_with_codes(achievement, unit, seller, buyer):
    first = post(buyer, "/engagements", {"achievement_id": achievement.pk})
    assert first.status_code == 201
    duplicate = post(buyer, "/engagements", {"achievement_id": achievement.pk})
    assert duplicate.status_code == 409
    assert duplicate["Content-Type"].startswith("application/problem+json")
    assert duplicate.json()["code"] == "duplicate_intent"
    own = post(seller, "/engagements", {"achievement_id": achievement.pk})
    assert own.status_code == 400 and own.json()["code"] == "own_item"
    draft = make_achievement(unit, seller, title="草稿")
    assert post(buyer, "/engagements", {"achievement_id": draft.pk}).status_code == 404  # not visible to the buyer
    restricted = make_achievement(unit, seller, title="涉密", restriction=RestrictionReason.DEFENCE)
    assert post(buyer, "/engagements", {"achievement_id": restricted.pk}).status_code == 404
    assert post(buyer, "/engagements", {}).json()["code"] == "item_required"
    assert get(buyer, "/engagements?status=bogus").json()["code"] == "invalid_filter"
    assert get(buyer, "/engagements?page=99").status_code == 404


def test_an_intent_on_an_unpublished_item_the_caller_can_see_is_refused_with_a_code(achievement, unit, seller, provincial):
    # The provincial reviewer sees the unit's drafts, but may not express intent at all.
    draft = make_achievement(unit, seller, title="草稿")
    response = post(provincial, "/engagements", {"achievement_id": draft.pk})
    assert response.status_code == 403
