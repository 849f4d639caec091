"""Risk's answers to the hooks of the apps below it (usefirst/core/hooks.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from usefirst.accounts import workspace
from usefirst.finance import hooks as finance_hooks
from usefirst.performance import hooks as performance_hooks

from . import selectors
from .models import Breach, CoverPayment


@workspace.todo_sources.connect
def risk_todos(desk: workspace.Desk) -> list[workspace.Todo]:
    """Products waiting for the provincial department's review."""
    if not desk.provincial:
        return []
    waiting = selectors.products_waiting_review(desk.user).count()
    return [workspace.Todo("待审核的保险与担保产品", waiting, reverse("risk:review_queue"), rank=78)]


@workspace.todo_sources.connect
def cover_todos(desk: workspace.Desk) -> list[workspace.Todo]:
    """For insurers and guarantors: applications to decide, claims to assess or pay. For the
    insured: information asked for, and claims (the platform's offers among them) to complete."""
    url = reverse("risk:policy_list")
    todos: list[workspace.Todo] = []
    if desk.organisation.kind in ("insurer", "guarantor"):
        todos.append(workspace.Todo("待核保的投保申请", selectors.policies_awaiting_decision(desk.user).count(), url, rank=83))
        todos.append(
            workspace.Todo("待核定或赔付的理赔（代偿）", selectors.claims_awaiting_provider(desk.user).count(), url, rank=83)
        )
    if desk.unit or desk.enterprise:
        todos.append(
            workspace.Todo("保险机构要求补充材料的投保", selectors.policies_awaiting_insured(desk.user).count(), url, rank=83)
        )
        todos.append(
            workspace.Todo(
                "待补充材料的理赔案件",
                selectors.claims_awaiting_insured(desk.user).count(),
                url,
                "包括平台因付款逾期自动发起的理赔",
                rank=83,
            )
        )
    return todos


@finance_hooks.counted_cover_payments.connect
def counted_cover_payments(contract_ids: list[int], since: dt.date | None, on: dt.date) -> dict[int, Decimal]:
    """Payouts marked, when paid, as counting as actually received (policy parameter
    `recognition_counts_cover_payments`; off by default, so none)."""
    rows = CoverPayment.objects.filter(contract_id__in=contract_ids, counts_as_received=True, paid_on__lte=on)
    if since is not None:
        rows = rows.filter(paid_on__gte=since)
    totals: dict[int, Decimal] = {}
    for contract_id, amount in rows.values_list("contract_id", "amount"):
        totals[contract_id] = totals.get(contract_id, Decimal("0.00")) + amount
    return totals


@performance_hooks.claims_paid.connect
def paid_on_the_licensees_behalf(enterprise_id: int) -> list[performance_hooks.PaidClaim]:
    """Each payment an insurer or guarantor made on the enterprise's behalf, as a licensee, with
    the recourse recorded against it: entries of its performance record (履约信用档案)."""
    payments = (
        CoverPayment.objects.filter(contract__licensee_id=enterprise_id)
        .select_related("claim", "claim__policy", "contract", "payer")
        .order_by("paid_on", "pk")
    )
    claims: list[performance_hooks.PaidClaim] = []
    for payment in payments:
        claim = payment.claim
        recourse = ""
        if claim.recourse_amount is not None:
            recourse = f"已登记追偿 {claim.recourse_amount:,.2f} 元" + (f"：{claim.recourse_note}" if claim.recourse_note else "")
        claims.append(
            performance_hooks.PaidClaim(
                key=f"cover-payment-{payment.pk}",
                contract_id=payment.contract_id,
                contract_number=payment.contract.number,
                paid_on=payment.paid_on,
                amount=payment.amount,
                payer_name=payment.payer.name,
                description=f"保单 {claim.policy.number or claim.policy.pk} 项下的赔付或代偿",
                recourse=recourse,
            )
        )
    return claims


@performance_hooks.breaches.connect
def breaches_against_the_licensee(enterprise_id: int) -> list[performance_hooks.BreachFact]:
    """Each breach record the other party entered against the enterprise as licensee: entries of
    its performance record."""
    rows = (
        Breach.objects.filter(against_id=enterprise_id, contract__licensee_id=enterprise_id)
        .select_related("contract", "recorded_for")
        .order_by("occurred_on", "pk")
    )
    return [
        performance_hooks.BreachFact(
            key=f"risk-breach-{b.pk}",
            contract_number=b.contract.number,
            contract_title=b.contract.title,
            occurred_on=b.occurred_on,
            kind_label=b.get_kind_display(),
            recorded_by_name=b.recorded_for.name,
            description=b.description,
        )
        for b in rows
    ]
