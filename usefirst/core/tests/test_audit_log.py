"""The audit log cannot be edited without trace: rows are append-only and hash-chained, each
names where the request came from and how it ended, committed rows are shipped off the host,
and `manage.py audit_verify` names the first broken row."""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.test import RequestFactory

from usefirst.core import audit_chain
from usefirst.core.audit import audit, verify_chain
from usefirst.core.audit_shipping import JsonLinesShipper, MemoryShipper
from usefirst.core.client import client_address, serving
from usefirst.core.models import AppendOnlyError, AuditEntry, AuditOutcome
from usefirst.core.testing import database_for_threads

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _nothing_shipped_yet():
    MemoryShipper.shipped.clear()


def three_rows(actor=None):
    return [audit(actor=actor, action=f"test.step{i}", n=i) for i in range(3)]


def tamper(sql, params):
    """Change rows behind the application's back, as someone with database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # the table's owner lifts the trigger, as an attacker with it could
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_append_only")


# --- the chain ---------------------------------------------------------------------------


def test_each_row_holds_the_hash_of_the_row_before_it_and_of_its_own_content(owner):
    earlier = list(AuditEntry.objects.order_by("id"))  # the persona's registration was audited too
    rows = three_rows(owner)
    assert earlier[0].prev_hash == audit_chain.GENESIS and rows[0].prev_hash == earlier[-1].row_hash
    assert rows[1].prev_hash == rows[0].row_hash and rows[2].prev_hash == rows[1].row_hash
    for row in AuditEntry.objects.all():
        assert row.computed_hash() == row.row_hash
    assert verify_chain() == (len(earlier) + 3, None)


def test_the_audit_command_says_the_chain_holds(owner, capsys):
    three_rows(owner)
    call_command("audit_verify")
    assert f"审计记录链完整：共 {AuditEntry.objects.count()} 条记录" in capsys.readouterr().out


def test_the_audit_command_names_the_first_edited_row(owner):
    rows = three_rows(owner)
    tamper("UPDATE core_auditentry SET action = %s WHERE id = %s", ["test.innocent", rows[1].pk])
    with pytest.raises(CommandError, match=f"第 {rows[1].pk} 号记录处断开.*被改动"):
        call_command("audit_verify")


def test_the_audit_command_names_the_row_after_a_removed_one(owner):
    rows = three_rows(owner)
    tamper("DELETE FROM core_auditentry WHERE id = %s", [rows[1].pk])
    with pytest.raises(CommandError, match=f"第 {rows[2].pk} 号记录处断开.*删除"):
        call_command("audit_verify")


def test_a_removed_last_row_shows_against_the_copy_shipped_off_the_host(owner, tmp_path, django_capture_on_commit_callbacks):
    copy = tmp_path / "audit.jsonl"
    shipper = JsonLinesShipper(copy)
    with django_capture_on_commit_callbacks(execute=True):
        rows = three_rows(owner)
    for row in AuditEntry.objects.order_by("id"):
        shipper.ship(row.as_record())
    call_command("audit_verify", against=copy)
    tamper("DELETE FROM core_auditentry WHERE id = %s", [rows[2].pk])
    call_command("audit_verify")  # the chain alone cannot see a removed tail …
    with pytest.raises(CommandError, match=f"第 {rows[2].pk} 号记录.*数据库中已缺失"):
        call_command("audit_verify", against=copy)  # … the shipped copy does


# --- append-only in code and in the database ---------------------------------------------


def test_the_code_refuses_to_change_or_remove_audit_rows(owner):
    row = audit(actor=owner, action="test.once")
    row.action = "test.changed"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=row.pk).update(action="test.changed")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_create([AuditEntry(action="test.bulk")])
    assert AuditEntry.objects.get(pk=row.pk).action == "test.once"


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_on_postgresql_the_database_itself_refuses_update_and_delete(owner):
    row = audit(actor=owner, action="test.once")
    for sql in ("UPDATE core_auditentry SET action = 'x' WHERE id = %s", "DELETE FROM core_auditentry WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [row.pk])
    assert AuditEntry.objects.get(pk=row.pk).action == "test.once"


def test_two_rows_can_never_follow_the_same_row(owner):
    """Whatever the locking does, the database refuses a fork of the chain."""
    first = audit(actor=owner, action="test.first")
    fork = AuditEntry(action="test.fork", prev_hash=first.prev_hash, row_hash="f" * 64)
    with pytest.raises(DatabaseError), transaction.atomic():
        super(AuditEntry, fork).save()


# --- where from, and how it ended --------------------------------------------------------


def test_a_failed_sign_in_is_a_refused_row_with_the_clients_address(client, owner):
    client.post("/accounts/login/", {"username": owner.email, "password": "wrong"}, REMOTE_ADDR="203.0.113.7")
    refused = AuditEntry.objects.get(action="auth.login")
    assert refused.source_address == "203.0.113.7" and refused.outcome == AuditOutcome.REFUSED


def test_a_scheduled_job_or_command_writes_no_address():
    assert audit(actor=None, action="test.job").source_address == ""


def test_a_refused_unmasking_is_a_refused_row(owner):
    with serving("198.51.100.4"):
        row = audit(actor=owner, action="test.refused", outcome=AuditOutcome.REFUSED)
    assert (row.source_address, row.outcome) == ("198.51.100.4", "refused")


def test_the_client_address_comes_from_a_forwarded_header_only_through_a_trusted_proxy(settings):
    rf = RequestFactory()
    forged = rf.get("/", REMOTE_ADDR="203.0.113.1", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert client_address(forged) == "203.0.113.1"  # nobody trusted: the header is ignored
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    via_proxy = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.8")
    assert client_address(via_proxy) == "198.51.100.8"  # the rightmost hop the proxy saw, not what the client claimed
    assert client_address(forged) == "203.0.113.1"  # not from the proxy: still the peer


# --- shipped off the host ----------------------------------------------------------------


def test_committed_rows_are_shipped_and_rolled_back_ones_are_not(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        kept = audit(actor=owner, action="test.kept")
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                audit(actor=owner, action="test.undone")
                raise RuntimeError
        except RuntimeError:
            pass
    assert [r["action"] for r in MemoryShipper.shipped if r["action"].startswith("test.")] == ["test.kept"]
    assert MemoryShipper.shipped[-1]["row_hash"] == kept.row_hash


def test_the_json_lines_shipper_appends_one_line_per_row(tmp_path, owner):
    path = tmp_path / "off-host" / "audit.jsonl"
    shipper = JsonLinesShipper(path)
    for row in three_rows(owner):
        shipper.ship(row.as_record())
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [line["action"] for line in lines] == ["test.step0", "test.step1", "test.step2"]


# --- concurrent appends ------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_forty_concurrent_appends_make_one_unbroken_chain(tmp_path):
    def append(i):
        try:
            with serving(f"192.0.2.{i}"):
                return audit(actor=None, action="test.concurrent", n=i).pk
        finally:
            connections.close_all()

    with database_for_threads(tmp_path):
        with ThreadPoolExecutor(max_workers=8) as pool:
            written = list(pool.map(append, range(40)))
        assert len(set(written)) == 40

        def check(_):
            try:
                return verify_chain(), AuditEntry.objects.count(), AuditEntry.objects.filter(action="test.concurrent").count()
            finally:
                connections.close_all()

        with ThreadPoolExecutor(max_workers=1) as pool:  # a fresh connection: on SQLite, to the file copy
            (checked, broken), total, concurrent = next(pool.map(check, [0]))
        assert broken is None and checked == total and concurrent == 40
