"""Builders for matchmaking tests: an engagement brought to a given status through the services."""

from __future__ import annotations

from usefirst.accounts.models import User
from usefirst.catalog.models import Achievement
from usefirst.matchmaking import services
from usefirst.matchmaking.models import Engagement


def intent_on(achievement: Achievement, buyer: User, *, message: str = "我们希望试用该成果") -> Engagement:
    enterprise = buyer.memberships.get().organisation
    return services.engagement_create(actor=buyer, organisation=enterprise, achievement=achievement, message=message)


def talking(achievement: Achievement, buyer: User, seller: User) -> Engagement:
    return services.engagement_accept(actor=seller, engagement=intent_on(achievement, buyer))


def agreed(achievement: Achievement, buyer: User, seller: User) -> Engagement:
    engagement = talking(achievement, buyer, seller)
    services.engagement_propose_agreement(actor=buyer, engagement=engagement)
    return services.engagement_confirm_agreement(actor=seller, engagement=engagement)
