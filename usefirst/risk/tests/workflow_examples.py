"""A risk product as the example row for the generated test of every workflow."""

from __future__ import annotations

from usefirst.core.testing import workflow_example
from usefirst.risk.models import Product

from .builders import make_product


@workflow_example("risk.product")
def product() -> Product:
    return make_product()


def _licence():
    from usefirst.accounts.models import Membership, OrganisationKind
    from usefirst.core.testing import make_org, make_user

    from .cover_builders import signed_licence

    province = make_org(OrganisationKind.PROVINCIAL_DEPARTMENT, name="广东省科学技术厅", city="广州市", county="越秀区")
    unit = make_org(OrganisationKind.UNIVERSITY, reviewing_department=province)
    enterprise = make_org(OrganisationKind.ENTERPRISE, city="韶关市", county="浈江区")
    owner = make_user(unit, role=Membership.Role.ADMIN)
    return signed_licence(unit, enterprise, owner), owner


@workflow_example("risk.policy")
def policy():
    from .cover_builders import apply, bond_product

    contract, owner = _licence()
    product, _ = bond_product()
    return apply(contract, product, owner, period_start="2026-03-02")


@workflow_example("risk.claim")
def claim():
    from usefirst.risk import cover

    from .cover_builders import apply, bond_product, in_force

    contract, owner = _licence()
    product, underwriter = bond_product()
    insured = in_force(apply(contract, product, owner, period_start="2026-03-02"), underwriter)
    return cover.claim_open(
        actor=owner,
        policy=insured,
        risk="payment_default",
        occurred_on="2026-03-02",
        amount_claimed="1000.00",
        description="未付款",
    )
