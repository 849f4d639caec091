"""The demo's performance records (履约信用档案): the enterprise-admin@ enterprise has shared its
record with the insurer@ insurer (consented: the insurer reads it from 企业授权查看的履约信用档案)
and once shared it with the guarantor@ guarantor, then revoked that consent (unconsented: the
guarantor's reading is refused with the Chinese 403 page, and the refusal is in the audit log).
The enterprise has written a statement on its latest entry, when it has one (the entries come
from the demo contracts' payment plans and receipts)."""

from __future__ import annotations

from collections.abc import Callable

from usefirst.accounts.models import Membership, Organisation, User
from usefirst.performance import selectors, services
from usefirst.performance.models import Consent

from .logins import DEMO_LOGINS


def _login(local: str) -> User:
    return User.objects.get(email=next(login.email for login in DEMO_LOGINS if login.email.startswith(f"{local}@")))


def _org_of(user: User) -> Organisation:
    membership = Membership.objects.filter(user=user, is_active=True).select_related("organisation").order_by("pk").first()
    assert membership is not None, user.email
    return membership.organisation


def load_demo_performance(*, log: Callable[[str], None] = print) -> int:
    """Write the consents and the statement through the services; returns how many consents."""
    enterprise_user = _login("enterprise-admin")
    enterprise = _org_of(enterprise_user)
    insurer = _org_of(_login("insurer"))
    guarantor = _org_of(_login("guarantor"))
    if Consent.objects.filter(enterprise=enterprise).exists():
        return Consent.objects.filter(enterprise=enterprise).count()
    services.consent_grant(
        actor=enterprise_user, enterprise=enterprise, grantee=insurer, purpose="投保“先用后转”许可费履约保证保险"
    )
    revoked = services.consent_grant(actor=enterprise_user, enterprise=enterprise, grantee=guarantor, purpose="申请担保")
    services.consent_revoke(actor=enterprise_user, consent=revoked, reason="担保申请已撤回")
    record = selectors.record(enterprise)
    if record.entries:
        services.statement_add(
            actor=enterprise_user,
            enterprise=enterprise,
            entry_key=record.entries[0].key,
            text="本企业已按付款计划安排资金，如有疑问请与财务部联系。",
        )
    log(f"履约信用档案：{enterprise.name} 已授权 {insurer.name} 查看（{guarantor.name} 的授权已撤回）")
    return 2
