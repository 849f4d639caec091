"""The full-text index and its term counts.

manage.py search_index status     # per kind: documents, the last term count and its tail
manage.py search_index rebuild    # re-derive every document from the catalog (after a
                                  # dictionary change or a bulk `QuerySet.update()`), then
                                  # count the terms again where stale
manage.py search_index count      # count the terms of both kinds now (the worker does it
                                  # hourly when the last count has gone stale)
manage.py search_index ensure     # rebuild a kind whose documents are not every public item
                                  # (after a bulk load or a restore), and the search engine's
                                  # index when it holds another number; have the worker embed
                                  # and recommend what is missing; `make run` runs it at each start
manage.py search_index engine     # write every document into the search engine again
                                  # (USEFIRST_SEARCH_ENGINE; matching/engine.py)
"""

from __future__ import annotations

import functools
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from usefirst.matching import engine, indexing, term_counts
from usefirst.matching.models import ItemKind, SearchDocument


class Command(BaseCommand):
    help = "全文索引：状态（status）、从成果与需求全量重建（rebuild）、重新统计词项文档频次（count）、补齐（ensure）、重建检索引擎索引（engine）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", nargs="?", choices=["status", "rebuild", "count", "ensure", "engine"], default="status")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "ensure":
            rebuilt = indexing.ensure_complete()
            for kind, number in rebuilt.items():
                self.stdout.write(f"{ItemKind(kind).label}：索引与公开条目不一致，已重建，索引 {number} 条")
            if not rebuilt:
                self.stdout.write("全文索引完整")
            self._engine(list(rebuilt))
            for kind, number in engine.catch_up().items():
                self.stdout.write(f"{ItemKind(kind).label}：检索引擎与全文索引不一致，已重建，写入 {number} 篇")
        found = engine.engine()
        if action == "engine":
            if found is None:
                raise CommandError("未配置检索引擎（USEFIRST_SEARCH_ENGINE），全文检索只用数据库")
            self._engine(list(ItemKind.values))
        if action == "rebuild":
            indexed = indexing.rebuild()
            for kind, number in indexed.items():
                self.stdout.write(f"{ItemKind(kind).label}：已索引 {number} 条")
            self._engine(list(indexed))
        for kind in ItemKind.values:
            label = ItemKind(kind).label
            if action == "count":
                self.stdout.write(f"{label}：统计词项……")
                term_counts.refresh(kind, progress=self._progress)
                self.stdout.write("")
            documents = SearchDocument.objects.filter(kind=kind)
            ready = indexing.readiness(kind)
            self.stdout.write(f"{label}：语义向量 {ready.embedded} / {ready.documents}（{ready.percent}%）")
            if found is not None:
                self.stdout.write(f"{label}：检索引擎 {found.name} 存有 {found.documents(kind=kind)} 篇")
            run = term_counts.last_run(kind)
            if run is None:
                self.stdout.write(f"{label}：文档 {documents.count()} 篇；尚未统计词项（不超过一万篇时检索时直接统计）")
                continue
            tail = documents.filter(id__gt=run.newest_document_id).count()
            self.stdout.write(
                f"{label}：文档 {documents.count()} 篇；词项统计于 {run.counted_at:%Y-%m-%d %H:%M}（UTC），"
                f"覆盖 {run.documents} 篇、{run.tokens} 个词项，用时 {run.seconds:.1f} 秒；此后新增 {tail} 篇"
                + ("，已过期，将重新统计" if term_counts.is_stale(kind) else "")
            )

    def _engine(self, kinds: list[str]) -> None:
        """The search engine's index of these kinds written again from their documents (when one is configured)."""
        found = engine.engine()
        if found is None:
            return
        for kind in kinds:
            total = SearchDocument.objects.filter(kind=kind).count()
            self.stdout.write(f"检索引擎 {found.name}：{ItemKind(kind).label}写入中……")
            written = engine.rebuild(kind, progress=functools.partial(self._progress, total=total))
            self.stdout.write(f"\r检索引擎 {found.name}：{ItemKind(kind).label}已写入 {written} 篇")

    def _progress(self, done: int, total: int) -> None:
        self.stdout.write(f"\r  {done}/{total}（{done * 100 // max(total, 1)}%）", ending="")
        self.stdout.flush()
