"""Synthetic catalog for bench/matching_search.py: achievements and demands recombined from the
csl-match research corpus.

Each corpus record is normalised and segmented once (its title word by word, each abstract
sentence, each keyword) with the production tokenizer (`usefirst.matching.text`). A generated
item then recombines pieces of several records — the first half of one title and the second half
of another, keywords of two records, sentences of two or three — and its index text is the
concatenation of the pieces' index tokens, which is what `text.index_text` yields for the
concatenated text (jieba cuts at punctuation and spaces, and every piece ends at one). So the
segmentation cost is paid once per corpus record, not once per generated item.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from usefirst.matching.text import is_word, normalise, tokenizer

_SENTENCE = re.compile(r"(?<=[。；！？])|(?<=[^0-9]\.)(?=[^0-9])")
SENTENCE_CHARS = 120  # a longer sentence is cut (and segmented as cut)


@dataclass
class Piece:
    raw: str
    tokens: str  # index tokens separated by spaces


@dataclass
class Record:
    title_words: list[Piece]
    sentences: list[Piece]
    keywords: list[Piece]
    raw_title: str = ""
    raw_abstract: str = ""
    raw_keywords: list[str] = field(default_factory=list)


def _index_tokens(text: str) -> str:
    return " ".join(p.strip() for p in tokenizer().cut_for_search(text) if p.strip() and is_word(p))


def _sentence(text: str) -> str:
    """A sentence cut to length and closed by 。, so pieces joined end to end segment as they did alone."""
    text = text.strip().rstrip(".。；！？")[:SENTENCE_CHARS].strip()
    return text + "。" if text else ""


def load_corpus(path: Path, limit: int | None = None) -> list[Record]:
    tok = tokenizer()
    records: list[Record] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)  # only title, abstract and keywords: never label or category
            title = normalise(str(row.get("title") or ""))
            abstract = normalise(str(row.get("abstract") or ""))
            keywords = [normalise(str(k)) for k in row.get("keywords") or [] if str(k).strip()]
            words = [Piece(w, _index_tokens(w)) for w in tok.cut(title) if w]
            sentences = [Piece(s, _index_tokens(s)) for s in map(_sentence, _SENTENCE.split(abstract)) if s]
            pieces = [Piece(k, _index_tokens(k)) for k in keywords]
            if words and sentences:
                records.append(Record(words, sentences, pieces, title, abstract, keywords))
            if limit and len(records) >= limit:
                break
    return records


@dataclass
class Generated:
    title: str
    segmented_title: str
    keywords: list[str]
    keyword_tokens: str
    body: str
    body_tokens: str
    components: tuple[int, int]  # the corpus records that gave the first title half and the keywords


def _join(pieces: list[Piece]) -> tuple[str, str]:
    return "".join(p.raw for p in pieces), " ".join(p.tokens for p in pieces if p.tokens)


def recombine(records: list[Record], rng: random.Random, *, sentences: int) -> Generated:
    n = len(records)
    a, b, c = rng.randrange(n), rng.randrange(n), rng.randrange(n)
    first, second = records[a].title_words, records[b].title_words
    half_a = max(1, len(first) // 2)
    half_b = len(second) // 2
    title_pieces = first[:half_a] + second[half_b:]
    title, segmented_title = _join(title_pieces)
    if len(title) > 200:
        title_pieces = first
        title, segmented_title = _join(title_pieces)
        title = title[:200]
    keyword_pieces: list[Piece] = []
    for k in records[a].keywords[:2] + records[c].keywords[:2]:
        if k.raw not in (p.raw for p in keyword_pieces):
            keyword_pieces.append(k)
    body_pieces = [records[a].sentences[0]]
    for source in (c, rng.randrange(n))[: max(sentences - 1, 0)]:
        sents = records[source].sentences
        body_pieces.append(sents[rng.randrange(len(sents))])
    body, body_tokens = _join(body_pieces)
    return Generated(
        title=title,
        segmented_title=segmented_title,
        keywords=[k.raw for k in keyword_pieces],
        keyword_tokens=" ".join(k.tokens for k in keyword_pieces if k.tokens),
        body=body,
        body_tokens=body_tokens,
        components=(a, c),
    )
