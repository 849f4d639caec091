from decimal import Decimal

import pytest

from usefirst.core.errors import DomainError, IllegalTransition
from usefirst.finance import selectors, services
from usefirst.finance.models import Distribution, DistributionLine, FinanceEvent, GuidanceFundEntry, Receipt
from usefirst.finance.tests.helpers import record_confirmed
from usefirst.policy.models import ParameterVersion

from .helpers import cooperate_later_pair, licence_for, under_cooperate_later


def receive(contract, owner, amount="100000.00", key="k-1", day="2026-06-01"):
    return record_confirmed(
        actor=owner,
        contract=contract,
        received_on=day,
        amount=amount,
        payer="企业",
        voucher_number=f"V-{key}",
        idempotency_key=key,
    )[0]


def distribute(contract, owner, inventor="70", unit_pct="20", fund="10", **extra):
    return services.distribution_create(
        actor=owner, contract=contract, inventor_pct=inventor, unit_pct=unit_pct, fund_pct=fund, **extra
    )


def test_it_refuses_an_inventor_share_of_69_99_percent_for_pay_later(contract, owner):
    receive(contract, owner)
    with pytest.raises(DomainError) as exc:
        distribute(contract, owner, inventor="69.99", unit_pct="20.01")
    assert exc.value.code == "below_inventor_floor"
    assert "70.00%" in exc.value.detail
    assert not Distribution.objects.exists()


def test_it_accepts_exactly_70_percent(contract, owner):
    receive(contract, owner)
    distribution = distribute(contract, owner)
    assert distribution.inventors_total == Decimal("70000.00")
    assert distribution.warning == ""


def test_it_allows_100_percent_for_the_inventors(contract, owner):
    receive(contract, owner)
    distribution = distribute(contract, owner, inventor="100", unit_pct="0", fund="0")
    assert distribution.inventors_total == distribution.net_income == Decimal("100000.00")


def test_the_floor_comes_from_the_policy_parameter(contract, owner, provincial_admin):
    import datetime as dt

    ParameterVersion.objects.create(
        key="inventor_share_floor", value="0.80", effective_from=dt.date(2026, 2, 1), changed_by=provincial_admin, reason="测试"
    )
    receive(contract, owner)
    with pytest.raises(DomainError):
        distribute(contract, owner, inventor="75", unit_pct="25", fund="0")


@pytest.mark.parametrize("grant", ["ownership", "long_term_use"])
def test_cooperate_later_with_a_grant_in_the_contract_has_the_70_percent_floor(unit, enterprise, owner, grant):
    contract = under_cooperate_later(unit, enterprise, owner, grant=grant)
    receive(contract, owner)
    with pytest.raises(DomainError) as exc:
        distribute(contract, owner, inventor="69.99", unit_pct="30.01", fund="0")
    assert exc.value.code == "below_inventor_floor"
    assert not Distribution.objects.exists()
    distribution = distribute(contract, owner, inventor="70", unit_pct="30", fund="0")
    assert distribution.grant == grant and distribution.warning == ""


def test_the_grant_is_taken_from_the_contract_and_cannot_be_chosen_per_distribution(unit, enterprise, owner):
    contract = under_cooperate_later(unit, enterprise, owner)
    receive(contract, owner)
    with pytest.raises(DomainError) as exc:
        distribute(contract, owner, inventor="75", unit_pct="25", fund="0", grant="ownership")
    assert exc.value.code == "grant_is_a_contract_term"
    assert not Distribution.objects.exists()
    distribution = distribute(contract, owner, inventor="75", unit_pct="25", fund="0", grant="none")
    assert distribution.grant == "none"


def test_a_follow_on_under_cooperate_later_keeps_the_floor_of_its_contract(unit, enterprise, owner):
    _parent, follow_on = cooperate_later_pair(unit, enterprise, owner, grant="ownership")
    receive(follow_on, owner)
    with pytest.raises(DomainError) as exc:
        distribute(follow_on, owner, inventor="60", unit_pct="40", fund="0")
    assert exc.value.code == "below_inventor_floor"


def test_cooperate_later_without_a_grant_warns_under_the_statutory_50_percent(unit, enterprise, owner):
    contract = under_cooperate_later(unit, enterprise, owner)
    receive(contract, owner)
    distribution = distribute(contract, owner, inventor="40", unit_pct="50", fund="10")
    assert "50.00%" in distribution.warning
    assert FinanceEvent.objects.filter(event_type="distribution_create", to_status="computed", reason__contains="50.00%").exists()


def test_net_income_deducts_declared_costs_and_each_part_is_exact_to_the_fen(unit, enterprise, owner):
    contract = licence_for(unit, enterprise, owner, "50", "50")
    receive(contract, owner, amount="100000.01")
    distribution = distribute(contract, owner, taxes="6000.00", fees="1000.00", conversion_costs="0.01")
    assert distribution.net_income == Decimal("93000.00")
    lines = list(DistributionLine.objects.filter(distribution=distribution))
    assert sum(x.amount for x in lines) == distribution.net_income
    inventors = [x for x in lines if x.recipient == "inventor"]
    assert len(inventors) == 4  # two achievements, two inventors each
    assert sum(x.amount for x in inventors) == distribution.inventors_total == Decimal("65100.00")


def test_costs_above_receipts_give_zero_net_income_and_carry_the_shortfall(contract, owner):
    receive(contract, owner, amount="1000.00")
    first = distribute(contract, owner, conversion_costs="1500.00")
    assert first.net_income == 0 and first.carry_forward == Decimal("-500.00")
    receive(contract, owner, amount="2000.00", key="k-2")
    second = distribute(contract, owner)
    assert second.carried_in == Decimal("-500.00")
    assert second.net_income == Decimal("1500.00")


def test_a_receipt_is_distributed_only_once(contract, owner):
    receive(contract, owner)
    distribute(contract, owner)
    with pytest.raises(DomainError) as exc:
        distribute(contract, owner)
    assert exc.value.code == "nothing_to_distribute"


def test_a_reversal_after_a_paid_distribution_is_carried_into_the_next_one(contract, owner):
    original = receive(contract, owner, amount="10000.00")
    first = distribute(contract, owner)
    services.distribution_pay(actor=owner, distribution=first)
    services.receipt_reverse(actor=owner, original=original, reason="部分退款", idempotency_key="r-1", amount="2000.00")
    receive(contract, owner, amount="5000.00", key="k-2")
    second = distribute(contract, owner)
    assert second.adjustment == Decimal("-2000.00")
    assert second.received == Decimal("5000.00")
    assert second.net_income == Decimal("3000.00")
    assert selectors.received_for_contract(contract) == Decimal("13000.00")


def test_a_reversal_of_a_receipt_in_an_unpaid_distribution_is_refused_until_it_is_cancelled(contract, owner):
    original = receive(contract, owner)
    first = distribute(contract, owner)
    with pytest.raises(DomainError) as exc:
        services.receipt_reverse(actor=owner, original=original, reason="x", idempotency_key="r-1")
    assert exc.value.code == "receipt_in_unpaid_distribution"
    services.distribution_cancel(actor=owner, distribution=first, reason="到账有误")
    services.receipt_reverse(actor=owner, original=original, reason="x", idempotency_key="r-1")
    assert selectors.received_for_contract(contract) == 0


def test_paying_a_distribution_books_the_guidance_fund_and_a_paid_one_cannot_be_cancelled(contract, owner, unit):
    receive(contract, owner)
    distribution = services.distribution_pay(actor=owner, distribution=distribute(contract, owner))
    assert selectors.fund_balance(unit) == Decimal("10000.00")
    assert GuidanceFundEntry.objects.get().distribution_id == distribution.pk
    with pytest.raises(IllegalTransition):
        services.distribution_cancel(actor=owner, distribution=distribution, reason="x")
    with pytest.raises(IllegalTransition):
        services.distribution_pay(actor=owner, distribution=distribution)


def test_the_guidance_fund_cannot_be_overspent(contract, owner, unit):
    receive(contract, owner)
    services.distribution_pay(actor=owner, distribution=distribute(contract, owner))
    services.fund_spend(actor=owner, unit=unit, amount="4000.00", memo="奖励转化人员")
    with pytest.raises(DomainError) as exc:
        services.fund_spend(actor=owner, unit=unit, amount="6000.01", memo="超支")
    assert exc.value.code == "fund_insufficient"
    assert selectors.fund_balance(unit) == Decimal("6000.00")


def test_the_equity_variant_records_percentages_and_no_cash(contract, owner):
    distribution = services.distribution_create(
        actor=owner, contract=contract, variant="equity", inventor_pct="70", unit_pct="30", fund_pct="0", shared_pct="20"
    )
    lines = list(distribution.lines.all())
    inventors = [x for x in lines if x.recipient == "inventor"]
    assert sum(x.percent for x in inventors) == Decimal("14.0000")
    assert [x.percent for x in lines if x.recipient == "unit"] == [Decimal("6.0000")]
    assert all(x.amount is None for x in lines)


def test_percentages_not_summing_to_100_are_refused(contract, owner):
    receive(contract, owner)
    with pytest.raises(DomainError) as exc:
        distribute(contract, owner, inventor="70", unit_pct="20", fund="5")
    assert exc.value.code == "percentages_not_100"


def test_a_receipt_with_its_distribution_in_one_request_is_refused_until_the_payer_confirms(contract, owner):
    with pytest.raises(DomainError) as refused:
        services.receipt_record_and_distribute(
            actor=owner,
            contract=contract,
            receipt={
                "received_on": "2026-06-01",
                "amount": "5000.00",
                "payer": "企业",
                "voucher_number": "V1",
                "idempotency_key": "tx-1",
            },
            distribution={"inventor_pct": "70", "unit_pct": "20", "fund_pct": "10"},
        )
    assert refused.value.code == "receipt_awaits_confirmation"
    # One transaction: the refused request leaves neither the receipt nor anything else.
    assert not Receipt.objects.exists()
    assert not Distribution.objects.exists()
    assert not FinanceEvent.objects.exists()


def test_an_inventor_sees_their_own_distribution_lines_only(contract, owner):
    from usefirst.core.permissions import Action, restrict
    from usefirst.core.testing import make_user

    link = contract.achievements.get()
    inventor = link.achievement.inventors.order_by("position").first()
    user = make_user()
    inventor.person.user = user
    inventor.person.save()
    receive(contract, owner)
    distribute(contract, owner)
    visible = restrict(DistributionLine.objects.all(), user, Action.VIEW)
    assert [x.person_id for x in visible] == [inventor.person_id]
    assert not restrict(Distribution.objects.all(), user, Action.VIEW).exists()


def test_the_recognition_flag_reads_the_same_floor_69_99_flagged_70_00_not(unit, enterprise, owner):
    from usefirst.core.dates import today
    from usefirst.recognition.sources import distributions_below_floor

    below, at = under_cooperate_later(unit, enterprise, owner), under_cooperate_later(unit, enterprise, owner)
    receive(below, owner)
    receive(at, owner, key="k-2")
    flagged = distribute(below, owner, inventor="69.99", unit_pct="30.01", fund="0")
    distribute(at, owner, inventor="70.00", unit_pct="30.00", fund="0")
    rows = distributions_below_floor([below.pk, at.pk], on=today())
    assert [row["distribution"] for row in rows] == [flagged.pk]


def test_a_reason_typed_on_two_lines_is_accepted(contract, owner):
    receive(contract, owner)
    distribution = distribute(contract, owner)
    services.distribution_cancel(actor=owner, distribution=distribution, reason="第一行：材料不全\r\n第二行：请补充证明")
    assert FinanceEvent.objects.filter(reason="第一行：材料不全\n第二行：请补充证明").exists()
