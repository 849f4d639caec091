"""An event as the example row for the generated test of every workflow."""

from __future__ import annotations

import datetime as dt

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.core.dates import today
from usefirst.core.testing import make_org, make_user, workflow_example
from usefirst.events.models import Event


@workflow_example("events.event")
def event() -> Event:
    organiser = make_org(OrganisationKind.INCUBATOR)
    return Event.objects.create(
        title="成果路演",
        kind="roadshow",
        organiser=organiser,
        place="广州",
        starts_on=today(),
        ends_on=today() + dt.timedelta(days=1),
        signup_deadline=today(),
        capacity=10,
        created_by=make_user(organiser, role=Membership.Role.ADMIN),
    )
