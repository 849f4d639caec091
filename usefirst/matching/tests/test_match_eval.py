import json

from django.core.management import call_command

RECORDS = [
    ("r1", "陶瓷窑炉余热回收", ["余热回收", "窑炉"], "机械工程"),
    ("r2", "窑炉烟气余热发电", ["余热发电"], "机械工程"),
    ("r3", "锂离子电池正极材料", ["锂电池", "正极"], "材料"),
    ("r4", "锂电池回收工艺", ["锂电池", "回收"], "材料"),
    ("r5", "水稻抗病育种", ["水稻", "育种"], "农学"),
    ("r6", "小麦抗旱品种选育", ["小麦", "育种"], "农学"),
]


def test_match_eval_ranks_a_tiny_corpus_into_a_score_py_readable_file(tmp_path, encoder, django_db_blocker):
    """No test database: the command opens its own temporary one and never the main database."""
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        "\n".join(
            json.dumps(
                {"id": i, "title": t, "abstract": t + "的研究。", "keywords": k, "label": label, "category": "x"},
                ensure_ascii=False,
            )
            for i, t, k, label in RECORDS
        ),
        encoding="utf-8",
    )
    queries = tmp_path / "queries.jsonl"
    queries.write_text(
        json.dumps(
            {"qid": "q1", "text": "我公司需要锂电池正极材料方面的成熟技术，寻求合作。", "relevant_label": "材料"},
            ensure_ascii=False,
        )
        + "\n"
        + json.dumps({"qid": "q2", "text": "征集水稻育种领域的研究成果。", "relevant_label": "农学"}, ensure_ascii=False),
        encoding="utf-8",
    )
    out = tmp_path / "run.json"
    with django_db_blocker.unblock():
        call_command("match_eval", corpus=str(corpus), queries=str(queries), out=str(out))
    run = json.loads(out.read_text(encoding="utf-8"))
    assert set(run) == {"q1", "q2"}
    assert run["q1"][0] == "r3"
    assert run["q2"][0] == "r5"
    assert all(isinstance(i, str) for ids in run.values() for i in ids)
