"""Chinese text for search and matching: normalisation, segmentation, the demand's core, highlighting.

One tokeniser serves the index and the queries of both databases, so a term means the same
thing everywhere: text is normalised (NFKC, traditional → simplified, lower case), segmented
by jieba with the project dictionary (`data/dictionary.txt`), and documents are indexed with
the finer search segmentation (太阳能电池 also yields 太阳能 and 电池) while queries use the
precise one.
"""

from __future__ import annotations

import html
import math
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import jieba
import zhconv

DATA_DIR = Path(__file__).resolve().parent / "data"
MAX_QUERY_CHARS = 500
COMMON_SHARE = 0.25  # a token in more than this share of documents says nothing about a subject
EVERYDAY_FREQUENCY = 2000  # jieba's general-language count above which an unindexed word is everyday wording  # longer input is cut before segmenting; no query needs more to say what it wants

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None

# A token is a word when it has a letter, a digit or a CJK character; the rest is punctuation.
_WORD = re.compile(r"[0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
# Clause boundaries: a demand's subject sits between them, wrapped in generic wording.
_CLAUSE_SPLIT = re.compile(r"[，。；：！？、,.;:!?/\\|（）()\[\]【】《》<>\"“”‘’'\s]+")


def tokenizer() -> jieba.Tokenizer:
    """The shared jieba tokenizer with the project dictionary (loaded once per process)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                tok = jieba.Tokenizer()
                tok.initialize()
                tok.load_userdict(str(DATA_DIR / "dictionary.txt"))
                _tokenizer = tok
    return _tokenizer


def normalise(text: str) -> str:
    """Full-width to half-width, traditional to simplified, lower case; control characters to spaces."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text)
    simplified: str = zhconv.convert(text, "zh-cn")
    return simplified.lower()


def is_word(token: str) -> bool:
    return bool(_WORD.search(token))


def segment(text: str, *, for_index: bool = False) -> list[str]:
    """Word tokens of the normalised text (punctuation and spaces dropped)."""
    tok = tokenizer()
    normalised = normalise(text)
    pieces: Iterable[str] = tok.cut_for_search(normalised) if for_index else tok.cut(normalised)
    return [p.strip() for p in pieces if p.strip() and is_word(p)]


def index_text(*parts: str) -> str:
    """The segmented text stored in the search index: tokens separated by single spaces."""
    return " ".join(token for part in parts for token in segment(part, for_index=True))


@lru_cache(maxsize=1)
def demand_stopwords() -> frozenset[str]:
    lines = (DATA_DIR / "demand_stopwords.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def general_frequency(token: str) -> int:
    """How common the token is in jieba's general-language dictionary (0 when unknown)."""
    return int(tokenizer().FREQ.get(token, 0) or 0)


class Vocabulary:
    """Document frequencies of index tokens: rare terms carry a demand's subject, common ones do
    not. `df` is a lookup (a dict's `get`, or a count against the full-text index), cached."""

    def __init__(
        self, df: Callable[[str], int], documents: int, many: Callable[[list[str]], dict[str, int]] | None = None
    ) -> None:
        self._lookup = df
        self._many = many  # several tokens in one round trip (the full-text index), when offered
        self._cache: dict[str, int] = {}
        self.n = max(documents, 1)

    def prefetch(self, tokens: Iterable[str]) -> None:
        """Look up at once the tokens `is_generic` or `idf` will ask about."""
        wanted = list(dict.fromkeys(t for t in tokens if t not in self._cache and not _stop_or_symbol(t)))
        if wanted and self._many is not None:
            self._cache.update({t: int(v) for t, v in self._many(wanted).items()})

    @classmethod
    def from_texts(cls, segmented_texts: Iterable[str]) -> Vocabulary:
        counts: dict[str, int] = {}
        n = 0
        for text in segmented_texts:
            n += 1
            for token in set(text.split()):
                counts[token] = counts.get(token, 0) + 1
        return cls(lambda token: counts.get(token, 0), n)

    def df(self, token: str) -> int:
        if token not in self._cache:
            self._cache[token] = int(self._lookup(token))
        return self._cache[token]

    def idf(self, token: str) -> float:
        df = self.df(token)
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def is_generic(self, token: str) -> bool:
        """Wording any request could carry: the stop list, punctuation, very common index
        tokens, and everyday words the indexed texts never use (寻找, 帮忙 ...)."""
        if _stop_or_symbol(token):
            return True
        df = self.df(token)
        if df / self.n > COMMON_SHARE:
            return True
        return bool(df == 0 and _CJK.search(token) and general_frequency(token) >= EVERYDAY_FREQUENCY)


def _stop_or_symbol(token: str) -> bool:
    """Generic without looking it up: on the stop list, or no word at all."""
    return token in demand_stopwords() or not is_word(token)


def core_spans(text: str, vocabulary: Vocabulary) -> list[str]:
    """What a demand really asks for: each clause stripped of generic wording at both ends,
    clauses made only of generic wording dropped. Falls back to the whole text."""
    tok = tokenizer()
    spans: list[str] = []
    clauses = [[t for t in tok.cut(clause) if t.strip()] for clause in _CLAUSE_SPLIT.split(normalise(text)[:MAX_QUERY_CHARS])]
    vocabulary.prefetch(t for tokens in clauses for t in tokens)
    for tokens in clauses:
        start, end = 0, len(tokens)
        while start < end and vocabulary.is_generic(tokens[start]):
            start += 1
        while end > start and vocabulary.is_generic(tokens[end - 1]):
            end -= 1
        kept = tokens[start:end]
        if kept and any(not vocabulary.is_generic(t) for t in kept):
            span = "".join(kept).strip()
            if span and span not in spans:
                spans.append(span)
    return spans


def query_terms(text: str, vocabulary: Vocabulary | None = None) -> list[str]:
    """Distinct precise-segmentation terms of the query, in order; generic wording dropped
    when a vocabulary says what is generic (never dropping every term)."""
    terms: list[str] = []
    for token in segment(text[: MAX_QUERY_CHARS * 2]):
        if token not in terms:
            terms.append(token)
    if vocabulary is not None:
        vocabulary.prefetch(terms)
        specific = [t for t in terms if not vocabulary.is_generic(t)]
        if specific:
            return specific
    return terms


def readable_terms(terms: Iterable[str]) -> list[str]:
    """The terms as a person would name them, for "why this result": the index's finer
    segmentation also yields the pieces of a word (等离子体 → 等离子, 离子, 子体), so a term
    inside another matched term is dropped, and so is a lone Chinese character."""
    distinct = list(dict.fromkeys(t for t in terms if t and not (len(t) == 1 and _CJK.match(t))))
    return [t for t in distinct if not any(t != other and t in other for other in distinct)]


def highlight(text: str, terms: Sequence[str], *, limit: int | None = None) -> str:
    """HTML of the original text, escaped first, with every occurrence of a term (compared on
    the normalised form, so 太陽能 marks for 太阳能) wrapped in <mark>."""
    original = text if limit is None else text[:limit]
    if not original:
        return ""
    # NFKC can change lengths; compare character by character so offsets stay on the original.
    folded = "".join(_fold_char(c) for c in original)
    marks = [False] * len(original)
    for term in sorted({_fold(t) for t in terms if t and is_word(t)}, key=len, reverse=True):
        start = folded.find(term)
        while start != -1:
            for i in range(start, start + len(term)):
                marks[i] = True
            start = folded.find(term, start + len(term))
    out: list[str] = []
    i = 0
    while i < len(original):
        j = i
        while j < len(original) and marks[j] == marks[i]:
            j += 1
        chunk = html.escape(original[i:j])
        out.append(f"<mark>{chunk}</mark>" if marks[i] else chunk)
        i = j
    return "".join(out)


def _fold_char(c: str) -> str:
    folded = normalise(c)
    return folded if len(folded) == 1 else c.lower()


def _fold(term: str) -> str:
    return "".join(_fold_char(c) for c in term)
