import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_rate_counters"),
    ]

    operations = [
        migrations.CreateModel(
            name="ChainHeadSignature",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("chain", models.CharField(max_length=64, verbose_name="链")),
                ("row_id", models.PositiveBigIntegerField(verbose_name="签署至记录")),
                ("row_hash", models.CharField(max_length=64, verbose_name="链头摘要")),
                ("signature", models.TextField(verbose_name="签名（Base64）")),
                ("certificate_pem", models.TextField(verbose_name="签名证书")),
                ("root_pem", models.TextField(verbose_name="平台根证书")),
                ("signed_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="签署时间")),
            ],
            options={
                "verbose_name": "摘要链链头签名",
                "verbose_name_plural": "摘要链链头签名",
                "ordering": ["chain", "row_id"],
                "constraints": [
                    models.UniqueConstraint(fields=("chain", "row_id"), name="chain_head_one_signature_per_row")
                ],
            },
        ),
    ]
