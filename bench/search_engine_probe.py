"""Bench: what a search engine whose index holds the ranking would cost a question asked for the
first time, against PostgreSQL's full-text search, on a database bench/matching_search.py kept
(docs/deployment.md, "When search moves to an engine").

    .venv/bin/python bench/search_engine_probe.py --database postgres://usefirst:usefirst@127.0.0.1:5432/usefirst_bench_1a2b3c4d

The engine is tantivy, embedded (a Rust library; OpenSearch or any engine with a Chinese analyzer
answers the same way from its own server). It indexes the kind's search documents as they are
stored: the jieba-segmented title and text the full-text table holds, split on spaces, the title
weighted TITLE_WEIGHT as in PostgreSQL, and the item's id kept beside each document. Then each of
the questions web_scale.py asks for the first time is asked once, both ways:

- PostgreSQL: `ranking.lexical(kind, terms, limit=2,000)`, what a keyword listing's first asking
  runs (every word, then any word when that finds fewer than FALLBACK_MIN), with the items;
- the engine, the same way (every word, then the same any-word terms): the best 20 with the
  number of matches, what one page shows; and the best 2,000 with their items, what the listing
  keeps for its next pages.

It prints the index's build time and size and p50 / p95 / mean per question. Nothing is written
to the database; the engine's index lives in a temporary folder. Without --database (as
`make bench` runs every script) it says so and measures nothing: the million takes half an hour
to generate, which web_scale.py already does.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matching_search import p95  # noqa: E402 (bench/ is the script's own folder)
from web_scale import first_askings  # noqa: E402

PAGE = 20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database",
        default=os.environ.get("BENCH_ENGINE_DATABASE"),
        help="a kept bench database: a postgres:// URL or a SQLite file",
    )
    parser.add_argument("--kind", default="achievement", choices=["achievement", "demand"])
    parser.add_argument("--questions", type=int, default=300)
    args = parser.parse_args()
    if not args.database:
        print("nothing measured: give --database, a database bench/matching_search.py --keep kept")
        return 0
    try:
        import tantivy
    except ImportError:
        print("nothing measured: tantivy is not installed (it is in requirements.txt)")
        return 0
    database = args.database
    os.environ["DATABASE_URL"] = database if database.startswith("postgres") else f"sqlite:///{Path(database).resolve()}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "usefirst.settings.test")
    import django

    django.setup()
    from django.db import connection

    from usefirst.matching.backends import TITLE_WEIGHT
    from usefirst.matching.ranking import FALLBACK_MIN, any_term_subset, lexical, vocabulary
    from usefirst.matching.search import LISTING_MATCHES
    from usefirst.matching.text import query_terms

    folder = tempfile.mkdtemp(prefix="usefirst-engine-probe-")
    try:
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("title", tokenizer_name="whitespace", index_option="freq")
        builder.add_text_field("body", tokenizer_name="whitespace", index_option="freq")
        builder.add_integer_field("item", stored=True, indexed=False)
        index = tantivy.Index(builder.build(), path=folder)
        writer = index.writer(heap_size=512_000_000, num_threads=2)
        started = time.perf_counter()
        documents = 0
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT object_id, segmented_title, segmented FROM matching_searchdocument WHERE kind = %s ORDER BY id",
                [args.kind],
            )
            while rows := cursor.fetchmany(5000):
                for item, title, body in rows:
                    writer.add_document(tantivy.Document(title=title, body=body, item=item))
                documents += len(rows)
        writer.commit()
        writer.wait_merging_threads()
        built = time.perf_counter() - started
        size = sum(p.stat().st_size for p in Path(folder).iterdir() if p.is_file())
        print(f"engine: tantivy; {documents:,} {args.kind} documents indexed in {built:.1f} s, {size / 2**20:.0f} MiB on disk")
        index.reload()
        searcher = index.searcher()
        schema = index.schema

        def term(token: str) -> object:
            title = tantivy.Query.boost_query(tantivy.Query.term_query(schema, "title", token), TITLE_WEIGHT)
            return tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, title), (tantivy.Occur.Should, tantivy.Query.term_query(schema, "body", token))]
            )

        def ask(terms: list[str], frequencies: dict[str, int], limit: int) -> tuple[list[int], int]:
            every = tantivy.Query.boolean_query([(tantivy.Occur.Must, term(t)) for t in terms])
            found = searcher.search(every, limit, count=True)
            hits, count = list(found.hits), found.count or 0
            if count < FALLBACK_MIN and len(terms) > 1:
                any_ = tantivy.Query.boolean_query([(tantivy.Occur.Should, term(t)) for t in any_term_subset(terms, frequencies)])
                more = searcher.search(any_, limit, count=True)
                seen = {(address.segment_ord, address.doc) for _, address in hits}
                hits += [h for h in more.hits if (h[1].segment_ord, h[1].doc) not in seen][: limit - len(hits)]
                count = max(count, more.count or 0)
            return [searcher.doc(address)["item"][0] for _, address in hits], count

        words = vocabulary(args.kind)
        questions = []
        for text in first_askings([]):
            terms = query_terms(text, words)
            if terms:
                questions.append((terms, {t: words.df(t) for t in terms}))
            if len(questions) == args.questions:
                break
        ways: dict[str, Callable[[list[str], dict[str, int]], object]] = {
            "PostgreSQL ranking.lexical, 2,000 best with their items": lambda t, f: lexical(args.kind, t, limit=LISTING_MATCHES),
            f"engine, {PAGE} best and the number of matches": lambda t, f: ask(t, f, PAGE),
            "engine, 2,000 best with their items": lambda t, f: ask(t, f, LISTING_MATCHES),
        }
        print(f"{len(questions)} questions asked for the first time (two keywords of a corpus record each), once each way")
        for name, way in ways.items():
            for terms, frequencies in questions[:10]:  # warm-up: the vocabulary, the connection, the engine's files
                way(terms, frequencies)
            times = []
            for terms, frequencies in questions:
                begun = time.perf_counter()
                way(terms, frequencies)
                times.append((time.perf_counter() - begun) * 1000)
            print(
                f"  {name}: p50 {statistics.median(times):.2f} ms, p95 {p95(times):.2f} ms, mean {statistics.fmean(times):.2f} ms"
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
