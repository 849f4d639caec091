"""Notification kinds take one style, `<area>.<event>`: the rows stored under the older
underscore names are renamed (and back again when the migration is reversed)."""

from django.db import migrations

RENAMED = {
    "recognition_eligible": "recognition.eligible",
    "recognition_recommended": "recognition.recommended",
    "recognition_public_notice": "recognition.public_notice",
    "recognition_rejected": "recognition.rejected",
    "recognition_objection": "recognition.objection",
    "recognition_objection_answered": "recognition.objection_answered",
    "recognition_recognised": "recognition.recognised",
    "recognition_revoked": "recognition.revoked",
    "recognition_flag": "recognition.flag",
    "misconduct_recorded": "recognition.misconduct_recorded",
    "misconduct_appeal": "recognition.misconduct_appeal",
    "misconduct_appeal_decided": "recognition.misconduct_appeal_decided",
    "contract_drafted": "contracts.drafted",
    "contract_signed": "contracts.signed",
    "contract_ended": "contracts.ended",
    "contract_ending_proposed": "contracts.ending_proposed",
    "contract_ending_answered": "contracts.ending_answered",
    "next_step_proposed": "contracts.next_step_proposed",
    "next_step_escalated": "contracts.next_step_escalated",
    "free_use_ended": "contracts.free_use_ended",
    "free_use_reminder": "contracts.free_use_reminder",
    "matching_digest": "matching.digest",
}


def _rename(apps, mapping):
    Notification = apps.get_model("notifications", "Notification")
    for old, new in mapping.items():
        Notification.objects.filter(kind=old).update(kind=new)


def forwards(apps, schema_editor):
    _rename(apps, RENAMED)


def backwards(apps, schema_editor):
    _rename(apps, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=True)]
