"""The audit log becomes append-only and hash-chained, with each row's source address and outcome.

Rows already there are chained in the order they were written (by id), as if they had been
written under the chain. On PostgreSQL a trigger then refuses any UPDATE or DELETE of a row
(TRUNCATE, which a test run's flush uses, stays with the table's owner); on SQLite the trigger step
does nothing and the model's own refusals stand alone."""

from django.db import migrations, models

from usefirst.core import audit_chain
from usefirst.core.migration_operations import on_postgresql

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION core_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'audit rows are append-only: ' || TG_OP || ' refused', ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditentry_append_only
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION core_auditentry_append_only();
"""

DROP_TRIGGER_SQL = """
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS core_auditentry_append_only();
"""


def chain_existing_rows(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    prev = audit_chain.GENESIS
    for row in AuditEntry.objects.using(schema_editor.connection.alias).order_by("id").iterator():
        detail = audit_chain.normalise_detail(row.detail)
        digest = audit_chain.row_hash(
            prev_hash=prev,
            at=row.at,
            actor_id=row.actor_id,
            action=row.action,
            object_type=row.object_type,
            object_id=row.object_id,
            detail=detail,
            source_address=row.source_address,
            outcome=row.outcome,
        )
        AuditEntry.objects.using(schema_editor.connection.alias).filter(pk=row.pk).update(
            detail=detail, prev_hash=prev, row_hash=digest
        )
        prev = digest


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_daily_job_runs'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='auditentry',
            options={'base_manager_name': 'objects', 'ordering': ['-at', '-id'], 'verbose_name': '审计记录', 'verbose_name_plural': '审计记录'},
        ),
        migrations.AddField(
            model_name='auditentry',
            name='source_address',
            field=models.CharField(blank=True, default='', max_length=45, verbose_name='来源地址'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='outcome',
            field=models.CharField(choices=[('success', '成功'), ('refused', '被拒绝')], default='success', max_length=16, verbose_name='结果'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='prev_hash',
            field=models.CharField(default='', editable=False, max_length=64, verbose_name='前一条摘要'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='auditentry',
            name='row_hash',
            field=models.CharField(default='', editable=False, max_length=64, verbose_name='本条摘要'),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name='auditentry',
            constraint=models.UniqueConstraint(fields=('prev_hash',), name='audit_chain_one_successor'),
        ),
        migrations.AddConstraint(
            model_name='auditentry',
            constraint=models.UniqueConstraint(fields=('row_hash',), name='audit_chain_unique_hash'),
        ),
        on_postgresql(TRIGGER_SQL, DROP_TRIGGER_SQL),
    ]
