"""At 375 px (a small phone) no page scrolls sideways: each key page is loaded in headless
Debian Chromium through Django's live server, measured, and screenshotted.

Playwright drives the system's /usr/bin/chromium; it never downloads a browser of its own. The
loading and measuring are in usefirst/core/layout_check.py, shared with the other apps' layout tests.
"""

import pytest

from usefirst.core.layout_check import BROWSER_MARKS, WIDTH, pages_wider_than
from usefirst.core.testing import make_user

PUBLIC_PAGES = ["/", "/achievements/", "/demands/", "/accounts/login/", "/accounts/register/"]
SIGNED_IN_PAGES = [
    "/accounts/workspace/",
    "/notifications/",
    "/notifications/preferences/",
    "/policy/parameters/",
    "/operations/daily-jobs/",
]

pytestmark = BROWSER_MARKS


def _detail_pages(owner, reviewer, enterprise_user):
    """Detail pages of one published achievement and one published demand, where the catalog has them."""
    try:
        from usefirst.catalog.tests.factories import make_published_achievement, make_published_demand
    except ImportError:  # the catalog's builders are not there yet
        return [], []
    from usefirst.accounts import roles

    unit = roles.active_memberships(owner).first().organisation
    enterprise = roles.active_memberships(enterprise_user).first().organisation
    city_reviewer = make_user(enterprise.reviewing_department)
    achievement = make_published_achievement(unit, owner, reviewer)
    demand = make_published_demand(enterprise, enterprise_user, city_reviewer)
    public = [f"/achievements/{achievement.pk}/", f"/demands/{demand.pk}/"]
    for_reviewers = [f"/achievements/{achievement.pk}/history/", "/review/achievements/"]
    return public, for_reviewers


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_key_page_scrolls_sideways_at_375_px(
    live_server, client, tmp_path, monkeypatch, provincial_admin, provincial_reviewer, owner, outsider
):
    # Playwright's sync API runs an event loop in this thread; the database calls made here
    # (fixtures, live-server teardown) are synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    details, reviewer_pages = _detail_pages(owner, provincial_reviewer, outsider)
    public = PUBLIC_PAGES + details
    signed_in = SIGNED_IN_PAGES + reviewer_pages
    client.force_login(provincial_admin)
    session_id = client.cookies["sessionid"].value
    visits = [(None, path) for path in public] + [(session_id, path) for path in signed_in]

    shots = tmp_path / "core"
    failures, too_wide = pages_wider_than(live_server.url, visits, shots=shots)
    assert not failures, f"pages that did not load: {failures}"
    assert not too_wide, f"pages wider than {WIDTH} px (scrollWidth): {too_wide}; screenshots in {shots}"
    assert len(list(shots.glob("*.png"))) == len(public) + len(signed_in)
