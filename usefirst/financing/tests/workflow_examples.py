"""Example rows of the financing workflows for the generated test of every workflow."""

from __future__ import annotations

from usefirst.core.testing import workflow_example

from .builders import apply_for, make_loan_product, signed_deal


@workflow_example("financing.product")
def product():
    return make_loan_product()


@workflow_example("financing.application")
def application():
    from usefirst.financing.choices import ProductStatus

    deal = signed_deal()
    return apply_for(deal, make_loan_product(status=ProductStatus.PUBLISHED))


@workflow_example("financing.pledge")
def pledge():
    from usefirst.financing import loans
    from usefirst.financing.choices import ProductStatus

    deal = signed_deal()
    product = make_loan_product(status=ProductStatus.PUBLISHED)
    application = apply_for(deal, product)
    banker = application.bank.memberships.first().user
    loans.application_approve(actor=banker, application=application, amount="200000.00", rate="3.8", term_months=24)
    return loans.pledge_register(
        actor=banker,
        application=application,
        ip_item=deal["patent"],
        registration_number="Y2026440001",
        registered_on="2026-06-01",
    )
