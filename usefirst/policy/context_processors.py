from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from usefirst.accounts import roles


def policy_nav(request: HttpRequest) -> dict[str, Any]:
    """Provincial staff see the link to the policy parameters page in the header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"can_view_policy_parameters": roles.is_provincial_staff(user)}
