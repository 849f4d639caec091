"""At 375 px none of the recognition pages scrolls sideways (headless Debian Chromium, as in
usefirst/core/tests/test_layout_375.py); wide tables scroll inside their box."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from usefirst.core.layout_check import BROWSER_MARKS, WIDTH, pages_wider_than, session_of
from usefirst.recognition import services, sources

from .builders import in_notice_ended, make_achievement, make_person

LONG = "长标题没有空格可以断行" * 8

pytestmark = BROWSER_MARKS


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_recognition_page_scrolls_sideways_at_375_px(
    live_server, tmp_path, monkeypatch, unit_with_superior, owner, reviewer, outsider
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    monkeypatch.setattr(
        sources, "received_for_achievement", lambda achievement, **kw: sources.Received(amount=Decimal("123456789.99"))
    )
    unit = unit_with_superior
    unit.name = "广东省某某某某某某某某某某某某某某某某某某研究院有限责任公司"
    unit.save()

    def to_notice(achievement):
        application = services.application_create(actor=owner, achievement=achievement, statement="说明" * 300)
        services.application_recommend(actor=owner, application=application, opinion="推荐意见" * 200)
        return services.application_select(actor=reviewer, application=application, key_technology_confirmed=True)

    draft_achievement = make_achievement(unit, title=LONG + "甲")
    in_notice = to_notice(make_achievement(unit, title=LONG + "乙"))
    services.objection_submit(actor=outsider, application=in_notice, contact_name="张三" * 10, text="异议内容" * 300)
    recognition = services.application_recognise(
        actor=reviewer, application=in_notice_ended(to_notice(make_achievement(unit, title=LONG + "丙")))
    )
    recommended = make_achievement(unit, title=LONG + "丁")
    application = services.application_create(actor=owner, achievement=recommended)
    services.application_recommend(actor=owner, application=application, opinion="同意")
    record = services.misconduct_record(
        actor=reviewer,
        person=make_person("欧阳某某某某某某"),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2030, 12, 31),
        reason="失信行为及依据" * 200,
        referral="移交机关名称很长" * 10,
    )
    reviewer_session, owner_session = session_of(reviewer), session_of(owner)
    visits = [
        (None, "/recognition/"),
        (None, "/recognition/notices/"),
        (None, "/recognition/statistics/?year=2026"),
        (owner_session, "/recognition/notices/"),
        (owner_session, f"/recognition/apply/{draft_achievement.pk}/"),
        (owner_session, "/recognition/applications/"),
        (owner_session, "/recognition/misconduct/"),
        (reviewer_session, "/recognition/applications/?year=2026"),
        (reviewer_session, f"/recognition/applications/{in_notice.pk}/"),
        (reviewer_session, f"/recognition/applications/{recognition.application_id}/"),
        (reviewer_session, f"/recognition/applications/{application.pk}/"),
        (reviewer_session, "/recognition/quota/"),
        (reviewer_session, "/recognition/misconduct/"),
        (reviewer_session, f"/recognition/misconduct/{record.pk}/"),
        (reviewer_session, f"/achievements/{recommended.pk}/"),  # with the misconduct notice
    ]
    failures, too_wide = pages_wider_than(live_server.url, visits)
    assert not failures, failures
    assert not too_wide, f"pages wider than {WIDTH} px: {too_wide}"
