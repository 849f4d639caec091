"""At 375 px none of the matchmaking pages scrolls sideways (headless Debian Chromium, as in
usefirst/core/tests/test_layout_375.py); wide tables scroll inside their box."""

import pytest

from usefirst.core.layout_check import BROWSER_MARKS, WIDTH, pages_wider_than, session_of
from usefirst.matchmaking import services
from usefirst.matchmaking.choices import DeclineReason

from .factories import intent_on, talking

pytestmark = BROWSER_MARKS


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_matchmaking_page_scrolls_sideways_at_375_px(
    live_server, tmp_path, monkeypatch, achievement, demand, buyer, seller, stranger, agency
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    engagement = talking(achievement, buyer, seller)
    services.engagement_propose_facilitator(actor=buyer, engagement=engagement, agency=agency)
    services.engagement_propose_agreement(actor=buyer, engagement=engagement)
    for n in range(3):
        services.message_post(actor=buyer, engagement=engagement, body="很长的留言内容没有空格" * 30 + "x" * 200 + str(n))
    declined = intent_on(achievement, stranger)
    services.engagement_decline(actor=seller, engagement=declined, reason=DeclineReason.OTHER, detail="说明" * 200)

    session = session_of(seller)
    paths = [
        "/matchmaking/",
        "/matchmaking/?status=talking",
        f"/matchmaking/{engagement.pk}/",
        f"/matchmaking/{declined.pk}/",
        "/matchmaking/decline-reasons/",
        f"/matchmaking/new/?demand_id={demand.pk}",
        f"/demands/{demand.pk}/",
    ]
    failures, too_wide = pages_wider_than(live_server.url, [(session, path) for path in paths])
    assert not failures, failures
    assert not too_wide, f"pages wider than {WIDTH} px: {too_wide}"
