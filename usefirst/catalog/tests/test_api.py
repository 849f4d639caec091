import datetime as dt

import pytest

from usefirst.catalog.choices import AchievementStatus, RestrictionReason
from usefirst.catalog.models import Achievement, AchievementEvent, IpItem
from usefirst.core.dates import today

from .factories import (
    VALID_PATENT,
    bearer_for,
    make_achievement,
    make_demand,
    make_published_achievement,
    make_published_demand,
    person_register,
)

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def is_problem(response, status, code=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    if code:
        assert body["code"] == code
    return body


class TestOpenListings:
    def test_anonymous_clients_list_published_achievements_with_a_count(self, client, unit, owner, reviewer):
        make_published_achievement(unit, owner, reviewer, title="公开成果")
        make_achievement(unit, owner, title="草稿")
        body = client.get("/api/v1/achievements").json()
        assert body["count"] == 1 and body["page"] == 1 and body["page_size"] == 20
        assert [i["title"] for i in body["items"]] == ["公开成果"]
        assert body["items"][0]["modes"] == ["pay_later"]
        assert body["items"][0]["status"] == "published" and body["items"][0]["status_display"] == "已发布"

    def test_filters_and_page_size(self, client, unit, owner, reviewer):
        for n in range(3):
            make_published_achievement(unit, owner, reviewer, title=f"成果{n}", trl=3 + n)
        body = client.get("/api/v1/achievements", {"trl_min": "4", "page_size": "1"}).json()
        assert body["count"] == 2 and len(body["items"]) == 1 and body["num_pages"] == 2

    def test_an_unknown_filter_value_is_a_problem(self, client, db):
        body = is_problem(client.get("/api/v1/achievements", {"field": "99"}), 400, "invalid_filter")
        assert "技术领域" in body["detail"]

    def test_a_page_past_the_end_is_a_problem(self, client, db):
        is_problem(client.get("/api/v1/achievements", {"page": "3"}), 404, "page_out_of_range")

    def test_restricted_achievements_never_come_out_of_the_api(self, client, unit, owner, outsider):
        achievement = make_achievement(unit, owner, title="涉密", restriction=RestrictionReason.NATIONAL_SECURITY)
        assert client.get("/api/v1/achievements", {"q": "涉密"}).json()["count"] == 0
        is_problem(client.get(f"/api/v1/achievements/{achievement.pk}"), 404, "not_found")
        is_problem(client.get(f"/api/v1/achievements/{achievement.pk}", headers=bearer_for(outsider)), 404, "not_found")
        owner_view = client.get(f"/api/v1/achievements/{achievement.pk}", headers=bearer_for(owner))
        assert owner_view.status_code == 200 and owner_view.json()["restriction"] == "national_security"

    def test_inventors_come_out_by_name_only(self, client, unit, owner, reviewer):
        achievement = make_published_achievement(unit, owner, reviewer)
        body = client.get(f"/api/v1/achievements/{achievement.pk}").json()
        assert {tuple(sorted(i)) for i in body["inventors"]} == {("is_leader", "name", "share")}
        assert body["ip_items"][0]["number"] == VALID_PATENT

    def test_demands_listing_hides_expired_ones(self, client, enterprise, outsider, city_reviewer):
        import time_machine

        with time_machine.travel(dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC), tick=False):
            make_published_demand(enterprise, outsider, city_reviewer, title="六月底截止", deadline=dt.date(2026, 6, 30))
            make_published_demand(enterprise, outsider, city_reviewer, title="七月截止", deadline=dt.date(2026, 7, 31))
        with time_machine.travel(dt.datetime(2026, 6, 30, 16, 30, tzinfo=dt.UTC), tick=False):
            body = client.get("/api/v1/demands").json()
        assert [d["title"] for d in body["items"]] == ["七月截止"]

    def test_an_unknown_enterprise_size_is_a_problem(self, client, db):
        is_problem(client.get("/api/v1/demands", {"enterprise_size": "huge"}), 400, "invalid_filter")


def achievement_payload(unit, owner, **overrides):
    a = person_register(unit, actor=owner)
    b = person_register(unit, actor=owner)
    payload = {
        "title": "一种新型电池隔膜",
        "summary": "简介",
        "field": "0603",
        "trl": 6,
        "keywords": ["电池", "隔膜"],
        "offers_pay_later": True,
        "ip_items": [{"kind": "invention_patent", "number": VALID_PATENT}],
        "inventors": [{"person_id": a.pk, "share": "70.00", "is_leader": True}, {"person_id": b.pk, "share": "30.00"}],
    }
    payload.update(overrides)
    return payload


class TestWrites:
    def test_writes_need_authentication(self, client, db):
        is_problem(client.post("/api/v1/achievements", {}, content_type="application/json"), 401, "unauthenticated")

    def test_the_owner_creates_and_submits_and_the_reviewer_approves(self, client, unit, owner, reviewer):
        response = client.post(
            "/api/v1/achievements", achievement_payload(unit, owner), content_type="application/json", headers=bearer_for(owner)
        )
        assert response.status_code == 201, response.content
        pk = response.json()["id"]
        assert client.post(f"/api/v1/achievements/{pk}/submit", headers=bearer_for(owner)).json()["status"] == "submitted"
        is_problem(client.post(f"/api/v1/achievements/{pk}/approve", headers=bearer_for(owner)), 403, "forbidden")
        body = client.post(f"/api/v1/achievements/{pk}/approve", headers=bearer_for(reviewer)).json()
        assert body["status"] == "published"
        event = AchievementEvent.objects.filter(subject_id=pk).last()
        assert (event.actor, event.from_status, event.to_status) == (reviewer, "submitted", "published")

    def test_shares_of_99_99_are_a_problem_and_nothing_is_saved(self, client, unit, owner):
        payload = achievement_payload(unit, owner)
        payload["inventors"][1]["share"] = "29.99"
        body = is_problem(
            client.post("/api/v1/achievements", payload, content_type="application/json", headers=bearer_for(owner)),
            400,
            "validation_failed",
        )
        assert "100.00%" in body["detail"] or "inventors" in body["errors"]
        assert not Achievement.objects.exists() and not IpItem.objects.exists()

    @pytest.mark.parametrize("trl", [0, 10])
    def test_trl_outside_1_to_9_is_a_problem(self, client, unit, owner, trl):
        body = is_problem(
            client.post(
                "/api/v1/achievements",
                achievement_payload(unit, owner, trl=trl),
                content_type="application/json",
                headers=bearer_for(owner),
            ),
            400,
        )
        assert "trl" in body["errors"]

    def test_a_bad_patent_number_is_a_problem(self, client, unit, owner):
        payload = achievement_payload(unit, owner, ip_items=[{"kind": "utility_model", "number": "202310123456.1"}])
        body = is_problem(
            client.post("/api/v1/achievements", payload, content_type="application/json", headers=bearer_for(owner)), 400
        )
        assert "专利申请号" in str(body["errors"])

    def test_a_malformed_body_is_a_problem(self, client, unit, owner):
        is_problem(
            client.post("/api/v1/achievements", {"title": "x"}, content_type="application/json", headers=bearer_for(owner)),
            422,
            "validation_failed",
        )

    def test_an_illegal_transition_is_a_409_problem(self, client, unit, owner, reviewer):
        achievement = make_achievement(unit, owner)
        is_problem(
            client.post(f"/api/v1/achievements/{achievement.pk}/approve", headers=bearer_for(reviewer)), 409, "illegal_transition"
        )

    def test_return_and_take_down_need_reasons(self, client, unit, owner, reviewer):
        achievement = make_published_achievement(unit, owner, reviewer)
        url = f"/api/v1/achievements/{achievement.pk}/take-down"
        is_problem(
            client.post(url, {"reason": ""}, content_type="application/json", headers=bearer_for(reviewer)),
            400,
            "reason_required",
        )
        body = client.post(url, {"reason": "虚假信息"}, content_type="application/json", headers=bearer_for(reviewer)).json()
        assert body["status"] == AchievementStatus.TAKEN_DOWN

    def test_patching_a_published_achievement_creates_a_revision(self, client, unit, owner, reviewer):
        achievement = make_published_achievement(unit, owner, reviewer, title="旧")
        body = client.patch(
            f"/api/v1/achievements/{achievement.pk}",
            {"title": "新"},
            content_type="application/json",
            headers=bearer_for(owner),
        ).json()
        assert body["title"] == "旧" and body["pending_revision_id"]
        assert client.get(f"/api/v1/achievements/{achievement.pk}").json()["title"] == "旧"
        approved = client.post(f"/api/v1/revisions/{body['pending_revision_id']}/approve", headers=bearer_for(reviewer))
        assert approved.json()["title"] == "新"

    def test_the_enterprise_creates_a_demand_and_the_city_department_publishes_it(
        self, client, enterprise, outsider, city_reviewer
    ):
        payload = {
            "title": "寻求污泥干化技术",
            "description": "描述",
            "field": "0703",
            "deadline": (today() + dt.timedelta(days=30)).isoformat(),
            "city": "韶关市",
            "county": "浈江区",
            "budget_min": "10000.00",
        }
        response = client.post("/api/v1/demands", payload, content_type="application/json", headers=bearer_for(outsider))
        assert response.status_code == 201, response.content
        pk = response.json()["id"]
        client.post(f"/api/v1/demands/{pk}/submit", headers=bearer_for(outsider))
        assert client.post(f"/api/v1/demands/{pk}/approve", headers=bearer_for(city_reviewer)).json()["status"] == "published"
        assert client.get("/api/v1/demands").json()["count"] == 1

    def test_a_demand_patch_with_an_upside_down_budget_is_a_problem(self, client, enterprise, outsider):
        demand = make_demand(enterprise, outsider)
        is_problem(
            client.patch(
                f"/api/v1/demands/{demand.pk}",
                {"budget_min": "9000000"},
                content_type="application/json",
                headers=bearer_for(outsider),
            ),
            400,
            "validation_failed",
        )
