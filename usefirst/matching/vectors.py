"""The approximate-nearest-neighbour index over item vectors (usearch HNSW, cosine, f16).

Lifecycle:
1. The worker embeds an item and stores the vector on its `SearchDocument` (`embedded_at`).
2. A query searches the current index file *and* scans exactly the tail: documents embedded
   after the index was built (`covered_until`), so a new item is findable at once.
3. The worker extends (adds the tail) or rebuilds the index into a new versioned file and then
   replaces the small pointer file `<kind>.json` with `os.replace` — an atomic swap. A web
   process notices the new pointer on its next query and opens the new file memory-mapped
   (`view=True`): the pages are shared between processes through the page cache, so a web
   process holds little more than the mapping (`memory_report`).
Removed items stay in the file until the next rebuild; every hit is checked against the live
document table, so they are never returned.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.utils import timezone

from .embeddings import DIM, from_bytes
from .models import SearchDocument

TAIL_REBUILD_THRESHOLD = 5000  # past this many tail documents the worker rebuilds instead of extending
_lock = threading.Lock()


def _vector(raw: Any) -> np.ndarray:
    vector = from_bytes(raw)
    return vector if vector is not None else np.zeros(DIM, np.float32)


def index_dir() -> Path:
    configured = getattr(settings, "MATCHING_INDEX_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "matching"


@dataclass
class _Loaded:
    pointer_mtime: float
    path: Path
    covered_until: dt.datetime | None
    index: Any


_loaded: dict[tuple[str, str], _Loaded] = {}


def _pointer(kind: str) -> Path:
    return index_dir() / f"{kind}.json"


def _read_pointer(kind: str) -> dict[str, Any] | None:
    try:
        return dict(json.loads(_pointer(kind).read_text(encoding="utf-8")))
    except (FileNotFoundError, ValueError):
        return None


def current_index(kind: str) -> _Loaded | None:
    """The index a query should use, reopened when the worker has swapped the pointer."""
    pointer = _pointer(kind)
    try:
        mtime = pointer.stat().st_mtime
    except FileNotFoundError:
        return None
    key = (str(index_dir()), kind)
    loaded = _loaded.get(key)
    if loaded is not None and loaded.pointer_mtime == mtime:
        return loaded
    with _lock:
        meta = _read_pointer(kind)
        if meta is None:
            return None
        from usearch.index import Index

        path = index_dir() / meta["file"]
        if not path.exists():
            return None
        index = Index.restore(str(path), view=True)
        covered = dt.datetime.fromisoformat(meta["covered_until"]) if meta.get("covered_until") else None
        loaded = _Loaded(mtime, path, covered, index)
        _loaded[key] = loaded
        return loaded


def _documents(kind: str, using: str) -> Any:
    return SearchDocument.objects.using(using).filter(kind=kind, embedding__isnull=False)


def search(kind: str, vector: np.ndarray, *, limit: int, using: str = "default") -> list[tuple[int, float]]:
    """(document id, cosine similarity) best first: the ANN index plus an exact scan of the tail."""
    loaded = current_index(kind) if using == "default" else _loaded_for_alias(kind, using)
    scores: dict[int, float] = {}
    tail = _documents(kind, using)
    if loaded is not None and loaded.index is not None and len(loaded.index):
        matches = loaded.index.search(vector.astype(np.float32), min(limit * 2, len(loaded.index)))
        for key, distance in zip(matches.keys, matches.distances, strict=False):
            scores[int(key)] = 1.0 - float(distance)
        if loaded.covered_until is not None:
            tail = tail.filter(embedded_at__gt=loaded.covered_until)
    tail_rows = list(tail.values_list("id", "embedding")[: TAIL_REBUILD_THRESHOLD * 4])
    if tail_rows:
        ids = [row[0] for row in tail_rows]
        matrix = np.stack([_vector(row[1]) for row in tail_rows])
        for pk, similarity in zip(ids, matrix @ vector, strict=True):
            scores[pk] = float(similarity)  # a re-embedded item's fresh vector wins over the indexed one
    if scores and loaded is not None:
        live = set(SearchDocument.objects.using(using).filter(pk__in=list(scores), kind=kind).values_list("id", flat=True))
        scores = {pk: s for pk, s in scores.items() if pk in live}
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]


_alias_indexes: dict[tuple[str, str], _Loaded] = {}


def _loaded_for_alias(kind: str, using: str) -> _Loaded | None:
    return _alias_indexes.get((using, kind))


def build(kind: str, *, using: str = "default", directory: Path | None = None) -> dict[str, Any]:
    """Build a fresh index of every embedded document and swap it in atomically."""
    from usearch.index import Index

    started = timezone.now()
    rows = list(_documents(kind, using).values_list("id", "embedding", "embedded_at"))
    index = Index(ndim=DIM, metric="cos", dtype="f16")
    covered: dt.datetime | None = None
    if rows:
        keys = np.array([row[0] for row in rows], dtype=np.uint64)
        matrix = np.stack([_vector(row[1]) for row in rows])
        index.add(keys, matrix)
        covered = max(row[2] for row in rows if row[2] is not None)
    if using != "default":
        _alias_indexes[(using, kind)] = _Loaded(0.0, Path(), covered, index)
        return {"kind": kind, "count": len(rows)}
    target = directory or index_dir()
    target.mkdir(parents=True, exist_ok=True)
    name = f"{kind}-{started.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}.usearch"
    index.save(str(target / name))
    meta = {
        "file": name,
        "count": len(rows),
        "covered_until": covered.isoformat() if covered else None,
        "built_at": started.isoformat(),
    }
    temporary = target / f".{kind}.{uuid.uuid4().hex}.json"
    temporary.write_text(json.dumps(meta), encoding="utf-8")
    os.replace(temporary, target / f"{kind}.json")
    for old in sorted(target.glob(f"{kind}-*.usearch"))[:-2]:  # keep the previous file for readers still on it
        old.unlink(missing_ok=True)
    return meta


def tail_size(kind: str) -> int:
    loaded = current_index(kind)
    documents = _documents(kind, "default")
    if loaded is not None and loaded.covered_until is not None:
        documents = documents.filter(embedded_at__gt=loaded.covered_until)
    return documents.count()


def memory_report() -> dict[str, Any]:
    """Per web process: bytes of each opened index (memory-mapped, shared) and of this process."""
    import resource

    report: dict[str, Any] = {"max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}
    for (_, kind), loaded in _loaded.items():
        report[kind] = {"file_bytes": loaded.path.stat().st_size if loaded.path.exists() else 0, "count": len(loaded.index)}
    return report
