"""Shipping audit rows off the host as they are written (docs/security.md, "Audit log").

Whoever controls the database could rewrite the whole chain and recompute every hash; a copy
kept elsewhere, out of their reach, is what shows such a rewrite. Each committed audit row is
handed, after commit, to the shipper named by settings.AUDIT_SHIPPER:

    AUDIT_SHIPPER = {"BACKEND": "usefirst.core.audit_shipping.JsonLinesShipper",
                     "OPTIONS": {"path": "/var/log/usefirst/audit.jsonl"}}

`JsonLinesShipper` appends one JSON line per row to a file (a log forwarder such as rsyslog or
Filebeat takes it off the host); `MemoryShipper` keeps the rows for tests; `NullShipper` ships
nothing. A deployment with a log collector of its own writes a class with the same
`ship(record)` method. A shipper that fails is logged and never undoes the action: the row is
in the chain, and `manage.py audit_verify --against FILE` shows what the copy is missing.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


class AuditShipper(Protocol):
    def ship(self, record: dict[str, Any]) -> None: ...


class JsonLinesShipper:
    """Appends each row as one JSON line, flushed and fsynced before the next."""

    _lock = threading.Lock()

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def ship(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(line)
                out.flush()
                os.fsync(out.fileno())


class MemoryShipper:
    """Keeps shipped rows in memory (tests)."""

    shipped: ClassVar[list[dict[str, Any]]] = []

    def __init__(self, **_: Any) -> None:
        pass

    def ship(self, record: dict[str, Any]) -> None:
        self.shipped.append(record)


class NullShipper:
    def __init__(self, **_: Any) -> None:
        pass

    def ship(self, record: dict[str, Any]) -> None:
        pass


@lru_cache(maxsize=4)
def _shipper(backend: str, options: tuple[tuple[str, Any], ...]) -> AuditShipper:
    cls = import_string(backend)
    shipper: AuditShipper = cls(**dict(options))
    return shipper


def shipper() -> AuditShipper:
    config = getattr(settings, "AUDIT_SHIPPER", None) or {"BACKEND": "usefirst.core.audit_shipping.NullShipper"}
    return _shipper(str(config["BACKEND"]), tuple(sorted((config.get("OPTIONS") or {}).items())))


def ship(record: dict[str, Any]) -> None:
    try:
        shipper().ship(record)
    except Exception:  # the action stands; the operator is told and verify --against shows the gap
        log.exception("audit row %s could not be shipped off the host", record.get("id"))
