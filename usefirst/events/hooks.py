"""Events' answers to the hooks: the home page's coming events, and the organiser's to-do of
sign-ups awaiting approval."""

from __future__ import annotations

from django.urls import reverse

from usefirst.accounts import workspace
from usefirst.core import selectors as core_selectors
from usefirst.core.dates import today

from .choices import EventStatus, RegistrationStatus
from .models import Event, Registration
from .policies import organiser_ids


@core_selectors.home_parts.connect
def home_parts(limit: int) -> core_selectors.HomeParts:
    coming = (
        Event.objects.filter(status=EventStatus.PUBLISHED, ends_on__gte=today())
        .select_related("organiser")
        .order_by("starts_on", "pk")
    )
    return core_selectors.HomeParts(
        lists={
            "events": [
                core_selectors.Entry(
                    e.title, reverse("events:detail", args=[e.pk]), f"{e.get_kind_display()} · {e.organiser.name}", e.starts_on
                )
                for e in coming[:limit]
            ]
        },
    )


@workspace.todo_sources.connect
def event_todos(desk: workspace.Desk) -> list[workspace.Todo]:
    mine = organiser_ids(desk.user)
    if desk.organisation.pk not in mine:
        return []
    waiting = Registration.objects.filter(event__organiser_id=desk.organisation.pk, status=RegistrationStatus.PENDING)
    return [workspace.Todo("待审核的活动报名", waiting.count(), reverse("events:mine"), rank=91)]
