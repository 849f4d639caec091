"""Every error code the project raises is registered (usefirst.core.error_codes), every
registered code is raised, and the OpenAPI schema lists them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from usefirst.api.errors import _FALLBACK
from usefirst.core.error_codes import CODES, FIELD_CODES, REGISTRY, RESERVED

SOURCE = Path(__file__).resolve().parents[2]


def _source_files() -> list[Path]:
    return [
        p
        for p in sorted(SOURCE.rglob("*.py"))
        if "tests" not in p.parts and "migrations" not in p.parts and p.name != "error_codes.py"
    ]


def _pair_code(node: ast.expr, constants: dict[str, ast.expr]) -> str | None:
    """The code of a `(code, message)` pair, written in place or as a module constant."""
    if isinstance(node, ast.Name):
        node = constants.get(node.id, node)
    if isinstance(node, ast.Tuple) and node.elts and isinstance(node.elts[0], ast.Constant):
        return str(node.elts[0].value)
    return None


def _raised_codes() -> dict[str, str]:
    """Each `code="…"` given to a call, each workflow step's `forbidden=(code, message)` and each
    class's `default_code = "…"`, with where."""
    found: dict[str, str] = {}
    for path in _source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {
            target.id: node.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            where = f"{path.relative_to(SOURCE.parent)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
                        found.setdefault(str(keyword.value.value), where)
                    elif keyword.arg == "forbidden" and (code := _pair_code(keyword.value, constants)):
                        found.setdefault(code, where)
            elif (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Constant)
                and any(isinstance(t, ast.Name) and t.id == "default_code" for t in node.targets)
            ):
                found.setdefault(str(node.value.value), where)
    return found


def _string_literals() -> set[str]:
    return {
        node.value
        for path in _source_files()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def test_every_code_raised_in_the_source_is_registered():
    unregistered = {code: where for code, where in _raised_codes().items() if code not in REGISTRY and code not in FIELD_CODES}
    assert not unregistered, f"register these codes in usefirst/core/error_codes.py: {unregistered}"


def test_the_api_fallback_codes_are_registered():
    assert {code for code, _ in _FALLBACK.values()} <= set(REGISTRY)


def test_every_registered_code_is_used_somewhere_or_reserved_with_a_reason():
    literals = _string_literals()
    unused = [code for code in REGISTRY if code not in literals and code not in RESERVED]
    assert not unused, f"these registered codes are raised nowhere: {unused} (remove them, or reserve them with a reason)"
    assert all(reason for reason in RESERVED.values())


def test_each_code_is_registered_once_with_a_status_and_a_chinese_message():
    assert len({entry.code for entry in CODES}) == len(CODES)
    for entry in CODES:
        assert 400 <= entry.status < 600, entry
        assert entry.domain and entry.message, entry
        assert any("\u4e00" <= ch <= "\u9fff" for ch in entry.message), entry
    assert not set(REGISTRY) & FIELD_CODES


@pytest.mark.django_db
def test_the_openapi_schema_lists_the_codes(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["components"]["schemas"]["Problem"]["properties"]["code"]["enum"] == [e.code for e in CODES]
    listed = {item["code"]: item for item in schema["x-error-codes"]}
    assert listed["illegal_transition"] == {
        "code": "illegal_transition",
        "status": 409,
        "domain": "core",
        "message": REGISTRY["illegal_transition"].message,
    }
