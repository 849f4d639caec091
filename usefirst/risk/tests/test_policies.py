"""Applying, underwriting and the life of a policy: the consented pack, the insurer's decision,
the premium that starts cover, and one policy per risk of a contract and period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from usefirst.core.errors import Conflict, DomainError, Forbidden
from usefirst.risk import cover
from usefirst.risk.choices import PackPart, PolicyStatus
from usefirst.risk.models import Policy, PolicyEvent
from usefirst.risk.pack import pack_pdf

from .cover_builders import apply, bond_product, in_force, member, signed_licence

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_day():
    with time_machine.travel(dt.datetime(2026, 6, 15, 2, 0, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture
def contract(unit, enterprise, owner):
    return signed_licence(unit, enterprise, owner)


def test_the_unit_applies_with_the_parts_of_the_pack_it_consents_to(contract, owner):
    product, _ = bond_product()
    policy = apply(contract, product, owner, parts=[PackPart.CONTRACT, PackPart.PAYMENT_PLAN])
    assert policy.status == PolicyStatus.APPLIED
    assert policy.product == product
    assert "contract" in policy.pack and "payment_plan" in policy.pack
    assert "achievements" not in policy.pack  # not consented: not shared
    assert [line["amount"] for line in policy.pack["payment_plan"]["lines"]] == ["100000.00", "200000.00"]
    assert policy.consent_by == owner
    assert PolicyEvent.objects.get(subject=policy).event_type == "apply"
    pdf = pack_pdf(policy)
    assert pdf.startswith(b"%PDF")


def test_the_contract_terms_must_be_consented(contract, owner):
    product, _ = bond_product()
    with pytest.raises(DomainError) as refused:
        apply(contract, product, owner, parts=[PackPart.PAYMENT_PLAN])
    assert refused.value.code == "pack_consent_required"
    assert not Policy.objects.exists()


def test_only_a_party_of_the_contract_applies(contract, owner, province):
    product, underwriter = bond_product()
    with pytest.raises(Forbidden) as refused:
        cover.policy_apply(
            actor=underwriter,
            contract=contract,
            product=product,
            insured=contract.licensor,
            parts=["contract"],
            period_start="2026-06-15",
        )
    assert refused.value.code == "policy_not_insured"


def test_a_product_for_units_does_not_insure_the_enterprise(contract, enterprise):
    product, _ = bond_product()
    with pytest.raises(DomainError) as refused:
        cover.policy_apply(
            actor=member(enterprise),
            contract=contract,
            product=product,
            insured=enterprise,
            parts=["contract"],
            period_start="2026-06-15",
        )
    assert refused.value.code == "policy_insured_mismatch"


def test_the_insurer_issues_and_the_premium_paid_in_full_starts_cover(contract, owner):
    product, underwriter = bond_product()
    policy = apply(contract, product, owner)
    cover.policy_issue(actor=underwriter, policy=policy, number="PICC-1", premium="4320.00", cover="240000.00")
    policy.refresh_from_db()
    assert (policy.status, policy.number, policy.premium, policy.cover) == (
        PolicyStatus.ISSUED,
        "PICC-1",
        Decimal("4320.00"),
        Decimal("240000.00"),
    )
    cover.premium_record(actor=underwriter, policy=policy, paid_on="2026-06-15", amount="4000.00", voucher_number="A")
    policy.refresh_from_db()
    assert policy.status == PolicyStatus.ISSUED  # 320.00 still owed
    with pytest.raises(DomainError) as refused:
        cover.premium_record(actor=underwriter, policy=policy, paid_on="2026-06-15", amount="320.01", voucher_number="B")
    assert refused.value.code == "premium_overpaid"
    cover.premium_record(actor=underwriter, policy=policy, paid_on="2026-06-15", amount="320.00", voucher_number="B")
    policy.refresh_from_db()
    assert policy.status == PolicyStatus.IN_FORCE
    assert list(policy.events.values_list("event_type", flat=True)) == [
        "apply",
        "issue",
        "premium_paid",
        "premium_paid",
        "start",
    ]


def test_only_the_insurer_decides(contract, owner):
    product, _ = bond_product()
    policy = apply(contract, product, owner)
    with pytest.raises(Forbidden) as refused:
        cover.policy_issue(actor=owner, policy=policy, number="X", premium="1.00", cover="1.00")
    assert refused.value.code == "policy_not_underwriter"


def test_declined_with_reasons_and_more_information_asked(contract, owner):
    product, underwriter = bond_product()
    policy = apply(contract, product, owner)
    cover.policy_request_info(actor=underwriter, policy=policy, reason="请补充企业近两年财务报表")
    cover.policy_resubmit(actor=owner, policy=policy, note="已线下提交财务报表")
    cover.policy_decline(actor=underwriter, policy=policy, reason="企业资产负债率过高")
    policy.refresh_from_db()
    assert policy.status == PolicyStatus.DECLINED
    assert policy.events.get(event_type="decline").reason == "企业资产负债率过高"


def test_a_second_policy_on_the_same_risk_and_an_overlapping_period_is_refused(contract, owner):
    product, underwriter = bond_product()
    first = apply(contract, product, owner)
    other, _ = bond_product(name="另一家的履约保证保险")
    with pytest.raises(Conflict) as refused:
        apply(contract, other, owner, period_start="2027-06-14")  # the first runs to 2028-06-14
    assert refused.value.code == "policy_overlaps"
    assert Policy.objects.count() == 1
    # Once the first is declined, the risk is free again.
    cover.policy_decline(actor=underwriter, policy=first, reason="不予承保")
    assert apply(contract, other, owner, period_start="2027-06-14").status == PolicyStatus.APPLIED


def test_the_policy_keeps_its_version_when_a_new_one_is_published(contract, owner):
    from usefirst.risk import services

    product, underwriter = bond_product()
    policy = in_force(apply(contract, product, owner), underwriter)
    draft = services.product_new_version(actor=underwriter, product=product)
    assert draft.version == 2
    policy.refresh_from_db()
    assert policy.product_id == product.pk and policy.product.version == 1


def test_cover_ends_the_day_after_its_last_day(contract, owner):
    product, underwriter = bond_product()
    policy = in_force(apply(contract, product, owner), underwriter)
    assert cover.policies_advance(policy.period_end) == {"started": 0, "expired": 0}
    assert cover.policies_advance(policy.period_end + dt.timedelta(days=1)) == {"started": 0, "expired": 1}
    policy.refresh_from_db()
    assert policy.status == PolicyStatus.EXPIRED
