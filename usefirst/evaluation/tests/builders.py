"""Builders for the evaluation tests: agencies, a professional institution, signed use-first
contracts with or without a confirmed facilitator, confirmed receipts."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from usefirst.accounts.models import Membership, Organisation, OrganisationKind
from usefirst.core.testing import make_org, make_user

_serial = itertools.count(1)


def institution_user() -> Any:
    org = make_org(OrganisationKind.PROFESSIONAL_INSTITUTION, name=f"广东测试专业机构{next(_serial)}")
    return make_user(org, role=Membership.Role.ADMIN)


def agency(name: str | None = None, *, city: str = "广州市", county: str = "天河区") -> Organisation:
    return make_org(OrganisationKind.AGENCY, name=name or f"测试服务机构{next(_serial)}", city=city, county=county)


def _template(kind: str, mode: str) -> Any:
    from usefirst.contracts.models import ContractTemplate, TemplateStatus

    template, _ = ContractTemplate.objects.get_or_create(
        kind=kind,
        mode=mode,
        version=1,
        defaults={"title": "测试示范文本", "body": "测试条款", "status": TemplateStatus.PUBLISHED},
    )
    return template


def signed_contract(
    *,
    unit: Organisation,
    enterprise: Organisation,
    user: Any,
    facilitator: Organisation | None = None,
    both_confirmed: bool = True,
    contract_agency: Organisation | None = None,
    price: Decimal | None = Decimal("100000.00"),
    signed_at: dt.datetime | None = None,
    kind: str = "free_use_licence",
    mode: str = "pay_later",
) -> Any:
    """A signed contract drafted from an agreed engagement; the facilitator is attached only when
    both sides confirmed it (as matchmaking does)."""
    from usefirst.contracts.models import Contract
    from usefirst.matchmaking.models import Engagement

    now = signed_at or timezone.now()
    engagement = Engagement(
        unit=unit,
        enterprise=enterprise,
        initiator_side="unit",
        demand=_demand(enterprise, user),
        status="agreed",
        agreed_at=now,
        created_at=now - dt.timedelta(days=10),
    )
    if facilitator is not None:
        engagement.proposed_facilitator = facilitator
        engagement.facilitator_enterprise_confirmed_at = now
        if both_confirmed:
            engagement.facilitator_unit_confirmed_at = now
            engagement.facilitator = facilitator
    engagement.save()
    return Contract.objects.create(
        number=f"T-{next(_serial):08d}",
        mode=mode,
        kind=kind,
        status="free_use" if kind == "free_use_licence" else "signed",
        template=_template(kind, mode),
        title="测试合同",
        licensor=unit,
        licensee=enterprise,
        agency=contract_agency or (facilitator if both_confirmed else None),
        engagement=engagement,
        price=price,
        signed_at=now,
        created_by=user,
    )


def _demand(enterprise: Organisation, user: Any) -> Any:
    from usefirst.catalog.models import Demand, TechField

    return Demand.objects.create(
        enterprise=enterprise,
        title=f"测试需求{next(_serial)}",
        description="测试需求描述",
        field=TechField.objects.order_by("pk").first(),
        deadline=dt.date(2030, 12, 31),
        city=enterprise.city,
        county=enterprise.county,
        region=enterprise.region,
        status="published",
        created_by=user,
    )


def confirmed_receipt(contract: Any, amount: Decimal, *, on: dt.date, user: Any, status: str = "confirmed") -> Any:
    from usefirst.finance.models import Receipt

    n = next(_serial)
    return Receipt.objects.create(
        contract=contract,
        received_on=on,
        amount=amount,
        payer=contract.licensee.name if contract.licensee else "付款方",
        voucher_number=f"V{n:08d}",
        idempotency_key=f"k{n}",
        payload_hash=f"{n:064d}",
        recorded_by=user,
        status=status,
        confirmed_at=timezone.now() if status == "confirmed" else None,
        confirmed_by=user if status == "confirmed" else None,
        confirmed_as="payer" if status == "confirmed" else "",
    )
