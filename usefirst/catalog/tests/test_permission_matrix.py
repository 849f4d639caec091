"""Every catalog page and endpoint for each persona: anonymous, outsider, owner, reviewer.

Expected status codes are for GET of pages and of API reads; a change that widens access
to a draft or a review desk fails here.
"""

import pytest
from django.urls import reverse

from usefirst.catalog.services.achievements import achievement_submit
from usefirst.catalog.services.demands import demand_submit

from .factories import bearer_for, make_achievement, make_demand

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "outsider", "owner", "reviewer")


@pytest.fixture
def world(unit, owner, reviewer, outsider, enterprise):
    draft = make_achievement(unit, owner, title="草稿成果")
    submitted = make_achievement(unit, owner, title="待审成果")
    achievement_submit(actor=owner, achievement=submitted)
    demand = make_demand(enterprise, outsider)
    demand_submit(actor=outsider, demand=demand)
    return {
        "draft": draft,
        "submitted": submitted,
        "demand": demand,
        "users": {"anonymous": None, "outsider": outsider, "owner": owner, "reviewer": reviewer},
    }


# page name, args builder, expected status per persona (anonymous, outsider, owner, reviewer)
PAGES = [
    ("catalog:achievement_list", lambda w: [], (200, 200, 200, 200)),
    ("catalog:demand_list", lambda w: [], (200, 200, 200, 200)),
    ("catalog:achievement_detail", lambda w: [w["draft"].pk], (404, 404, 200, 200)),
    ("catalog:achievement_history", lambda w: [w["draft"].pk], (404, 404, 200, 200)),
    ("catalog:achievement_edit", lambda w: [w["draft"].pk], (302, 404, 200, 403)),
    # Enterprises may own achievements too (an open list of owner kinds); departments may not.
    ("catalog:my_achievements", lambda w: [], (302, 200, 200, 403)),
    ("catalog:achievement_create", lambda w: [], (302, 200, 200, 403)),
    ("catalog:my_demands", lambda w: [], (302, 200, 403, 403)),
    ("catalog:demand_create", lambda w: [], (302, 200, 403, 403)),
    ("catalog:review_achievements", lambda w: [], (302, 403, 403, 200)),
    ("catalog:review_demands", lambda w: [], (302, 403, 403, 200)),
    ("catalog:review_achievements_export", lambda w: [], (302, 403, 403, 200)),
]


@pytest.mark.parametrize("name,args,expected", PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("persona_index", range(4), ids=PERSONAS)
def test_page_access(client, world, name, args, expected, persona_index):
    user = world["users"][PERSONAS[persona_index]]
    if user is not None:
        client.force_login(user)
    response = client.get(reverse(name, args=args(world)))
    assert response.status_code == expected[persona_index]


def test_review_queues_show_only_the_routed_departments_items(client, world):
    client.force_login(world["users"]["reviewer"])
    assert "待审成果" in client.get(reverse("catalog:review_achievements")).content.decode()


ENDPOINTS = [
    ("get", lambda w: "/api/v1/achievements", (200, 200, 200, 200)),
    ("get", lambda w: "/api/v1/demands", (200, 200, 200, 200)),
    ("get", lambda w: f"/api/v1/achievements/{w['draft'].pk}", (404, 404, 200, 200)),
    ("get", lambda w: f"/api/v1/demands/{w['demand'].pk}", (404, 200, 404, 404)),
    ("post", lambda w: f"/api/v1/achievements/{w['draft'].pk}/submit", (401, 404, 200, 403)),
    ("post", lambda w: f"/api/v1/achievements/{w['submitted'].pk}/approve", (401, 404, 403, 200)),
    ("post", lambda w: f"/api/v1/demands/{w['demand'].pk}/approve", (401, 403, 404, 404)),
    ("get", lambda w: "/api/v1/revisions", (401, 403, 403, 200)),
]


@pytest.mark.parametrize("method,url,expected", ENDPOINTS, ids=[f"{e[0]}-{i}" for i, e in enumerate(ENDPOINTS)])
@pytest.mark.parametrize("persona_index", range(4), ids=PERSONAS)
def test_endpoint_access(client, world, method, url, expected, persona_index):
    user = world["users"][PERSONAS[persona_index]]
    headers = bearer_for(user) if user is not None else {}
    response = getattr(client, method)(url(world), headers=headers)
    assert response.status_code == expected[persona_index], response.content
