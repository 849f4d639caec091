"""People (inventors) through the open API: scoped to the units that listed them, masked
numbers, notice and consent recorded, renewed and withdrawn through the same services as
the pages, unmasking audited as on the page."""

from __future__ import annotations

import pytest

from usefirst.accounts.models import Membership, OrganisationKind, Person, UnitPerson
from usefirst.catalog.tests.factories import bearer_for
from usefirst.core.models import AuditEntry
from usefirst.core.testing import make_org, make_user

from .test_people import ID_NUMBER, PHONE, fictitious_id

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
PERSON = {
    "full_name": "陈测试",
    "id_kind": "mainland",
    "id_number": ID_NUMBER,
    "phone": PHONE,
    "notice_given_at": "2026-11-20T09:00",
    "consent_at": "2026-11-20T09:30",
    "consent_method": "书面同意书",
}


def call(client, method, path, user, body=None):
    headers = bearer_for(user)
    if method == "get":
        return client.get(path, body or {}, headers=headers)
    return getattr(client, method)(path, body or {}, content_type="application/json", headers=headers)


def assert_problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert body["code"] == code and body["detail"]
    return body


@pytest.fixture
def other_unit(province):
    return make_org(OrganisationKind.RESEARCH_INSTITUTE, name="另一研究所")


@pytest.fixture
def other_owner(other_unit):
    return make_user(other_unit, role=Membership.Role.ADMIN)


def test_a_unit_lists_an_inventor_with_the_consent_recorded_and_numbers_masked(client, owner, unit):
    response = call(client, "post", "/api/v1/people", owner, PERSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert ID_NUMBER not in response.content.decode() and PHONE not in response.content.decode()
    assert body["id_number_masked"].startswith("440") and body["phone_masked"] == "138****8000"
    [consent] = body["consents"]
    assert consent["unit_id"] == unit.pk and consent["consent_method"] == "书面同意书"
    listing = UnitPerson.objects.get(unit=unit, person_id=body["id"])
    assert listing.recorded_by == owner and listing.consent_at.isoformat().startswith("2026-11-20T01:30")  # 09:30 Beijing
    assert AuditEntry.objects.filter(action="person.register", object_id=str(body["id"])).exists()


def test_another_unit_neither_lists_nor_opens_nor_changes_the_person(client, owner, other_owner, outsider):
    person_id = call(client, "post", "/api/v1/people", owner, PERSON).json()["id"]
    assert call(client, "get", "/api/v1/people", other_owner).json()["count"] == 0
    assert_problem(call(client, "get", f"/api/v1/people/{person_id}", other_owner), 404, "not_found")
    assert_problem(call(client, "patch", f"/api/v1/people/{person_id}", outsider, {"full_name": "改名"}), 404, "not_found")
    assert_problem(
        call(client, "post", f"/api/v1/people/{person_id}/withdraw-consent", outsider, {"reason": "x"}), 404, "not_found"
    )
    assert Person.objects.get(pk=person_id).full_name == "陈测试"
    assert UnitPerson.objects.filter(person_id=person_id).count() == 1


def test_the_list_is_paginated_and_shows_only_the_callers_own_consents(client, owner, unit, other_owner, other_unit):
    for serial in (1, 2, 3):
        call(client, "post", "/api/v1/people", owner, {**PERSON, "id_number": fictitious_id(serial), "full_name": f"人{serial}"})
    # The other unit lists person 1 too: one identity, two consent records, each unit seeing its own.
    call(client, "post", "/api/v1/people", other_owner, {**PERSON, "id_number": fictitious_id(1), "full_name": "人1"})
    page = call(client, "get", "/api/v1/people", owner, {"page_size": 2}).json()
    assert (page["count"], page["num_pages"], len(page["items"])) == (3, 2, 2)
    first = page["items"][0]
    assert first["full_name"] == "人1" and [c["unit_id"] for c in first["consents"]] == [unit.pk]
    assert call(client, "get", "/api/v1/people", other_owner).json()["count"] == 1
    assert_problem(call(client, "get", "/api/v1/people", owner, {"unit_id": other_unit.pk}), 403, "forbidden")
    assert_problem(call(client, "get", "/api/v1/people", owner, {"page": 9}), 404, "page_out_of_range")


def test_the_provincial_department_sees_every_consent_but_cannot_list_for_a_unit(
    client, owner, unit, other_owner, provincial_reviewer
):
    person_id = call(client, "post", "/api/v1/people", owner, PERSON).json()["id"]
    call(client, "post", "/api/v1/people", other_owner, PERSON)
    body = call(client, "get", f"/api/v1/people/{person_id}", provincial_reviewer).json()
    assert len(body["consents"]) == 2
    assert_problem(call(client, "post", "/api/v1/people", provincial_reviewer, {**PERSON, "unit_id": unit.pk}), 403, "not_member")


@pytest.mark.parametrize(
    ("change", "status", "code", "field"),
    [
        ({"id_number": "440106199001011230"}, 400, "invalid_id_number", "id_number"),
        ({"consent_at": "2026-11-19T09:00"}, 400, "validation_failed", "consent_at"),
        ({"consent_method": " "}, 400, "validation_failed", "consent_method"),
        ({"phone": "12"}, 400, "invalid_phone", "phone"),
        ({"id_kind": "driving_licence"}, 400, "id_kind", "id_kind"),
    ],
)
def test_bad_input_is_refused_with_a_code_naming_the_field_and_nothing_is_saved(client, owner, change, status, code, field):
    body = assert_problem(call(client, "post", "/api/v1/people", owner, {**PERSON, **change}), status, code)
    assert field in body["errors"]
    assert Person.objects.count() == 0 and UnitPerson.objects.count() == 0


def test_a_missing_consent_time_is_a_schema_error_naming_the_field(client, owner):
    body = {k: v for k, v in PERSON.items() if k != "consent_at"}
    problem = assert_problem(call(client, "post", "/api/v1/people", owner, body), 422, "validation_failed")
    assert problem["errors"] == {"payload.consent_at": ["此项为必填项"]}


def test_a_member_of_two_units_must_name_the_unit(client, owner, other_unit):
    Membership.objects.create(user=owner, organisation=other_unit)
    problem = assert_problem(call(client, "post", "/api/v1/people", owner, PERSON), 400, "validation_failed")
    assert "unit_id" in problem["errors"]
    assert call(client, "post", "/api/v1/people", owner, {**PERSON, "unit_id": other_unit.pk}).status_code == 201


def test_the_name_and_phone_are_corrected_and_audited_without_values(client, owner):
    person_id = call(client, "post", "/api/v1/people", owner, PERSON).json()["id"]
    response = call(client, "patch", f"/api/v1/people/{person_id}", owner, {"full_name": "陈更正", "phone": "13900139000"})
    assert response.status_code == 200
    assert response.json()["full_name"] == "陈更正" and response.json()["phone_masked"] == "139****9000"
    entry = AuditEntry.objects.get(action="person.update", object_id=str(person_id))
    assert entry.detail == {"fields": ["full_name", "phone"]}
    assert_problem(call(client, "patch", f"/api/v1/people/{person_id}", owner, {"full_name": ""}), 400, "validation_failed")


def test_consent_is_renewed_then_withdrawn_and_the_unit_loses_the_person(client, owner, unit):
    person_id = call(client, "post", "/api/v1/people", owner, PERSON).json()["id"]
    renewed = call(
        client,
        "post",
        f"/api/v1/people/{person_id}/consents",
        owner,
        {"notice_given_at": "2026-12-01T10:00", "consent_at": "2026-12-01T10:05", "consent_method": "平台内确认"},
    )
    assert renewed.status_code == 201 and renewed.json()["consent_method"] == "平台内确认"
    assert UnitPerson.objects.get(unit=unit, person_id=person_id).consent_method == "平台内确认"
    withdrawn = call(client, "post", f"/api/v1/people/{person_id}/withdraw-consent", owner, {"reason": "本人书面撤回"})
    assert withdrawn.status_code == 200 and withdrawn.json() == {
        "person_id": person_id,
        "unit_id": unit.pk,
        "still_visible": False,
    }
    assert not UnitPerson.objects.filter(unit=unit, person_id=person_id).exists()
    entry = AuditEntry.objects.get(action="person.consent_withdrawn", object_id=str(person_id))
    assert entry.detail["consent_method"] == "平台内确认" and entry.detail["reason"] == "本人书面撤回"
    assert_problem(call(client, "get", f"/api/v1/people/{person_id}", owner), 404, "not_found")
    # Listing the person again takes the ID number, as the first time.
    assert call(client, "post", "/api/v1/people", owner, PERSON).json()["id"] == person_id


def test_unmasking_follows_the_page_rule_and_is_audited_each_time(client, owner, outsider):
    person_id = call(client, "post", "/api/v1/people", owner, PERSON).json()["id"]
    shown = call(client, "post", f"/api/v1/people/{person_id}/unmask", owner, {"field": "id_number"})
    assert shown.status_code == 200 and shown.json() == {"field": "id_number", "value": ID_NUMBER}
    assert shown["Cache-Control"] == "no-store"
    assert AuditEntry.objects.filter(action="person.unmask", actor=owner, object_id=str(person_id)).count() == 1
    refused = call(client, "post", f"/api/v1/people/{person_id}/unmask", outsider, {"field": "id_number"})
    assert_problem(refused, 403, "forbidden")
    assert ID_NUMBER not in refused.content.decode()
    assert AuditEntry.objects.filter(action="person.unmask_refused", actor=outsider).count() == 1
    assert_problem(call(client, "post", f"/api/v1/people/{person_id}/unmask", owner, {"field": "email"}), 400, "invalid_field")


def test_anonymous_callers_are_refused(client):
    response = client.get("/api/v1/people")
    assert_problem(response, 401, "unauthenticated")


def test_the_schema_lists_the_people_paths_with_chinese_summaries(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path, method in [
        ("/api/v1/people", "get"),
        ("/api/v1/people", "post"),
        ("/api/v1/people/{person_id}", "get"),
        ("/api/v1/people/{person_id}", "patch"),
        ("/api/v1/people/{person_id}/consents", "post"),
        ("/api/v1/people/{person_id}/withdraw-consent", "post"),
        ("/api/v1/people/{person_id}/unmask", "post"),
    ]:
        summary = paths[path][method]["summary"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in summary), (path, summary)
