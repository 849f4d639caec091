import datetime as dt
import json
import secrets

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from usefirst.api.models import ApiToken
from usefirst.api.ratelimit import Rate
from usefirst.core.testing import make_user

PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def make_token(user, *, days=30, revoked=False):
    raw = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        name="测试令牌",
        token_hash=ApiToken.hash(raw),
        prefix=raw[:8],
        expires_at=timezone.now() + dt.timedelta(days=days),
        revoked_at=timezone.now() if revoked else None,
    )
    return raw


def problem_of(response):
    assert response["Content-Type"].startswith(PROBLEM), response["Content-Type"]
    return json.loads(response.content)


@pytest.mark.parametrize(
    ("text", "limit", "period"), [("120/m", 120, 60), ("5/s", 5, 1), ("1000/hour", 1000, 3600), ("9/d", 9, 86400)]
)
def test_a_rate_is_read_as_a_count_per_period(text, limit, period):
    assert Rate.parse(text) == Rate(limit, period)


@pytest.mark.parametrize("text", ["", "abc", "0/m", "10/fortnight", "-1/m"])
def test_a_malformed_rate_is_refused(text):
    with pytest.raises(ValueError):
        Rate.parse(text)


@pytest.mark.django_db
def test_an_anonymous_client_past_its_limit_gets_a_429_problem_with_retry_after(client, settings):
    settings.API_RATE_LIMIT_ANON = "3/m"
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, 10, tzinfo=dt.UTC), tick=False):
        for _ in range(3):
            assert client.get("/api/v1/health").status_code == 200
        response = client.get("/api/v1/health")
    assert response.status_code == 429
    body = problem_of(response)
    assert body["code"] == "rate_limited"
    assert body["status"] == 429
    assert "请求过于频繁" in body["detail"]
    assert response["Retry-After"] == "50"


@pytest.mark.django_db
def test_the_limit_resets_with_the_next_window(client, settings):
    settings.API_RATE_LIMIT_ANON = "2/m"
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, 59, tzinfo=dt.UTC), tick=False) as traveller:
        assert client.get("/api/v1/health").status_code == 200
        assert client.get("/api/v1/health").status_code == 200
        assert client.get("/api/v1/health").status_code == 429
        traveller.shift(2)
        assert client.get("/api/v1/health").status_code == 200


@pytest.mark.django_db
def test_anonymous_clients_are_counted_per_address(client, settings):
    settings.API_RATE_LIMIT_ANON = "1/m"
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, 0, tzinfo=dt.UTC), tick=False):
        assert client.get("/api/v1/health", REMOTE_ADDR="10.0.0.1").status_code == 200
        assert client.get("/api/v1/health", REMOTE_ADDR="10.0.0.1").status_code == 429
        assert client.get("/api/v1/health", REMOTE_ADDR="10.0.0.2").status_code == 200


@pytest.mark.django_db
def test_token_clients_are_counted_per_token_with_their_own_limit(client, settings):
    settings.API_RATE_LIMIT_ANON = "1/m"
    settings.API_RATE_LIMIT_TOKEN = "3/m"
    first = make_token(make_user())
    second = make_token(make_user())
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, 0, tzinfo=dt.UTC), tick=False):
        for _ in range(3):
            assert client.get("/api/v1/health", HTTP_AUTHORIZATION=f"Bearer {first}").status_code == 200
        assert client.get("/api/v1/health", HTTP_AUTHORIZATION=f"Bearer {first}").status_code == 429
        assert client.get("/api/v1/health", HTTP_AUTHORIZATION=f"Bearer {second}").status_code == 200
        # The same address without a token still has its own anonymous allowance.
        assert client.get("/api/v1/health").status_code == 200


@pytest.mark.django_db
def test_an_invented_or_revoked_token_is_counted_as_anonymous(client, settings):
    settings.API_RATE_LIMIT_ANON = "1/m"
    settings.API_RATE_LIMIT_TOKEN = "100/m"
    revoked = make_token(make_user(), revoked=True)
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, 0, tzinfo=dt.UTC), tick=False):
        assert client.get("/api/v1/health", HTTP_AUTHORIZATION="Bearer invented-1").status_code == 200
        assert client.get("/api/v1/health", HTTP_AUTHORIZATION="Bearer invented-2").status_code == 429
        assert client.get("/api/v1/health", HTTP_AUTHORIZATION=f"Bearer {revoked}").status_code == 429


@pytest.mark.django_db
def test_pages_outside_the_api_are_not_rate_limited(client, settings):
    settings.API_RATE_LIMIT_ANON = "1/m"
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, 0, tzinfo=dt.UTC), tick=False):
        for _ in range(3):
            assert client.get("/accounts/login/").status_code == 200


@pytest.mark.django_db
def test_successful_responses_say_how_much_of_the_limit_is_left(client, settings):
    settings.API_RATE_LIMIT_ANON = "5/m"
    response = client.get("/api/v1/health")
    assert response["RateLimit-Limit"] == "5"
    assert response["RateLimit-Remaining"] == "4"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/no-such-endpoint", "/api/v1/achievements/999999/nothing", "/api/v1/"])
def test_an_unknown_api_path_is_a_404_problem(client, path):
    response = client.get(path)
    assert response.status_code == 404
    body = problem_of(response)
    assert body["code"] == "not_found"
    assert body["detail"]
    assert "RateLimit-Remaining" in response


@pytest.mark.django_db
def test_a_wrong_method_is_a_405_problem_that_names_the_allowed_methods(client):
    response = client.delete("/api/v1/health")
    assert response.status_code == 405
    assert problem_of(response)["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


@pytest.mark.django_db
def test_an_unhandled_error_in_the_api_is_a_500_problem(client, monkeypatch):
    from usefirst.api import urls

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(urls.api, "create_response", broken)
    client.raise_request_exception = False
    response = client.get("/api/v1/health")
    assert response.status_code == 500
    body = problem_of(response)
    assert body["code"] == "server_error"
    assert "boom" not in body["detail"]


@pytest.mark.django_db
def test_html_pages_keep_their_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith(PROBLEM)


@pytest.mark.django_db
def test_the_openapi_schema_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"]


@pytest.mark.django_db
def test_every_operation_has_a_chinese_summary(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    missing = [
        f"{method.upper()} {path}"
        for path, operations in paths.items()
        for method, operation in operations.items()
        if not any("\u4e00" <= ch <= "\u9fff" for ch in operation.get("summary", ""))
    ]
    assert missing == []
    for new_path in (
        "/api/v1/people",
        "/api/v1/people/{person_id}/consents",
        "/api/v1/plan-projects/{number}",
        "/api/v1/contracts/{pk}/receipts-with-slip",
    ):
        assert new_path in paths
