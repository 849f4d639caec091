"""Rank a research corpus for every query with the production ranking code, offline.

    manage.py match_eval --corpus corpus.jsonl --queries queries.jsonl --out run.json

The corpus goes into a temporary SQLite file (never the main database, which a server may be
using): the same documents, segmentation, FTS5 index, vectors, ANN index and `rank_text` as
search and recommendations. Only `title`, `abstract` and `keywords` of a record are read — its
`label` and `category` are the ground truth and never touch the ranking. Policy boosts are
neutral (the records have no region, TRL or modes). The output maps each query id to corpus
ids, best first, as the corpus' `score.py` reads it.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections, transaction
from django.utils import timezone

ALIAS = "match_eval"


class Command(BaseCommand):
    help = "离线评测匹配质量：用生产排序代码为每个查询排序语料，输出 score.py 可读的结果文件"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--corpus", required=True, help="JSONL: id, title, abstract, keywords")
        parser.add_argument("--queries", required=True, help="JSONL: qid, text")
        parser.add_argument("--out", required=True, help="output JSON: {qid: [corpus id, ...]}")
        parser.add_argument("--field", default="text", help="query field to rank for (default: text)")
        parser.add_argument("--top", type=int, default=10, help="ids written per query")
        parser.add_argument("--lexical-only", action="store_true", help="skip the dense retriever")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        corpus = _read_jsonl(options["corpus"])
        queries = _read_jsonl(options["queries"])
        if not corpus:
            raise CommandError("语料为空")
        with tempfile.TemporaryDirectory(prefix="match-eval-") as directory:
            _open_temporary_database(Path(directory) / "eval.sqlite3")
            try:
                run = self._evaluate(corpus, queries, options, started)
            finally:
                connections[ALIAS].close()
                del connections[ALIAS]
        Path(options["out"]).write_text(json.dumps(run, ensure_ascii=False), encoding="utf-8")
        self.stdout.write(f"{len(run)} 个查询已写入 {options['out']}，用时 {time.monotonic() - started:.1f} 秒")

    def _evaluate(
        self, corpus: list[dict[str, Any]], queries: list[dict[str, Any]], options: dict[str, Any], started: float
    ) -> dict[str, list[str]]:
        from usefirst.policy.parameters import DEFINITIONS

        from ... import ranking, vectors
        from ...backends import SqliteBackend
        from ...embeddings import encode_passages, encode_query, passage_text, to_bytes
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
        self.stdout.write(f"索引 {len(stored)} 条：{time.monotonic() - started:.1f} 秒")
        if not options["lexical_only"]:
            encoding_started = time.monotonic()
            matrix = encode_passages([d.embedded_text for d in stored])  # batched over both cores by the engine
            now = timezone.now()
            for document, vector in zip(stored, matrix, strict=True):
                document.embedding = to_bytes(vector)
                document.embedded_at = now
            SearchDocument.objects.using(ALIAS).bulk_update(stored, ["embedding", "embedded_at"], batch_size=500)
            vectors.build(kind, using=ALIAS)
            rate = len(stored) / max(time.monotonic() - encoding_started, 1e-9)
            self.stdout.write(f"编码 {len(stored)} 条（{rate:.1f} 条/秒）：{time.monotonic() - started:.1f} 秒")
        ids = {d.object_id: str(corpus[d.object_id - 1]["id"]) for d in stored}
        ranking.forget_vocabularies()
        rrf_k = float(DEFINITIONS["matching_rrf_k"].default)
        run: dict[str, list[str]] = {}
        for query in queries:
            text = str(query.get(options["field"]) or "")
            _, ranked = ranking.rank_text(
                text, kind, limit=options["top"], using=ALIAS, dense=not options["lexical_only"], encode=encode_query, rrf_k=rrf_k
            )
            run[str(query["qid"])] = [ids[r.object_id] for r in ranked if r.object_id in ids]
        ranking.forget_vocabularies()
        return run


def _read_jsonl(path: str) -> list[dict[str, Any]]:
    try:
        with open(path, encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]
    except (OSError, ValueError) as exc:
        raise CommandError(f"无法读取 {path}：{exc}") from exc


def _open_temporary_database(path: Path) -> None:
    from ...models import SearchDocument

    configured = connections.configure_settings(
        {"default": {}, ALIAS: {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}}
    )
    connections.settings[ALIAS] = configured[ALIAS]
    with connections[ALIAS].schema_editor() as editor:
        editor.create_model(SearchDocument)
        editor.execute("CREATE VIRTUAL TABLE matching_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 0')")
