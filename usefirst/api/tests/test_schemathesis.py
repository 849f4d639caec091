"""Property-based test of the whole open API (Schemathesis over /api/v1/openapi.json), anonymous
and with a bearer token: no operation answers a server error, and every answer conforms to the
document (status code, content type, body schema). Examples are bounded (EXAMPLES per operation,
derandomised) so that `make test` runs it in a few minutes; marker `schemathesis`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from usefirst.accounts.services.tokens import token_create

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db]

EXAMPLES = 3
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def api_schema(db: Any) -> Iterator[Any]:
    """The application is called through WSGI, not Django's test client, so the request signals
    would close the test's connection (it is inside the test's transaction, which PostgreSQL
    really closes; SQLite's in-memory database ignores it). They are held off as the test client
    holds them off."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(provincial_admin: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_create(user=provincial_admin, name='schemathesis')[1]}"}


BOUNDED = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _failures(api_schema: Any, headers: dict[str, str] | None) -> list[str]:
    """Every operation in turn (Schemathesis's pytest plugin does not run on this pytest), each
    failure named with its operation."""
    failures: list[str] = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @BOUNDED
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # a FailureGroup is an exception group
            failures.append(f"{operation.label}: {str(exc).strip().splitlines()[0:6]}")
    return failures


def test_every_operation_anonymous(api_schema: Any) -> None:
    failures = _failures(api_schema, None)
    assert not failures, "\n".join(failures)


def test_every_operation_with_a_token(api_schema: Any, bearer: dict[str, str]) -> None:
    failures = _failures(api_schema, bearer)
    assert not failures, "\n".join(failures)
