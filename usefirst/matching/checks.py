"""Start-up checks of matching: say whether fuzzy title search (pg_trgm) is available.

Registered with the `database` tag, so it runs where Django opens the database for checks —
`migrate` (which `make run` does first) and `manage.py check --database default` — and
reports through the check framework instead of failing: search works without it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
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


@checks.register()
def search_engine_configured(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A misnamed SEARCH_ENGINE, or an engine folder that cannot be written, is said at start
    (`migrate`, `check`, the web and worker processes) rather than at the first keyword listing."""
    from .engine import engine

    try:
        found = engine()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="matching.E001", hint="见 docs/deployment.md“When search moves to an engine”")]
    if found is None:
        return []
    folder = Path(settings.SEARCH_ENGINE_PATH)
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if existing is None or not existing.is_dir() or not os.access(existing, os.W_OK):
        return [checks.Error(f"SEARCH_ENGINE_PATH：检索引擎的索引目录 {folder} 无法写入", id="matching.E002")]
    return []
