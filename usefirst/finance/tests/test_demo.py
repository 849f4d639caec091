from decimal import Decimal

from usefirst.finance import selectors
from usefirst.finance.demo import seed_contract_finance
from usefirst.finance.models import Distribution


def test_the_demo_seed_builds_a_plan_receipts_and_a_paid_distribution(contract, owner, licensee_user, unit):
    seed_contract_finance(contract=contract, unit_user=owner, licensee_user=licensee_user)
    assert selectors.received_for_contract(contract) == Decimal("148000.00")
    assert Distribution.objects.get(contract=contract).status == "paid"
    assert selectors.fund_balance(unit) == Decimal("14450.00")
