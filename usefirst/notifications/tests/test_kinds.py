"""Notification kinds have one style, `<area>.<event>`, and the rows stored under the older names
are renamed by a data migration (usefirst/notifications/migrations/0002_…)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from usefirst.core.testing import make_org, make_user
from usefirst.notifications.kinds import KIND_PATTERN, check_kind
from usefirst.notifications.services import notify

ROOT = Path(__file__).resolve().parents[2]
BEFORE = ("notifications", "0001_initial")
AFTER = ("notifications", "0002_notification_kinds_area_event")
RENAMED = importlib.import_module("usefirst.notifications.migrations.0002_notification_kinds_area_event").RENAMED


def _literal_kinds() -> list[tuple[str, str]]:
    """Every `kind="…"` passed to notify, a Notice or notify_parties in the application's code
    (matchmaking's own helper adds its area to the event it is given)."""
    found = []
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in ("notify", "Notice", "notify_parties", "notify_organisation"):
                continue
            for keyword in node.keywords:
                if keyword.arg == "kind" and isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str):
                    found.append((f"{path.relative_to(ROOT)}:{node.lineno}", keyword.value.value))
    return found


def test_every_kind_in_the_code_is_area_dot_event():
    kinds = _literal_kinds()
    assert len(kinds) > 30
    assert [(where, kind) for where, kind in kinds if not KIND_PATTERN.fullmatch(kind)] == []
    assert not {kind for _, kind in kinds} & set(RENAMED)


def test_the_new_names_are_area_dot_event_and_distinct():
    assert all(KIND_PATTERN.fullmatch(new) for new in RENAMED.values())
    assert len(set(RENAMED.values())) == len(RENAMED)


@pytest.mark.django_db
def test_notify_refuses_a_kind_of_the_old_style():
    user = make_user(make_org())
    with pytest.raises(ValueError):
        notify(recipients=[user], kind="contract_signed", title="合同已签署")
    assert check_kind("contracts.signed") == "contracts.signed"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_renames_stored_rows_and_back():
    user = make_user(make_org())
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps.get_model("notifications", "Notification")
    for kind in ("free_use_reminder", "recognition_eligible", "finance.receipt_confirmed"):
        old.objects.create(recipient_id=user.pk, kind=kind, title="通知")

    executor = MigrationExecutor(connection)
    executor.migrate([AFTER])
    new = executor.loader.project_state([AFTER]).apps.get_model("notifications", "Notification")
    assert sorted(new.objects.values_list("kind", flat=True)) == [
        "contracts.free_use_reminder",
        "finance.receipt_confirmed",
        "recognition.eligible",
    ]

    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    assert sorted(old.objects.values_list("kind", flat=True)) == [
        "finance.receipt_confirmed",
        "free_use_reminder",
        "recognition_eligible",
    ]
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
