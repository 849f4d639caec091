"""Contract event rows written before event types were recorded: their type follows from the move
they recorded (from, to), what their payload names (a party that signed, a proposal, an ending
request, a follow-on) and, for the few that share both, the words the services wrote as reason."""

from django.db import migrations

COUNTER = "提出修改意见（还价）"
ESCALATED = "逾期未商定后续安排"
WITHDRAWN = "撤回终止申请"
OBJECTED = "对方提出异议"
ACCEPTED_NOTICE = "同意通知终止"


def event_type_of(frm, to, payload, reason, has_actor):
    """The event type of an old row, or "" when it cannot be told."""
    payload = payload if isinstance(payload, dict) else {}
    reason = reason or ""
    if not frm:
        return "draft"
    if frm == to:
        if "party" in payload:
            return "sign"
        if "proposal" in payload:
            return "counter_next_step" if reason.startswith(COUNTER) else "propose_next_step"
        if reason.startswith(ESCALATED):
            return "escalate"
        if "ending_request" in payload:
            if reason == WITHDRAWN:
                return "withdraw_ending"
            if "effective_on" in payload:
                return "give_notice" if payload["effective_on"] else "propose_ending"
            return "object_to_notice" if OBJECTED in reason else "decline_ending"
        return ""
    if to == "signing":
        return "sign"
    if to == "signed":
        return "complete_signing"
    if to == "free_use":
        return "start_free_use" if frm == "signed" else "complete_into_free_use"
    if to == "awaiting_next_step":
        return "expire_free_use"
    if to == "next_step_agreed":
        return "follow_on_signed" if "follow_on" in payload else "agree_next_step"
    if to == "cancelled":
        return "cancel"
    if to == "ended":
        if "ending_request" not in payload:
            return "end"
        if not has_actor:
            return "notice_takes_effect"
        return "accept_notice" if ACCEPTED_NOTICE in reason else "end_by_agreement"
    return ""


def fill_event_types(apps, schema_editor):
    ContractEvent = apps.get_model("contracts", "ContractEvent")
    rows = ContractEvent.objects.filter(event_type="").only("pk", "from_status", "to_status", "payload", "reason", "actor")
    for event in rows.iterator():
        found = event_type_of(event.from_status, event.to_status, event.payload, event.reason, event.actor_id is not None)
        if found:
            ContractEvent.objects.filter(pk=event.pk).update(event_type=found)


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0007_transition_event_type"),
    ]

    operations = [
        migrations.RunPython(fill_event_types, migrations.RunPython.noop),
    ]
