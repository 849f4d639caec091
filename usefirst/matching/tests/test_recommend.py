from __future__ import annotations

import pytest

from usefirst.catalog.tests.factories import make_published_achievement, make_published_demand
from usefirst.matching import tasks, vectors
from usefirst.matching.digests import send_digests
from usefirst.matching.models import ItemKind, Recommendation, SearchDocument
from usefirst.notifications.models import Notification, Preference

pytestmark = pytest.mark.django_db


@pytest.fixture
def matched(unit, owner, reviewer, enterprise, outsider, city_reviewer, encoder, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        kiln = make_published_achievement(
            unit,
            owner,
            reviewer,
            title="陶瓷窑炉烟气余热回收发电技术",
            summary="回收陶瓷窑炉排烟余热用于发电。",
            keywords="余热回收、窑炉、节能",
            trl=7,
        )
        chip = make_published_achievement(unit, owner, reviewer, title="低功耗边缘计算芯片", keywords="芯片、物联网")
        demand = make_published_demand(enterprise, outsider, city_reviewer)  # 寻求陶瓷窑炉余热回收技术 in 韶关
    return kiln, chip, demand


def test_the_worker_embeds_items_and_recommends_both_ways_with_reasons(matched):
    kiln, _chip, demand = matched
    assert SearchDocument.objects.filter(embedding__isnull=False).count() == 3
    for_demand = list(Recommendation.objects.filter(source_kind=ItemKind.DEMAND, source_id=demand.pk).order_by("rank"))
    assert for_demand[0].target_id == kiln.pk
    best = for_demand[0]
    assert "余热回收" in best.matched_terms or "余热" in best.matched_terms
    assert best.matched_fields
    assert best.similarity is not None and 0 < best.similarity <= 1
    assert "落地粤东粤西粤北" in best.boosts  # 韶关 is north Guangdong
    assert "提供先用后转方式" in best.boosts
    assert Recommendation.objects.filter(source_kind=ItemKind.ACHIEVEMENT, source_id=kiln.pk, target_id=demand.pk).exists()


def test_recommendations_are_served_with_their_explanation(matched, client):
    kiln, _, demand = matched
    body = client.get(f"/api/v1/demands/{demand.pk}/recommendations").json()
    first = body["items"][0]
    assert first["object_id"] == kiln.pk
    assert {"matched_terms", "matched_fields", "similarity", "boosts", "field_name"} <= set(first)
    body = client.get(f"/api/v1/achievements/{kiln.pk}/recommendations").json()
    assert body["items"][0]["object_id"] == demand.pk
    page = client.get(f"/demands/{demand.pk}/").content.decode()
    assert "推荐的科技成果" in page and "推荐理由" in page


def test_recommendations_of_an_item_one_may_not_see_are_not_found(client, unit, owner):
    from usefirst.catalog.tests.factories import make_achievement

    draft = make_achievement(unit, owner)
    assert client.get(f"/api/v1/achievements/{draft.pk}/recommendations").status_code == 404


def test_the_ann_index_is_swapped_in_and_the_tail_is_scanned_exactly(
    matched, unit, owner, reviewer, django_capture_on_commit_callbacks
):
    _, _, demand = matched
    meta = vectors.build(ItemKind.ACHIEVEMENT)
    assert meta["count"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        late = make_published_achievement(unit, owner, reviewer, title="窑炉余热锅炉", keywords="余热锅炉")
    assert vectors.tail_size(ItemKind.ACHIEVEMENT) == 1
    vector = SearchDocument.objects.get(kind=ItemKind.DEMAND, object_id=demand.pk)
    from usefirst.matching.embeddings import from_bytes

    found = dict(vectors.search(ItemKind.ACHIEVEMENT, from_bytes(vector.embedding), limit=5))
    late_doc = SearchDocument.objects.get(kind=ItemKind.ACHIEVEMENT, object_id=late.pk)
    assert late_doc.pk in found  # from the exact scan of the tail
    assert tasks.maintain_vector_index.call()[ItemKind.ACHIEVEMENT] == 3
    assert vectors.tail_size(ItemKind.ACHIEVEMENT) == 0
    assert "max_rss_kib" in vectors.memory_report()


def test_the_digest_respects_each_persons_frequency(matched, owner, outsider):
    Preference.objects.create(user=owner, digest=Preference.Digest.NEVER)
    Preference.objects.create(user=outsider, digest=Preference.Digest.DAILY)
    from django.utils import timezone

    from usefirst.core.daily_jobs import business_today

    day, until = business_today(), timezone.now() + timezone.timedelta(seconds=1)
    assert send_digests(frequency="daily", day=day, until=until) == 1
    assert Notification.objects.filter(recipient=outsider, kind="matching.digest").exists()
    assert not Notification.objects.filter(recipient=owner, kind="matching.digest").exists()
    assert send_digests(frequency="weekly", day=day, until=until) == 0


def test_a_ranking_reads_the_policy_weights_once_not_per_candidate(
    matched, unit, owner, reviewer, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from usefirst.matching.recommend import rank_for

    _, _, demand = matched
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(6):
            make_published_achievement(unit, owner, reviewer, title=f"窑炉余热利用装置第{n}型", keywords="余热、窑炉")
    document = SearchDocument.objects.get(kind=ItemKind.DEMAND, object_id=demand.pk)
    with CaptureQueriesContext(connection) as queries:
        ranked = rank_for(document)
    assert len(ranked) >= 6
    parameter_reads = [q for q in queries.captured_queries if "policy_parameterversion" in q["sql"]]
    assert len(parameter_reads) <= 6  # rrf_k and the five boost weights, whatever the number of candidates


def test_reading_the_candidates_in_batches_keeps_the_same_best(
    matched, unit, owner, reviewer, django_capture_on_commit_callbacks, monkeypatch
):
    # Candidates are boosted a batch at a time and the reading stops once no later one could
    # reach the best even with every boost: the same recommendations as boosting all of them.
    from usefirst.matching import recommend

    _, _, demand = matched
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(8):
            make_published_achievement(
                unit, owner, reviewer, title=f"窑炉余热利用装置第{n}型", keywords="余热、窑炉", trl=3 + n % 5
            )
    document = SearchDocument.objects.get(kind=ItemKind.DEMAND, object_id=demand.pk)

    def best(batch: int) -> list[tuple[int, float]]:
        monkeypatch.setattr(recommend, "BOOST_BATCH", batch)
        return [(item.document_id, round(item.score, 12)) for item, _ in recommend.rank_for(document, limit=3)]

    everything = best(1000)
    assert len(everything) == 3
    read: list[int] = []
    by_id = recommend._by_id

    def counting(using, ids, fields):
        if fields == recommend.BOOST_FIELDS:
            read.extend(ids)
        return by_id(using, ids, fields)

    monkeypatch.setattr(recommend, "_by_id", counting)
    assert best(1) == everything
    assert 3 <= len(read) < 10  # stopped before the last candidates
    assert best(2) == everything
