"""Plan projects' answers to the hooks of accounts (usefirst/core/hooks.py)."""

from __future__ import annotations

from usefirst.accounts import workspace
from usefirst.core.actors import Actor

from .imports.achievements import achievement_import_organisations


@workspace.may_import_achievements.connect
def may_import_achievements(user: Actor) -> bool:
    """The workspace offers the Excel import to whoever may import for some organisation."""
    return bool(achievement_import_organisations(user))
