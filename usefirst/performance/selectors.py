"""The performance record (履约信用档案) of a licensee, computed from platform facts only:

- **payments**: every scheduled amount of the payment plans of the contracts it is the licensee
  of (finance), judged against the confirmed receipts (实际到账, reversals included). The
  receipts are applied to the lines in due-date order, as the finance schedule applies them; a
  line is paid on the first day from which the running total of receipts stays at or above
  everything due up to and including it. Paid by its due date: 按期支付; paid later: 逾期后支付
  (days late); not paid and past its due date: 逾期未付 (days overdue). A line not yet due, a
  waived line, a milestone not yet confirmed or a royalty not yet reported is not an entry yet.
- **disputes**: receipts it disputed as the payer; ending requests on its contracts that were
  declined or objected to — with their outcome.
- **claims paid on its behalf**: whatever answers the hook `performance.claims_paid`
  (performance/hooks.py; risk, once it records paid claims).
- **breach records** (违约记录) the other party of a contract entered against it: whatever answers
  the hook `performance.breaches` (risk records them with their evidence).

Nothing is stored but the enterprise's statements and consents. Who may read a record:
`may_view_record`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from usefirst.accounts import roles
from usefirst.accounts.models import OWNER_UNIT_KINDS, Organisation, OrganisationKind, OrganisationStatus
from usefirst.contracts.models import Contract, EndingRequest
from usefirst.core.actors import Visitor
from usefirst.core.dates import today
from usefirst.core.permissions import Action, restrict
from usefirst.finance.models import Receipt, ScheduleLine

from . import hooks
from .choices import ConsentStatus, EntryKind, Grade, Outcome
from .models import Consent, Statement

ZERO = Decimal("0.00")
GRANTEE_KINDS = (OWNER_UNIT_KINDS - {OrganisationKind.ENTERPRISE}) | {
    OrganisationKind.INSURER,
    OrganisationKind.GUARANTOR,
    OrganisationKind.AGENCY,
}


@dataclass
class Entry:
    key: str  # "line:12", "receipt:5", "ending:3", "claim:<key>"
    kind: str  # EntryKind
    day: dt.date  # when it happened (due date, dispute date, payment date)
    contract_number: str
    contract_title: str
    label: str
    outcome: str  # Outcome
    amount: Decimal | None = None
    due_date: dt.date | None = None
    settled_on: dt.date | None = None
    days_late: int = 0
    detail: str = ""
    statements: list[Statement] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return EntryKind(self.kind).label

    @property
    def outcome_label(self) -> str:
        return Outcome(self.outcome).label


@dataclass
class Summary:
    on_time: int = 0
    late: int = 0
    missed: int = 0
    missed_amount: Decimal = ZERO
    disputes: int = 0
    claims: int = 0
    claims_amount: Decimal = ZERO
    breaches: int = 0
    contracts: int = 0

    @property
    def grade(self) -> str:
        if self.missed or self.claims or self.breaches:
            return Grade.POOR
        if self.on_time or self.late:
            return Grade.GOOD
        return Grade.NONE

    @property
    def grade_label(self) -> str:
        return Grade(self.grade).label


@dataclass
class Record:
    enterprise: Organisation
    on: dt.date
    entries: list[Entry]
    summary: Summary

    def entry(self, key: str) -> Entry | None:
        return next((e for e in self.entries if e.key == key), None)


# ---------------------------------------------------------------- payments


def _paid_on(need: Decimal, steps: list[tuple[dt.date, Decimal]]) -> dt.date | None:
    """The first receipt day from which the running total stays ≥ need (None: not reached)."""
    paid: dt.date | None = None
    for day, running in steps:
        if running >= need:
            if paid is None:
                paid = day
        else:
            paid = None
    return paid


def payment_entries(contract: Contract, *, on: dt.date) -> list[Entry]:
    lines = [
        line
        for line in ScheduleLine.objects.filter(plan__contract=contract, waived_at__isnull=True).order_by(
            "due_date", "position", "pk"
        )
        if line.amount is not None and line.due_date is not None
    ]
    running = ZERO
    steps: list[tuple[dt.date, Decimal]] = []
    receipts = Receipt.objects.filter(contract=contract, confirmed_at__isnull=False, received_on__lte=on).order_by(
        "received_on", "pk"
    )
    for receipt in receipts:
        running += receipt.amount
        if steps and steps[-1][0] == receipt.received_on:
            steps[-1] = (receipt.received_on, running)
        else:
            steps.append((receipt.received_on, running))
    entries: list[Entry] = []
    need = ZERO
    for line in lines:
        assert line.amount is not None and line.due_date is not None
        need += line.amount
        paid = _paid_on(need, steps)
        if paid is None and on <= line.due_date:
            continue  # not due yet: not a fact of the record
        if paid is not None and paid <= line.due_date:
            outcome, late = Outcome.ON_TIME, 0
        elif paid is not None:
            outcome, late = Outcome.LATE, (paid - line.due_date).days
        else:
            outcome, late = Outcome.MISSED, (on - line.due_date).days
        entries.append(
            Entry(
                key=f"line:{line.pk}",
                kind=EntryKind.PAYMENT,
                day=line.due_date,
                contract_number=contract.number,
                contract_title=contract.title,
                label=line.label,
                outcome=outcome,
                amount=line.amount,
                due_date=line.due_date,
                settled_on=paid,
                days_late=late,
            )
        )
    return entries


# ---------------------------------------------------------------- disputes


def dispute_entries(enterprise: Organisation, contracts: list[Contract], *, on: dt.date) -> list[Entry]:
    by_id = {c.pk: c for c in contracts}
    entries: list[Entry] = []
    for receipt in Receipt.objects.filter(
        contract_id__in=by_id, payer_organisation=enterprise, disputed_at__isnull=False
    ).order_by("disputed_at", "pk"):
        assert receipt.disputed_at is not None
        day = receipt.disputed_at.date()
        if day > on:
            continue
        contract = by_id[receipt.contract_id]
        entries.append(
            Entry(
                key=f"receipt:{receipt.pk}",
                kind=EntryKind.DISPUTE,
                day=day,
                contract_number=contract.number,
                contract_title=contract.title,
                label=f"到账记录 {receipt.received_on:%Y-%m-%d}（凭证号 {receipt.voucher_number}）",
                outcome=Outcome.RECEIPT_DISPUTED,
                amount=receipt.amount,
                detail=receipt.dispute_reason,
            )
        )
    ended = {EndingRequest.Status.DECLINED: Outcome.ENDING_DECLINED, EndingRequest.Status.OBJECTED: Outcome.ENDING_OBJECTED}
    for request in EndingRequest.objects.filter(contract_id__in=by_id, status__in=list(ended)).order_by("created_at", "pk"):
        day = (request.answered_at or request.created_at).date()
        if day > on:
            continue
        contract = by_id[request.contract_id]
        side = "本企业提出" if request.proposed_by_organisation_id == enterprise.pk else "对方提出"
        entries.append(
            Entry(
                key=f"ending:{request.pk}",
                kind=EntryKind.DISPUTE,
                day=day,
                contract_number=contract.number,
                contract_title=contract.title,
                label=f"{request.get_kind_display()}（{side}）",
                outcome=ended[EndingRequest.Status(request.status)],
                detail=request.answer or request.grounds,
            )
        )
    return entries


# ---------------------------------------------------------------- claims


def claim_entries(enterprise: Organisation, *, on: dt.date) -> list[Entry]:
    entries = []
    for claims in hooks.claims_paid.send(enterprise.pk):
        for claim in claims:
            if claim.paid_on > on:
                continue
            entries.append(
                Entry(
                    key=f"claim:{claim.key}",
                    kind=EntryKind.CLAIM,
                    day=claim.paid_on,
                    contract_number=claim.contract_number,
                    contract_title="",
                    label=f"{claim.payer_name}代为赔付",
                    outcome=Outcome.CLAIM_PAID,
                    amount=claim.amount,
                    settled_on=claim.paid_on,
                    detail="；".join(part for part in (claim.description, claim.recourse) if part),
                )
            )
    return entries


def breach_entries(enterprise: Organisation, *, on: dt.date) -> list[Entry]:
    entries = []
    for facts in hooks.breaches.send(enterprise.pk):
        for fact in facts:
            if fact.occurred_on > on:
                continue
            entries.append(
                Entry(
                    key=f"breach:{fact.key}",
                    kind=EntryKind.BREACH,
                    day=fact.occurred_on,
                    contract_number=fact.contract_number,
                    contract_title=fact.contract_title,
                    label=f"{fact.kind_label}（{fact.recorded_by_name}登记）",
                    outcome=Outcome.BREACH_RECORDED,
                    detail=fact.description,
                )
            )
    return entries


# ---------------------------------------------------------------- the record


def licensee_contracts(enterprise: Organisation) -> list[Contract]:
    return list(Contract.objects.filter(licensee=enterprise).order_by("pk"))


def record(enterprise: Organisation, *, on: dt.date | None = None) -> Record:
    """The record as it stands on a business day (default today), newest entry first. The
    caller has checked that the reader may see it (`may_view_record`)."""
    day = on or today()
    contracts = licensee_contracts(enterprise)
    entries: list[Entry] = []
    for contract in contracts:
        entries.extend(payment_entries(contract, on=day))
    entries.extend(dispute_entries(enterprise, contracts, on=day))
    entries.extend(claim_entries(enterprise, on=day))
    entries.extend(breach_entries(enterprise, on=day))
    entries.sort(key=lambda e: (e.day, e.key), reverse=True)
    statements: dict[str, list[Statement]] = {}
    for statement in Statement.objects.filter(enterprise=enterprise).select_related("author").order_by("at", "pk"):
        statements.setdefault(statement.entry_key, []).append(statement)
    summary = Summary(contracts=len(contracts))
    for entry in entries:
        entry.statements = statements.get(entry.key, [])
        if entry.outcome == Outcome.ON_TIME:
            summary.on_time += 1
        elif entry.outcome == Outcome.LATE:
            summary.late += 1
        elif entry.outcome == Outcome.MISSED:
            summary.missed += 1
            summary.missed_amount += entry.amount or ZERO
        elif entry.kind == EntryKind.DISPUTE:
            summary.disputes += 1
        elif entry.kind == EntryKind.CLAIM:
            summary.claims += 1
            summary.claims_amount += entry.amount or ZERO
        elif entry.kind == EntryKind.BREACH:
            summary.breaches += 1
    return Record(enterprise, day, entries, summary)


def grade(enterprise: Organisation, *, on: dt.date | None = None) -> str:
    """The record in one word (Grade: good / none / poor), for a premium loading — only for a
    reader who may see the record."""
    return record(enterprise, on=on).summary.grade


# ---------------------------------------------------------------- who may read it


def is_enterprise_member(user: Visitor, enterprise: Organisation) -> bool:
    return roles.is_member(user, enterprise)


def consent_for(user: Visitor, enterprise: Organisation) -> Consent | None:
    """The active consent under which this person reads the enterprise's record (None: none)."""
    own = roles.organisation_ids(user)
    if not own:
        return None
    return (
        Consent.objects.filter(enterprise=enterprise, grantee_id__in=own, status=ConsentStatus.ACTIVE)
        .select_related("grantee")
        .order_by("pk")
        .first()
    )


def consent_of_organisation(enterprise: Organisation, grantee: Organisation) -> Consent | None:
    """The enterprise's active consent naming this organisation (an insurer or guarantor reading
    the record in an underwriting pack); None: not consented."""
    return (
        Consent.objects.filter(enterprise=enterprise, grantee=grantee, status=ConsentStatus.ACTIVE)
        .select_related("grantee")
        .order_by("pk")
        .first()
    )


def may_view_record(user: Visitor, enterprise: Organisation) -> bool:
    return is_enterprise_member(user, enterprise) or consent_for(user, enterprise) is not None


def enterprises_of(user: Visitor) -> QuerySet[Organisation]:
    """The enterprises this person works for (whose record is theirs)."""
    return Organisation.objects.filter(pk__in=roles.organisation_ids(user), kind=OrganisationKind.ENTERPRISE).order_by("pk")


def consents_of(user: Visitor, enterprise: Organisation) -> QuerySet[Consent]:
    return (
        restrict(Consent.objects.filter(enterprise=enterprise), user, Action.VIEW)
        .select_related("grantee", "granted_by", "revoked_by")
        .order_by("status", "-granted_at", "-pk")
    )


def shared_with(user: Visitor) -> QuerySet[Consent]:
    """The active consents naming one of this person's organisations: the records they may read."""
    return (
        Consent.objects.filter(grantee_id__in=roles.organisation_ids(user), status=ConsentStatus.ACTIVE)
        .select_related("enterprise", "grantee")
        .order_by("enterprise__name", "pk")
    )


def grantee_choices(enterprise: Organisation) -> QuerySet[Organisation]:
    """Organisations the enterprise may name: active units, insurers, guarantors and agencies."""
    return (
        Organisation.objects.filter(kind__in=GRANTEE_KINDS, status=OrganisationStatus.ACTIVE)
        .exclude(pk=enterprise.pk)
        .order_by("kind", "name")
    )
