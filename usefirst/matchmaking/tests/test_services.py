"""The matchmaking workflow through its services: intent → talking → agreed, declines with
reasons, refused intents, the facilitator and the message thread."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.catalog.choices import RestrictionReason
from usefirst.catalog.services.achievements import achievement_withdraw
from usefirst.catalog.tests.factories import make_achievement, make_published_achievement
from usefirst.core.errors import Conflict, DomainError, Forbidden, IllegalTransition
from usefirst.core.testing import make_org, make_user
from usefirst.matchmaking import selectors, services
from usefirst.matchmaking.choices import DeclineReason, EngagementStatus, Side
from usefirst.matchmaking.models import Engagement
from usefirst.notifications.models import Notification

from .factories import agreed, intent_on, talking

pytestmark = pytest.mark.django_db


def steps(engagement: Engagement) -> list[tuple[str, str, str]]:
    return [(e.event_type, e.from_status, e.to_status) for e in engagement.events.order_by("at", "id")]


def test_the_whole_path_from_intent_to_agreed_writes_an_event_per_step(achievement, buyer, seller, unit, enterprise):
    engagement = intent_on(achievement, buyer)
    assert engagement.status == EngagementStatus.INTENT
    assert engagement.initiator_side == Side.ENTERPRISE
    assert Notification.objects.filter(recipient=seller, kind="matchmaking.intent").exists()

    services.engagement_accept(actor=seller, engagement=engagement)
    assert Notification.objects.filter(recipient=buyer, kind="matchmaking.accepted").exists()
    services.engagement_propose_agreement(actor=buyer, engagement=engagement)
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.TALKING
    assert engagement.agreement_proposed_side == Side.ENTERPRISE
    services.engagement_confirm_agreement(actor=seller, engagement=engagement)

    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.AGREED
    assert engagement.agreed_at is not None
    assert engagement.parties() == {"licensor": unit, "licensee": enterprise}
    assert engagement.achievements() == [achievement]
    assert steps(engagement) == [
        ("intent", "", "intent"),
        ("accept", "intent", "talking"),
        ("propose_agreement", "talking", "talking"),
        ("confirm_agreement", "talking", "agreed"),
    ]
    assert engagement.events.last().actor == seller


def test_the_proposer_cannot_confirm_its_own_agreement(achievement, buyer, seller):
    engagement = talking(achievement, buyer, seller)
    services.engagement_propose_agreement(actor=seller, engagement=engagement)
    with pytest.raises(Forbidden) as exc:
        services.engagement_confirm_agreement(actor=seller, engagement=engagement)
    assert exc.value.code == "wrong_side"
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.TALKING


def test_agreeing_before_talking_is_an_illegal_transition(achievement, buyer, seller):
    engagement = intent_on(achievement, buyer)
    with pytest.raises(IllegalTransition):
        services.engagement_propose_agreement(actor=buyer, engagement=engagement)


def test_only_the_other_side_accepts_an_intent(achievement, buyer, seller):
    engagement = intent_on(achievement, buyer)
    with pytest.raises(Forbidden) as exc:
        services.engagement_accept(actor=buyer, engagement=engagement)
    assert exc.value.code == "wrong_side"


def test_an_outsider_cannot_act_on_an_engagement(achievement, buyer, stranger):
    engagement = intent_on(achievement, buyer)
    with pytest.raises(Forbidden):
        services.engagement_accept(actor=stranger, engagement=engagement)


def test_a_unit_expresses_intent_on_a_demand_naming_its_achievement(demand, achievement, seller, buyer, unit):
    engagement = services.engagement_create(
        actor=seller, organisation=unit, demand=demand, achievement=achievement, message="我校成果可解决该需求"
    )
    assert engagement.initiator_side == Side.UNIT
    assert engagement.enterprise == demand.enterprise
    assert engagement.achievements() == [achievement]
    assert Notification.objects.filter(recipient=buyer, kind="matchmaking.intent").exists()
    services.engagement_accept(actor=buyer, engagement=engagement)
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.TALKING


def test_a_decline_records_its_reason_and_is_counted_for_both_sides(demand, seller, buyer, unit, enterprise):
    engagement = services.engagement_create(actor=seller, organisation=unit, demand=demand)
    services.engagement_decline(actor=buyer, engagement=engagement, reason=DeclineReason.PRICE, detail="报价超出预算")
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.DECLINED
    assert engagement.decline_reason == DeclineReason.PRICE
    assert steps(engagement)[-1] == ("decline", "intent", "declined")
    assert Notification.objects.filter(recipient=seller, kind="matchmaking.declined").exists()

    for_unit = selectors.decline_summary(organisation=unit)
    rows = {r.reason: r for r in for_unit.rows}
    assert rows["price"].received == 1 and for_unit.received_total == 1 and for_unit.given_total == 0
    assert [e.decline_detail for e in for_unit.received_details] == ["报价超出预算"]
    for_enterprise = selectors.decline_summary(organisation=enterprise)
    assert {r.reason: r.given for r in for_enterprise.rows}["price"] == 1


def test_a_decline_needs_a_known_reason_and_other_needs_words(achievement, buyer, seller):
    engagement = intent_on(achievement, buyer)
    with pytest.raises(DomainError) as exc:
        services.engagement_decline(actor=seller, engagement=engagement, reason="bored")
    assert exc.value.field_errors == {"reason": ["请选择婉拒原因"]}
    with pytest.raises(DomainError) as exc:
        services.engagement_decline(actor=seller, engagement=engagement, reason=DeclineReason.OTHER, detail="  ")
    assert "detail" in exc.value.field_errors


def test_the_initiator_withdraws_an_unanswered_intent_and_either_side_closes_talks(achievement, buyer, seller):
    first = intent_on(achievement, buyer)
    with pytest.raises(IllegalTransition) as exc:
        services.engagement_close(actor=seller, engagement=first)
    assert exc.value.code == "decline_instead"
    services.engagement_close(actor=buyer, engagement=first, reason="需求有变")
    first.refresh_from_db()
    assert first.status == EngagementStatus.WITHDRAWN

    second = talking(achievement, buyer, seller)
    services.engagement_close(actor=seller, engagement=second, reason="暂无合作条件")
    second.refresh_from_db()
    assert second.status == EngagementStatus.CLOSED
    assert steps(second)[-1] == ("close", "talking", "closed")


def test_it_refuses_an_intent_on_ones_own_achievement(achievement, seller, unit):
    with pytest.raises(DomainError) as exc:
        services.engagement_create(actor=seller, organisation=unit, achievement=achievement)
    assert exc.value.code == "own_item"
    assert "本机构" in exc.value.detail


def test_it_refuses_an_intent_on_ones_own_demand(demand, buyer, enterprise):
    with pytest.raises(DomainError) as exc:
        services.engagement_create(actor=buyer, organisation=enterprise, demand=demand)
    assert exc.value.code == "own_item"


def test_it_refuses_an_intent_on_an_unpublished_achievement(unit, seller, buyer, enterprise):
    draft = make_achievement(unit, seller, title="草稿成果")
    with pytest.raises(DomainError) as exc:
        services.engagement_create(actor=buyer, organisation=enterprise, achievement=draft)
    assert exc.value.code == "item_not_published"


def test_it_refuses_an_intent_on_a_withdrawn_achievement(achievement, seller, buyer, enterprise):
    achievement_withdraw(actor=seller, achievement=achievement, reason="暂停转化")
    achievement.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        services.engagement_create(actor=buyer, organisation=enterprise, achievement=achievement)
    assert exc.value.code == "item_not_published"


def test_it_refuses_an_intent_on_a_restricted_achievement(unit, seller, buyer, enterprise):
    restricted = make_achievement(unit, seller, title="涉密成果", restriction=RestrictionReason.DEFENCE)
    with pytest.raises(DomainError) as exc:
        services.engagement_create(actor=buyer, organisation=enterprise, achievement=restricted)
    assert exc.value.code == "item_restricted"


def test_it_refuses_a_second_open_intent_by_the_same_organisation(achievement, buyer, seller, enterprise):
    intent_on(achievement, buyer)
    with pytest.raises(Conflict) as exc:
        services.engagement_create(actor=buyer, organisation=enterprise, achievement=achievement)
    assert exc.value.code == "duplicate_intent"
    assert Engagement.objects.count() == 1


def test_a_new_intent_is_allowed_once_the_earlier_one_has_ended(achievement, buyer, seller):
    first = intent_on(achievement, buyer)
    services.engagement_decline(actor=seller, engagement=first, reason=DeclineReason.TOO_EARLY)
    second = intent_on(achievement, buyer)
    assert second.status == EngagementStatus.INTENT


def test_the_database_refuses_a_duplicate_open_intent_inserted_directly(achievement, buyer, enterprise, unit):
    intent_on(achievement, buyer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Engagement.objects.create(
            unit=unit, enterprise=enterprise, achievement=achievement, initiator_side=Side.ENTERPRISE, status="talking"
        )


def test_the_database_refuses_a_duplicate_open_intent_on_a_demand(demand, seller, unit, enterprise):
    services.engagement_create(actor=seller, organisation=unit, demand=demand)
    with pytest.raises(IntegrityError), transaction.atomic():
        Engagement.objects.create(unit=unit, enterprise=enterprise, demand=demand, initiator_side=Side.UNIT)


def test_a_unit_cannot_name_another_units_achievement(demand, seller, unit, province, provincial_reviewer):
    other_unit = make_org(OrganisationKind.UNIVERSITY, name="另一所测试大学")
    other_unit.reviewing_department = province
    other_unit.save()
    other_admin = make_user(other_unit, role=Membership.Role.ADMIN)
    theirs = make_published_achievement(other_unit, other_admin, provincial_reviewer, title="他校成果")
    with pytest.raises(DomainError) as exc:
        services.engagement_create(actor=seller, organisation=unit, demand=demand, achievement=theirs)
    assert exc.value.code == "not_own_achievement"


def test_the_agency_is_attached_only_after_both_sides_confirm(achievement, buyer, seller, agency, agency_user):
    engagement = talking(achievement, buyer, seller)
    services.engagement_propose_facilitator(actor=buyer, engagement=engagement, agency=agency)
    engagement.refresh_from_db()
    assert engagement.facilitator is None
    assert engagement.proposed_facilitator == agency
    assert engagement.facilitator_enterprise_confirmed_at is not None
    assert engagement.facilitator_unit_confirmed_at is None
    assert not selectors.engagement_list(user=agency_user).exists()
    with pytest.raises(IllegalTransition):
        services.engagement_confirm_facilitator(actor=buyer, engagement=engagement)

    services.engagement_confirm_facilitator(actor=seller, engagement=engagement)
    engagement.refresh_from_db()
    assert engagement.facilitator == agency
    assert engagement.facilitator_unit_confirmed_by == seller
    assert engagement.facilitator_enterprise_confirmed_by == buyer
    assert list(selectors.engagement_list(user=agency_user)) == [engagement]
    assert Notification.objects.filter(recipient=agency_user, kind="matchmaking.facilitator_attached").exists()
    assert [s for s, _, _ in steps(engagement)][-2:] == ["propose_facilitator", "attach_facilitator"]


def test_the_database_refuses_a_facilitator_without_both_confirmations(achievement, buyer, seller, agency):
    engagement = talking(achievement, buyer, seller)
    with pytest.raises(IntegrityError), transaction.atomic():
        Engagement.objects.filter(pk=engagement.pk).update(facilitator=agency)


def test_only_an_agency_can_be_proposed(achievement, buyer, seller, stranger):
    engagement = talking(achievement, buyer, seller)
    with pytest.raises(DomainError) as exc:
        services.engagement_propose_facilitator(
            actor=buyer, engagement=engagement, agency=stranger.memberships.get().organisation
        )
    assert exc.value.code == "not_an_agency"


def test_the_attached_agency_cannot_act(achievement, buyer, seller, agency, agency_user):
    engagement = talking(achievement, buyer, seller)
    services.engagement_propose_facilitator(actor=seller, engagement=engagement, agency=agency)
    services.engagement_confirm_facilitator(actor=buyer, engagement=engagement)
    with pytest.raises(Forbidden):
        services.message_post(actor=agency_user, engagement=engagement, body="你好")
    with pytest.raises(Forbidden):
        services.engagement_close(actor=agency_user, engagement=engagement)


def test_a_message_notifies_the_other_side(achievement, buyer, seller):
    engagement = talking(achievement, buyer, seller)
    message = services.message_post(actor=seller, engagement=engagement, body="请问贵司的中试条件？")
    assert message.author_side == Side.UNIT
    assert Notification.objects.filter(recipient=buyer, kind="matchmaking.message").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [("", "body"), ("   ", "body"), ("a\x00b", "body"), ("响铃\x07", "body"), ("长" * 2001, "body")],
)
def test_it_refuses_empty_control_character_and_overlong_messages(achievement, buyer, seller, body, field):
    engagement = talking(achievement, buyer, seller)
    with pytest.raises(DomainError) as exc:
        services.message_post(actor=buyer, engagement=engagement, body=body)
    assert field in exc.value.field_errors


def test_no_messages_once_an_engagement_has_ended(achievement, buyer, seller):
    engagement = intent_on(achievement, buyer)
    services.engagement_decline(actor=seller, engagement=engagement, reason=DeclineReason.BENEFIT_UNCLEAR)
    with pytest.raises(IllegalTransition):
        services.message_post(actor=buyer, engagement=engagement, body="再考虑一下？")


def test_an_agreed_engagement_is_final(achievement, buyer, seller):
    engagement = agreed(achievement, buyer, seller)
    with pytest.raises(IllegalTransition):
        services.engagement_close(actor=buyer, engagement=engagement)
