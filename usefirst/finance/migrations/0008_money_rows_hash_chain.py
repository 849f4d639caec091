"""The receipts' allocations, the distributions' lines and the guidance-fund ledger are
hash-chained like the receipts (usefirst/core/hash_chain.py, docs/security.md "Hash chains").

Rows already there are chained in the order they were written (by id), with the live models'
canonical forms (which never change meaning: a new form gets a new version)."""

from django.db import migrations, models

from usefirst.core import hash_chain

CHAINED = [
    ("receiptallocation", "ReceiptAllocation", "allocation_chain_one_successor"),
    ("distributionline", "DistributionLine", "distribution_line_chain_one_successor"),
    ("guidancefundentry", "GuidanceFundEntry", "guidance_fund_chain_one_successor"),
]


def chain_existing_rows(apps, schema_editor):
    from usefirst.finance import models as live

    for _, name, _ in CHAINED:
        hash_chain.chain_existing_rows(apps.get_model("finance", name), getattr(live, name), schema_editor.connection.alias)


def _hash_fields(model_name):
    return [
        migrations.AddField(
            model_name=model_name,
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="前一条摘要"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name=model_name,
            name="row_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="本条摘要"),
            preserve_default=False,
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("finance", "0007_receipt_hash_chain"),
    ]

    operations = [
        *(operation for model_name, _, _ in CHAINED for operation in _hash_fields(model_name)),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop),
        *(
            migrations.AddConstraint(
                model_name=model_name,
                constraint=models.UniqueConstraint(fields=("prev_hash",), name=constraint),
            )
            for model_name, _, constraint in CHAINED
        ),
    ]
