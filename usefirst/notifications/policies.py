"""A notification is its recipient's alone: nobody else sees or marks it, reviewers included."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from usefirst.core.actors import Visitor
from usefirst.core.permissions import Action, register

from .models import Notification


@register(Notification)
class NotificationPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not getattr(user, "is_authenticated", False) or action not in (Action.VIEW, Action.CHANGE):
            return queryset.none()
        return queryset.filter(recipient=user)
