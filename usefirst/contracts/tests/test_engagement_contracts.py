"""An engagement knows its contracts, and a second contract for it needs a stated reason."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from usefirst.catalog.choices import AchievementStatus
from usefirst.catalog.models import Achievement
from usefirst.contracts.models import ContractEvent
from usefirst.core.errors import DomainError
from usefirst.matchmaking import services as matchmaking

from .conftest import DraftPages, draft, free_use_terms, sign_all

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


def test_the_drafting_steps_name_the_existing_contract_and_keep_the_input_on_a_missing_reason(
    platform_ca, engagement, owner, unit, enterprise, achievement
):
    first = draft(owner, unit, enterprise, achievement, engagement_id=engagement.pk)
    client = Client()
    client.force_login(owner)
    pages = DraftPages(client, f"?engagement={engagement.pk}")
    page = pages.get("kind").content.decode()
    assert "本对接已有合同" in page and first.number in page
    assert re.search(rf'value="{achievement.pk}"[^>]*selected', page)  # the engagement's achievement, preselected
    pages.post("kind", {"kind": "free_use_licence", "mode": "pay_later", "achievement": achievement.pk})
    pages.post("terms", free_use_terms(scope="第二生产基地单独使用"))
    parties = pages.get("parties").content.decode()
    assert "另起合同的理由" in parties and f'value="{enterprise.credit_code}"' in parties  # the engagement's parties
    pages.post("parties", {"licensor": unit.pk, "licensee_credit_code": enterprise.credit_code, "engagement_reason": "。。"})
    refused = pages.post("review", {}, action="save")
    text = refused.content.decode()
    assert refused.status_code == 400 and '<li aria-current="step" class="current">第 3 步 当事方与成果完成人</li>' in text
    assert 'href="#id_engagement_reason"' in text and f"本对接已有合同 {first.number}" in text
    assert ContractEvent.objects.filter(to_status="drafted").count() == 1  # nothing saved
    pages.post(
        "parties",
        {"licensor": unit.pk, "licensee_credit_code": enterprise.credit_code, "engagement_reason": "第二生产基地单独签订许可"},
    )
    assert pages.post("review", {}, action="save").status_code == 302
    second = ContractEvent.objects.filter(to_status="drafted").exclude(subject=first).get()
    assert second.payload["another_contract_reason"] == "第二生产基地单独签订许可"
    assert second.subject.scope == "第二生产基地单独使用"


def test_the_contract_links_its_engagement_and_the_engagement_finds_it(engagement, owner, unit, enterprise, achievement):
    contract = draft(owner, unit, enterprise, achievement, engagement_id=engagement.pk)
    assert contract.engagement == engagement
    assert list(engagement.contracts.all()) == [contract]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_carries_the_engagement_numbers_over_to_the_link(engagement, owner, unit, enterprise, achievement):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    kept = draft(owner, unit, enterprise, achievement, engagement_id=engagement.pk)
    dangling = draft(owner, unit, enterprise, achievement, engagement_id=engagement.pk, engagement_reason="另一范围的许可")
    before, after = ("contracts", "0008_contract_event_types"), ("contracts", "0010_remove_contract_engagement_id_ref")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    old = executor.loader.project_state([before]).apps.get_model("contracts", "Contract")
    assert old.objects.get(pk=kept.pk).engagement_id_ref == engagement.pk  # carried back
    old.objects.filter(pk=dangling.pk).update(engagement_id_ref=engagement.pk + 1000)  # no such engagement
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([after])
    new = executor.loader.project_state([after]).apps.get_model("contracts", "Contract")
    assert new.objects.get(pk=kept.pk).engagement_id == engagement.pk
    assert new.objects.get(pk=dangling.pk).engagement_id is None
    # Going back to 0008 also unapplied every app's migrations that depend on later contracts
    # migrations (risk, events, cases, …): bring the whole schema forward again for later tests.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
