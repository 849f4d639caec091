"""Shared only with the enterprise's consent: granted to a named organisation, revocable; every
grant, revocation and reading by someone else logged in the audit, and so is every refusal."""

from __future__ import annotations

import pytest

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.core.errors import Conflict, Forbidden
from usefirst.core.models import AuditEntry, AuditOutcome
from usefirst.core.testing import make_org, make_user
from usefirst.performance import services
from usefirst.performance.choices import ConsentStatus
from usefirst.performance.models import Consent, ConsentEvent, Statement

pytestmark = pytest.mark.django_db


def _grant(deal):
    return services.consent_grant(actor=deal["licensee"], enterprise=deal["enterprise"], grantee=deal["insurer"], purpose="投保")


def test_the_enterprise_sees_its_own_record_page(client, deal):
    client.force_login(deal["licensee"])
    response = client.get(f"/performance/enterprises/{deal['enterprise'].pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "逾期未付" in body and "逾期后支付" in body and "管理共享授权" in body
    assert AuditEntry.objects.get(action="performance.record_view").detail == {"own": True}


def test_an_insurer_without_consent_is_refused_in_chinese_and_the_refusal_is_logged(client, deal):
    client.force_login(deal["insurer_user"])
    response = client.get(f"/performance/enterprises/{deal['enterprise'].pk}/")
    assert response.status_code == 403
    assert "未经该企业授权" in response.content.decode()
    api = client.get(f"/api/v1/performance/records/{deal['enterprise'].pk}")
    assert api.status_code == 403 and api["Content-Type"].startswith("application/problem+json")
    assert api.json()["code"] == "performance_consent_required"
    refused = AuditEntry.objects.filter(action="performance.record_view", outcome=AuditOutcome.REFUSED)
    assert refused.count() == 2 and refused.first().actor == deal["insurer_user"]


def test_the_unit_across_the_contract_needs_consent_too(client, deal):
    client.force_login(deal["owner"])
    assert client.get(f"/performance/enterprises/{deal['enterprise'].pk}/").status_code == 403


def test_a_consented_insurer_reads_it_and_the_reading_is_logged_until_it_is_revoked(client, deal):
    consent = _grant(deal)
    assert ConsentEvent.objects.filter(subject=consent, event_type="grant").exists()
    assert AuditEntry.objects.filter(action="performance.consent_grant", object_id=str(consent.pk)).exists()
    client.force_login(deal["insurer_user"])
    response = client.get(f"/api/v1/performance/records/{deal['enterprise'].pk}")
    assert response.status_code == 200
    assert (
        response.json()["summary"]["missed"] == 1 and response.json()["summary"]["grade_display"] == "有逾期未付、代偿或违约记录"
    )
    read = AuditEntry.objects.get(action="performance.record_view", outcome=AuditOutcome.SUCCESS)
    assert (read.actor, read.detail["consent"]) == (deal["insurer_user"], consent.pk)
    assert deal["enterprise"].name in client.get("/performance/shared/").content.decode()
    services.consent_revoke(actor=deal["licensee"], consent=consent)
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.REVOKED and consent.revoked_at is not None
    assert AuditEntry.objects.filter(action="performance.consent_revoke").exists()
    assert client.get(f"/api/v1/performance/records/{deal['enterprise'].pk}").status_code == 403


def test_a_consent_to_one_insurer_does_not_open_the_record_to_another(client, deal):
    _grant(deal)
    other = make_org(OrganisationKind.INSURER)
    client.force_login(make_user(other))
    assert client.get(f"/api/v1/performance/records/{deal['enterprise'].pk}").status_code == 403


def test_it_refuses_a_second_active_consent_to_the_same_organisation(deal):
    _grant(deal)
    with pytest.raises(Conflict) as refused:
        _grant(deal)
    assert refused.value.code == "performance_consent_exists"
    assert Consent.objects.count() == 1


def test_only_the_enterprise_grants_and_revokes(client, deal):
    with pytest.raises(Forbidden):
        services.consent_grant(actor=deal["owner"], enterprise=deal["enterprise"], grantee=deal["insurer"])
    consent = _grant(deal)
    client.force_login(deal["insurer_user"])
    response = client.post(f"/api/v1/performance/consents/{consent.pk}/revoke", content_type="application/json")
    assert response.status_code == 403  # the grantee sees the consent, but only the enterprise revokes it
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.ACTIVE


def test_the_consent_page_grants_and_revokes(client, deal):
    client.force_login(deal["licensee"])
    response = client.post("/performance/consents/", {"grantee": deal["insurer"].pk, "purpose": "投保履约保证保险"})
    assert response.status_code == 302
    consent = Consent.objects.get()
    page = client.get("/performance/consents/").content.decode()
    assert deal["insurer"].name in page and "授权有效" in page
    assert client.post(f"/performance/consents/{consent.pk}/revoke/").status_code == 302
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.REVOKED


def test_the_consent_form_refuses_a_missing_organisation_in_chinese(client, deal):
    client.force_login(deal["licensee"])
    response = client.post("/performance/consents/", {"grantee": ""})
    assert response.status_code == 400 and "请选择获授权机构" in response.content.decode()


def test_the_enterprise_adds_a_statement_that_a_consented_reader_sees(client, deal):
    record = services.record_view(actor=deal["licensee"], enterprise=deal["enterprise"])
    missed = next(e for e in record.entries if e.outcome == "missed")
    client.force_login(deal["licensee"])
    response = client.post(
        f"/performance/enterprises/{deal['enterprise'].pk}/statements/",
        {"entry_key": missed.key, "text": "因疫情停产，已与成果单位协商于 7 月补付"},
    )
    assert response.status_code == 302
    assert Statement.objects.get().entry_key == missed.key
    _grant(deal)
    client.force_login(deal["insurer_user"])
    body = client.get(f"/api/v1/performance/records/{deal['enterprise'].pk}").json()
    entry = next(e for e in body["entries"] if e["key"] == missed.key)
    assert entry["statements"][0]["text"] == "因疫情停产，已与成果单位协商于 7 月补付"
    refused = client.post(
        f"/api/v1/performance/records/{deal['enterprise'].pk}/statements",
        {"entry_key": missed.key, "text": "保险机构不能替企业说明"},
        content_type="application/json",
    )
    assert refused.status_code == 403 and refused.json()["code"] == "performance_not_enterprise"


def test_a_statement_on_an_entry_that_is_not_in_the_record_is_refused(client, deal):
    client.force_login(deal["licensee"])
    response = client.post(
        f"/api/v1/performance/records/{deal['enterprise'].pk}/statements",
        {"entry_key": "line:999999", "text": "说明"},
        content_type="application/json",
    )
    assert response.status_code == 404 and response.json()["code"] == "performance_entry_unknown"
    assert not Statement.objects.exists()


def test_consents_through_the_api(client, deal):
    client.force_login(deal["licensee"])
    created = client.post(
        "/api/v1/performance/consents", {"grantee_id": deal["insurer"].pk, "purpose": "投保"}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["status_display"] == "授权有效"
    listed = client.get("/api/v1/performance/consents").json()
    assert [c["grantee_name"] for c in listed] == [deal["insurer"].name]
    bad = client.post("/api/v1/performance/consents", {"grantee_id": deal["enterprise"].pk}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "performance_grantee_invalid"
    assert Membership.objects.filter(user=deal["licensee"]).exists()


def test_the_workspace_links_the_record_for_each_side(client, deal):
    client.force_login(deal["licensee"])
    page = client.get("/accounts/workspace/").content.decode()
    assert "本企业履约信用档案" in page and "履约信用档案共享授权" in page and "付款方式模拟" in page
    client.force_login(deal["insurer_user"])
    assert "企业授权查看的履约信用档案" in client.get("/accounts/workspace/").content.decode()
