from __future__ import annotations

from django.db.models import QuerySet

from usefirst.core.actors import Actor, Visitor
from usefirst.core.permissions import Action, restrict

from .models import Notification, Preference


def inbox(user: Visitor, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's own notifications, newest first."""
    rows = restrict(Notification.objects.all(), user, Action.VIEW).order_by("-created_at", "-id")
    return rows.filter(read_at__isnull=True) if unread_only else rows


def unread_count(user: Visitor) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return inbox(user, unread_only=True).count()


def preference_for(user: Actor) -> Preference:
    """The user's preference, or the defaults (not saved) when they never chose."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)
