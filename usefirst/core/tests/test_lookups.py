"""`one_of` finds what `in` finds, with the list bound as one parameter on PostgreSQL."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_it_finds_the_rows_in_the_list_and_no_others():
    wanted = list(ContentType.objects.order_by("pk").values_list("pk", flat=True)[:3])
    found = ContentType.objects.filter(pk__one_of=[*wanted, 10**9])
    assert sorted(found.values_list("pk", flat=True)) == wanted


def test_it_compares_text_too():
    assert set(ContentType.objects.filter(app_label__one_of=["auth"]).values_list("app_label", flat=True)) == {"auth"}


def test_an_empty_list_finds_nothing():
    assert not ContentType.objects.filter(pk__one_of=[]).exists()


def test_on_postgresql_the_list_is_one_parameter():
    with CaptureQueriesContext(connection) as queries:
        list(ContentType.objects.filter(pk__one_of=[1, 2, 3, 4]))
    sql = queries.captured_queries[-1]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql
    else:
        assert " IN (1, 2, 3, 4)" in sql
