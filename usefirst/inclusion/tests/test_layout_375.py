"""At 375 px none of the auto-inclusion pages scrolls sideways (headless Debian Chromium, as in
usefirst/core/tests/test_layout_375.py); the wide report table scrolls inside its box."""

import datetime as dt

import pytest

from usefirst.core.layout_check import BROWSER_MARKS, WIDTH, pages_wider_than, session_of
from usefirst.inclusion.services import declaration_submit

from .builders import make_project, pdf

pytestmark = BROWSER_MARKS


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_auto_inclusion_page_scrolls_sideways_at_375_px(live_server, tmp_path, monkeypatch, provincial_reviewer, owner, unit):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    long_title = "一种用于高通量测序数据的超长名称分析方法及其在精准医疗中的应用研究" * 3
    projects = [
        make_project(provincial_reviewer, unit, title=long_title, accepted=dt.date(2023, 9, 1) + dt.timedelta(days=i))
        for i in range(25)
    ]
    declaration = declaration_submit(
        actor=owner,
        project=projects[0],
        kind="transfer",
        counterparty="广州某科技有限公司" * 5,
        signed_on="2025-06-30",
        contract_file=pdf(),
    )
    sessions = {user.pk: session_of(user) for user in (provincial_reviewer, owner)}
    pages = {
        provincial_reviewer.pk: [
            "/inclusion/?on=2026-08-01",
            "/inclusion/?on=2026-08-01&page=2",
            "/inclusion/declarations/",
            f"/inclusion/declarations/{declaration.pk}/",
        ],
        owner.pk: ["/inclusion/?on=2026-08-01", f"/inclusion/projects/{projects[1].pk}/declare/"],
    }
    visits = [(sessions[user_id], path) for user_id, paths in pages.items() for path in paths]
    failures, too_wide = pages_wider_than(live_server.url, visits, shots=tmp_path / "inclusion")
    assert not failures, failures
    assert not too_wide, f"pages wider than {WIDTH} px: {too_wide}"
