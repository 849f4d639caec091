import io
import json
import re

import numpy as np
import pytest
from django.core.management import call_command

from usefirst.matching import embeddings, ranking
from usefirst.matching.models import ItemKind

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


def _write_tiny_eval(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        "\n".join(
            json.dumps({"id": i, "title": t, "abstract": t + "。", "keywords": k, "label": label}, ensure_ascii=False)
            for i, t, k, label in RECORDS
        ),
        encoding="utf-8",
    )
    queries = tmp_path / "queries.jsonl"
    queries.write_text(json.dumps({"qid": "q1", "text": "寻求锂电池回收工艺"}, ensure_ascii=False), encoding="utf-8")
    return corpus, queries


def test_match_eval_reports_each_phase_with_cpu_load_encoding_rate_and_time_per_query(tmp_path, encoder, django_db_blocker):
    corpus, queries = _write_tiny_eval(tmp_path)
    out = io.StringIO()
    with django_db_blocker.unblock():
        call_command("match_eval", corpus=str(corpus), queries=str(queries), out=str(tmp_path / "run.json"), stdout=out)
    report = out.getvalue()
    assert re.search(r"编码 6 条（[\d.]+ 条/秒）", report)
    assert re.search(r"排序 1 个查询（每个 \d+ 毫秒）", report)
    assert report.count("CPU") == 4 and report.count("负载") == 4  # index, encode, rank, total
    assert json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))["q1"][0] == "r4"


class _CountingModel:
    """Stands in for the engine: a vector per text that says which text it was, and a log of calls."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def passage(self, batch: list[str]) -> np.ndarray:
        self.calls.append(list(batch))
        rows = np.zeros((len(batch), embeddings.DIM), dtype=np.float32)
        for row, text in zip(rows, batch, strict=True):
            row[0] = float(text.removeprefix("t"))
        return rows


def test_passages_are_encoded_once_per_distinct_text_in_batches_and_returned_in_order(monkeypatch):
    fake = _CountingModel()
    monkeypatch.setattr(embeddings, "_model", fake)
    texts = [f"t{i % 50}" for i in range(120)]  # 50 distinct texts, most of them three times
    matrix = embeddings.encode_passages(texts)
    assert matrix.shape == (120, embeddings.DIM)
    assert [int(v) for v in matrix[:, 0]] == [i % 50 for i in range(120)]
    encoded = [text for call in fake.calls for text in call]
    assert sorted(encoded) == sorted(set(texts))
    assert max(len(call) for call in fake.calls) <= embeddings.BATCH
    assert embeddings.encode_passages([]).shape == (0, embeddings.DIM)


def test_batched_passages_get_the_same_vectors_as_one_by_one(encoder):
    texts = [embeddings.passage_text(title=t, keywords=k, body=t + "的研究。") for _, t, k, _ in RECORDS] * 12
    matrix = embeddings.encode_passages(texts)
    alone = np.stack([np.asarray(encoder.passage([text]), dtype=np.float32).reshape(embeddings.DIM) for text in texts[:6]])
    assert np.allclose(matrix[:6], alone, atol=1e-5)
    assert np.allclose(matrix[6:12], alone, atol=1e-5)


def test_what_is_encoded_stays_short_whatever_the_keywords():
    text = embeddings.passage_text(
        title="静脉性脑梗死实验小型猪的麻醉", keywords=[f"关键词{i}" for i in range(40)], body="摘要。" * 200
    )
    assert text.startswith("静脉性脑梗死实验小型猪的麻醉；关键词0、关键词1")
    assert len(text) == embeddings.PASSAGE_CHARS
    few = embeddings.passage_text(title="窑炉余热", keywords=["余热"], body="回收陶瓷窑炉烟气的余热。后文从略。")
    assert few == "窑炉余热；余热；回收陶瓷窑炉烟气的余热"


@pytest.mark.django_db
def test_document_frequencies_count_only_documents_of_the_kind_that_hold_the_term():
    from usefirst.matching.indexing import upsert_document

    def add(kind, object_id, segmented):
        fields = {"title": segmented, "segmented_title": "", "segmented": segmented, "embedded_text": segmented}
        upsert_document(kind=kind, object_id=object_id, fields=fields)

    add(ItemKind.ACHIEVEMENT, 1, "锂 电池 回收")
    add(ItemKind.ACHIEVEMENT, 2, "电池 正极")
    add(ItemKind.ACHIEVEMENT, 3, "水稻 育种")
    add(ItemKind.DEMAND, 1, "电池 回收 需求")
    ranking.forget_vocabularies()
    achievements = ranking.vocabulary(ItemKind.ACHIEVEMENT)
    assert achievements.n == 3
    assert achievements.df("电池") == 2
    assert achievements.df("回收") == 1
    assert achievements.df("需求") == 0
    assert ranking.vocabulary(ItemKind.DEMAND).df("电池") == 1
