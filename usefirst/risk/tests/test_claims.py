"""Claims: offered by the platform when an installment of a covered contract is unpaid N days
after its due date (N from the product; N−1 days is not enough), opened by the insured within the
period and the cover, documents before assessment, the payout set against the unpaid items with
the payer and the recourse named, and never counted as the licensee's receipt."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from usefirst.core.errors import DomainError
from usefirst.finance import selectors as finance_selectors
from usefirst.finance.models import ScheduleLine
from usefirst.policy.models import ParameterVersion
from usefirst.risk import cover
from usefirst.risk.choices import ClaimOrigin, ClaimStatus, CoveredRisk
from usefirst.risk.claims import missing_documents
from usefirst.risk.models import Claim, CoverPayment

from .cover_builders import apply, bond_product, in_force, pdf, signed_licence

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def _frozen_day():
    with time_machine.travel(dt.datetime(2026, 6, 15, 2, 0, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture
def insured(unit, enterprise, owner):
    contract = signed_licence(unit, enterprise, owner)
    product, underwriter = bond_product()
    policy = in_force(apply(contract, product, owner), underwriter)
    first = ScheduleLine.objects.filter(plan__contract=contract).order_by("due_date").first()
    return {"contract": contract, "policy": policy, "underwriter": underwriter, "owner": owner, "line": first}


def test_an_installment_overdue_n_minus_1_days_opens_no_claim_and_n_days_opens_one(insured):
    due = insured["line"].due_date
    assert due == dt.date(2026, 7, 1)
    assert cover.offer_claims(due + dt.timedelta(days=29)) == 0  # N − 1 = 29 days overdue
    assert not Claim.objects.exists()
    assert cover.offer_claims(due + dt.timedelta(days=30)) == 1  # N = 30 days overdue
    claim = Claim.objects.get()
    assert (claim.origin, claim.risk, claim.status) == (ClaimOrigin.AUTOMATIC, CoveredRisk.PAYMENT_DEFAULT, ClaimStatus.OPENED)
    assert claim.trigger_line == insured["line"]
    assert claim.amount_claimed == D("100000.00")
    assert claim.occurred_on == due + dt.timedelta(days=1)
    # The platform's evidence is attached to the documents it holds.
    assert set(claim.documents.filter(by_platform=True).values_list("name", flat=True)) == {"合同文本", "平台到账记录"}
    assert missing_documents(claim) == ["催告函"]
    # Once per installment: the next day offers nothing more.
    assert cover.offer_claims(due + dt.timedelta(days=31)) == 0


def test_an_installment_paid_in_time_opens_no_claim(insured):
    from usefirst.finance.tests.helpers import record_confirmed

    with time_machine.travel(dt.datetime(2026, 7, 1, 2, 0, tzinfo=dt.UTC), tick=True):
        record_confirmed(
            actor=insured["owner"],
            contract=insured["contract"],
            received_on="2026-07-01",
            amount="100000.00",
            payer="企业",
            voucher_number="V1",
            idempotency_key="k1",
        )
    assert cover.offer_claims(dt.date(2026, 8, 15)) == 0


def test_a_claim_without_its_documents_cannot_be_assessed(insured):
    cover.offer_claims(dt.date(2026, 7, 31))
    claim = Claim.objects.get()
    with pytest.raises(DomainError) as refused:
        cover.claim_complete_documents(actor=insured["owner"], claim=claim)
    assert refused.value.code == "claim_documents_missing"
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.OPENED


def test_a_claim_beyond_the_cover_or_outside_the_period_is_refused(insured):
    policy = insured["policy"]
    with pytest.raises(DomainError) as refused:
        cover.claim_open(
            actor=insured["owner"],
            policy=policy,
            risk=CoveredRisk.PAYMENT_DEFAULT,
            occurred_on="2026-07-02",
            amount_claimed="240000.01",
            description="企业未付款",
        )
    assert refused.value.code == "claim_beyond_cover"
    with pytest.raises(DomainError) as refused:
        cover.claim_open(
            actor=insured["owner"],
            policy=policy,
            risk=CoveredRisk.PAYMENT_DEFAULT,
            occurred_on="2026-06-14",
            amount_claimed="1000.00",
            description="企业未付款",
        )
    assert refused.value.code == "claim_outside_period"
    with pytest.raises(DomainError) as refused:
        cover.claim_open(
            actor=insured["owner"],
            policy=policy,
            risk=CoveredRisk.IP_INFRINGEMENT,
            occurred_on="2026-07-02",
            amount_claimed="1000.00",
            description="侵权",
        )
    assert refused.value.code == "claim_risk_not_covered"
    assert not Claim.objects.exists()
    assert (
        cover.claim_open(
            actor=insured["owner"],
            policy=policy,
            risk=CoveredRisk.PAYMENT_DEFAULT,
            occurred_on="2026-06-15",
            amount_claimed="240000.00",
            description="企业未付款",
        ).status
        == ClaimStatus.OPENED
    )


def _paid_claim(insured, *, paid_on: str = "2026-08-10") -> Claim:
    cover.offer_claims(dt.date(2026, 7, 31))
    claim = Claim.objects.get()
    cover.claim_add_document(
        actor=insured["owner"], claim=claim, name="催告函", file=pdf("催告函.pdf"), note="2026-07-05 书面催告，EMS 1234 已签收"
    )
    cover.claim_complete_documents(actor=insured["owner"], claim=claim)
    # 100,000.00 − 2,000.00 − 10 % of 100,000.00 = 88,000.00
    cover.claim_assess(actor=insured["underwriter"], claim=claim, assessed_loss="100000.00")
    claim.refresh_from_db()
    assert claim.payout == D("88000.00")
    with time_machine.travel(dt.datetime(2026, 8, 10, 2, 0, tzinfo=dt.UTC), tick=True):
        cover.claim_pay(actor=insured["underwriter"], claim=claim, paid_on=paid_on)
    claim.refresh_from_db()
    return claim


def test_a_paid_claim_names_the_payer_on_the_installment_and_is_not_a_receipt(insured):
    claim = _paid_claim(insured)
    assert claim.status == ClaimStatus.PAID
    payment = CoverPayment.objects.get()
    assert payment.line == insured["line"]
    assert payment.payer == insured["policy"].provider
    assert payment.recourse_against == insured["contract"].licensee
    assert payment.amount == D("88000.00")
    assert payment.counts_as_received is False
    # The licensee's receipts, and so 实际到账, are unchanged.
    assert finance_selectors.received_for_contract(insured["contract"]) == D("0.00")
    cover.claim_subrogate(actor=insured["underwriter"], claim=claim, amount="88000.00", note="已向企业发出追偿通知")
    claim.refresh_from_db()
    assert (claim.status, claim.recourse_amount) == (ClaimStatus.SUBROGATED, D("88000.00"))
    assert [e.event_type for e in claim.events.order_by("pk")] == [
        "offer",
        "document_added",
        "complete_documents",
        "assess",
        "pay",
        "subrogate",
    ]


def test_the_policy_parameter_marks_payouts_as_counting(insured):
    ParameterVersion.objects.create(
        key="recognition_counts_cover_payments", value=True, effective_from=dt.date(2026, 8, 1), reason="试点"
    )
    claim = _paid_claim(insured)
    assert claim.payout_counts_as_received is True
    assert CoverPayment.objects.get().counts_as_received is True


def test_recourse_above_the_payout_is_refused(insured):
    claim = _paid_claim(insured)
    with pytest.raises(DomainError) as refused:
        cover.claim_subrogate(actor=insured["underwriter"], claim=claim, amount="88000.01", note="追偿")
    assert refused.value.code == "recourse_above_payout"


def test_a_declined_claim_gives_its_reasons_and_frees_the_cover(insured):
    cover.offer_claims(dt.date(2026, 7, 31))
    claim = Claim.objects.get()
    cover.claim_decline(actor=insured["underwriter"], claim=claim, reason="双方已协商一致延期付款")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DECLINED
    assert claim.events.get(event_type="decline").reason == "双方已协商一致延期付款"
    from usefirst.risk.claims import cover_left

    assert cover_left(insured["policy"]) == D("240000.00")


def test_recognition_counts_a_payout_only_when_the_parameter_said_so_when_it_was_paid(insured):
    from usefirst.contracts.models import ContractAchievement
    from usefirst.recognition.sources import CountingSettings, received_for_achievement

    settings = CountingSettings(only_use_first_contracts=False)
    link = ContractAchievement.objects.filter(contract=insured["contract"]).first()
    achievement = link.achievement
    _paid_claim(insured)
    with time_machine.travel(dt.datetime(2026, 8, 10, 2, 0, tzinfo=dt.UTC), tick=True):
        assert received_for_achievement(achievement, on=dt.date(2026, 8, 10), settings=settings).amount == D("0.00")
        CoverPayment.objects.update(counts_as_received=True)  # as if the parameter had been on that day
        counted = received_for_achievement(achievement, on=dt.date(2026, 8, 10), settings=settings).amount
    assert counted == D("88000.00") * link.price_share / 100


def test_a_payout_on_the_licensees_behalf_enters_its_performance_record_with_the_recourse(insured):
    from usefirst.performance.selectors import claim_entries

    licensee = insured["contract"].licensee
    far = dt.date(2100, 1, 1)
    assert claim_entries(licensee, on=far) == []
    claim = _paid_claim(insured)
    [entry] = claim_entries(licensee, on=far)
    assert entry.amount == D("88000.00") and entry.label == f"{insured['policy'].provider.name}代为赔付"
    assert "追偿" not in entry.detail
    cover.claim_subrogate(actor=insured["underwriter"], claim=claim, amount="88000.00", note="已向企业发出追偿通知")
    [entry] = claim_entries(licensee, on=far)
    assert "已登记追偿 88,000.00 元：已向企业发出追偿通知" in entry.detail
    assert claim_entries(insured["contract"].licensor, on=far) == []  # only the licensee's record
