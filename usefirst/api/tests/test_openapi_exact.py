"""The OpenAPI document says what the API does: every operation lists the problem+json answers it
can give, no two schemas share a name, a repeated query parameter is refused rather than half
read, and `true` is not an amount."""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
from collections import Counter

import pytest
from ninja import Schema
from pydantic import ValidationError

from usefirst.api.urls import api

PROBLEM_REF = "#/components/schemas/Problem"


@pytest.fixture(scope="module")
def schema() -> dict:
    import json

    # as a client reads it: JSON text (an int and a str key of one status would be a duplicate key)
    text = json.dumps(api.get_openapi_schema(), default=str)
    pairs_seen: list[list[str]] = []
    json.loads(text, object_pairs_hook=lambda pairs: pairs_seen.append([k for k, _ in pairs]) or dict(pairs))
    duplicated = [keys for keys in pairs_seen if len(keys) != len(set(keys))]
    assert duplicated == [], duplicated[:3]
    return json.loads(text)


def _operations(schema: dict) -> list[tuple[str, str, dict]]:
    return [(path, method, op) for path, ops in schema["paths"].items() for method, op in ops.items()]


def test_every_operation_lists_its_problem_answers(schema: dict) -> None:
    missing = []
    for path, method, op in _operations(schema):
        expected = {"400", "404", "429"} | ({"401", "403"} if op.get("security") else set())
        if method in ("post", "put", "patch", "delete"):
            expected.add("409")
        if op.get("parameters") or op.get("requestBody"):
            expected.add("422")
        for status in expected:
            answer = op["responses"].get(status)
            schemas = [c.get("schema", {}).get("$ref") for c in (answer or {}).get("content", {}).values()]
            # ours is the Problem; an operation may declare its own richer 422 (the imports' row errors)
            if not answer or not any(schemas) or (PROBLEM_REF not in schemas and status != "422"):
                missing.append(f"{method.upper()} {path} {status}")
    assert not missing, missing[:20]


def test_a_signed_in_operation_documents_401_and_a_public_one_does_not(schema: dict) -> None:
    ops = {(p, m): op for p, m, op in _operations(schema)}
    assert "401" in ops[("/api/v1/me", "get")]["responses"]
    assert "401" not in ops[("/api/v1/achievements", "get")]["responses"]
    # public, but wrong credentials are a 401 (Schemathesis found it undocumented)
    assert "401" in ops[("/api/v1/tokens", "post")]["responses"]


def _schema_classes() -> list[type[Schema]]:
    from django.apps import apps

    for config in apps.get_app_configs():
        if config.name.startswith("usefirst."):
            with contextlib.suppress(ModuleNotFoundError):
                importlib.import_module(f"{config.name}.api")
    seen: list[type[Schema]] = []
    stack = list(Schema.__subclasses__())
    while stack:
        cls = stack.pop()
        if cls.__module__.startswith("usefirst.") and ".tests" not in cls.__module__:
            seen.append(cls)
        stack.extend(cls.__subclasses__())
    return seen


def test_no_two_api_schemas_share_a_name() -> None:
    names = Counter(cls.__name__ for cls in _schema_classes())
    assert [name for name, n in names.items() if n > 1] == []


@pytest.mark.django_db
def test_a_repeated_query_parameter_is_refused_not_half_read(client) -> None:
    response = client.get("/api/v1/achievements?page=1&page=2")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "repeated_parameter" and "“page”" in body["detail"]
    assert client.get("/api/v1/achievements?page=1&page_size=5").status_code == 200


def test_json_true_and_floats_are_not_amounts() -> None:
    from usefirst.finance.api import ReceiptIn

    base = {"received_on": dt.date(2026, 12, 1), "payer": "甲公司", "voucher_number": "V1", "idempotency_key": "k1"}
    assert ReceiptIn.model_validate({**base, "amount": "1234.50"}).amount == "1234.50"
    assert ReceiptIn.model_validate({**base, "amount": 1200}).amount == 1200
    for wrong in (True, False, 12.5, 1.0):
        with pytest.raises(ValidationError):
            ReceiptIn.model_validate({**base, "amount": wrong})
