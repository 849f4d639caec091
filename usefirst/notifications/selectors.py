from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from usefirst.core.permissions import Action, restrict

from .models import Notification, Preference


def inbox(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's own notifications, newest first."""
    rows = restrict(Notification.objects.all(), user, Action.VIEW).order_by("-created_at", "-id")
    return rows.filter(read_at__isnull=True) if unread_only else rows


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return inbox(user, unread_only=True).count()


def preference_for(user: Any) -> Preference:
    """The user's preference, or the defaults (not saved) when they never chose."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)
