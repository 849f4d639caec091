"""An inventor as licensor under a simplified-procedure preliminary agreement (简约程序预先协议):
drafted on the page and through the API while the agreement is signed and in its term and
covers the achievement; refused otherwise; the receipts of such a contract count once the unit
confirms them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from usefirst.catalog.tests.factories import make_achievement
from usefirst.contracts import services
from usefirst.contracts.models import Contract, ContractKind, ContractParty, ContractStatus
from usefirst.core.dates import today
from usefirst.core.errors import DomainError
from usefirst.core.testing import make_user
from usefirst.finance import selectors as finance_selectors
from usefirst.finance.models import Receipt

from .conftest import DraftPages, draft, draft_data, free_use_terms, publish, sign_all


@pytest.fixture
def inventor(achievement):
    person = achievement.inventors.first().person
    person.user = make_user(None)
    person.save()
    return person


@pytest.fixture
def agreement(platform_ca, owner, unit, enterprise, achievement, inventor):
    contract = draft(
        owner, unit, enterprise, achievement, kind=ContractKind.PRELIMINARY_AGREEMENT, mode="", licensee_id=None,
        inventor_person_ids=[inventor.pk], term_end=today() + dt.timedelta(days=180),
    )  # fmt: skip
    return sign_all(contract, owner, inventor.user)


def draft_as_inventor(client, enterprise, achievement, agreement):
    """The inventor drafts through the steps from the agreement's page; the save's answer."""
    publish(achievement)
    pages = DraftPages(client, f"?agreement={agreement.pk}")
    return pages.through(
        {"kind": "free_use_licence", "mode": "pay_later", "achievement": achievement.pk},
        free_use_terms(),
        {"preliminary_agreement": agreement.pk, "licensee_credit_code": enterprise.credit_code},
    )


def test_the_inventor_drafts_on_the_page_as_licensor_and_the_unit_confirms_the_receipts(
    client, agreement, inventor, owner, unit, enterprise, achievement, licensee_signer
):
    assert agreement.status == ContractStatus.SIGNED
    client.force_login(inventor.user)
    publish(achievement)
    pages = DraftPages(client, f"?agreement={agreement.pk}")
    pages.post("kind", {"kind": "free_use_licence", "mode": "pay_later", "achievement": achievement.pk})
    pages.post("terms", free_use_terms())
    form = pages.get("parties").content.decode()
    assert agreement.number in form and "作为许可方的成果完成人" in form
    assert re.search(rf'value="{agreement.pk}"[^>]*selected', form)  # the agreement it was started from
    pages.post("parties", {"preliminary_agreement": agreement.pk, "licensee_credit_code": enterprise.credit_code})
    response = pages.post("review", {}, action="save")
    assert response.status_code == 302
    contract = Contract.objects.get(kind=ContractKind.FREE_USE_LICENCE)
    assert contract.licensor_person == inventor and contract.preliminary_agreement == agreement
    assert contract.licensor == unit  # the unit confirms the receipts
    assert [(p.role, p.person_id or p.organisation_id) for p in contract.parties.all()] == [
        (ContractParty.Role.LICENSOR, inventor.pk),
        (ContractParty.Role.LICENSEE, enterprise.pk),
    ]
    page = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    assert f"许可方为成果完成人 {inventor.full_name}" in page and agreement.number in page
    assert inventor.full_name in services.contract_text(contract)

    contract = sign_all(contract, inventor.user, licensee_signer)
    assert contract.status == ContractStatus.FREE_USE
    recorded = client.post(
        reverse("finance:receipt_create", args=[contract.pk]),
        {"received_on": today().isoformat(), "amount": "8000.00", "payer": enterprise.name, "voucher_number": "INV-1",
         "idempotency_key": "inventor-licensor-1"},
        follow=True,
    )  # fmt: skip
    assert "待成果单位确认" in recorded.content.decode()
    receipt = Receipt.objects.get(contract=contract)
    assert not receipt.is_confirmed and finance_selectors.received_for_contract(contract) == 0
    assert client.post(reverse("finance:receipt_confirm", args=[receipt.pk])).status_code in (302, 403)
    assert finance_selectors.received_for_contract(contract) == 0  # the inventor cannot confirm his own receipt
    client.force_login(owner)
    confirmed = client.post(reverse("finance:receipt_confirm", args=[receipt.pk]), follow=True)
    assert "已确认到账" in confirmed.content.decode()
    assert finance_selectors.received_for_contract(contract) == 8000


def test_the_unit_drafts_the_preliminary_agreement_on_the_page(client, platform_ca, owner, unit, achievement, inventor):
    client.force_login(owner)
    publish(achievement)
    response = DraftPages(client).through(
        {"kind": "preliminary_agreement", "achievement": achievement.pk},
        {"term_end": (today() + dt.timedelta(days=365)).isoformat(), "extra_terms": "自行转化"},
        {"licensor": unit.pk, "inventors": [inventor.pk]},
    )
    assert response.status_code == 302, response.content.decode()
    agreement = Contract.objects.get(kind=ContractKind.PRELIMINARY_AGREEMENT)
    assert [p.person_id for p in agreement.parties.filter(role=ContractParty.Role.INVENTOR)] == [inventor.pk]
    assert inventor.full_name in services.contract_text(agreement)


def test_drafting_under_an_ended_agreement_is_refused_on_the_page(client, agreement, inventor, owner, enterprise, achievement):
    services.contract_end(actor=owner, contract=agreement, reason="启动权属分割，预先协议终止")
    client.force_login(inventor.user)
    response = draft_as_inventor(client, enterprise, achievement, agreement)
    assert response.status_code == 400
    text = response.content.decode()
    assert f"预先协议 {agreement.number} 已终止" in text and 'href="#id_preliminary_agreement"' in text
    assert not Contract.objects.filter(kind=ContractKind.FREE_USE_LICENCE).exists()


def test_drafting_after_the_agreement_term_is_refused(agreement, inventor, unit, enterprise, achievement):
    data = draft_data(
        unit, enterprise, achievement, licensor_id=None, licensor_person_id=inventor.pk,
        preliminary_agreement_id=agreement.pk,
    )  # fmt: skip
    after = dt.datetime.combine(agreement.term_end + dt.timedelta(days=1), dt.time(4, 0), tzinfo=dt.UTC)
    with time_machine.travel(after), pytest.raises(DomainError) as exc:
        data.free_use_start = data.free_use_end = today()
        services.contract_draft(actor=inventor.user, data=data)
    assert exc.value.code == "agreement_expired"


def test_the_api_refuses_an_achievement_the_agreement_does_not_cover(client, agreement, inventor, owner, unit, enterprise):
    other = make_achievement(unit, owner, title="协议范围外的成果")
    client.force_login(inventor.user)
    payload = {
        "kind": "free_use_licence", "mode": "pay_later", "licensor_person_id": inventor.pk,
        "preliminary_agreement_id": agreement.pk, "licensee_id": enterprise.pk,
        "achievements": [{"achievement_id": other.pk}], "scope": "生产使用",
        "free_use_start": str(today()), "free_use_end": str(today() + dt.timedelta(days=30)),
    }  # fmt: skip
    refused = client.post("/api/v1/contracts", payload, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "achievement_not_in_agreement"
    assert "协议范围外的成果" in refused.json()["detail"]
    payload["achievements"] = [{"achievement_id": agreement.achievements.get().achievement_id}]
    created = client.post("/api/v1/contracts", payload, content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert body["licensor_person_id"] == inventor.pk and body["preliminary_agreement_id"] == agreement.pk


def test_only_an_inventor_party_to_a_signed_agreement_may_be_the_licensor(
    platform_ca, owner, unit, enterprise, achievement, inventor
):
    unsigned = draft(
        owner, unit, enterprise, achievement, kind=ContractKind.PRELIMINARY_AGREEMENT, mode="", licensee_id=None,
        inventor_person_ids=[inventor.pk], term_end=today() + dt.timedelta(days=30),
    )  # fmt: skip
    data = draft_data(
        unit, enterprise, achievement, licensor_id=None, licensor_person_id=inventor.pk,
        preliminary_agreement_id=unsigned.pk,
    )  # fmt: skip
    with pytest.raises(DomainError) as exc:
        services.contract_draft(actor=inventor.user, data=data)
    assert exc.value.code == "agreement_not_signed"
    signed = sign_all(unsigned, owner, inventor.user)
    stranger = make_achievement(unit, owner, title="另一成果").inventors.first().person
    data.preliminary_agreement_id, data.licensor_person_id = signed.pk, stranger.pk
    with pytest.raises(DomainError) as not_party:
        services.contract_draft(actor=owner, data=data)
    assert not_party.value.code == "not_in_agreement"
