"""Fuzzy title search (pg_trgm): a misspelt title still finds its item on PostgreSQL, and the
start-up check says whether it is available and why not."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from usefirst.catalog.tests.factories import make_published_achievement
from usefirst.matching import checks
from usefirst.matching.backends import backend, forget_trigram_status, trigram_status
from usefirst.matching.models import ItemKind
from usefirst.matching.search import keyword_object_ids

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the embedded default")


@pytest.fixture(autouse=True)
def _fresh_status():
    forget_trigram_status()
    yield
    forget_trigram_status()  # a test that drops the extension must not leave "unavailable" behind


def _ids(messages: list) -> list[str]:
    return [m.id for m in messages]


@on_sqlite
def test_on_sqlite_the_check_says_fuzzy_titles_are_not_offered(client, unit, owner, reviewer):
    messages = checks.fuzzy_title_search(databases=["default"])
    assert _ids(messages) == ["matching.I001"]
    assert "不是 PostgreSQL" in messages[0].msg
    out, err = StringIO(), StringIO()
    call_command("check", "--database", "default", stdout=out, stderr=err)
    assert "matching.I001" in out.getvalue() + err.getvalue()
    make_published_achievement(unit, owner, reviewer, title="钙钛矿叠层太阳能电池组件")
    html = client.get("/search/", {"q": "钙钛矿", "semantic": "0"}).content.decode()
    assert "检索词：钙钛矿" in html
    assert "模糊检索" not in html  # the operators' note (the check above), not the searcher's
    assert backend().fuzzy_titles(kind=ItemKind.ACHIEVEMENT, text="钙钛旷叠层太阳能电池组件", limit=5) == []


def test_the_check_only_reads_the_database_when_asked():
    assert checks.fuzzy_title_search(databases=None) == []


@on_postgres
def test_on_postgres_with_pg_trgm_and_a_letter_aware_ctype_the_check_is_silent():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('lc_ctype'), EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')")
        ctype, installed = cursor.fetchone()
    if ctype in ("C", "POSIX") or not installed:
        pytest.skip(f"this server cannot offer pg_trgm for Chinese (lc_ctype {ctype}, installed {installed})")
    assert checks.fuzzy_title_search(databases=["default"]) == []
    assert trigram_status() == (True, "")


@on_postgres
def test_on_postgres_a_misspelt_title_still_finds_the_item(client, unit, owner, reviewer):
    if not trigram_status()[0]:
        pytest.skip(trigram_status()[1])
    chinese = make_published_achievement(unit, owner, reviewer, title="钙钛矿叠层太阳能电池组件", keywords="")
    latin = make_published_achievement(unit, owner, reviewer, title="Perovskite tandem 光伏组件", keywords="")
    hits = backend().fuzzy_titles(kind=ItemKind.ACHIEVEMENT, text="钙钛旷叠层太阳能电池组件", limit=5)
    assert [h.object_id for h in hits][:1] == [chinese.pk]
    # No word of "perovskit tandom" is in the index: only the title's trigrams find it.
    assert backend().search(kind=ItemKind.ACHIEVEMENT, terms=["perovskit", "tandom"], match_all=False, limit=5) == []
    assert latin.pk in (keyword_object_ids(ItemKind.ACHIEVEMENT, "perovskit tandom") or [])
    html = client.get("/search/", {"q": "perovskit tandom", "semantic": "0"}).content.decode()
    assert "Perovskite tandem 光伏组件" in re.sub(r"</?mark>", "", html)
    assert "标题与检索词相近" in html
    listing = client.get("/achievements/", {"q": "perovskit tandom"}).content.decode()
    assert "Perovskite tandem 光伏组件" in listing


@on_postgres
def test_on_postgres_without_the_extension_the_check_warns_and_search_still_works(client, unit, owner, reviewer):
    item = make_published_achievement(unit, owner, reviewer, title="钙钛矿叠层太阳能电池组件", keywords="")
    with connection.cursor() as cursor:
        cursor.execute("DROP EXTENSION IF EXISTS pg_trgm CASCADE")  # rolled back with the test's transaction
    messages = checks.fuzzy_title_search(databases=["default"])
    assert _ids(messages) == ["matching.W001"]
    assert "未安装 pg_trgm" in messages[0].msg
    assert backend().fuzzy_titles(kind=ItemKind.ACHIEVEMENT, text="钙钛旷叠层太阳能电池组件", limit=5) == []
    html = client.get("/search/", {"q": "钙钛矿", "semantic": "0"}).content.decode()
    assert "检索词：钙钛矿" in html
    assert "模糊检索" not in html  # the operators' note (the check above), not the searcher's
    assert f"/achievements/{item.pk}/" in html
