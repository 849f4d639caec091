"""At 375 px none of the risk pages scrolls sideways (headless Debian Chromium, as in
usefirst/core/tests/test_layout_375.py); the quote tables scroll inside their box."""

from __future__ import annotations

import pytest

from usefirst.core.layout_check import BROWSER_MARKS, WIDTH, pages_wider_than, session_of
from usefirst.risk.choices import ProductStatus

from .builders import make_product, make_subsidy_rule

LONG = "名称很长没有空格可以断行" * 6

pytestmark = BROWSER_MARKS


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_risk_page_scrolls_sideways_at_375_px(live_server, monkeypatch, deal, provincial_reviewer):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    make_subsidy_rule(name=LONG)
    published = make_product(status=ProductStatus.PUBLISHED, name=LONG, exclusions="责任免除" * 200)
    submitted = make_product(status=ProductStatus.SUBMITTED, name=LONG + "乙")
    provider_session = session_of(published.created_by)
    visits = [
        (None, "/risk/products/"),
        (None, f"/risk/products/{published.pk}/"),
        (provider_session, "/risk/workspace/products/"),
        (provider_session, "/risk/workspace/products/new/"),
        (provider_session, f"/risk/products/{published.pk}/"),
        (session_of(provincial_reviewer), "/risk/review/products/"),
        (session_of(provincial_reviewer), f"/risk/products/{submitted.pk}/"),
        (session_of(deal["licensee"]), f"/risk/contracts/{deal['contract'].pk}/quotes/"),
    ]
    failures, too_wide = pages_wider_than(live_server.url, visits)
    assert not failures, failures
    assert not too_wide, f"pages wider than {WIDTH} px: {too_wide}"
