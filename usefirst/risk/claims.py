"""The rules of a claim that read like arithmetic (docs/domain.md, rule 8, "Claims"): the documents a product
requires, what is still missing, the cover left on a policy and the payout after the deductibles,
each step rounded half up to the cent."""

from __future__ import annotations

import re
from decimal import Decimal

from django.db.models import Sum

from usefirst.core.money import HUNDRED, format_cny, to_cny

from .choices import ClaimStatus
from .models import Claim, Policy, Product
from .quoting import Step

ZERO = Decimal("0.00")
# Claims whose amount is taken from the cover: everything not refused.
CONSUMING = (ClaimStatus.OPENED, ClaimStatus.DOCUMENTS_COMPLETE, ClaimStatus.ASSESSED, ClaimStatus.PAID, ClaimStatus.SUBROGATED)
_SPLIT = re.compile(r"[；;。\n]+")


def required_documents(product: Product) -> list[str]:
    """The documents the product names (its “理赔所需材料”, one per 「；」)."""
    return [part.strip(" ，,、") for part in _SPLIT.split(product.claim_documents or "") if part.strip(" ，,、")]


def missing_documents(claim: Claim) -> list[str]:
    """The required documents with no file attached yet (a reference without a file is not one)."""
    provided = set(claim.documents.exclude(file="").values_list("name", flat=True))
    return [name for name in required_documents(claim.policy.product) if name not in provided]


def cover_used(policy: Policy, *, excluding: int | None = None) -> Decimal:
    """What the policy's claims take from its cover: the payout of a paid claim, the assessed
    loss of an assessed one, the amount claimed of one still open; refused claims take nothing."""
    used = ZERO
    for claim in policy.claims.filter(status__in=list(CONSUMING)).exclude(pk=excluding or 0):
        if claim.payout is not None:
            used += claim.payout
        elif claim.assessed_loss is not None:
            used += claim.assessed_loss
        else:
            used += claim.amount_claimed
    return to_cny(used)


def cover_left(policy: Policy, *, excluding: int | None = None) -> Decimal:
    return max(ZERO, to_cny((policy.cover or ZERO) - cover_used(policy, excluding=excluding)))


def payout_steps(claim: Claim, assessed: Decimal) -> list[Step]:
    """The payout from the assessed loss: less the fixed deductible, less the deductible share of
    the loss, at most the cover left; never below zero."""
    product = claim.policy.product
    steps = [Step("核定损失", format_cny(assessed), to_cny(assessed))]
    amount = to_cny(assessed)
    if product.deductible_amount:
        amount = max(ZERO, to_cny(amount - product.deductible_amount))
        steps.append(
            Step("减每次事故免赔额", f"{format_cny(steps[-1].result)} − {format_cny(product.deductible_amount)}", amount)
        )
    if product.deductible_percent:
        cut = to_cny(assessed * product.deductible_percent / HUNDRED)
        before = amount
        amount = max(ZERO, to_cny(amount - cut))
        steps.append(
            Step(
                "减免赔率",
                f"{format_cny(before)} − {format_cny(assessed)} × {product.deductible_percent.normalize():f}%",
                amount,
            )
        )
    left = cover_left(claim.policy, excluding=claim.pk)
    if amount > left:
        amount = left
        steps.append(Step("以剩余保险金额为限", format_cny(left), amount))
    return steps


def total_paid(policy: Policy) -> Decimal:
    return to_cny(policy.claims.filter(payout__isnull=False).aggregate(s=Sum("payout"))["s"] or ZERO)
