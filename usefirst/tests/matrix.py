"""Persona permission matrices: who gets what from each page and endpoint of an app.

An app's matrix is a table: one row per page, API operation or action, one expected outcome
per persona. The test builds one world through the factories (the parties of a contract, the
departments around them), then asks every row as every persona; each request runs in a
savepoint that is rolled back, so an action one persona may take does not change what the
next persona sees. A failure lists every cell that differs, as a table to read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.messages import get_messages
from django.db import transaction
from django.test import Client
from django.urls import reverse

from usefirst.accounts.models import Membership, Organisation, OrganisationKind, User
from usefirst.core.testing import make_org, make_user

from .factories import EnterpriseFactory, MemberFactory, OrganisationFactory, admin_of

# Outcomes. Pages send an anonymous visitor to the login page; the API answers 401.
OK = 200
CREATED = 201
DONE = "done"  # a form that did its work: redirected onwards (not to the login page)
REFUSED = "refused"  # a form sent back with a Chinese error message: allowed to try, refused by the rules
LOGIN = "login"
DENIED = 403  # refused, with the reason in Chinese
HIDDEN = 404  # the object does not exist for this persona
INVALID = 400  # allowed, but the (deliberately empty) input is refused

CHINESE = re.compile(r"[\u4e00-\u9fff]")

# The parties of a contract and the people around them.
PARTY_PERSONAS = (
    "anonymous",
    "outsider",  # admin of an unrelated enterprise
    "licensor_admin",  # admin of the licensor unit (may sign)
    "licensor_staff",  # staff of the licensor unit (may not sign)
    "licensee_admin",  # admin of the licensee enterprise (may sign)
    "department",  # the licensor unit's superior (and reviewing) department
    "city",  # the licensee's city department
    "provincial_staff",
    "provincial_admin",
)


@dataclass
class Row:
    """One page, operation or action: how to ask it, and the outcome per persona."""

    name: str
    method: str
    url: Callable[[dict[str, Any]], str]
    expected: dict[str, Any]
    data: dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]] = field(default_factory=dict)
    api: bool = False


def parties(province: Organisation, *, unit_city: str = "广州市", unit_county: str = "天河区") -> dict[str, Any]:
    """The organisations and personas of PARTY_PERSONAS, all made through the factories (the
    departments, which no service creates, through the persona builders). The city department
    is the licensee's; with unit_city="韶关市" it is the licensor unit's city too."""
    sector = make_org(OrganisationKind.SECTOR_DEPARTMENT, name="广东省教育厅", sector="education")
    city = make_org(OrganisationKind.CITY_DEPARTMENT, name="韶关市科学技术局", city="韶关市", county="浈江区")
    licensor = OrganisationFactory(
        name="华南矩阵大学", sector="education", superior_department=sector, city=unit_city, county=unit_county
    )
    licensee = EnterpriseFactory(name="韶关矩阵科技有限公司", city="韶关市", county="浈江区")
    stranger = EnterpriseFactory(name="无关矩阵企业有限公司")
    assert licensor.reviewing_department == sector and licensee.reviewing_department == city
    users: dict[str, User | None] = {
        "anonymous": None,
        "outsider": admin_of(stranger),
        "licensor_admin": admin_of(licensor),
        "licensor_staff": MemberFactory(organisation=licensor, role=Membership.Role.STAFF),
        "licensee_admin": admin_of(licensee),
        "department": make_user(sector, role=Membership.Role.STAFF),
        "city": make_user(city, role=Membership.Role.STAFF),
        "provincial_staff": make_user(province, role=Membership.Role.STAFF),
        "provincial_admin": make_user(province, role=Membership.Role.ADMIN),
    }
    return {"licensor": licensor, "licensee": licensee, "sector": sector, "city": city, "users": users}


def outcome(response: Any, *, api: bool) -> Any:
    """What a persona got, in the table's words."""
    status = response.status_code
    if status == 401 and api:
        return LOGIN
    if status == 302:
        if response["Location"].startswith(reverse("accounts:login")):
            return LOGIN
        errors = [m for m in get_messages(response.wsgi_request) if m.level == messages.ERROR]
        if not errors:
            return DONE
        return REFUSED if all(CHINESE.search(str(m)) for m in errors) else "refused without a Chinese reason"
    if status == 403:
        body = response.json().get("detail", "") if api else response.content.decode(errors="replace")
        return DENIED if CHINESE.search(body) else "403 without a Chinese reason"
    return status


def ask(row: Row, world: dict[str, Any], user: User | None) -> Any:
    client = Client()
    if user is not None:
        client.force_login(user)
    data = row.data(world) if callable(row.data) else row.data
    with transaction.atomic():
        if row.api and row.method == "post":
            import json

            response = client.post(row.url(world), data=json.dumps(data), content_type="application/json")
        else:
            response = getattr(client, row.method)(row.url(world), data or None)
        transaction.set_rollback(True)
    return outcome(response, api=row.api)


def differences(rows: Sequence[Row], world: dict[str, Any], personas: Sequence[str]) -> list[str]:
    """Every cell of the table whose outcome is not the expected one."""
    found = []
    for row in rows:
        assert set(row.expected) == set(personas), f"{row.name}: the table must name every persona"
        for persona in personas:
            got = ask(row, world, world["users"][persona])
            if got != row.expected[persona]:
                found.append(f"{row.name:<40} {persona:<18} expected {row.expected[persona]!s:<8} got {got}")
    return found


def expect(default: Any, **by_persona: Any) -> dict[str, Any]:
    """A row's outcomes: `default` for every party persona not named."""
    return {persona: by_persona.get(persona, default) for persona in PARTY_PERSONAS}
