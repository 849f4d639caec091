"""The approximate-nearest-neighbour index over item vectors (usearch HNSW, cosine, f16).

Lifecycle:
1. The worker embeds an item and stores the vector on its `SearchDocument` (`embedded_at`).
2. A query searches the current index file *and* scans exactly the tail: documents embedded
   after the index was built (`covered_until`), so a new item is findable at once.
3. Every few minutes the worker (`maintain`) either leaves the index alone (no tail), extends
   it (loads a private copy, adds the tail's vectors, replacing the old vector of an item
   embedded again) or rebuilds it from every embedded document — when a document has left
   the index's coverage (withdrawn, taken down, closed: its vector would linger in the file)
   or the tail has grown past `TAIL_REBUILD_THRESHOLD`. Either way the new index is written
   under a temporary name, renamed to a new versioned file, and then the small pointer file
   `<kind>.json` is replaced with `os.replace` — an atomic swap: a reader sees the old index
   or the new one, never a half-written file.
4. A web process notices the new pointer on its next query and opens the new file
   memory-mapped (`view=True`): its pages are shared between processes through the page
   cache, so a web process holds little more than the mapping. `memory_report` gives this
   process's figures; `process_memory` those of every process that has an index mapped
   (`manage.py vector_index status`).
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
from django.db.models import Count, Max, Min, QuerySet
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
    pointer_stamp: Any  # (mtime_ns, inode) of the pointer file: os.replace always gives a new inode
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
        stat = pointer.stat()
    except FileNotFoundError:
        return None
    key = (str(index_dir()), kind)
    loaded = _loaded.get(key)
    stamp = (stat.st_mtime_ns, stat.st_ino)
    if loaded is not None and loaded.pointer_stamp == stamp:
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
        loaded = _Loaded(stamp, path, covered, index)
        _loaded[key] = loaded
        return loaded


def _documents(kind: str, using: str) -> QuerySet[SearchDocument]:
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
    ids, matrix = _tail(kind, using, tail)
    if ids:
        for pk, similarity in zip(ids, matrix @ vector, strict=True):
            scores[pk] = float(similarity)  # a re-embedded item's fresh vector wins over the indexed one
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    if loaded is None:  # the tail alone: read from the live documents
        return ranked[:limit]
    # Documents removed since the ANN index was built are still in it: the best `limit` are
    # checked, and the next ones only as far as removed ones left gaps.
    found: list[tuple[int, float]] = []
    start = 0
    while len(found) < limit and start < len(ranked):
        batch = ranked[start : start + limit - len(found)]
        start += len(batch)
        live = set(
            SearchDocument.objects.using(using).filter(kind=kind, pk__one_of=[pk for pk, _ in batch]).values_list("id", flat=True)
        )
        found.extend(item for item in batch if item[0] in live)
    return found


_tails: dict[tuple[str, str], tuple[tuple[Any, ...], list[int], np.ndarray]] = {}


def _tail(kind: str, using: str, tail: Any) -> tuple[list[int], np.ndarray]:
    """The tail's ids and vectors, kept in memory while the tail is unchanged: its size and
    newest embedding time are one index range read, its vectors a megabyte and more per query.
    A re-embedded or newly embedded document moves the newest time; a removed one the size."""
    tail = tail[: TAIL_REBUILD_THRESHOLD * 4]
    stamp = tuple(tail.aggregate(n=Count("id"), newest=Max("embedded_at"), first=Min("id"), last=Max("id")).values())
    key = (using, kind)
    cached = _tails.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1], cached[2]
    rows = list(tail.values_list("id", "embedding"))
    ids = [row[0] for row in rows]
    matrix = np.stack([_vector(row[1]) for row in rows]) if rows else np.zeros((0, DIM), dtype=np.float32)
    _tails[key] = (stamp, ids, matrix)
    return ids, matrix


def forget_tails() -> None:
    _tails.clear()


_alias_indexes: dict[tuple[str, str], _Loaded] = {}


def _loaded_for_alias(kind: str, using: str) -> _Loaded | None:
    return _alias_indexes.get((using, kind))


def _new_index() -> Any:
    from usearch.index import Index

    return Index(ndim=DIM, metric="cos", dtype="f16")


def _matrix(rows: list[tuple[int, Any, Any]]) -> tuple[np.ndarray, np.ndarray]:
    keys = np.array([row[0] for row in rows], dtype=np.uint64)
    return keys, np.stack([_vector(row[1]) for row in rows])


def build(kind: str, *, using: str = "default", directory: Path | None = None) -> dict[str, Any]:
    """Build a fresh index of every embedded document and swap it in atomically."""
    started = timezone.now()
    rows = list(_documents(kind, using).values_list("id", "embedding", "embedded_at"))
    index = _new_index()
    covered: dt.datetime | None = None
    if rows:
        index.add(*_matrix(rows))
        covered = max((row[2] for row in rows if row[2] is not None), default=None)
    if using != "default":
        _alias_indexes[(using, kind)] = _Loaded(0.0, Path(), covered, index)
        return {"kind": kind, "count": len(rows), "action": "rebuild"}
    return _publish(kind, index, covered=covered, started=started, action="rebuild", directory=directory)


def extend(kind: str) -> dict[str, Any]:
    """Add the tail to a copy of the current index and swap the copy in (a rebuild when there
    is no index yet). An item embedded again replaces its old vector."""
    from usearch.index import Index

    loaded = current_index(kind)
    if loaded is None or loaded.covered_until is None:
        return build(kind)
    started = timezone.now()
    rows = list(
        _documents(kind, "default").filter(embedded_at__gt=loaded.covered_until).values_list("id", "embedding", "embedded_at")
    )
    if not rows:
        return {**(_read_pointer(kind) or {}), "action": "none"}
    index = Index.restore(str(loaded.path), view=False)  # a private, writable copy; readers keep the mapped file
    if index is None:  # unreadable file: start again from the documents
        return build(kind)
    keys, matrix = _matrix(rows)
    present = keys[np.asarray(index.contains(keys), dtype=bool)]
    if len(present):
        index.remove(present)
    index.add(keys, matrix)
    covered = max(loaded.covered_until, *(row[2] for row in rows if row[2] is not None))
    return _publish(kind, index, covered=covered, started=started, action="extend")


def stale_count(kind: str) -> int:
    """Vectors in the current index whose document is gone (withdrawn, taken down, closed):
    the index size minus the live documents it holds."""
    loaded = current_index(kind)
    if loaded is None or loaded.covered_until is None:
        return 0
    documents = _documents(kind, "default")
    covered_live = documents.filter(embedded_at__lte=loaded.covered_until).count()
    tail_ids = list(documents.filter(embedded_at__gt=loaded.covered_until).values_list("id", flat=True))
    tail_in_index = int(np.count_nonzero(loaded.index.contains(np.array(tail_ids, dtype=np.uint64)))) if tail_ids else 0
    return max(0, len(loaded.index) - covered_live - tail_in_index)


def maintain(kind: str) -> dict[str, Any]:
    """The worker's step: nothing, extend or rebuild (see the module's lifecycle)."""
    loaded = current_index(kind)
    if loaded is None:
        return build(kind)
    stale = stale_count(kind)
    tail = tail_size(kind)
    if stale or tail > TAIL_REBUILD_THRESHOLD:
        return {**build(kind), "stale": stale, "tail": tail}
    if not tail:
        return {**(_read_pointer(kind) or {}), "action": "none"}
    return {**extend(kind), "tail": tail}


def _publish(
    kind: str, index: Any, *, covered: dt.datetime | None, started: dt.datetime, action: str, directory: Path | None = None
) -> dict[str, Any]:
    target = directory or index_dir()
    target.mkdir(parents=True, exist_ok=True)
    name = f"{kind}-{started.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}.usearch"
    partial = target / f".{name}.partial"
    try:
        index.save(str(partial))
        os.replace(partial, target / name)
    finally:
        partial.unlink(missing_ok=True)
    meta = {
        "file": name,
        "count": len(index),
        "covered_until": covered.isoformat() if covered else None,
        "built_at": started.isoformat(),
        "action": action,
    }
    temporary = target / f".{kind}.{uuid.uuid4().hex}.json"
    temporary.write_text(json.dumps(meta), encoding="utf-8")
    os.replace(temporary, target / f"{kind}.json")
    # Keep the previous file for readers still on it; drop older ones (by age, never the new one).
    files = sorted((f for f in target.glob(f"{kind}-*.usearch") if f.name != name), key=lambda f: f.stat().st_mtime_ns)
    for old in files[:-1]:
        old.unlink(missing_ok=True)
    return meta


def tail_size(kind: str) -> int:
    loaded = current_index(kind)
    documents = _documents(kind, "default")
    if loaded is not None and loaded.covered_until is not None:
        documents = documents.filter(embedded_at__gt=loaded.covered_until)
    return documents.count()


def _status_kib(path: str, field: str) -> int | None:
    try:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _mapped_kib(smaps: str, directory: str) -> dict[str, int]:
    """Rss and Pss (KiB) of the mappings of index files in one process's /proc/<pid>/smaps."""
    totals = {"mapped_rss_kib": 0, "mapped_pss_kib": 0}
    inside = False
    for line in smaps.splitlines():
        head = line.split(maxsplit=1)[0] if line.strip() else ""
        if "-" in head and not head.endswith(":"):  # a mapping's header line
            inside = directory in line and ".usearch" in line
        elif inside and head in ("Rss:", "Pss:"):
            totals["mapped_" + head[:-1].lower() + "_kib"] += int(line.split()[1])
    return totals


def memory_report() -> dict[str, Any]:
    """This process: resident and peak memory, and each opened index (file size, vectors,
    what of it is resident through the shared mapping)."""
    import resource

    directory = str(index_dir())
    report: dict[str, Any] = {
        "pid": os.getpid(),
        "rss_kib": _status_kib("/proc/self/status", "VmRSS"),
        "max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }
    try:
        report["index_mapping"] = _mapped_kib(Path("/proc/self/smaps").read_text(encoding="utf-8"), directory)
    except OSError:
        report["index_mapping"] = None
    for (opened_dir, kind), loaded in _loaded.items():
        if opened_dir != directory:
            continue
        report[kind] = {
            "file": loaded.path.name,
            "file_bytes": loaded.path.stat().st_size if loaded.path.exists() else 0,
            "count": len(loaded.index),
        }
    return report


def process_memory() -> list[dict[str, Any]]:
    """Every process of this machine that has an index file mapped (the web processes that
    have served a query): its resident memory and what the mapping adds, Rss and Pss (the
    mapping's pages divided among the processes sharing them). Linux /proc; empty elsewhere."""
    directory = str(index_dir())
    found: list[dict[str, Any]] = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            maps = (entry / "maps").read_text(encoding="utf-8", errors="replace")
            if directory not in maps or ".usearch" not in maps:
                continue
            mapped = _mapped_kib((entry / "smaps").read_text(encoding="utf-8", errors="replace"), directory)
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:  # the process ended, or is not ours to read
            continue
        found.append(
            {"pid": int(entry.name), "command": command[:120], "rss_kib": _status_kib(str(entry / "status"), "VmRSS"), **mapped}
        )
    return sorted(found, key=lambda row: row["pid"])
