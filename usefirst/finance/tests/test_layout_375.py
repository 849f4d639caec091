"""At 375 px none of the finance pages scrolls sideways (headless Debian Chromium, as in
usefirst/core/tests/test_layout_375.py): the contract's money page with its plan, receipts and
reversal, the forms, a distribution, the inventor's own distributions and the fund ledger.
Wide tables scroll inside their box, not the page."""

from __future__ import annotations

import pytest

from usefirst.catalog.models import AchievementInventor
from usefirst.core.layout_check import BROWSER_MARKS, WIDTH, pages_wider_than, session_of
from usefirst.core.testing import make_user
from usefirst.finance.demo import seed_contract_finance
from usefirst.finance.models import Distribution, Receipt, ScheduleLine

pytestmark = BROWSER_MARKS


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_finance_page_scrolls_sideways_at_375_px(live_server, monkeypatch, contract, owner, licensee_user, unit):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    seed_contract_finance(contract=contract, unit_user=owner, licensee_user=licensee_user)
    inventor = AchievementInventor.objects.filter(achievement__contract_links__contract=contract).first().person
    inventor_user = make_user(unit)
    inventor.user = inventor_user
    inventor.save(update_fields=["user"])
    receipt = Receipt.objects.filter(contract=contract, reverses__isnull=True).first()
    royalty = ScheduleLine.objects.filter(plan__contract=contract, report_due__isnull=False).first()
    distribution = Distribution.objects.get(contract=contract)
    owner_session, licensee_session, inventor_session = session_of(owner), session_of(licensee_user), session_of(inventor_user)
    visits = [
        (owner_session, f"/finance/contracts/{contract.pk}/"),
        (owner_session, f"/finance/contracts/{contract.pk}/plan/"),
        (owner_session, f"/finance/contracts/{contract.pk}/receipts/new/"),
        (owner_session, f"/finance/contracts/{contract.pk}/distributions/new/"),
        (owner_session, f"/finance/distributions/{distribution.pk}/"),
        (owner_session, "/finance/fund/"),
        (licensee_session, f"/finance/contracts/{contract.pk}/"),
        (licensee_session, f"/finance/lines/{royalty.pk}/royalty-report/"),
        (inventor_session, "/finance/mine/"),
    ]
    assert receipt is not None
    failures, too_wide = pages_wider_than(live_server.url, visits)
    assert not failures, failures
    assert not too_wide, f"pages wider than {WIDTH} px: {too_wide}"
