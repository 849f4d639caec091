"""Three-way separation of the platform administrators (usefirst/core/platform_roles.py)."""

from django.db import migrations, models


def superusers_become_system_administrators(apps, schema_editor):
    """A superuser held every power; it keeps the admin window as the system administrator only."""
    User = apps.get_model("accounts", "User")
    User.objects.using(schema_editor.connection.alias).filter(is_superuser=True).update(
        is_superuser=False, platform_role="system"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_organisation_kind_audit_office"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="platform_role",
            field=models.CharField(
                blank=True,
                choices=[("system", "系统管理员"), ("security", "安全管理员"), ("audit", "审计管理员")],
                default="",
                max_length=16,
                verbose_name="平台管理角色",
            ),
        ),
        migrations.RunPython(superusers_become_system_administrators, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(("platform_role", ""), ("is_superuser", False), _connector="OR"),
                name="platform_role_not_superuser",
            ),
        ),
    ]
