"""The factories reach every state through the services."""

from __future__ import annotations

import datetime as dt

import pytest

from usefirst.accounts.models import Membership, OrganisationKind, OrganisationStatus
from usefirst.catalog.choices import AchievementStatus
from usefirst.contracts.models import ContractKind, ContractStatus, Mode
from usefirst.matchmaking.models import EngagementStatus
from usefirst.recognition.models import ApplicationStatus

from .factories import (
    AchievementFactory,
    ContractFactory,
    DemandFactory,
    EngagementFactory,
    EnterpriseFactory,
    MemberFactory,
    OrganisationFactory,
    application_drafted,
    distribution_made,
    free_use_and_follow_on,
    receipt_confirmed,
)

pytestmark = pytest.mark.django_db


def test_an_organisation_is_registered_verified_and_approved(province):
    organisation = OrganisationFactory()
    assert organisation.status == OrganisationStatus.ACTIVE
    assert organisation.reviewing_department == province
    assert organisation.memberships.get().role == Membership.Role.ADMIN


def test_a_member_joins_by_invitation(province):
    member = MemberFactory(role=Membership.Role.STAFF)
    assert member.memberships.get().role == Membership.Role.STAFF


def test_an_achievement_is_published_with_its_inventors(province):
    achievement = AchievementFactory()
    assert achievement.status == AchievementStatus.PUBLISHED
    assert achievement.inventors.count() == 2


def test_a_demand_is_published_and_an_engagement_accepted(province):
    assert DemandFactory(enterprise=EnterpriseFactory(kind=OrganisationKind.ENTERPRISE)).status == "published"
    assert EngagementFactory().status == EngagementStatus.TALKING


def test_a_free_use_licence_is_signed_by_both_parties_and_in_free_use(province):
    contract = ContractFactory()
    assert contract.status == ContractStatus.FREE_USE
    assert contract.signatures.count() == 2
    assert ContractFactory(signed=False).status == ContractStatus.DRAFTED


def test_money_flows_to_a_distribution_and_a_recognition_application(province, unit, owner, enterprise):
    achievement = AchievementFactory(unit=unit, actor=owner)
    day = dt.date(2026, 3, 2)
    _parent, licence = free_use_and_follow_on(
        licensor=unit, licensee=enterprise, actor=owner, achievements=[(achievement, "100")], signed_on=day
    )
    assert licence.status == ContractStatus.SIGNED and licence.mode == Mode.PAY_LATER
    assert licence.kind == ContractKind.LICENCE and licence.parent.status == ContractStatus.NEXT_STEP_AGREED
    receipt = receipt_confirmed(licence, "600000.00", on=day, actor=owner)
    assert receipt.confirmed_at is not None
    assert distribution_made(licence, actor=owner).lines.exists()
    application = application_drafted(achievement, actor=owner)
    assert application.status == ApplicationStatus.DRAFT
