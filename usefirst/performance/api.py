"""Performance-record endpoints: the record (its own enterprise, or a consented reader; anyone
else gets 403 problem+json `performance_consent_required`), the enterprise's consents and
statements. Token or session auth; the same services as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.security import django_auth

from usefirst.accounts.models import Organisation, OrganisationKind
from usefirst.api.auth import TokenAuth
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.errors import Forbidden
from usefirst.core.permissions import Action, get_for_user

from . import selectors, services
from .models import Consent

router = Router(tags=["履约信用档案"])
AUTH = [TokenAuth(), django_auth]


class StatementOut(Schema):
    text: str
    at: dt.datetime


class PerformanceEntryOut(Schema):
    key: str
    kind: str
    kind_display: str
    day: dt.date
    contract_number: str
    label: str
    outcome: str
    outcome_display: str
    amount: Decimal | None
    due_date: dt.date | None
    settled_on: dt.date | None
    days_late: int
    detail: str
    statements: list[StatementOut]


class SummaryOut(Schema):
    grade: str
    grade_display: str
    contracts: int
    on_time: int
    late: int
    missed: int
    missed_amount: Decimal
    disputes: int
    claims: int
    claims_amount: Decimal
    breaches: int


class RecordOut(Schema):
    enterprise_id: int
    enterprise_name: str
    on: dt.date
    summary: SummaryOut
    entries: list[PerformanceEntryOut]


class PerformanceConsentIn(Schema):
    grantee_id: int
    purpose: str = ""
    enterprise_id: int | None = None


class PerformanceConsentOut(Schema):
    id: int
    enterprise_id: int
    grantee_id: int
    grantee_name: str
    purpose: str
    status: str
    status_display: str
    granted_at: dt.datetime
    revoked_at: dt.datetime | None


class RevokeIn(Schema):
    reason: str = ""


class StatementIn(Schema):
    entry_key: str
    text: str


def _record_out(record: selectors.Record) -> dict[str, Any]:
    s = record.summary
    return {
        "enterprise_id": record.enterprise.pk,
        "enterprise_name": record.enterprise.name,
        "on": record.on,
        "summary": {
            "grade": s.grade,
            "grade_display": s.grade_label,
            "contracts": s.contracts,
            "on_time": s.on_time,
            "late": s.late,
            "missed": s.missed,
            "missed_amount": s.missed_amount,
            "disputes": s.disputes,
            "claims": s.claims,
            "claims_amount": s.claims_amount,
            "breaches": s.breaches,
        },
        "entries": [
            {
                **{k: getattr(e, k) for k in ("key", "kind", "day", "contract_number", "label", "outcome", "amount")},
                **{k: getattr(e, k) for k in ("due_date", "settled_on", "days_late", "detail")},
                "kind_display": e.kind_label,
                "outcome_display": e.outcome_label,
                "statements": [{"text": st.text, "at": st.at} for st in e.statements],
            }
            for e in record.entries
        ],
    }


def _consent_out(c: Consent) -> dict[str, Any]:
    return {
        "id": c.pk,
        "enterprise_id": c.enterprise_id,
        "grantee_id": c.grantee_id,
        "grantee_name": c.grantee.name,
        "purpose": c.purpose,
        "status": c.status,
        "status_display": c.get_status_display(),
        "granted_at": c.granted_at,
        "revoked_at": c.revoked_at,
    }


def _enterprise(request: AuthenticatedHttpRequest, pk: int | None) -> Organisation:
    own = selectors.enterprises_of(request.user)
    chosen = own.filter(pk=pk).first() if pk is not None else own.first()
    if chosen is None:
        raise Forbidden("只有企业自己的成员可以管理其履约信用档案", code="performance_not_enterprise")
    return chosen


@router.get("/performance/records/{pk}", response=RecordOut, auth=AUTH, summary="企业的履约信用档案（本企业或经授权的机构）")
def record_detail(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    enterprise = get_object_or_404(Organisation, pk=pk, kind=OrganisationKind.ENTERPRISE)
    return _record_out(services.record_view(actor=request.user, enterprise=enterprise))


@router.post(
    "/performance/records/{pk}/statements", response={201: StatementOut}, auth=AUTH, summary="企业对档案条目添加情况说明"
)
def statement_create(request: AuthenticatedHttpRequest, pk: int, payload: StatementIn) -> Status[dict[str, Any]]:
    enterprise = get_object_or_404(Organisation, pk=pk, kind=OrganisationKind.ENTERPRISE)
    st = services.statement_add(actor=request.user, enterprise=enterprise, entry_key=payload.entry_key, text=payload.text)
    return Status(201, {"text": st.text, "at": st.at})


@router.get("/performance/consents", response=list[PerformanceConsentOut], auth=AUTH, summary="本企业的共享授权")
def consent_list(request: AuthenticatedHttpRequest, enterprise_id: int | None = None) -> list[dict[str, Any]]:
    enterprise = _enterprise(request, enterprise_id)
    return [_consent_out(c) for c in selectors.consents_of(request.user, enterprise)]


@router.post(
    "/performance/consents", response={201: PerformanceConsentOut}, auth=AUTH, summary="授权某一机构查看本企业的履约信用档案"
)
def consent_create(request: AuthenticatedHttpRequest, payload: PerformanceConsentIn) -> Status[dict[str, Any]]:
    enterprise = _enterprise(request, payload.enterprise_id)
    grantee = get_object_or_404(Organisation, pk=payload.grantee_id)
    consent = services.consent_grant(actor=request.user, enterprise=enterprise, grantee=grantee, purpose=payload.purpose)
    return Status(201, _consent_out(consent))


@router.post("/performance/consents/{pk}/revoke", response=PerformanceConsentOut, auth=AUTH, summary="撤回共享授权")
def consent_revoke(request: AuthenticatedHttpRequest, pk: int, payload: RevokeIn | None = None) -> dict[str, Any]:
    consent = get_for_user(Consent.objects.select_related("grantee"), request.user, Action.CHANGE, pk=pk)
    return _consent_out(services.consent_revoke(actor=request.user, consent=consent, reason=payload.reason if payload else ""))


@router.get("/performance/shared", response=list[PerformanceConsentOut], auth=AUTH, summary="企业授权本机构查看的履约信用档案")
def shared_list(request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
    return [_consent_out(c) for c in selectors.shared_with(request.user)]
