"""The pages, from a detail page's "express intent" button to an agreed engagement."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from usefirst.matchmaking import services
from usefirst.matchmaking.choices import EngagementStatus
from usefirst.matchmaking.models import Engagement

from .factories import intent_on, talking

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_demand_reaches_an_agreed_engagement_page_by_page(demand, achievement, seller, buyer):
    unit_client, enterprise_client = login(seller), login(buyer)
    # 1. The unit opens the published demand and follows the button.
    page = unit_client.get(reverse("catalog:demand_detail", args=[demand.pk]))
    new_url = reverse("matchmaking:intent_new") + f"?demand_id={demand.pk}"
    assert new_url.replace("&", "&amp;") in page.content.decode() or new_url in page.content.decode()
    form = unit_client.get(new_url)
    assert "关联本单位的成果（可选）" in form.content.decode()
    # 2. It expresses intent, naming its achievement.
    response = unit_client.post(
        reverse("matchmaking:intent_new"),
        {"demand_id": demand.pk, "achievement": achievement.pk, "message": "我校成果可解决贵司需求"},
    )
    engagement = Engagement.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("matchmaking:engagement_detail", args=[engagement.pk])
    # 3. The enterprise sees it in 我的对接 and accepts.
    listing = enterprise_client.get(reverse("matchmaking:my_engagements") + "?status=intent")
    assert demand.title in listing.content.decode()
    enterprise_client.post(reverse("matchmaking:engagement_action", args=[engagement.pk, "accept"]))
    # 4. They talk, one proposes agreement, the other confirms.
    enterprise_client.post(reverse("matchmaking:message_create", args=[engagement.pk]), {"message-body": "欢迎来厂考察"})
    unit_client.post(reverse("matchmaking:engagement_action", args=[engagement.pk, "propose-agreement"]))
    detail = enterprise_client.get(reverse("matchmaking:engagement_detail", args=[engagement.pk])).content.decode()
    assert "确认达成一致" in detail
    enterprise_client.post(reverse("matchmaking:engagement_action", args=[engagement.pk, "confirm-agreement"]))
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.AGREED
    final = unit_client.get(reverse("matchmaking:engagement_detail", args=[engagement.pk])).content.decode()
    assert "可据此起草" in final and "欢迎来厂考察" in final and "确认达成一致" in final
    # 5. The agreed engagement leads to the drafting page, pre-filled from it.
    draft_url = reverse("contracts:new") + f"?engagement={engagement.pk}"
    assert draft_url in final
    drafting = unit_client.get(draft_url, follow=True).content.decode()
    assert f"对接记录 #{engagement.pk}" in drafting and engagement.enterprise.name in drafting  # the parties come from it


def test_the_achievement_page_offers_the_button_to_an_enterprise_but_not_to_the_owner(achievement, buyer, seller):
    url = reverse("catalog:achievement_detail", args=[achievement.pk])
    assert "提出对接意向" in login(buyer).get(url).content.decode()
    assert "提出对接意向" not in login(seller).get(url).content.decode()
    assert "登录后提出对接意向" in Client().get(url).content.decode()


def test_the_owner_sees_how_many_engagements_its_achievement_has_drawn(achievement, buyer, seller):
    intent_on(achievement, buyer)
    page = login(seller).get(reverse("catalog:achievement_detail", args=[achievement.pk])).content.decode()
    assert "本成果共有 1 项对接" in page


def test_the_achievement_page_links_to_an_open_intent_instead_of_a_second_button(achievement, buyer):
    engagement = intent_on(achievement, buyer)
    page = login(buyer).get(reverse("catalog:achievement_detail", args=[achievement.pk])).content.decode()
    assert reverse("matchmaking:engagement_detail", args=[engagement.pk]) in page
    assert "查看对接进展" in page


def test_a_second_intent_posted_from_a_stale_page_is_refused_clearly(achievement, buyer):
    intent_on(achievement, buyer)
    response = login(buyer).post(reverse("matchmaking:intent_new"), {"achievement_id": achievement.pk, "message": ""})
    assert response.status_code == 409
    assert "已就该成果提出对接意向" in response.content.decode()
    assert Engagement.objects.count() == 1


def test_an_intent_on_ones_own_achievement_is_refused_on_the_page(achievement, seller):
    response = login(seller).post(reverse("matchmaking:intent_new"), {"achievement_id": achievement.pk})
    assert response.status_code == 400
    assert "不能对本机构的成果提出对接意向" in response.content.decode()


def test_messages_are_escaped(achievement, buyer, seller):
    engagement = talking(achievement, buyer, seller)
    services.message_post(actor=buyer, engagement=engagement, body='<script>alert("x")</script>')
    page = login(seller).get(reverse("matchmaking:engagement_detail", args=[engagement.pk])).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_a_message_with_control_characters_is_refused_on_the_page(achievement, buyer, seller):
    engagement = talking(achievement, buyer, seller)
    response = login(buyer).post(reverse("matchmaking:message_create", args=[engagement.pk]), {"message-body": "响铃\x07"})
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()
    assert not engagement.messages.filter(body__contains="响铃").exists()


def test_messages_are_paginated(achievement, buyer, seller):
    engagement = talking(achievement, buyer, seller)
    for n in range(25):
        services.message_post(actor=buyer, engagement=engagement, body=f"留言{n:02d}")
    client = login(seller)
    first = client.get(reverse("matchmaking:engagement_detail", args=[engagement.pk])).content.decode()
    assert "留言24" in first and "留言00" not in first
    second = client.get(reverse("matchmaking:engagement_detail", args=[engagement.pk]) + "?page=2").content.decode()
    assert "留言00" in second
    assert client.get(reverse("matchmaking:engagement_detail", args=[engagement.pk]) + "?page=9").status_code == 404


def test_declining_on_the_page_needs_a_reason_and_feeds_the_aggregate(achievement, buyer, seller):
    engagement = intent_on(achievement, buyer)
    url = reverse("matchmaking:engagement_action", args=[engagement.pk, "decline"])
    client = login(seller)
    assert client.post(url, {}).status_code == 400
    assert client.post(url, {"decline-reason": "too_early", "decline-detail": "成果尚在中试"}).status_code == 302
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.DECLINED
    page = login(buyer).get(reverse("matchmaking:decline_reasons")).content.decode()
    assert "时机过早" in page and "成果尚在中试" in page


def test_the_list_filters_by_status_and_refuses_an_unknown_one(achievement, buyer, seller):
    talking(achievement, buyer, seller)
    client = login(buyer)
    assert achievement.title in client.get(reverse("matchmaking:my_engagements") + "?status=talking").content.decode()
    assert achievement.title not in client.get(reverse("matchmaking:my_engagements") + "?status=agreed").content.decode()
    assert client.get(reverse("matchmaking:my_engagements") + "?status=bogus").status_code == 400


def test_agency_is_proposed_and_confirmed_on_the_page(achievement, buyer, seller, agency, agency_user):
    engagement = talking(achievement, buyer, seller)
    login(buyer).post(
        reverse("matchmaking:engagement_action", args=[engagement.pk, "propose-facilitator"]), {"facilitator-agency": agency.pk}
    )
    assert login(agency_user).get(reverse("matchmaking:engagement_detail", args=[engagement.pk])).status_code == 404
    login(seller).post(reverse("matchmaking:engagement_action", args=[engagement.pk, "confirm-facilitator"]))
    page = login(agency_user).get(reverse("matchmaking:engagement_detail", args=[engagement.pk]))
    assert page.status_code == 200
    assert "只读" in page.content.decode() and "发送" not in page.content.decode()
