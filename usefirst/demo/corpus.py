"""The CSL records copied into data/ (see data/NOTICE for their source and licence)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
RECORDS_FILE = DATA_DIR / "csl-records.jsonl"
ACHIEVEMENT_CATEGORIES = frozenset({"工学", "农学", "医学", "理学"})


@dataclass(frozen=True)
class Record:
    id: str
    title: str
    abstract: str
    keywords: tuple[str, ...]
    label: str  # discipline (学科)
    category: str  # 门类


def read_records() -> list[Record]:
    records = []
    with RECORDS_FILE.open(encoding="utf-8") as lines:
        for line in lines:
            raw = json.loads(line)
            records.append(
                Record(
                    id=raw["id"],
                    title=raw["title"].strip(),
                    abstract=raw["abstract"].strip(),
                    keywords=tuple(k.strip() for k in raw["keywords"] if k.strip()),
                    label=raw["label"],
                    category=raw["category"],
                )
            )
    return records
