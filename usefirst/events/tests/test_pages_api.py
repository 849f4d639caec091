"""Pages and API of events as their users see them."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from usefirst.core.testing import make_org
from usefirst.events import services
from usefirst.events.models import Registration

from .conftest import attendee

pytestmark = pytest.mark.django_db


def test_the_public_calendar_and_event_page_show_the_event_and_its_booth(client, event):
    page = client.get(reverse("events:calendar"))
    assert page.status_code == 200 and event.title in page.content.decode()
    detail = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert "展示项目" in detail and "先到先得" in detail and "登录" in detail


def test_a_draft_is_hidden_from_the_public(client, organiser, incubator):
    draft = services.event_create(
        actor=organiser,
        organiser=incubator,
        data={"title": "草稿活动", "kind": "launch", "place": "广州", "starts_on": "2099-01-01", "capacity": "5"},
    )
    assert client.get(reverse("events:detail", args=[draft.pk])).status_code == 404


def test_a_signed_up_person_sees_their_entry_code_and_the_organiser_checks_them_in(client, event, organiser):
    person = attendee(1)
    client.force_login(person)
    response = client.post(reverse("events:signup", args=[event.pk]), {"note": ""})
    assert response.status_code == 302
    # The entry code is signed with a timestamp: the page and the test make it within one frozen second.
    with time_machine.travel(timezone.now(), tick=False):
        page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
        token = services.checkin_token(Registration.objects.get(user=person))
    assert "入场码" in page and "签到链接" in page
    # the QR code on the page is the check-in link itself, drawn by the platform (no outside service)
    from usefirst.core.qr import qr_data_uri

    link = "http://testserver" + reverse("events:checkin", args=[event.pk]) + f"?t={token}"
    assert f'src="{qr_data_uri(link)}"' in page
    assert qr_data_uri(link).startswith("data:image/svg+xml;base64,") and qr_data_uri(link) != qr_data_uri(link + "x")

    client.force_login(organiser)
    assert client.get(reverse("events:checkin", args=[event.pk]) + f"?t={token}").status_code == 200
    ok = client.post(reverse("events:checkin", args=[event.pk]), {"token": token})
    assert "签到成功" in ok.content.decode()
    again = client.post(reverse("events:checkin", args=[event.pk]), {"token": token})
    assert again.status_code == 400 and "不能重复签到" in again.content.decode()
    forged = client.post(reverse("events:checkin", args=[event.pk]), {"token": token + "x"})
    assert forged.status_code == 400 and "入场码无效" in forged.content.decode()


def test_the_organiser_view_is_the_organisers_only(client, event, organiser):
    client.force_login(organiser)
    assert client.get(reverse("events:manage", args=[event.pk])).status_code == 200
    assert client.get(reverse("events:mine")).status_code == 200
    assert client.get(reverse("events:new")).status_code == 200
    client.force_login(attendee(9))
    assert client.get(reverse("events:manage", args=[event.pk])).status_code == 403  # public event: seen, not managed
    assert client.get(reverse("events:checkin", args=[event.pk])).status_code == 403
    assert client.get(reverse("events:new")).status_code == 403


def test_the_organiser_drafts_an_event_through_the_form(client, organiser, incubator):
    client.force_login(organiser)
    bad = client.post(reverse("events:new"), {"title": "路演", "kind": "roadshow", "starts_on": "2099-03-01", "capacity": "10"})
    assert bad.status_code == 400 and "请填写举办地点或线上参与链接" in bad.content.decode()
    ok = client.post(
        reverse("events:new"),
        {
            "title": "路演",
            "kind": "roadshow",
            "place": "深圳",
            "starts_on": "2099-03-01",
            "capacity": "10",
            "signup_mode": "first_come",
            "when_full": "waitlist",
        },
    )
    assert ok.status_code == 302


def test_the_api_signs_up_and_answers_a_full_event_with_a_problem(client, organiser, incubator):
    from .conftest import make_event

    event = make_event(organiser, incubator, capacity="1", when_full="refuse")
    assert client.get("/api/v1/events").json()["count"] == 1
    client.force_login(attendee(1))
    first = client.post(f"/api/v1/events/{event.pk}/registrations", {"note": ""}, content_type="application/json")
    assert first.status_code == 201 and first.json()["status_display"] == "报名成功" and first.json()["checkin_token"]
    client.force_login(attendee(2))
    full = client.post(f"/api/v1/events/{event.pk}/registrations", {"note": ""}, content_type="application/json")
    assert full.status_code == 409 and full.json()["code"] == "event_full"
    assert full["Content-Type"].startswith("application/problem+json")
    client.force_login(organiser)
    token = first.json()["checkin_token"]
    assert (
        client.post(f"/api/v1/events/{event.pk}/checkins", {"token": token}, content_type="application/json").status_code == 200
    )
    reused = client.post(f"/api/v1/events/{event.pk}/checkins", {"token": token}, content_type="application/json")
    assert reused.json()["code"] == "checkin_token_used"
    assert client.get(f"/api/v1/events/{event.pk}/outcomes").json()["contract_count"] == 0


def test_the_workspace_links_the_organisers_and_everyone_to_events(client, organiser):
    client.force_login(organiser)
    page = client.get(reverse("accounts:workspace")).content.decode()
    assert "本机构举办的活动" in page and "活动日历" in page
    make_org  # noqa: B018


def test_the_online_link_leaves_the_platform_only_when_asked(client, event):
    event.online_url = "https://meeting.example.org/room/2026"
    event.save(update_fields=["online_url"])
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert "meeting.example.org" not in page and reverse("events:online", args=[event.pk]) in page
    notice = client.get(reverse("events:online", args=[event.pk])).content.decode()
    assert "即将离开本平台" in notice and "meeting.example.org/room/2026" in notice
    assert "https://meeting.example.org" not in notice  # the address as text, not a link the page makes
    going = client.get(reverse("events:online", args=[event.pk]), {"go": "1"})
    assert going.status_code == 302 and going["Location"] == "https://meeting.example.org/room/2026"
    event.online_url = ""
    event.save(update_fields=["online_url"])
    assert client.get(reverse("events:online", args=[event.pk])).status_code == 404


def test_the_manage_page_lists_every_concierge_appointment_current_and_ended(client, event, organiser, incubator):
    from usefirst.core.testing import make_user

    project = event.items.get().achievement
    colleague = make_user(incubator)
    colleague.full_name = "接任专员"
    colleague.save(update_fields=["full_name"])
    services.concierge_assign(actor=organiser, achievement=project, person=organiser, event=event)
    services.concierge_assign(actor=organiser, achievement=project, person=colleague, event=event)
    client.force_login(organiser)
    html = client.get(reverse("events:manage", args=[event.pk])).content.decode()
    assert "服务专员任职记录" in html and "现任" in html and "更换）" in html and "接任专员" in html
