"""Every contract page, API operation and action for each persona around a contract: who
sees it, who may act, who is refused with a reason, and for whom it does not exist.

Rules (usefirst.contracts.policies): the parties and their members see a contract, and so
do the licensor's superior department and the provincial department (read-only); only a
party's authorised signer signs; everyone else is told it does not exist.
"""

from __future__ import annotations

import pytest

from usefirst.accounts.second_factor import current_code, enrol_confirmed
from usefirst.contracts import services
from usefirst.contracts.models import ContractKind, Mode
from usefirst.tests.factories import PASSWORD, AchievementFactory, ContractFactory
from usefirst.tests.matrix import (
    DENIED,
    DONE,
    HIDDEN,
    LOGIN,
    OK,
    PARTY_PERSONAS,
    REFUSED,
    Row,
    differences,
    expect,
    parties,
)

pytestmark = pytest.mark.django_db

# Who may see a contract; everyone else logged in gets HIDDEN.
SEES = {
    "licensor_admin": OK,
    "licensor_staff": OK,
    "licensee_admin": OK,
    "department": OK,
    "provincial_staff": OK,
    "provincial_admin": OK,
}


def sign_data(world):
    """The password and a current code: every persona holds an authenticator with the same key,
    and each request is rolled back, so the code is fresh for each."""
    return {"password": PASSWORD, "otp": current_code(world["totp_key"])}


def sees(**overrides):
    return expect(HIDDEN, anonymous=LOGIN, outsider=HIDDEN, city=HIDDEN, **{**SEES, **overrides})


ROWS = [
    # ---------------------------------------------------------------- pages
    Row("list", "get", lambda w: "/contracts/", expect(OK, anonymous=LOGIN)),
    Row("detail (draft)", "get", lambda w: f"/contracts/{w['draft'].pk}/", sees()),
    Row("detail (in free use)", "get", lambda w: f"/contracts/{w['contract'].pk}/", sees()),
    Row("pdf", "get", lambda w: f"/contracts/{w['contract'].pk}/pdf/", sees()),
    # the evidence package: the parties and the province, not a superior department that only reads
    Row("evidence package", "get", lambda w: f"/contracts/{w['contract'].pk}/evidence/", sees(department=DENIED)),
    Row("verify (public)", "get", lambda w: "/contracts/verify/", expect(OK)),
    Row("templates", "get", lambda w: "/contracts/templates/", expect(OK, anonymous=LOGIN)),
    Row("template", "get", lambda w: f"/contracts/templates/{w['template'].pk}/", expect(OK, anonymous=LOGIN)),
    # ---------------------------------------------------------------- actions
    Row(
        "sign (draft)",
        "post",
        lambda w: f"/contracts/{w['draft'].pk}/sign/",
        # staff may act on the contract but are not its authorised signers: the 403 page says so
        sees(
            licensor_admin=DONE,
            licensee_admin=DONE,
            licensor_staff=DENIED,
            department=DENIED,
            provincial_staff=DENIED,
            provincial_admin=DENIED,
        ),
        data=sign_data,
    ),
    Row(
        "cancel (draft)",
        "post",
        lambda w: f"/contracts/{w['draft'].pk}/cancel/",
        sees(
            licensor_admin=DONE,
            licensor_staff=DONE,
            licensee_admin=DONE,
            department=DENIED,
            provincial_staff=DENIED,
            provincial_admin=DENIED,
        ),
        data={"reason": "双方协商不再签署"},
    ),
    Row(
        "propose the next step",
        "post",
        lambda w: f"/contracts/{w['contract'].pk}/next-step/",
        # an empty proposal: the parties are sent back to fill it in, the others refused
        sees(
            licensor_admin=REFUSED,
            licensor_staff=REFUSED,
            licensee_admin=REFUSED,
            department=DENIED,
            provincial_staff=DENIED,
            provincial_admin=DENIED,
        ),
    ),
    Row(
        "propose an ending",
        "post",
        lambda w: f"/contracts/{w['contract'].pk}/ending/",
        sees(
            licensor_admin=DONE,
            licensor_staff=DONE,
            licensee_admin=DONE,
            department=DENIED,
            provincial_staff=DENIED,
            provincial_admin=DENIED,
        ),
        data={"kind": "agreement", "grounds": "双方协商一致终止"},
    ),
    Row(
        "end at once",
        "post",
        lambda w: f"/contracts/{w['contract'].pk}/end/",
        sees(
            licensor_admin=DONE,
            licensor_staff=DONE,
            licensee_admin=DONE,
            department=DENIED,
            provincial_staff=DENIED,
            provincial_admin=DENIED,
        ),
        data={"reason": "双方协商一致终止"},
    ),
    Row("start drafting", "get", lambda w: "/contracts/new/", expect(DONE, anonymous=LOGIN)),
    Row(
        "open licences of an achievement",
        "get",
        lambda w: f"/contracts/achievements/{w['achievement'].pk}/open-licences/",
        expect(OK, anonymous=LOGIN),
    ),
    # ---------------------------------------------------------------- API
    Row("api list", "get", lambda w: "/api/v1/contracts", expect(OK, anonymous=LOGIN), api=True),
    Row("api detail", "get", lambda w: f"/api/v1/contracts/{w['contract'].pk}", sees(), api=True),
    Row("api pdf", "get", lambda w: f"/api/v1/contracts/{w['contract'].pk}/pdf", sees(), api=True),
    Row(
        "api evidence package",
        "get",
        lambda w: f"/api/v1/contracts/{w['contract'].pk}/evidence",
        sees(department=DENIED),
        api=True,
    ),
    Row(
        "api sign (draft)",
        "post",
        lambda w: f"/api/v1/contracts/{w['draft'].pk}/sign",
        sees(licensor_staff=DENIED, department=DENIED, provincial_staff=DENIED, provincial_admin=DENIED),
        data=sign_data,
        api=True,
    ),
]


@pytest.fixture
def world(province):
    world = parties(province)
    licensor, licensee = world["licensor"], world["licensee"]
    actor = world["users"]["licensor_admin"]
    achievement = AchievementFactory(unit=licensor, actor=actor)
    common = {"licensor": licensor, "licensee": licensee, "actor": actor, "achievements": [(achievement, "100")]}
    world["achievement"] = achievement
    world["draft"] = ContractFactory(signed=False, **common)
    world["contract"] = ContractFactory(mode=Mode.PAY_LATER, **common)
    world["template"] = services.template_for(ContractKind.FREE_USE_LICENCE, Mode.PAY_LATER)
    world["totp_key"] = "3132333435363738393031323334353637383930"
    for user in world["users"].values():
        if user is not None:
            enrol_confirmed(user, key_hex=world["totp_key"])
    return world


def test_every_persona_gets_what_the_contract_matrix_states(world):
    found = differences(ROWS, world, PARTY_PERSONAS)
    assert not found, "\n" + "\n".join(found)
