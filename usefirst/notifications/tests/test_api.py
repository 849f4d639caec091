"""The notification inbox through the API: one's own notifications only, paginated, with
problem+json errors."""

import pytest

from usefirst.catalog.tests.factories import bearer_for
from usefirst.core.testing import make_user
from usefirst.notifications.services import notify

pytestmark = pytest.mark.django_db


def call(client, method, path, user=None, body=None):
    headers = bearer_for(user) if user is not None else {}
    if method == "get":
        return client.get(path, headers=headers)
    return client.post(path, body or {}, content_type="application/json", headers=headers)


def test_a_user_reads_only_their_own_inbox_and_marks_it_read(client):
    me, other = make_user(), make_user()
    notify(recipients=[me], kind="test.notice", title="待确认到账", body="请核对", url="/finance/receipts/to-confirm/")
    notify(recipients=[me], kind="test.notice", title="合同待签署")
    theirs = notify(recipients=[other], kind="test.notice", title="别人的消息")[0]
    page = call(client, "get", "/api/v1/notifications?page_size=1", me).json()
    assert page["count"] == 2 and page["unread"] == 2 and len(page["items"]) == 1 and page["num_pages"] == 2
    assert call(client, "get", f"/api/v1/notifications/{theirs.pk}", me).status_code == 404
    first = page["items"][0]["id"]
    marked = call(client, "post", "/api/v1/notifications/mark-read", me, {"ids": [first, theirs.pk]}).json()
    assert marked == {"marked": 1, "unread": 1}
    assert call(client, "get", "/api/v1/notifications?unread=true", me).json()["count"] == 1
    assert call(client, "post", "/api/v1/notifications/mark-read", me).json() == {"marked": 1, "unread": 0}
    assert call(client, "get", "/api/v1/notifications/unread-count", other).json() == {"unread": 1}


def test_bad_input_and_anonymous_callers_get_problem_json(client):
    me = make_user()
    bad = call(client, "get", "/api/v1/notifications?page_size=1000", me)
    assert bad.status_code == 400 and bad["content-type"].startswith("application/problem+json")
    assert bad.json()["code"] == "invalid_page_size"
    anonymous = call(client, "get", "/api/v1/notifications")
    assert anonymous.status_code == 401 and anonymous["content-type"].startswith("application/problem+json")
