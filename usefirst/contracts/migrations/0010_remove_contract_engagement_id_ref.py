from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0009_contract_engagement"),
    ]

    operations = [
        migrations.RemoveField(model_name="contract", name="engagement_id_ref"),
    ]
