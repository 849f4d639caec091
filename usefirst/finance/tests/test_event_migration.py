"""The data migration that names finance's old event rows (0006_finance_event_types): rows that
stored the action where the new status belongs get the action as their event type and the real
statuses. Its function runs on the models as they were before it (the migration state of 0005),
inside the test's transaction."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from usefirst.finance import services
from usefirst.finance.models import FinanceEvent, ScheduleLine
from usefirst.finance.tests.helpers import payer_of, slip

BEFORE = [("finance", "0005_receipt_and_schedule_line_status")]
MIGRATION = importlib.import_module("usefirst.finance.migrations.0006_finance_event_types")


def apps_before():
    return MigrationExecutor(connection).loader.project_state(BEFORE).apps


def migrate(old_apps):
    MIGRATION.name_the_events(old_apps, None)


@pytest.mark.django_db
def test_old_event_rows_get_their_event_type_and_real_statuses(contract, owner):
    services.plan_create(
        actor=owner,
        contract=contract,
        items=[{"kind": "lump_sum", "terms": {"date": "2026-07-01", "amount": "1000.00"}}],
    )
    line = ScheduleLine.objects.get(plan__contract=contract)
    receipt, _ = services.receipt_record(
        actor=owner, contract=contract, received_on="2026-06-01", amount="1000.00", payer="企业",
        voucher_number="V-1", idempotency_key="k-1", slip=slip(),
    )  # fmt: skip
    services.receipt_confirm(actor=payer_of(contract), receipt=receipt)
    FinanceEvent.objects.all().delete()

    old_apps = apps_before()
    OldEvent = old_apps.get_model("finance", "FinanceEvent")
    later = timezone.now() + dt.timedelta(minutes=1)

    def old(to_status, at=None, **payload):
        return OldEvent.objects.create(subject_id=contract.pk, to_status=to_status, payload=payload, at=at or timezone.now()).pk

    rows = {
        "plan": old("plan_created", kinds=["lump_sum"]),
        "recorded": old("receipt_recorded", receipt=receipt.pk, amount="1000.00"),
        "pending": old("receipt_pending", receipt=receipt.pk, amount="1000.00"),
        "confirmed": old("receipt_confirmed", receipt=receipt.pk, amount="1000.00", confirmed_as="payer"),
        "disputed": old("receipt_disputed", receipt=receipt.pk),
        "reversed": old("receipt_reversed", receipt=receipt.pk, reversal=999, amount="-10.00"),
        "computed": old("distribution_computed", distribution=1, net_income="100.00"),
        "paid": old("paid", distribution=1),
        "cancelled": old("cancelled", distribution=2),
        "waived": old("line_waived", line=line.pk),
        "milestone": old("milestone_confirmed", line=line.pk, sides=["licensor"]),
        "royalty_after_waiver": old("royalty_reported", at=later, line=line.pk, base="10.00"),
    }
    ScheduleLine.objects.filter(pk=line.pk).update(waived_at=timezone.now(), status="waived")
    untouched = OldEvent.objects.create(
        subject_id=contract.pk, event_type="receipt_confirm", from_status="pending", to_status="confirmed"
    ).pk

    migrate(old_apps)

    def named(key):
        event = FinanceEvent.objects.get(pk=rows[key])
        return event.event_type, event.from_status, event.to_status

    assert named("plan") == ("plan_create", "", "open")
    assert named("recorded") == ("receipt_record", "", "pending")  # the payer confirmed it later
    assert named("pending") == ("receipt_record", "", "pending")
    assert named("confirmed") == ("receipt_confirm", "pending", "confirmed")
    assert named("disputed") == ("receipt_dispute", "pending", "disputed")
    assert named("reversed") == ("receipt_reverse", "confirmed", "confirmed")
    assert named("computed") == ("distribution_create", "", "computed")
    assert named("paid") == ("distribution_pay", "computed", "paid")
    assert named("cancelled") == ("distribution_cancel", "computed", "cancelled")
    assert named("waived") == ("line_waive", "open", "waived")
    assert named("milestone") == ("milestone_confirm", "open", "open")
    assert named("royalty_after_waiver") == ("royalty_report", "waived", "waived")
    assert FinanceEvent.objects.get(pk=rows["paid"]).payload == {"distribution": 1}
    assert FinanceEvent.objects.filter(pk=untouched).values_list("event_type", "to_status").get() == (
        "receipt_confirm",
        "confirmed",
    )


@pytest.mark.django_db
def test_a_receipt_the_unit_confirmed_on_recording_keeps_confirmed(contract, owner):
    receipt, _ = services.receipt_record(
        actor=owner, contract=contract, received_on="2026-06-01", amount="500.00", payer="企业",
        voucher_number="V-2", idempotency_key="k-2",
    )  # fmt: skip
    type(receipt).objects.filter(pk=receipt.pk).update(confirmed_as="recorded", confirmed_at=timezone.now())
    FinanceEvent.objects.all().delete()
    old_apps = apps_before()
    OldEvent = old_apps.get_model("finance", "FinanceEvent")
    pk = OldEvent.objects.create(subject_id=contract.pk, to_status="receipt_recorded", payload={"receipt": receipt.pk}).pk
    migrate(old_apps)
    assert FinanceEvent.objects.filter(pk=pk).values_list("event_type", "to_status").get() == ("receipt_record", "confirmed")
