"""Event rows written before event types were recorded get theirs, read from the move they record
(recognition/workflows.py): creation has no previous status; a row that keeps the status is the
demo loader's moved public notice."""

from django.db import migrations

APPLICATION_TARGETS = {
    "recommended": "recommend",
    "public_notice": "select",
    "rejected": "reject",
    "recognised": "recognise",
    "revoked": "revoke",
}
MISCONDUCT_MOVES = {
    ("active", "appealed"): "appeal",
    ("appealed", "withdrawn"): "withdraw",
    ("appealed", "active"): "keep",
}


def fill(apps, schema_editor):
    ApplicationEvent = apps.get_model("recognition", "ApplicationEvent")
    for event in ApplicationEvent.objects.filter(event_type=""):
        if not event.from_status:
            event_type = "create"
        elif event.from_status == event.to_status:
            event_type = "notice_moved"
        else:
            event_type = APPLICATION_TARGETS.get(event.to_status, "")
        if event_type:
            ApplicationEvent.objects.filter(pk=event.pk).update(event_type=event_type)
    MisconductEvent = apps.get_model("recognition", "MisconductEvent")
    for event in MisconductEvent.objects.filter(event_type=""):
        event_type = "record" if not event.from_status else MISCONDUCT_MOVES.get((event.from_status, event.to_status), "")
        if event_type:
            MisconductEvent.objects.filter(pk=event.pk).update(event_type=event_type)


class Migration(migrations.Migration):
    dependencies = [
        ("recognition", "0002_transition_event_type"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
