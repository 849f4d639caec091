"""Every matchmaking page and endpoint for each persona: anonymous, outsider, the two parties,
the attached agency and provincial staff. Parties see and act; the agency and the province
read only (403 when they try to act); outsiders are told the engagement does not exist."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from usefirst.catalog.tests.factories import bearer_for
from usefirst.matchmaking import services

from .factories import intent_on, talking

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "outsider", "buyer", "seller", "agency", "provincial")


@pytest.fixture
def world(achievement, demand, buyer, seller, stranger, agency, agency_user, provincial) -> dict[str, Any]:
    engagement = talking(achievement, buyer, seller)
    services.engagement_propose_facilitator(actor=buyer, engagement=engagement, agency=agency)
    services.engagement_confirm_facilitator(actor=seller, engagement=engagement)
    services.message_post(actor=buyer, engagement=engagement, body="第一条留言")
    users = {
        "anonymous": None,
        "outsider": stranger,
        "buyer": buyer,
        "seller": seller,
        "agency": agency_user,
        "provincial": provincial,
    }
    return {"engagement": engagement, "achievement": achievement, "demand": demand, "users": users}


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


PAGES = [
    ("matchmaking:my_engagements", lambda w: [], "", (302, 200, 200, 200, 200, 200)),
    ("matchmaking:decline_reasons", lambda w: [], "", (302, 200, 200, 200, 200, 200)),
    ("matchmaking:engagement_detail", lambda w: [w["engagement"].pk], "", (302, 404, 200, 200, 200, 200)),
    ("matchmaking:intent_new", lambda w: [], "achievement", (302, 200, 200, 200, 200, 200)),
    ("matchmaking:intent_new", lambda w: [], "demand", (302, 200, 200, 200, 200, 200)),
]


@pytest.mark.parametrize(("name", "args", "item", "expected"), PAGES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_page_access(world, name, args, item, expected, persona):
    url = reverse(name, args=args(world))
    if item:
        url += f"?{item}_id={world[item].pk}"
    response = _client(world["users"][persona]).get(url)
    assert response.status_code == expected[PERSONAS.index(persona)], (name, item, persona)


# POST actions: parties get a redirect (done) or a 409 page (a move the status does not allow);
# read-only viewers are refused (403); outsiders see 404; anonymous visitors go to the login.
POSTS = [
    ("message_create", {"message-body": "你好"}, (302, 404, 302, 302, 403, 403)),
    ("close", {}, (302, 404, 302, 302, 403, 403)),
]


@pytest.mark.parametrize(("what", "data", "expected"), POSTS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_page_writes(world, what, data, expected, persona):
    pk = world["engagement"].pk
    if what == "message_create":
        url = reverse("matchmaking:message_create", args=[pk])
    else:
        url = reverse("matchmaking:engagement_action", args=[pk, what])
    response = _client(world["users"][persona]).post(url, data)
    assert response.status_code == expected[PERSONAS.index(persona)], (what, persona)


def test_page_actions_answer_intents_only_for_the_responder(world, achievement, buyer, seller, stranger):
    engagement = intent_on(achievement, stranger)
    url = reverse("matchmaking:engagement_action", args=[engagement.pk, "accept"])
    assert _client(buyer).post(url).status_code == 404  # buyer is no party to the stranger's intent
    assert _client(stranger).post(url).status_code == 403  # the initiator cannot accept its own intent
    assert _client(seller).post(url).status_code == 302


API = "/api/v1"

ENDPOINTS = [
    ("get", "/engagements", None, (401, 200, 200, 200, 200, 200)),
    ("get", "/engagements/decline-reasons", None, (401, 200, 200, 200, 200, 200)),
    ("get", "/engagements/{pk}", None, (401, 404, 200, 200, 200, 200)),
    ("get", "/engagements/{pk}/messages", None, (401, 404, 200, 200, 200, 200)),
    ("post", "/engagements/{pk}/messages", {"body": "接口留言"}, (401, 404, 201, 201, 403, 403)),
    ("post", "/engagements/{pk}/accept", None, (401, 404, 403, 409, 403, 403)),
    ("post", "/engagements/{pk}/decline", {"reason": "price"}, (401, 404, 403, 409, 403, 403)),
    ("post", "/engagements/{pk}/agreement/propose", None, (401, 404, 200, 200, 403, 403)),
    ("post", "/engagements/{pk}/agreement/confirm", None, (401, 404, 409, 409, 403, 403)),
    ("post", "/engagements/{pk}/facilitator/propose", "agency", (401, 404, 409, 409, 403, 403)),
    ("post", "/engagements/{pk}/facilitator/confirm", None, (401, 404, 409, 409, 403, 403)),
    ("post", "/engagements/{pk}/close", {"reason": "结束"}, (401, 404, 200, 200, 403, 403)),
    ("post", "/engagements", "intent", (401, 201, 409, 400, 403, 403)),
]


@pytest.mark.parametrize(("method", "path", "body", "expected"), ENDPOINTS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_endpoint_access(world, agency, method, path, body, expected, persona):
    user = world["users"][persona]
    headers = bearer_for(user) if user is not None else {}
    client = Client()
    if body == "agency":
        body = {"agency_id": agency.pk}
    elif body == "intent":
        body = {"achievement_id": world["achievement"].pk}
    url = API + path.format(pk=world["engagement"].pk)
    if method == "get":
        response = client.get(url, headers=headers)
    else:
        response = client.post(url, body or {}, content_type="application/json", headers=headers)
    assert response.status_code == expected[PERSONAS.index(persona)], (path, persona, response.content)
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/problem+json")
