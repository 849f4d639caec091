"""The ANN index of item vectors: its state and the memory it costs each process.

    manage.py vector_index status      # per kind: file, vectors, tail, stale; memory per process
    manage.py vector_index maintain    # what the worker does every 15 minutes: extend or rebuild
    manage.py vector_index rebuild     # a full rebuild of both kinds

`status` lists every process of this machine that has an index file mapped — the web
processes that have answered a semantic query — with its resident memory and what the shared
mapping adds to it (Rss, and Pss: the mapped pages divided among the processes sharing them).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from usefirst.matching import indexing, vectors
from usefirst.matching.models import ItemKind


class Command(BaseCommand):
    help = "向量近邻索引：状态与各进程内存（status）、增量维护（maintain）、全量重建（rebuild）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", nargs="?", choices=["status", "maintain", "rebuild"], default="status")
        parser.add_argument("--json", action="store_true", help="machine-readable output")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        report: dict[str, Any] = {}
        for kind in ItemKind.values:
            if action == "maintain":
                report[kind] = vectors.maintain(kind)
            elif action == "rebuild":
                report[kind] = vectors.build(kind)
            else:
                report[kind] = _kind_status(kind)
        if action == "status":
            report["this_process"] = vectors.memory_report()
            report["processes"] = vectors.process_memory()
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2, default=str))
            return
        for kind in ItemKind.values:
            row = report[kind]
            if action == "status":
                self.stdout.write(
                    f"{ItemKind(kind).label}：已嵌入 {row['embedded']} / {row['documents']} 篇（{row['percent']}%）"
                    + ("" if row["embedded"] >= row["documents"] else "，后台任务正在补齐")
                )
            self.stdout.write(
                f"{ItemKind(kind).label}：{row.get('action', '')} 文件 {row.get('file') or '无'}，"
                f"向量 {row.get('count', 0)} 个，覆盖至 {row.get('covered_until') or '—'}"
                + (f"，待并入 {row['tail']} 个，失效 {row['stale']} 个" if "stale" in row and "tail" in row else "")
            )
        if action != "status":
            return
        own = report["this_process"]
        self.stdout.write(f"本进程 {own['pid']}：常驻内存 {own['rss_kib']} KiB，峰值 {own['max_rss_kib']} KiB")
        if own.get("index_mapping"):
            mapping = own["index_mapping"]
            self.stdout.write(f"本进程索引映射：Rss {mapping['mapped_rss_kib']} KiB / Pss {mapping['mapped_pss_kib']} KiB")
        processes = report["processes"]
        if not processes:
            self.stdout.write("没有进程映射了索引文件（网站进程在第一次语义检索时才打开索引）")
        for row in processes:
            self.stdout.write(
                f"进程 {row['pid']}（{row['command']}）：常驻内存 {row['rss_kib']} KiB，"
                f"其中索引映射 Rss {row['mapped_rss_kib']} KiB / Pss {row['mapped_pss_kib']} KiB"
            )


def _kind_status(kind: str) -> dict[str, Any]:
    ready = indexing.readiness(kind)
    embedded = {"documents": ready.documents, "embedded": ready.embedded, "percent": ready.percent}
    loaded = vectors.current_index(kind)
    if loaded is None:
        return {**embedded, "file": None, "count": 0, "tail": vectors.tail_size(kind), "stale": 0}
    return {
        **embedded,
        "file": loaded.path.name,
        "file_bytes": loaded.path.stat().st_size if loaded.path.exists() else 0,
        "count": len(loaded.index),
        "covered_until": loaded.covered_until.isoformat() if loaded.covered_until else None,
        "tail": vectors.tail_size(kind),
        "stale": vectors.stale_count(kind),
    }
