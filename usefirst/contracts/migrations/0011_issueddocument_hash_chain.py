"""Every IssuedDocument row is hash-chained (usefirst/core/hash_chain.py, docs/security.md "Hash chains").

Rows already there are chained in the order they were written (by id), with the live model's
canonical form (which never changes meaning: a new form gets a new version)."""

from django.db import migrations, models

from usefirst.core import hash_chain


def chain_existing_rows(apps, schema_editor):
    from usefirst.contracts.models import IssuedDocument as Live

    hash_chain.chain_existing_rows(apps.get_model("contracts", "IssuedDocument"), Live, schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0010_remove_contract_engagement_id_ref"),
    ]

    operations = [
        migrations.AddField(
            model_name="issueddocument",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="前一条摘要"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="issueddocument",
            name="row_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="本条摘要"),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="issueddocument",
            constraint=models.UniqueConstraint(fields=("prev_hash",), name="issued_document_chain_one_successor"),
        ),
    ]
