"""Rank a research corpus for every query with the production ranking code, offline.

    manage.py match_eval --corpus corpus.jsonl --queries queries.jsonl --out run.json

The corpus goes into a temporary SQLite file (never the main database, which a server may be
using): the same documents, segmentation, FTS5 index, vectors, ANN index and `rank_text` as
search and recommendations. Only `title`, `abstract` and `keywords` of a record are read — its
`label` and `category` are the ground truth and never touch the ranking. Policy boosts are
neutral (the records have no region, TRL or modes). The output maps each query id to corpus
ids, best first, as the corpus' `score.py` reads it.

Each phase is reported with its wall time, the CPU time of this process and the machine's load
average (the two cores are shared: wall time alone says little), the encoding in records per
second and the query phase in milliseconds per query.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections, transaction
from django.utils import timezone

ALIAS = "match_eval"


class Command(BaseCommand):
    help = "离线评测匹配质量：用生产排序代码为每个查询排序语料，输出 score.py 可读的结果文件"
    requires_system_checks: list[str] = []  # the checks would open the main database, which this command never uses

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--corpus", required=True, help="JSONL: id, title, abstract, keywords")
        parser.add_argument("--queries", required=True, help="JSONL: qid, text")
        parser.add_argument("--out", required=True, help="output JSON: {qid: [corpus id, ...]}")
        parser.add_argument("--field", default="text", help="query field to rank for (default: text)")
        parser.add_argument("--top", type=int, default=10, help="ids written per query")
        parser.add_argument("--lexical-only", action="store_true", help="skip the dense retriever")

    def handle(self, *args: Any, **options: Any) -> None:
        clock = _Clock(self.stdout.write)
        corpus = _read_jsonl(options["corpus"])
        queries = _read_jsonl(options["queries"])
        if not corpus:
            raise CommandError("语料为空")
        dense = not options["lexical_only"]
        with tempfile.TemporaryDirectory(prefix="match-eval-") as directory:
            open_database(Path(directory) / "eval.sqlite3")
            try:
                ids = load_corpus(corpus, dense=dense, report=clock.phase)
                run = rank_queries(queries, ids, field=options["field"], top=options["top"], dense=dense, report=clock.phase)
            finally:
                connections[ALIAS].close()
                del connections[ALIAS]
        Path(options["out"]).write_text(json.dumps(run, ensure_ascii=False), encoding="utf-8")
        clock.phase(f"{len(run)} 个查询已写入 {options['out']}（合计）", total=True)


class _Clock:
    """Wall time, this process's CPU time and the load average, per phase and in total."""

    def __init__(self, write: Callable[[str], Any]) -> None:
        self.write = write
        self.started = self.last = time.monotonic()
        self.cpu_started = self.cpu_last = time.process_time()

    def phase(self, label: str, *, total: bool = False) -> None:
        now, cpu = time.monotonic(), time.process_time()
        wall, used = (now - self.started, cpu - self.cpu_started) if total else (now - self.last, cpu - self.cpu_last)
        load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
        self.write(f"{label}：墙钟 {wall:.1f} 秒，CPU {used:.1f} 秒，负载 {load}")
        self.last, self.cpu_last = now, cpu


def load_corpus(corpus: list[dict[str, Any]], *, dense: bool = True, report: Callable[[str], None] = print) -> dict[int, str]:
    """Index the records as published achievements (segmentation, FTS5, then vectors and the
    ANN index); returns corpus ids by object id."""
    from ... import vectors
    from ...backends import SqliteBackend
    from ...embeddings import encode_passages, passage_text, to_bytes
    from ...models import ItemKind, SearchDocument
    from ...text import index_text

    kind = ItemKind.ACHIEVEMENT
    documents = []
    for position, record in enumerate(corpus, start=1):
        keywords = [str(k) for k in record.get("keywords") or []]
        title, body = str(record.get("title") or ""), str(record.get("abstract") or "")
        documents.append(
            SearchDocument(
                kind=kind,
                object_id=position,
                title=title[:200],
                body=body,
                keywords=keywords,
                segmented_title=index_text(title),
                segmented=index_text(" ".join(keywords), body),
                embedded_text=passage_text(title=title, keywords=keywords, body=body),
            )
        )
    engine = SqliteBackend(ALIAS)
    with transaction.atomic(using=ALIAS):
        SearchDocument.objects.using(ALIAS).bulk_create(documents, batch_size=500)
        stored = list(SearchDocument.objects.using(ALIAS).order_by("object_id"))
        for document in stored:
            engine.index(document)
    report(f"分词并索引 {len(stored)} 条")
    if dense:
        encoding_started = time.monotonic()
        matrix = encode_passages([d.embedded_text for d in stored])
        rate = len(stored) / max(time.monotonic() - encoding_started, 1e-9)
        now = timezone.now()
        for document, vector in zip(stored, matrix, strict=True):
            document.embedding = to_bytes(vector)
            document.embedded_at = now
        SearchDocument.objects.using(ALIAS).bulk_update(stored, ["embedding", "embedded_at"], batch_size=500)
        vectors.build(kind, using=ALIAS)
        report(f"编码 {len(stored)} 条（{rate:.1f} 条/秒）并建 ANN 索引")
    return {d.object_id: str(corpus[d.object_id - 1]["id"]) for d in stored}


def rank_queries(
    queries: list[dict[str, Any]],
    ids: dict[int, str],
    *,
    field: str = "text",
    top: int = 10,
    dense: bool = True,
    report: Callable[[str], None] = print,
) -> dict[str, list[str]]:
    """Rank the corpus for each query through `ranking.rank_text`, as search does."""
    from usefirst.policy.parameters import DEFINITIONS

    from ... import ranking
    from ...embeddings import encode_query
    from ...models import ItemKind

    ranking.forget_vocabularies()
    rrf_k = float(DEFINITIONS["matching_rrf_k"].default)
    run: dict[str, list[str]] = {}
    started = time.monotonic()
    for query in queries:
        text = str(query.get(field) or "")
        _, ranked = ranking.rank_text(
            text, ItemKind.ACHIEVEMENT, limit=top, using=ALIAS, dense=dense, encode=encode_query, rrf_k=rrf_k
        )
        run[str(query["qid"])] = [ids[r.object_id] for r in ranked if r.object_id in ids]
    per_query = (time.monotonic() - started) / max(len(queries), 1) * 1000
    ranking.forget_vocabularies()
    report(f"排序 {len(queries)} 个查询（每个 {per_query:.0f} 毫秒）")
    return run


def _read_jsonl(path: str) -> list[dict[str, Any]]:
    try:
        with open(path, encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]
    except (OSError, ValueError) as exc:
        raise CommandError(f"无法读取 {path}：{exc}") from exc


def open_database(path: Path, *, create: bool = True) -> None:
    """Register the `match_eval` alias on a SQLite file; with `create`, make its two tables."""
    from ...models import SearchDocument

    configured = connections.configure_settings(
        {"default": {}, ALIAS: {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}}
    )
    connections.settings[ALIAS] = configured[ALIAS]
    if not create:
        return
    with connections[ALIAS].schema_editor() as editor:
        editor.create_model(SearchDocument)
        editor.execute("CREATE VIRTUAL TABLE matching_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 0')")
