"""Every finance page, action and API operation for each persona around a contract.

Rules (usefirst.finance.policies): whoever may see the contract sees its plan and receipts;
the licensor unit records, reverses and distributes; the paying organisation (the licensee)
confirms or disputes what the unit recorded; distributions are the unit's matter with its
inventors, read also by the departments that may see the contract, never by the licensee.
"""

from __future__ import annotations

import datetime as dt

import pytest

from usefirst.contracts.models import Mode
from usefirst.finance import services
from usefirst.tests.factories import AchievementFactory, ContractFactory, bank_slip, distribution_made, receipt_confirmed
from usefirst.tests.matrix import (
    CREATED,
    DENIED,
    DONE,
    HIDDEN,
    LOGIN,
    OK,
    PARTY_PERSONAS,
    Row,
    differences,
    expect,
    parties,
)

pytestmark = pytest.mark.django_db

SIGNED_ON = dt.date(2026, 3, 2)
# Who may see the contract (and so its money); everyone else logged in gets HIDDEN.
SEES = {
    "licensor_admin": OK,
    "licensor_staff": OK,
    "licensee_admin": OK,
    "department": OK,
    "provincial_staff": OK,
    "provincial_admin": OK,
}
READ_ONLY = {"department": DENIED, "provincial_staff": DENIED, "provincial_admin": DENIED}


def sees(**overrides):
    return expect(HIDDEN, anonymous=LOGIN, **{**SEES, **overrides})


def unit_only(success, **overrides):
    """Actions of the licensor unit: the licensee is refused, read-only viewers too."""
    return sees(**{"licensor_admin": success, "licensor_staff": success, "licensee_admin": DENIED, **READ_ONLY, **overrides})


ROWS = [
    # ---------------------------------------------------------------- pages
    Row("contract's money", "get", lambda w: f"/finance/contracts/{w['contract'].pk}/", sees()),
    # The licensee may open the form (it may act on the contract); recording is then refused to it.
    Row(
        "record a receipt (form)",
        "get",
        lambda w: f"/finance/contracts/{w['contract'].pk}/receipts/new/",
        unit_only(OK, licensee_admin=OK),
    ),
    Row("receipts to confirm", "get", lambda w: "/finance/receipts/to-confirm/", expect(OK, anonymous=LOGIN)),
    Row("bank slip", "get", lambda w: f"/finance/receipts/{w['confirmed'].pk}/slip/", sees()),
    Row("distribution", "get", lambda w: f"/finance/distributions/{w['distribution'].pk}/", sees(licensee_admin=HIDDEN)),
    Row("distribute (form)", "get", lambda w: f"/finance/contracts/{w['contract'].pk}/distributions/new/", unit_only(OK)),
    Row("registration pack", "get", lambda w: f"/finance/contracts/{w['contract'].pk}/registration.xlsx", sees()),
    Row("my distributions", "get", lambda w: "/finance/mine/", expect(OK, anonymous=LOGIN)),
    Row("guidance fund", "get", lambda w: "/finance/fund/", expect(OK, anonymous=LOGIN)),
    # ---------------------------------------------------------------- actions
    Row(
        "confirm a receipt",
        "post",
        lambda w: f"/finance/receipts/{w['recorded'].pk}/confirm/",
        sees(licensee_admin=DONE, licensor_admin=DENIED, licensor_staff=DENIED, **READ_ONLY),
        data={"checked": "1"},
    ),
    Row(
        "dispute a receipt",
        "post",
        lambda w: f"/finance/receipts/{w['recorded'].pk}/dispute/",
        sees(licensee_admin=DONE, licensor_admin=DENIED, licensor_staff=DENIED, **READ_ONLY),
        data={"reason": "未收到该笔款项的付款指令"},
    ),
    Row(
        "reverse a receipt",
        "post",
        lambda w: f"/finance/receipts/{w['undistributed'].pk}/reverse/",
        # the licensee sees the receipt; its attempt meets the 403 page with the service's reason
        unit_only(DONE, licensee_admin=DENIED),
        data={"reason": "金额登记有误", "idempotency_key": "matrix-reverse"},
    ),
    Row(
        "pay a distribution",
        "post",
        lambda w: f"/finance/distributions/{w['distribution'].pk}/pay/",
        unit_only(DONE, licensee_admin=HIDDEN),
    ),
    Row(
        "cancel a distribution",
        "post",
        lambda w: f"/finance/distributions/{w['distribution'].pk}/cancel/",
        unit_only(DONE, licensee_admin=HIDDEN),
        data={"reason": "比例核算有误"},
    ),
    # ---------------------------------------------------------------- API
    Row("api money", "get", lambda w: f"/api/v1/contracts/{w['contract'].pk}/finance", sees(), api=True),
    Row("api receipts", "get", lambda w: f"/api/v1/contracts/{w['contract'].pk}/receipts", sees(), api=True),
    Row("api receipts to confirm", "get", lambda w: "/api/v1/receipts/to-confirm", expect(OK, anonymous=LOGIN), api=True),
    Row("api distributions", "get", lambda w: f"/api/v1/contracts/{w['contract'].pk}/distributions", sees(), api=True),
    Row("api my distributions", "get", lambda w: "/api/v1/me/distributions", expect(OK, anonymous=LOGIN), api=True),
    Row(
        "api confirm a receipt",
        "post",
        lambda w: f"/api/v1/receipts/{w['recorded'].pk}/confirm",
        sees(licensee_admin=OK, licensor_admin=DENIED, licensor_staff=DENIED, **READ_ONLY),
        api=True,
    ),
    Row(
        "api record a receipt",
        "post",
        lambda w: f"/api/v1/contracts/{w['contract'].pk}/receipts",
        unit_only(CREATED),
        data=lambda w: {
            "received_on": "2026-03-03",
            "amount": "1000.00",
            "payer": w["licensee"].name,
            "voucher_number": "PZ-MATRIX",
            "idempotency_key": "matrix-record",
        },
        api=True,
    ),
]


@pytest.fixture
def world(province):
    world = parties(province)
    licensor, licensee = world["licensor"], world["licensee"]
    actor = world["users"]["licensor_admin"]
    achievement = AchievementFactory(unit=licensor, actor=actor)
    world["contract"] = contract = ContractFactory(
        mode=Mode.PAY_LATER,
        licensor=licensor,
        licensee=licensee,
        actor=actor,
        achievements=[(achievement, "100")],
        signed_on=SIGNED_ON,
    )
    world["confirmed"] = receipt_confirmed(contract, "60000.00", on=SIGNED_ON, actor=actor)
    world["distribution"] = distribution_made(contract, actor=actor)
    world["undistributed"] = receipt_confirmed(contract, "3000.00", on=SIGNED_ON, actor=actor)
    world["recorded"], _ = services.receipt_record(
        actor=actor,
        contract=contract,
        received_on=SIGNED_ON,
        amount="2000.00",
        payer=licensee.name,
        voucher_number="PZ-RECORDED",
        idempotency_key="matrix-recorded",
        slip=bank_slip(),
    )
    return world


def test_every_persona_gets_what_the_finance_matrix_states(world):
    found = differences(ROWS, world, PARTY_PERSONAS)
    assert not found, "\n" + "\n".join(found)
