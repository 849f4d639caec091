from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .selectors import unread_count


def inbox_badge(request: HttpRequest) -> dict[str, Any]:
    """The unread count shown beside the inbox link in every page's header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}
