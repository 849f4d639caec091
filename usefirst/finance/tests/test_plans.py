import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from usefirst.core.errors import Conflict, DomainError, Forbidden
from usefirst.finance import selectors, services
from usefirst.finance.models import ScheduleLine
from usefirst.finance.tests.helpers import record_confirmed


def plan(contract, owner, *items):
    return services.plan_create(actor=owner, contract=contract, items=list(items))


def installments(*rows):
    return {"kind": "installment", "terms": {"installments": [{"date": d, "amount": a} for d, a in rows]}}


def receive(contract, owner, amount, key):
    record_confirmed(
        actor=owner,
        contract=contract,
        received_on="2026-06-01",
        amount=amount,
        payer="企业",
        voucher_number=f"V-{key}",
        idempotency_key=key,
    )


def test_a_due_date_on_national_day_moves_to_the_next_working_day(contract, owner):
    plan(contract, owner, installments(("2026-10-01", "1000")))
    line = ScheduleLine.objects.get()
    assert line.stated_date == dt.date(2026, 10, 1)
    assert line.due_date == dt.date(2026, 10, 8)  # 2026 National Day holiday: 10-01..10-07


def test_items_move_through_scheduled_due_overdue_and_received(contract, owner):
    plan(contract, owner, installments(("2026-06-10", "1000.00"), ("2026-06-15", "2000.00"), ("2026-07-15", "3000.00")))
    states = [row.state for row in selectors.schedule(contract)]
    assert states == ["overdue", "due", "scheduled"]
    receive(contract, owner, "1500.00", "a")
    rows = selectors.schedule(contract)
    assert [row.state for row in rows] == ["received", "due", "scheduled"]
    assert rows[1].covered == Decimal("500.00") and rows[1].outstanding == Decimal("1500.00")


def test_a_waived_item_is_waived_and_takes_no_receipts(contract, owner):
    plan(contract, owner, installments(("2026-06-10", "1000.00"), ("2026-06-20", "1000.00")))
    first = ScheduleLine.objects.order_by("position").first()
    services.line_waive(actor=owner, line=first, reason="双方协商免除")
    receive(contract, owner, "1000.00", "a")
    assert [row.state for row in selectors.schedule(contract)] == ["waived", "received"]


def test_a_combination_of_entry_fee_and_royalty(contract, owner):
    plan(
        contract,
        owner,
        {"kind": "lump_sum", "terms": {"date": "2026-07-01", "amount": "50000"}},
        {"kind": "royalty", "terms": {"base": "net_sales", "rate": "3", "start": "2026-04-01", "periods": 4, "period_months": 3}},
    )
    assert ScheduleLine.objects.count() == 5


def test_a_second_plan_for_the_same_contract_is_refused(contract, owner):
    plan(contract, owner, installments(("2026-07-01", "1")))
    with pytest.raises(Conflict):
        plan(contract, owner, installments(("2026-07-01", "1")))


def test_installment_dates_out_of_order_are_refused(contract, owner):
    with pytest.raises(DomainError) as exc:
        plan(contract, owner, installments(("2026-08-01", "1"), ("2026-07-01", "1")))
    assert exc.value.code == "dates_out_of_order"


def test_the_licensee_cannot_enter_the_plan(contract, licensee_user):
    with pytest.raises(Forbidden):
        plan(contract, licensee_user, installments(("2026-07-01", "1")))


def test_a_milestone_is_due_after_both_sides_confirm_it(contract, owner, licensee_user):
    plan(
        contract,
        owner,
        {"kind": "milestone", "terms": {"milestones": [{"name": "中试完成", "amount": "100000"}], "payment_days": 30}},
    )
    line = ScheduleLine.objects.get()
    line = services.milestone_confirm(actor=owner, line=line)
    assert line.due_date is None
    with pytest.raises(Conflict):
        services.milestone_confirm(actor=owner, line=line)
    line = services.milestone_confirm(actor=licensee_user, line=line)
    assert line.stated_date == dt.date(2026, 7, 15)
    assert line.due_date == dt.date(2026, 7, 15)


def royalty_plan(contract, owner, **extra):
    plan(
        contract,
        owner,
        {
            "kind": "royalty",
            "terms": {"base": "net_sales", "rate": "5", "start": "2026-01-01", "periods": 2, "period_months": 3, **extra},
        },
    )
    return list(ScheduleLine.objects.order_by("position"))


def test_the_enterprise_reports_a_royalty_period_and_the_minimum_applies(contract, owner, licensee_user):
    first, _ = royalty_plan(contract, owner, minimum="2000", minimum_scope="period", cap="4000", cap_scope="period")
    services.royalty_report(actor=licensee_user, line=first, base_amount="10000")
    first.refresh_from_db()
    assert first.amount == Decimal("2000")


def test_a_royalty_report_after_its_deadline_is_flagged_late(contract, owner, licensee_user):
    first, _ = royalty_plan(contract, owner)
    report = services.royalty_report(actor=licensee_user, line=first, base_amount="100000")  # period ended 03-31, due ~04-15
    assert report.is_late
    first.refresh_from_db()
    assert first.amount == Decimal("5000.00")


def test_a_royalty_period_cannot_be_reported_before_it_ends(contract, owner, licensee_user):
    _, second = royalty_plan(contract, owner)
    with time_machine.travel(dt.datetime(2026, 6, 20, 2, 0, tzinfo=dt.UTC)), pytest.raises(DomainError) as exc:
        services.royalty_report(actor=licensee_user, line=second, base_amount="1")
    assert exc.value.code == "period_not_ended"


def test_the_royalty_cap_limits_what_the_enterprise_owes(contract, owner, licensee_user):
    first, _ = royalty_plan(contract, owner, cap="3000", cap_scope="cumulative")
    services.royalty_report(actor=licensee_user, line=first, base_amount="1000000")
    first.refresh_from_db()
    assert first.amount == Decimal("3000")


def test_only_the_licensee_reports_royalties(contract, owner):
    first, _ = royalty_plan(contract, owner)
    with pytest.raises(Forbidden):
        services.royalty_report(actor=owner, line=first, base_amount="1")
