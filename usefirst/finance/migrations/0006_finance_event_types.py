"""Finance's event rows as the workflow kernel writes them (finance/workflows.py): before, the
name of the action was stored where the new status belongs (`to_status`) and `event_type` was
blank. Each such row gets its event type from that name, and its from and to statuses where the
rows still tell them."""

from django.db import migrations

# old name in to_status → (event type, from status, to status); None: worked out per row below.
FIXED = {
    "plan_created": ("plan_create", "", "open"),
    "line_waived": ("line_waive", "open", "waived"),
    "receipt_pending": ("receipt_record", "", "pending"),
    "receipt_confirmed": ("receipt_confirm", "pending", "confirmed"),
    "receipt_disputed": ("receipt_dispute", "pending", "disputed"),
    "receipt_reversed": ("receipt_reverse", "confirmed", "confirmed"),
    "distribution_computed": ("distribution_create", "", "computed"),
    "paid": ("distribution_pay", "computed", "paid"),
    "cancelled": ("distribution_cancel", "computed", "cancelled"),
}
PER_LINE = {"milestone_confirmed": "milestone_confirm", "royalty_reported": "royalty_report"}


def _id(payload, key):
    try:
        return int((payload or {}).get(key))
    except (TypeError, ValueError):
        return None


def name_the_events(apps, schema_editor):
    FinanceEvent = apps.get_model("finance", "FinanceEvent")
    Receipt = apps.get_model("finance", "Receipt")
    ScheduleLine = apps.get_model("finance", "ScheduleLine")
    old = FinanceEvent.objects.filter(event_type="")
    for name, (event_type, from_status, to_status) in FIXED.items():
        old.filter(to_status=name).update(event_type=event_type, from_status=from_status, to_status=to_status)
    # The unit's own entry was confirmed at once under the simplified procedure (and under the old
    # rule that a recorded receipt counted); otherwise it waited for the payer.
    for event in old.filter(to_status="receipt_recorded").only("pk", "payload"):
        receipt = Receipt.objects.filter(pk=_id(event.payload, "receipt")).only("confirmed_as").first()
        confirmed = receipt is not None and receipt.confirmed_as in ("unit", "recorded")
        FinanceEvent.objects.filter(pk=event.pk).update(
            event_type="receipt_record", from_status="", to_status="confirmed" if confirmed else "pending"
        )
    # A milestone confirmation or a royalty report leaves its line as it was: waived if it had been
    # waived before, open otherwise.
    for event in old.filter(to_status__in=list(PER_LINE)).only("pk", "at", "payload", "to_status"):
        line = ScheduleLine.objects.filter(pk=_id(event.payload, "line")).only("waived_at").first()
        status = "waived" if line is not None and line.waived_at is not None and line.waived_at < event.at else "open"
        FinanceEvent.objects.filter(pk=event.pk).update(
            event_type=PER_LINE[event.to_status], from_status=status, to_status=status
        )


class Migration(migrations.Migration):
    dependencies = [
        ("finance", "0005_receipt_and_schedule_line_status"),
    ]

    operations = [
        migrations.RunPython(name_the_events, migrations.RunPython.noop),
    ]
