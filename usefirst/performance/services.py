"""Writes of the performance record: consents (grant, revoke), statements, and the reading of a
record by someone other than the enterprise — each logged through the project's audit
(usefirst.core.audit), refusals included."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from usefirst.accounts import roles
from usefirst.accounts.models import Organisation, OrganisationKind
from usefirst.core import workflow
from usefirst.core.actors import Actor
from usefirst.core.audit import audit
from usefirst.core.errors import Conflict, DomainError, Forbidden, NotFound
from usefirst.core.models import AuditOutcome
from usefirst.core.text import clean_reason, clean_text

from . import selectors
from .choices import ConsentStatus
from .models import Consent, Statement
from .workflows import CONSENT, ConsentEventType

CONSENT_REQUIRED = "未经该企业授权，不能查看其履约信用档案。请联系企业在“履约信用档案 · 共享授权”中授权贵机构。"


def _enterprise_of(actor: Actor, enterprise: Organisation) -> Organisation:
    if enterprise.kind != OrganisationKind.ENTERPRISE:
        raise NotFound("没有这家企业的履约信用档案", code="not_found")
    if not roles.is_member(actor, enterprise):
        raise Forbidden("只有企业自己的成员可以管理其履约信用档案", code="performance_not_enterprise")
    return enterprise


def consent_grant(*, actor: Actor, enterprise: Organisation, grantee: Organisation, purpose: str = "") -> Consent:
    """The enterprise lets `grantee` read its record until it revokes the consent."""
    _enterprise_of(actor, enterprise)
    text = clean_text(purpose, field="purpose", label="用途", max_chars=200, required=False)
    if grantee.pk not in set(selectors.grantee_choices(enterprise).values_list("pk", flat=True)):
        message = "只能授权已认证的成果单位、保险机构、担保机构或服务机构"
        raise DomainError(message, code="performance_grantee_invalid", field_errors={"grantee": [message]})
    try:
        with transaction.atomic():
            consent = Consent.objects.create(enterprise=enterprise, grantee=grantee, purpose=text, granted_by=actor)
            workflow.record(
                CONSENT,
                consent,
                ConsentEventType.GRANT,
                actor=actor,
                from_status="",
                payload={"grantee": grantee.pk, "purpose": text},
            )
            audit(actor=actor, action="performance.consent_grant", obj=consent, enterprise=enterprise.pk, grantee=grantee.pk)
    except IntegrityError:
        raise Conflict(f"已授权“{grantee.name}”查看，无需重复授权", code="performance_consent_exists") from None
    return consent


def consent_revoke(*, actor: Actor, consent: Consent, reason: str = "") -> Consent:
    """Revoking takes effect at once: the grantee's next reading is refused."""
    text = clean_reason(reason, label="撤回说明", required=False)
    with transaction.atomic():
        moved = workflow.move(
            CONSENT, consent, "revoke", actor=actor, reason=text, also={"revoked_by": actor, "revoked_at": timezone.now()}
        )
        audit(
            actor=actor,
            action="performance.consent_revoke",
            obj=moved,
            enterprise=moved.enterprise_id,
            grantee=moved.grantee_id,
        )
    return moved


def statement_add(*, actor: Actor, enterprise: Organisation, entry_key: str, text: str) -> Statement:
    """The enterprise's statement (情况说明) on one entry of its own record."""
    _enterprise_of(actor, enterprise)
    body = clean_reason(text, field="text", label="情况说明", required_code="performance_statement_required")
    if selectors.record(enterprise).entry(entry_key) is None:
        raise NotFound("档案中没有这一条目", code="performance_entry_unknown")
    with transaction.atomic():
        statement = Statement.objects.create(enterprise=enterprise, entry_key=entry_key, text=body, author=actor)
        audit(actor=actor, action="performance.statement_add", obj=statement, enterprise=enterprise.pk, entry=entry_key)
    return statement


def record_view(*, actor: Actor, enterprise: Organisation) -> selectors.Record:
    """Read an enterprise's record: its own members always; a unit, insurer or guarantor only
    under an active consent naming it. Every reading is logged (the enterprise's own marked
    `own`), and so is every refusal (outside any transaction, so the refusal's row stays)."""
    if enterprise.kind != OrganisationKind.ENTERPRISE:
        raise NotFound("没有这家企业的履约信用档案", code="not_found")
    if selectors.is_enterprise_member(actor, enterprise):
        audit(actor=actor, action="performance.record_view", obj=enterprise, own=True)
        return selectors.record(enterprise)
    consent = selectors.consent_for(actor, enterprise)
    if consent is None:
        audit(actor=actor, action="performance.record_view", obj=enterprise, outcome=AuditOutcome.REFUSED, reason="no_consent")
        raise Forbidden(CONSENT_REQUIRED, code="performance_consent_required")
    audit(actor=actor, action="performance.record_view", obj=enterprise, consent=consent.pk, grantee=consent.grantee_id)
    return selectors.record(enterprise)


__all__ = ["ConsentStatus", "consent_grant", "consent_revoke", "record_view", "statement_add"]
