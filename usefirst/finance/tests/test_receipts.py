import datetime as dt
from decimal import Decimal

import pytest

from usefirst.core.errors import Conflict, DomainError, Forbidden
from usefirst.finance import selectors, services
from usefirst.finance.models import FinanceEvent, Receipt, ReceiptAllocation

from .helpers import cooperate_later_pair, licence_for, payer_of, record_confirmed


def record(contract, owner, amount="1000.00", key="k-1", day="2026-06-01", **extra):
    """Recorded by the unit and confirmed by the payer (test_receipt_confirmation has the rule)."""
    return record_confirmed(
        actor=owner,
        contract=contract,
        received_on=day,
        amount=amount,
        payer="韶关测试科技有限公司",
        voucher_number=f"V-{key}",
        idempotency_key=key,
        **extra,
    )


def test_the_unit_records_a_receipt_and_the_amount_received_is_derived_from_confirmed_receipts(contract, owner):
    receipt, created = services.receipt_record(
        actor=owner, contract=contract, received_on="2026-06-01", amount="1000.00", payer="企业", voucher_number="V001",
        idempotency_key="k-1",
    )  # fmt: skip
    assert created and not receipt.is_confirmed
    assert selectors.received_for_contract(contract) == Decimal("0.00")
    services.receipt_confirm(actor=payer_of(contract), receipt=receipt)
    assert selectors.received_for_contract(contract) == Decimal("1000.00")
    assert FinanceEvent.objects.filter(subject=contract, event_type="receipt_record", to_status="pending").count() == 1


@pytest.mark.parametrize(
    ("amount", "code"), [("-1.00", "amount_not_positive"), ("0", "amount_not_positive"), ("10.001", "amount_too_precise")]
)
def test_it_refuses_negative_zero_and_over_precise_receipts(contract, owner, amount, code):
    with pytest.raises(DomainError) as exc:
        record(contract, owner, amount=amount)
    assert exc.value.code == code
    assert not Receipt.objects.exists()


def test_it_refuses_a_receipt_dated_before_the_contract_was_signed(contract, owner):
    with pytest.raises(DomainError) as exc:
        record(contract, owner, day="2026-03-01")  # signed 2026-03-02
    assert exc.value.code == "receipt_before_signing"
    record(contract, owner, day="2026-03-02")  # the signing day itself counts


def test_it_refuses_a_receipt_dated_in_the_future(contract, owner):
    with pytest.raises(DomainError) as exc:
        record(contract, owner, day="2026-06-16")
    assert exc.value.code == "receipt_in_future"


def test_it_refuses_a_receipt_on_an_unsigned_contract(unit, enterprise, owner):
    unsigned = licence_for(unit, enterprise, owner, signed=False)
    with pytest.raises(DomainError) as exc:
        record(unsigned, owner)
    assert exc.value.code == "contract_not_signed"


def test_the_licensee_cannot_record_a_receipt(contract, licensee_user):
    with pytest.raises(Forbidden):
        record(contract, licensee_user)


def test_the_same_key_twice_gives_one_row(contract, owner):
    first, created1 = record(contract, owner)
    second, created2 = record(contract, owner)
    assert created1 and not created2
    assert first.pk == second.pk
    assert Receipt.objects.count() == 1
    assert selectors.received_for_contract(contract) == Decimal("1000.00")


def test_the_same_key_with_a_different_payload_is_an_error(contract, owner):
    record(contract, owner)
    with pytest.raises(Conflict) as exc:
        record(contract, owner, amount="1000.01")
    assert exc.value.code == "idempotency_key_reused"
    assert Receipt.objects.count() == 1


def test_a_receipt_is_allocated_to_achievements_pro_rata_and_sums_exactly(two_achievement_contract, owner):
    record(two_achievement_contract, owner, amount="100.00")
    record(two_achievement_contract, owner, amount="0.01", key="k-2")
    links = list(two_achievement_contract.achievements.order_by("position"))
    a, b = (selectors.received_for_achievement(link.achievement_id) for link in links)
    # 33.33 % / 66.67 % of 100.00 → 33.33 + 66.67; the single fen goes to the larger remainder (66.67 % of 0.01)
    assert a + b == Decimal("100.01")
    assert (a, b) == (Decimal("33.33"), Decimal("66.68"))
    assert sum(r.amount for r in ReceiptAllocation.objects.all()) == Decimal("100.01")


def test_a_reversal_is_a_negative_entry_linked_to_the_original(contract, owner):
    original, _ = record(contract, owner)
    reversal, created = services.receipt_reverse(
        actor=owner, original=original, reason="付款方退回", idempotency_key="r-1", amount="400.00"
    )
    assert created and reversal.amount == Decimal("-400.00") and reversal.reverses_id == original.pk
    assert selectors.received_for_contract(contract) == Decimal("600.00")
    link = contract.achievements.get()
    assert selectors.received_for_achievement(link.achievement_id) == Decimal("600.00")
    original.refresh_from_db()
    assert original.amount == Decimal("1000.00")  # never edited


def test_a_reversal_cannot_exceed_what_is_left_of_the_original(contract, owner):
    original, _ = record(contract, owner)
    services.receipt_reverse(actor=owner, original=original, reason="部分退回", idempotency_key="r-1", amount="600.00")
    with pytest.raises(DomainError) as exc:
        services.receipt_reverse(actor=owner, original=original, reason="再次退回", idempotency_key="r-2", amount="400.01")
    assert exc.value.code == "reversal_exceeds_original"


def test_partial_reversals_keep_each_achievement_at_its_pro_rata_share(two_achievement_contract, owner):
    original, _ = record(two_achievement_contract, owner, amount="0.03")
    for n in range(3):
        services.receipt_reverse(actor=owner, original=original, reason="退回", idempotency_key=f"r-{n}", amount="0.01")
    for link in two_achievement_contract.achievements.all():
        assert selectors.received_for_achievement(link.achievement_id) == 0


def test_an_inventor_licensor_receipt_counts_only_once_the_unit_confirms_it(unit, enterprise, owner):
    from usefirst.core.testing import make_user
    from usefirst.tests.factories import AchievementFactory, inventor_licensed

    from .helpers import SIGNED_ON

    achievement = AchievementFactory(unit=unit, actor=owner)
    inventor_user = make_user()
    contract = inventor_licensed(achievement, licensee=enterprise, actor=owner, inventor=inventor_user, signed_on=SIGNED_ON)
    receipt, _ = services.receipt_record(
        actor=inventor_user,
        contract=contract,
        received_on="2026-06-01",
        amount="500",
        payer="企业",
        voucher_number="V9",
        idempotency_key="inv-1",
    )
    assert not receipt.is_confirmed
    assert selectors.received_for_contract(contract) == 0
    assert selectors.received_for_achievement(achievement.pk) == 0
    services.receipt_confirm(actor=owner, receipt=receipt)
    assert selectors.received_for_contract(contract) == Decimal("500.00")
    assert selectors.received_for_achievement(achievement.pk) == Decimal("500.00")


def test_receipts_of_the_first_cooperation_project_are_counted_for_the_parent(unit, enterprise, owner):
    parent, first = cooperate_later_pair(unit, enterprise, owner)
    assert first.is_first_cooperation
    record(first, owner, amount="250000.00")
    assert selectors.received_for_first_cooperation(parent) == Decimal("250000.00")


def test_a_receipt_dated_on_a_day_before_the_period_cannot_be_reversed_earlier(contract, owner):
    original, _ = record(contract, owner, day="2026-06-10")
    with pytest.raises(DomainError) as exc:
        services.receipt_reverse(actor=owner, original=original, reason="x", idempotency_key="r", received_on=dt.date(2026, 6, 9))
    assert exc.value.code == "dates_out_of_order"


def test_a_retried_full_reversal_returns_the_first_one(contract, owner):
    original, _ = record(contract, owner)
    first, created1 = services.receipt_reverse(actor=owner, original=original, reason="全额退回", idempotency_key="r-full")
    again, created2 = services.receipt_reverse(actor=owner, original=original, reason="全额退回", idempotency_key="r-full")
    assert created1 and not created2 and first.pk == again.pk
    assert selectors.received_for_contract(contract) == 0
    with pytest.raises(DomainError) as exc:
        services.receipt_reverse(actor=owner, original=original, reason="再退", idempotency_key="r-new")
    assert exc.value.code == "reversal_exceeds_original"


def test_a_licensee_replaying_a_known_key_is_still_refused(contract, owner, licensee_user):
    record(contract, owner)
    with pytest.raises(Forbidden):
        record(contract, licensee_user)
