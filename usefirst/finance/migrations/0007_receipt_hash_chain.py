"""Every Receipt row is hash-chained (usefirst/core/hash_chain.py, docs/security.md "Hash chains").

Rows already there are chained in the order they were written (by id), with the live model's
canonical form (which never changes meaning: a new form gets a new version)."""

from django.db import migrations, models

from usefirst.core import hash_chain


def chain_existing_rows(apps, schema_editor):
    from usefirst.finance.models import Receipt as Live

    hash_chain.chain_existing_rows(apps.get_model("finance", "Receipt"), Live, schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("finance", "0006_finance_event_types"),
    ]

    operations = [
        migrations.AddField(
            model_name="receipt",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="前一条摘要"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="receipt",
            name="row_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="本条摘要"),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="receipt",
            constraint=models.UniqueConstraint(fields=("prev_hash",), name="receipt_chain_one_successor"),
        ),
    ]
