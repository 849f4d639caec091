"""Every page and every API operation, walked from the URL resolver and the OpenAPI schema,
for the anonymous and the outsider personas.

The per-app permission matrices check owner and reviewer access object by object; this test
makes sure no route escapes: a new page or endpoint is covered the moment it is added. An
anonymous visitor gets 200 only from the public routes listed here; nobody ever gets a
server error; every API error is problem+json.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from usefirst.api.urls import api
from usefirst.catalog.tests.factories import make_achievement

pytestmark = pytest.mark.django_db

# Pages anyone may read. Everything else must refuse an anonymous visitor.
PUBLIC_PAGES = {
    "home",
    "accounts:login",
    "accounts:register",
    "accounts:register_sent",
    "accounts:resend_verification",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_complete",
    "catalog:achievement_list",
    "catalog:achievement_export",
    "catalog:demand_list",
    "catalog:demand_export",
    # recognition: the public list, its export, the notices in progress and the statistics
    "recognition:public_list",
    "recognition:public_export",
    "recognition:public_notices",
    "recognition:statistics",
    "recognition:statistics_export",
    "contracts:verify",  # public verification of a contract PDF
    "statistics:public",  # the open statistics (aggregates, rule of three)
    "matching:search",  # search over published achievements and demands
    "risk:catalogue",  # the published insurance and guarantee products
    "risk:subsidy_rules",  # the premium subsidies the quotes apply
    "financing:catalogue",  # the published bank loan products (先用后付贷)
    "evaluation:index",  # the published evaluations
    "evaluation:excellent",  # the published excellent lists
    "events:calendar",  # the public calendar of events
    "cases:list",  # the published typical cases
    # help: the policy summary, the guide, the TRL scale, the FAQ, contact, site map, accessibility
    "help:index",
    "help:policy",
    "help:guide",
    "help:trl",
    "help:faq",
    "help:contact",
    "help:sitemap",
    "help:accessibility",
    # machines: the load balancer's probes, and the health report and metrics, which answer only
    # the monitoring network (the test client's 127.0.0.1; others get 404: monitoring's tests)
    "health_live",
    "health_ready",
    "health_report",
    "metrics",
    "pools:list",  # industry pools and their pages
    "measures:list",  # the local support measures in force
}
# Routes whose GET checks a token from an e-mail link; a bad token gets a Chinese "link invalid" answer.
TOKEN_PAGES = {"accounts:verify_email", "accounts:invitation_accept", "accounts:password_reset_confirm"}
# Public API reads (GET) open to anonymous clients.
PUBLIC_API = {
    "/api/v1/health",
    "/api/v1/achievements",
    "/api/v1/demands",
    "/api/v1/policy/parameters",
    "/api/v1/openapi.json",
    "/api/v1/search",  # matching: hybrid search over published items
    "/api/v1/risk/products",  # the published insurance and guarantee products
    "/api/v1/risk/subsidy-rules",  # the premium subsidies the quotes apply
    "/api/v1/financing/products",  # the published bank loan products (先用后付贷)
    "/api/v1/evaluation/sources",  # the registry of indicator sources
    "/api/v1/evaluation/evaluations",  # the published evaluations
    "/api/v1/evaluation/excellent",  # the published excellent lists
    "/api/v1/events",  # the public calendar of events
    "/api/v1/cases",  # the published typical cases
    "/api/v1/support-measures",  # the local support measures in force
    "/api/v1/statistics/open",  # the open statistics (aggregates, rule of three)
    "/api/v1/statistics/open/metrics",
}
REFUSALS = {301, 302, 401, 403, 404, 405}


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), full_ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or "")
            yield prefix + str(pattern.pattern), name


def _fill(route: str, pk: int) -> str:
    route = re.sub(r"<int:[^>]+>", str(pk), route)
    route = re.sub(r"<slug:[^>]+>", "submit", route)
    route = re.sub(r"<(str:)?[^>]+>", "x", route)
    return "/" + route.lstrip("^").rstrip("$")


PAGES = sorted(
    {(route, name) for route, name in _walk(get_resolver().url_patterns) if not route.startswith(("admin/", "api/v1/"))}
)


@pytest.fixture
def private_draft(unit, owner):
    return make_achievement(unit, owner, title="私有草稿成果")


@pytest.mark.parametrize(("route", "name"), PAGES, ids=[name or route for route, name in PAGES])
def test_an_anonymous_visitor_reads_only_public_pages(client, private_draft, route, name):
    url = _fill(route, private_draft.pk)
    response = client.get(url)
    assert response.status_code < 500, url
    if name in PUBLIC_PAGES:
        assert response.status_code == 200, url
    elif name in TOKEN_PAGES:
        assert response.status_code in {200, 302, 400, 404}, url
    else:
        assert response.status_code in REFUSALS | {429}, f"{name} answered {response.status_code} to an anonymous visitor"
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize(("route", "name"), PAGES, ids=[name or route for route, name in PAGES])
def test_an_anonymous_post_changes_nothing_and_never_errors(client, private_draft, route, name):
    url = _fill(route, private_draft.pk)
    response = client.post(url, {})
    assert response.status_code < 500, url
    if name not in PUBLIC_PAGES | TOKEN_PAGES:
        assert response.status_code in REFUSALS | {429}, f"{name} accepted an anonymous POST ({response.status_code})"


@pytest.mark.parametrize(("route", "name"), PAGES, ids=[name or route for route, name in PAGES])
def test_an_outsider_never_gets_a_server_error_or_another_units_draft(client, outsider, private_draft, route, name):
    client.force_login(outsider)
    url = _fill(route, private_draft.pk)
    response = client.get(url)
    assert response.status_code < 500, url
    if name.startswith("catalog:achievement") and "<int:pk>" in route:
        assert response.status_code in {403, 404, 405}, f"{name} showed another unit's draft to an outsider"
        assert "私有草稿成果" not in response.content.decode(errors="replace")
        posted = client.post(url, {"reason": "越权尝试"})
        assert posted.status_code in {403, 404, 405}, f"{name} let an outsider act on another unit's draft"


def _api_operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    ops = []
    for path, methods in schema["paths"].items():
        for method in methods:
            if method in {"get", "post", "put", "patch", "delete"}:
                ops.append((method, path))
    return sorted(ops)


API_OPERATIONS = _api_operations()


def _api_url(path: str, pk: int) -> str:
    return re.sub(r"\{[^}]+\}", str(pk), path)


@pytest.mark.parametrize(("method", "path"), API_OPERATIONS, ids=[f"{m} {p}" for m, p in API_OPERATIONS])
def test_every_api_operation_refuses_anonymous_writes_with_problem_json(client, private_draft, method, path):
    url = _api_url(path, private_draft.pk)
    response = getattr(client, method)(url, data={}, content_type="application/json")
    assert response.status_code < 500, url
    public = method == "get" and path in PUBLIC_API
    if public:
        assert response.status_code == 200
    elif response.status_code >= 400:
        assert response["Content-Type"].startswith("application/problem+json"), url
        body = response.json()
        assert body["code"] and body["detail"]
    if method != "get" and not path.endswith(("/tokens", "/verify")):
        assert response.status_code in {401, 403, 404, 405, 422}, f"{method} {path} answered {response.status_code} anonymously"


@pytest.mark.parametrize(("method", "path"), API_OPERATIONS, ids=[f"{m} {p}" for m, p in API_OPERATIONS])
def test_every_api_operation_answers_an_outsider_without_leaking_a_draft(client, outsider, private_draft, method, path):
    client.force_login(outsider)
    url = _api_url(path, private_draft.pk)
    response = getattr(client, method)(url, data={}, content_type="application/json")
    assert response.status_code < 500, url
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/problem+json"), url
    assert "私有草稿成果" not in response.content.decode(errors="replace"), f"{method} {path} leaked a draft"
