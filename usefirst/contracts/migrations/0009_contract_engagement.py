"""A contract's engagement becomes a real link (a foreign key to matchmaking's engagement): the
numbers kept so far are carried over where the engagement exists; the old column goes in 0010."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F


def carry_over(apps, schema_editor):
    Contract = apps.get_model("contracts", "Contract")
    Engagement = apps.get_model("matchmaking", "Engagement")
    Contract.objects.filter(engagement_id_ref__in=Engagement.objects.values("pk")).update(engagement_id=F("engagement_id_ref"))


def carry_back(apps, schema_editor):
    Contract = apps.get_model("contracts", "Contract")
    Contract.objects.filter(engagement__isnull=False).update(engagement_id_ref=F("engagement_id"))


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0008_contract_event_types"),
        ("matchmaking", "0002_transition_event_type"),
    ]

    operations = [
        migrations.AddField(
            model_name="contract",
            name="engagement",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="contracts",
                to="matchmaking.engagement",
                verbose_name="对接记录",
            ),
        ),
        migrations.RunPython(carry_over, carry_back),
    ]
