"""Start-up checks of matching: say whether fuzzy title search (pg_trgm) is available.

Registered with the `database` tag, so it runs where Django opens the database for checks —
`migrate` (which `make run` does first) and `manage.py check --database default` — and
reports through the check framework instead of failing: search works without it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core import checks
from django.db import DatabaseError, connections

from .backends import forget_trigram_status, trigram_status


@checks.register(checks.Tags.database)
def fuzzy_title_search(
    app_configs: Any = None, databases: Iterable[str] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    messages: list[checks.CheckMessage] = []
    for alias in databases or ():
        if alias != "default":
            continue
        forget_trigram_status(alias)  # always the database's state now, not what this process saw before
        try:
            available, reason = trigram_status(alias)
        except DatabaseError as exc:  # e.g. the tables are not there yet: the check must not stop migrate
            messages.append(checks.Warning(f"无法检查标题模糊检索：{exc}", id="matching.W002"))
            continue
        if available:
            continue
        if connections[alias].vendor == "postgresql":
            messages.append(checks.Warning(f"标题模糊检索（pg_trgm）不可用：{reason}", id="matching.W001"))
        else:
            messages.append(checks.Info(f"标题模糊检索不可用：{reason}", id="matching.I001"))
    return messages
