"""Engagement event rows written before event types were recorded named their step in the
payload (`payload["step"]`, the same words as the event types): copy it into `event_type`."""

from django.db import migrations


def fill_event_types(apps, schema_editor):
    EngagementEvent = apps.get_model("matchmaking", "EngagementEvent")
    for event in EngagementEvent.objects.filter(event_type="").only("pk", "payload").iterator():
        step = (event.payload or {}).get("step", "") if isinstance(event.payload, dict) else ""
        if step:
            EngagementEvent.objects.filter(pk=event.pk).update(event_type=str(step)[:48])


class Migration(migrations.Migration):
    dependencies = [
        ("matchmaking", "0002_transition_event_type"),
    ]

    operations = [
        migrations.RunPython(fill_event_types, migrations.RunPython.noop),
    ]
