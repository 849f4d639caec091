"""An engagement knows its contracts, and a second contract for it needs a stated reason
(issue 11, item 4)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from usefirst.catalog.choices import AchievementStatus
from usefirst.catalog.models import Achievement
from usefirst.contracts.models import ContractEvent
from usefirst.core.errors import DomainError
from usefirst.matchmaking import services as matchmaking

from .conftest import draft, sign_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def engagement(achievement, owner, licensee_signer, enterprise):
    Achievement.objects.filter(pk=achievement.pk).update(status=AchievementStatus.PUBLISHED, published_at=timezone.now())
    achievement.refresh_from_db()
    engagement = matchmaking.engagement_create(
        actor=licensee_signer, organisation=enterprise, achievement=achievement, message="希望试用"
    )
    matchmaking.engagement_accept(actor=owner, engagement=engagement)
    matchmaking.engagement_propose_agreement(actor=licensee_signer, engagement=engagement)
    return matchmaking.engagement_confirm_agreement(actor=owner, engagement=engagement)


def _page(user, engagement) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("matchmaking:engagement_detail", args=[engagement.pk])).content.decode()


def test_the_engagement_shows_its_contract_and_learns_it_was_signed(
    platform_ca, engagement, owner, unit, enterprise, achievement, licensee_signer
):
    assert "状态：<strong>已达成一致（待签合同）</strong>" in _page(owner, engagement)
    contract = draft(owner, unit, enterprise, achievement, engagement_id=engagement.pk)
    page = _page(licensee_signer, engagement)
    assert "状态：<strong>已达成一致（合同签署中）</strong>" in page and contract.number in page
    assert reverse("contracts:detail", args=[contract.pk]) in page
    sign_all(contract, owner, licensee_signer)
    page = _page(licensee_signer, engagement)
    assert "状态：<strong>已签订合同</strong>" in page
    listing = Client()
    listing.force_login(owner)
    assert "已签订合同" in listing.get(reverse("matchmaking:my_engagements")).content.decode()


def test_a_second_contract_for_one_engagement_needs_a_stated_reason(
    platform_ca, engagement, owner, unit, enterprise, achievement
):
    first = draft(owner, unit, enterprise, achievement, engagement_id=engagement.pk)
    for reason in ("", "x", "。。。"):
        with pytest.raises(DomainError) as refused:
            draft(owner, unit, enterprise, achievement, engagement_id=engagement.pk, engagement_reason=reason)
        assert refused.value.code == "engagement_contract_exists"
        assert first.number in refused.value.detail and "engagement_reason" in refused.value.field_errors
    second = draft(
        owner,
        unit,
        enterprise,
        achievement,
        engagement_id=engagement.pk,
        engagement_reason="另一生产基地单独签订许可，\n范围不同",
    )
    drafted = ContractEvent.objects.get(subject=second, to_status="drafted")
    assert drafted.payload["another_contract_reason"] == "另一生产基地单独签订许可，\n范围不同"


def test_the_drafting_page_names_the_existing_contract_and_keeps_the_form_on_a_missing_reason(
    platform_ca, engagement, owner, unit, enterprise, achievement
):
    first = draft(owner, unit, enterprise, achievement, engagement_id=engagement.pk)
    client = Client()
    client.force_login(owner)
    page = client.get(reverse("contracts:new") + f"?engagement={engagement.pk}").content.decode()
    assert "本对接已有合同" in page and first.number in page and "另起合同的理由" in page
