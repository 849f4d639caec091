"""At 375 px no help page scrolls sideways, and a long 当前位置 trail wraps instead of widening the
page (headless Debian Chromium, as in usefirst/core/tests/test_layout_375.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from usefirst.accounts.models import Organisation, User
from usefirst.core.layout_check import BROWSER_MARKS, WIDTH, pages_wider_than, session_of

pytestmark = BROWSER_MARKS

HELP_PAGES = ["index", "policy", "guide", "trl", "faq", "contact", "sitemap", "accessibility"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_help_page_and_no_trail_scrolls_sideways_at_375_px(
    live_server, tmp_path, monkeypatch, provincial_reviewer: User, unit: Organisation
) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    Organisation.objects.filter(pk=unit.pk).update(name="岭南理工大学先进材料与智能制造协同创新研究院" * 3)
    visits = [(None, reverse(f"help:{name}")) for name in HELP_PAGES]
    # 首页 › 工作台 › 机构注册审核 › 审核：<a very long organisation name>
    visits.append((session_of(provincial_reviewer), reverse("accounts_review:organisation", args=[unit.pk])))
    failures, too_wide = pages_wider_than(live_server.url, visits, shots=tmp_path / "help")
    assert not failures, failures
    assert not too_wide, f"wider than {WIDTH} px: {too_wide}"
