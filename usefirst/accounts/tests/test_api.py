"""The accounts part of the open API: tokens (expiry, revocation), /me, organisations and their review."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from usefirst.accounts.models import OrganisationKind, OrganisationStatus
from usefirst.accounts.roles import reviewing_department
from usefirst.api.models import ApiToken
from usefirst.core.testing import make_org

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
PROBLEM = "application/problem+json"


def issue_token(client, user, password=PASSWORD):
    return client.post(
        "/api/v1/tokens", {"email": user.email, "password": password, "name": "测试脚本"}, content_type="application/json"
    )


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def assert_problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert body["code"] == code and body["detail"]
    return body


def test_a_token_is_issued_for_the_right_password_shown_once_and_stored_hashed(client, owner, settings):
    response = issue_token(client, owner)
    assert response.status_code == 201
    body = response.json()
    row = ApiToken.objects.get(pk=body["id"])
    assert row.token_hash == ApiToken.hash(body["token"]) and body["token"] not in row.token_hash
    assert abs((row.expires_at - timezone.now()) - timedelta(days=settings.API_TOKEN_LIFETIME_DAYS)) < timedelta(minutes=1)
    listing = client.get("/api/v1/tokens", **bearer(body["token"])).json()
    assert [t["id"] for t in listing] == [row.pk] and "token" not in listing[0]


def test_a_wrong_password_gets_a_401_problem(client, owner):
    assert_problem(issue_token(client, owner, "wrong-password"), 401, "invalid_credentials")


def test_the_api_respects_the_lockout(client, owner):
    for _ in range(5):
        issue_token(client, owner, "wrong-password")
    body = assert_problem(issue_token(client, owner), 403, "account_locked")
    assert "锁定" in body["detail"]


def test_me_describes_the_caller_and_their_organisations(client, owner, unit):
    raw = issue_token(client, owner).json()["token"]
    body = client.get("/api/v1/me", **bearer(raw)).json()
    assert body["email"] == owner.email
    assert [m["organisation"]["id"] for m in body["memberships"]] == [unit.pk]
    assert body["memberships"][0]["role"] == "admin"


def test_no_token_is_a_401_problem(client, db):
    assert_problem(client.get("/api/v1/me"), 401, "unauthenticated")


def test_a_revoked_token_is_refused(client, owner):
    created = issue_token(client, owner).json()
    assert client.delete(f"/api/v1/tokens/{created['id']}", **bearer(created["token"])).status_code == 204
    assert_problem(client.get("/api/v1/me", **bearer(created["token"])), 401, "unauthenticated")


def test_an_expired_token_is_refused(client, owner, settings):
    raw = issue_token(client, owner).json()["token"]
    with time_machine.travel(timezone.now() + timedelta(days=settings.API_TOKEN_LIFETIME_DAYS, seconds=1)):
        assert_problem(client.get("/api/v1/me", **bearer(raw)), 401, "unauthenticated")


def test_an_expired_token_is_refused_even_on_public_listings(client, owner, settings):
    raw = issue_token(client, owner).json()["token"]
    assert client.get("/api/v1/organisations", **bearer(raw)).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=settings.API_TOKEN_LIFETIME_DAYS + 1)):
        assert_problem(client.get("/api/v1/organisations/1", **bearer(raw)), 401, "unauthenticated")


def test_a_disabled_users_token_is_refused(client, owner):
    raw = issue_token(client, owner).json()["token"]
    owner.is_active = False
    owner.save()
    assert_problem(client.get("/api/v1/me", **bearer(raw)), 401, "unauthenticated")


def test_nobody_revokes_someone_elses_token(client, owner, outsider):
    mine = issue_token(client, owner).json()
    theirs = issue_token(client, outsider).json()
    assert_problem(client.delete(f"/api/v1/tokens/{mine['id']}", **bearer(theirs["token"])), 404, "not_found")
    assert ApiToken.objects.get(pk=mine["id"]).revoked_at is None


def test_organisations_are_listed_active_only_with_a_count(client, unit, enterprise):
    draft = make_org(OrganisationKind.AGENCY, name="未审核机构")
    draft.status = OrganisationStatus.SUBMITTED
    draft.save()
    body = client.get("/api/v1/organisations?page_size=2").json()
    names = [o["name"] for o in body["items"]]
    assert body["count"] == 4 and len(names) == 2  # province, unit, city department, enterprise and "未审核机构" not in names
    assert client.get("/api/v1/organisations?kind=enterprise").json()["count"] == 1


def test_a_page_past_the_end_and_an_unknown_kind_are_problems(client, unit):
    assert_problem(client.get("/api/v1/organisations?page=99"), 404, "page_out_of_range")
    assert_problem(client.get("/api/v1/organisations?kind=spaceship"), 400, "invalid_filter")
    assert_problem(client.get("/api/v1/organisations?city=火星市"), 400, "invalid_filter")
    assert client.get("/api/v1/organisations?city=广州市").json()["count"] >= 1
    assert_problem(client.get("/api/v1/organisations?page=abc"), 422, "validation_failed")


def test_an_organisation_under_review_is_hidden_from_the_public_but_visible_to_its_reviewer(client, provincial_reviewer):
    agency = make_org(OrganisationKind.AGENCY)
    agency.status = OrganisationStatus.SUBMITTED
    agency.reviewing_department = reviewing_department(agency)
    agency.save()
    assert_problem(client.get(f"/api/v1/organisations/{agency.pk}"), 404, "not_found")
    raw = issue_token(client, provincial_reviewer).json()["token"]
    assert client.get(f"/api/v1/organisations/{agency.pk}", **bearer(raw)).json()["status"] == "submitted"
    queue = client.get("/api/v1/organisations/review-queue", **bearer(raw)).json()
    assert [o["id"] for o in queue] == [agency.pk]


def test_a_reviewer_approves_and_returns_through_the_api(client, provincial_reviewer, outsider):
    agency, institute = (make_org(OrganisationKind.AGENCY), make_org(OrganisationKind.RESEARCH_INSTITUTE))
    for org in (agency, institute):
        org.status = OrganisationStatus.SUBMITTED
        org.reviewing_department = reviewing_department(org)
        org.save()
    intruder = issue_token(client, outsider).json()["token"]
    assert_problem(client.post(f"/api/v1/organisations/{agency.pk}/approve", **bearer(intruder)), 404, "not_found")
    raw = issue_token(client, provincial_reviewer).json()["token"]
    assert client.post(f"/api/v1/organisations/{agency.pk}/approve", **bearer(raw)).json()["status"] == "active"
    assert_problem(client.post(f"/api/v1/organisations/{agency.pk}/approve", **bearer(raw)), 409, "illegal_transition")
    response = client.post(
        f"/api/v1/organisations/{institute.pk}/return", {"reasons": "材料不全"}, content_type="application/json", **bearer(raw)
    )
    assert response.json()["status"] == "returned"
    assert_problem(
        client.post(f"/api/v1/organisations/{institute.pk}/return", {}, content_type="application/json", **bearer(raw)),
        422,
        "validation_failed",
    )


def test_only_a_provincial_admin_suspends_through_the_api(client, provincial_admin, provincial_reviewer, enterprise):
    reviewer = issue_token(client, provincial_reviewer).json()["token"]
    response = client.post(
        f"/api/v1/organisations/{enterprise.pk}/suspend",
        {"reason": "虚假材料"},
        content_type="application/json",
        **bearer(reviewer),
    )
    assert_problem(response, 403, "not_provincial_admin")
    admin = issue_token(client, provincial_admin).json()["token"]
    response = client.post(
        f"/api/v1/organisations/{enterprise.pk}/suspend", {"reason": "虚假材料"}, content_type="application/json", **bearer(admin)
    )
    assert response.json()["status"] == "suspended"


def test_the_endpoints_are_in_the_openapi_schema(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/tokens",
        "/api/v1/tokens/{token_id}",
        "/api/v1/me",
        "/api/v1/organisations",
        "/api/v1/organisations/{organisation_id}",
    ):
        assert path in paths


def test_a_tokens_last_use_is_recorded(client, owner):
    created = issue_token(client, owner).json()
    client.get("/api/v1/me", **bearer(created["token"]))
    assert ApiToken.objects.get(pk=created["id"]).last_used_at is not None


API_MATRIX = {
    # (method, path template, body as pairs): {persona: status}
    ("get", "/api/v1/me", None): {"anonymous": 401, "outsider": 200, "owner": 200, "reviewer": 200},
    ("get", "/api/v1/tokens", None): {"anonymous": 401, "outsider": 200, "owner": 200, "reviewer": 200},
    ("get", "/api/v1/organisations", None): {"anonymous": 200, "outsider": 200, "owner": 200, "reviewer": 200},
    ("get", "/api/v1/organisations/{submitted}", None): {"anonymous": 404, "outsider": 404, "owner": 404, "reviewer": 200},
    ("get", "/api/v1/organisations/review-queue", None): {"anonymous": 401, "outsider": 200, "owner": 200, "reviewer": 200},
    ("post", "/api/v1/organisations/{submitted}/approve", None): {
        "anonymous": 401,
        "outsider": 404,
        "owner": 404,
        "reviewer": 200,
    },
    ("post", "/api/v1/organisations/{submitted}/return", (("reasons", "材料不全"),)): {
        "anonymous": 401,
        "outsider": 404,
        "owner": 404,
        "reviewer": 200,
    },
    ("post", "/api/v1/organisations/{active}/suspend", (("reason", "核查"),)): {
        "anonymous": 401,
        "outsider": 403,
        "owner": 403,
        "reviewer": 403,
    },
}


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "owner", "reviewer"])
@pytest.mark.parametrize("endpoint", list(API_MATRIX), ids=lambda e: f"{e[0]} {e[1]}")
def test_api_permission_matrix(client, persona, endpoint, owner, outsider, provincial_reviewer, enterprise):
    method, template, body = endpoint
    agency = make_org(OrganisationKind.AGENCY)
    agency.status = OrganisationStatus.SUBMITTED
    agency.reviewing_department = reviewing_department(agency)
    agency.save()
    user = {"anonymous": None, "outsider": outsider, "owner": owner, "reviewer": provincial_reviewer}[persona]
    extra = bearer(issue_token(client, user).json()["token"]) if user else {}
    path = template.format(submitted=agency.pk, active=enterprise.pk)
    kwargs = {"content_type": "application/json", "data": dict(body or ())} if method == "post" else {}
    response = getattr(client, method)(path, **kwargs, **extra)
    assert response.status_code == API_MATRIX[endpoint][persona], (persona, path, response.content)
    if response.status_code >= 400:
        assert response["Content-Type"].startswith(PROBLEM)
