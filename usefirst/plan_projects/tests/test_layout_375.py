"""At 375 px none of the import and plan project pages scrolls sideways (headless Debian
Chromium, as in usefirst/core/tests/test_layout_375.py); wide tables scroll inside their box."""

import pytest

from usefirst.core.excel import ImportRowsInvalid
from usefirst.core.layout_check import BROWSER_MARKS, WIDTH, pages_wider_than, session_of
from usefirst.plan_projects.models import ImportBatch
from usefirst.plan_projects.services import plan_projects_import

from .builders import plan_project_file, plan_project_row

pytestmark = BROWSER_MARKS


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_import_page_scrolls_sideways_at_375_px(live_server, tmp_path, monkeypatch, provincial_reviewer, owner):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    long_title = "一种用于高通量测序数据的超长名称分析方法及其在精准医疗中的应用研究" * 3
    plan_projects_import(
        actor=provincial_reviewer,
        file=plan_project_file([plan_project_row(f"2021B01010100{i:02d}", title=long_title) for i in range(25)]),
    )
    with pytest.raises(ImportRowsInvalid):
        plan_projects_import(
            actor=provincial_reviewer, file=plan_project_file([plan_project_row("X1", category="不存在的类别" * 5)])
        )
    refused = ImportBatch.objects.filter(outcome="refused").get()

    sessions = {user.pk: session_of(user) for user in (provincial_reviewer, owner)}
    pages = {
        provincial_reviewer.pk: [
            "/plan-projects/",
            "/plan-projects/?category=key_technology&page=2",
            "/plan-projects/import/",
            "/plan-projects/batches/",
            f"/plan-projects/batches/{refused.pk}/",
        ],
        owner.pk: ["/imports/achievements/", "/plan-projects/batches/"],
    }
    visits = [(sessions[user_id], path) for user_id, paths in pages.items() for path in paths]
    failures, too_wide = pages_wider_than(live_server.url, visits, shots=tmp_path / "plan_projects")
    assert not failures, failures
    assert not too_wide, f"pages wider than {WIDTH} px: {too_wide}"
