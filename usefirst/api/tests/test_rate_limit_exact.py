"""The API rate limit is exact: a limit of 120 a minute lets 120 through, not 127, however many
requests arrive at once, and it resets exactly at the window's boundary."""

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.db import connections
from django.test import Client

from usefirst.core import throttle
from usefirst.core.testing import database_for_threads


@pytest.mark.django_db
def test_the_121st_request_of_a_minute_is_refused_and_the_next_minute_starts_afresh(client, settings):
    settings.API_RATE_LIMIT_ANON = "120/m"
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, 59, 900000, tzinfo=dt.UTC), tick=False) as clock:
        assert all(client.get("/api/v1/health").status_code == 200 for _ in range(120))
        refused = client.get("/api/v1/health")
        assert refused.status_code == 429 and refused["Retry-After"] == "1"
        clock.move_to(dt.datetime(2026, 3, 2, 9, 1, 0, tzinfo=dt.UTC))  # the boundary itself
        fresh = client.get("/api/v1/health")
        assert fresh.status_code == 200 and fresh["RateLimit-Remaining"] == "119"


@pytest.mark.django_db
def test_a_rate_may_name_a_window_of_several_units():
    assert throttle.Rate.parse("5/15m") == throttle.Rate(5, 900)
    with pytest.raises(ValueError):
        throttle.Rate.parse("5/0m")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_200_concurrent_requests_against_a_limit_of_120_let_exactly_120_through(tmp_path, settings):
    settings.API_RATE_LIMIT_ANON = "120/h"  # one window for the whole burst

    def request(_):
        try:
            response = Client().get("/api/v1/health", REMOTE_ADDR="198.51.100.20")
            return response.status_code, response.get("Retry-After")
        finally:
            connections.close_all()

    with database_for_threads(tmp_path), ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(request, range(200)))
    assert sum(1 for status, _ in results if status == 200) == 120
    refused = [retry for status, retry in results if status == 429]
    assert len(refused) == 80 and all(retry and int(retry) >= 1 for retry in refused)
