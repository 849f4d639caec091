"""The grant to the inventors (赋予所有权 / 赋予长期使用权) is a term of a cooperate_later contract:
chosen at drafting, stated in its text and PDF, carried to its follow-ons, and it decides the
inventors' floor in every distribution (docs/domain.md, rule 1)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from usefirst.contracts import services
from usefirst.contracts.models import Contract, ContractKind, InventorGrant, Mode
from usefirst.core.dates import today
from usefirst.core.errors import DomainError
from usefirst.finance import services as finance
from usefirst.finance.models import Distribution
from usefirst.finance.tests.helpers import record_confirmed

from .conftest import DraftPages, draft, free_use_terms, sign_all
from .pdf_reading import page_texts


def pdf_text(contract: Contract) -> str:
    # PDFium reads fpdf2's two-byte glyph codes; pypdf reads them byte by byte, which holds only
    # while a document uses fewer than 256 distinct characters.
    text = "".join(page_texts(services.current_document(contract).file.read(), with_signatures=False))
    return text.replace(" ", "").replace("\r", "").replace("\n", "")


def test_a_cooperate_later_contract_states_the_ownership_granted_in_its_text_and_pdf(owner, unit, enterprise, achievement):
    contract = draft(owner, unit, enterprise, achievement, mode=Mode.COOPERATE_LATER, inventor_grant=InventorGrant.OWNERSHIP)
    assert contract.inventor_grant == InventorGrant.OWNERSHIP
    assert contract.template.version == 2
    text = services.contract_text(contract)
    assert "甲方已依法赋予所有权给本成果的完成人" in text and "不低于百分之七十" in text
    assert "赋予所有权给本成果的完成人" in pdf_text(contract)
    assert contract.events.get(to_status="drafted").payload["inventor_grant"] == "ownership"


def test_without_a_grant_the_text_says_the_units_rules_apply(owner, unit, enterprise, achievement):
    contract = draft(owner, unit, enterprise, achievement, mode=Mode.COOPERATE_LATER)
    assert contract.inventor_grant == InventorGrant.NONE
    text = services.contract_text(contract)
    assert "未约定赋予成果完成人所有权或者长期使用权" in text and "百分之五十" in text


def test_a_grant_is_refused_outside_use_first_cooperate_later(owner, unit, enterprise, achievement):
    with pytest.raises(DomainError) as exc:
        draft(owner, unit, enterprise, achievement, mode=Mode.PAY_LATER, inventor_grant=InventorGrant.LONG_TERM_USE)
    assert exc.value.code == "grant_not_applicable"
    assert exc.value.field_errors["inventor_grant"]
    assert not Contract.objects.exists()


def test_the_database_refuses_a_grant_on_a_pay_later_contract(owner, unit, enterprise, achievement):
    contract = draft(owner, unit, enterprise, achievement)
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.filter(pk=contract.pk).update(inventor_grant=InventorGrant.OWNERSHIP)


def test_follow_ons_carry_the_grant_and_their_income_has_the_70_percent_floor(
    platform_ca, owner, unit, enterprise, achievement, licensee_signer
):
    parent = draft(owner, unit, enterprise, achievement, mode=Mode.COOPERATE_LATER, inventor_grant=InventorGrant.LONG_TERM_USE)
    parent = sign_all(parent, owner, licensee_signer)
    with pytest.raises(DomainError) as exc:
        draft(
            owner, unit, enterprise, achievement, kind=ContractKind.LICENCE, mode="", parent_id=parent.pk,
            price=Decimal("300000"), inventor_grant=InventorGrant.OWNERSHIP,
        )  # fmt: skip
    assert exc.value.code == "grant_differs_from_parent"
    follow_on = draft(
        owner, unit, enterprise, achievement, kind=ContractKind.LICENCE, mode="", parent_id=parent.pk, price=Decimal("300000")
    )
    assert follow_on.mode == Mode.COOPERATE_LATER and follow_on.inventor_grant == InventorGrant.LONG_TERM_USE
    follow_on = sign_all(follow_on, owner, licensee_signer)
    record_confirmed(
        actor=owner, contract=follow_on, received_on=today(), amount="100000.00",
        payer=enterprise.name, voucher_number="V-1", idempotency_key="grant-1",
    )  # fmt: skip
    with pytest.raises(DomainError) as refused:
        finance.distribution_create(actor=owner, contract=follow_on, inventor_pct="60", unit_pct="40")
    assert refused.value.code == "below_inventor_floor"
    assert not Distribution.objects.exists()
    distribution = finance.distribution_create(actor=owner, contract=follow_on, inventor_pct="70", unit_pct="30")
    assert distribution.grant == InventorGrant.LONG_TERM_USE


def test_the_drafting_steps_take_the_grant_and_the_contract_page_shows_it(client, owner, unit, enterprise, published):
    client.force_login(owner)
    pages = DraftPages(client)
    pages.post("kind", {"kind": "free_use_licence", "mode": "cooperate_later", "achievement": published.pk})
    pages.post("terms", free_use_terms(free_use_end=today().replace(year=today().year + 1).isoformat()))
    parties = pages.get("parties").content.decode()
    assert "对成果完成人的赋权" in parties and "赋予长期使用权" in parties
    pages.post(
        "parties", {"licensor": unit.pk, "licensee_credit_code": enterprise.credit_code, "inventor_grant": "long_term_use"}
    )
    assert "赋予长期使用权" in pages.get("review").content.decode()
    assert pages.post("review", {}, action="save").status_code == 302
    contract = Contract.objects.get()
    assert contract.inventor_grant == InventorGrant.LONG_TERM_USE
    page = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    assert "对成果完成人的赋权：<strong>赋予长期使用权</strong>" in page
    assert "甲方已依法赋予长期使用权给本成果的完成人" in page


def test_the_grant_is_offered_only_for_cooperate_later_and_a_crafted_one_is_not_taken(client, owner, unit, enterprise, published):
    client.force_login(owner)
    pages = DraftPages(client)
    pages.post("kind", {"kind": "free_use_licence", "mode": "pay_later", "achievement": published.pk})
    pages.post("terms", free_use_terms())
    assert "对成果完成人的赋权" not in pages.get("parties").content.decode()
    pages.post("parties", {"licensor": unit.pk, "licensee_credit_code": enterprise.credit_code, "inventor_grant": "ownership"})
    assert pages.post("review", {}, action="save").status_code == 302
    assert Contract.objects.get().inventor_grant == InventorGrant.NONE


def test_the_api_drafts_with_a_grant_and_reports_it(client, owner, unit, enterprise, achievement):

    client.force_login(owner)
    payload = {
        "kind": "free_use_licence", "mode": "cooperate_later", "licensor_id": unit.pk, "licensee_id": enterprise.pk,
        "achievements": [{"achievement_id": achievement.pk}], "scope": "生产使用", "inventor_grant": "ownership",
        "free_use_start": str(today()), "free_use_end": str(today()),
    }  # fmt: skip
    created = client.post("/api/v1/contracts", payload, content_type="application/json")
    assert created.status_code == 201 and created.json()["inventor_grant"] == "ownership"
    payload["inventor_grant"] = "everything"
    refused = client.post("/api/v1/contracts", payload, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "validation_failed"


def test_the_drafting_steps_still_require_a_licensee_outside_a_preliminary_agreement(client, owner, unit, published):
    client.force_login(owner)
    pages = DraftPages(client)
    pages.post("kind", {"kind": "free_use_licence", "mode": "cooperate_later", "achievement": published.pk})
    pages.post("terms", free_use_terms())
    response = pages.post("parties", {"licensor": unit.pk, "inventor_grant": "none"})
    assert response.status_code == 400
    assert '<a href="#id_licensee_credit_code">请填写“被许可方（企业）统一社会信用代码”</a>' in response.content.decode()
    assert not Contract.objects.exists()
