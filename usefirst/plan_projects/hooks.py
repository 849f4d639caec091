"""Plan projects' answers to the hooks of accounts (usefirst/core/hooks.py)."""

from __future__ import annotations

from typing import Any

from usefirst.accounts import workspace

from .imports.achievements import achievement_import_organisations


@workspace.may_import_achievements.connect
def may_import_achievements(user: Any) -> bool:
    """The workspace offers the Excel import to whoever may import for some organisation."""
    return bool(achievement_import_organisations(user))
