"""Two-way recommendations: for a demand the best achievements, for an achievement the best demands.

The worker ranks with the item's stored vector (no encoding) and its most specific terms, fuses
by reciprocal rank, applies the policy boosts and keeps the best with their explanation:
matched terms, the fields they were found in, the cosine similarity and the boosts applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from usefirst.accounts.models import EnterpriseSize
from usefirst.catalog.choices import Mode
from usefirst.core.regions import needs_regional_support

from . import vectors
from .embeddings import from_bytes
from .models import ItemKind, Recommendation, SearchDocument
from .ranking import CANDIDATES, Ranked, fuse, lexical, policy_numbers, vocabulary
from .text import readable_terms

KEEP = 10
SOURCE_TERMS = 12
SME_SIZES = frozenset({EnterpriseSize.MEDIUM, EnterpriseSize.SMALL, EnterpriseSize.MICRO})
OFFER_MODES = frozenset(Mode.values)


def other_kind(kind: str) -> str:
    return ItemKind.DEMAND if kind == ItemKind.ACHIEVEMENT else ItemKind.ACHIEVEMENT


@dataclass
class Explanation:
    matched_terms: list[str] = field(default_factory=list)
    matched_fields: list[str] = field(default_factory=list)
    boosts: list[str] = field(default_factory=list)


def source_terms(document: SearchDocument, *, using: str = "default") -> list[str]:
    """The source's most specific tokens (title and keywords first), by IDF on the target side."""
    voc = vocabulary(other_kind(document.kind), using=using)
    heading = (document.segmented_title + " " + " ".join(document.keywords or [])).split()
    voc.prefetch(heading)
    tokens: list[str] = []
    for token in heading:
        if token not in tokens and not voc.is_generic(token):
            tokens.append(token)
    if len(tokens) < SOURCE_TERMS:
        voc.prefetch(document.segmented.split())
        for token in document.segmented.split():
            if token not in tokens and not voc.is_generic(token):
                tokens.append(token)
    ranked = sorted(tokens, key=lambda t: -voc.idf(t) if voc.df(t) else 0.0)
    return [t for t in ranked if voc.df(t)][:SOURCE_TERMS] or tokens[:SOURCE_TERMS]


def explain(source_terms_: list[str], target: SearchDocument) -> Explanation:
    title_tokens = set(target.segmented_title.split())
    keyword_text = " ".join(str(k) for k in target.keywords or []).lower()
    body_tokens = set(target.segmented.split())
    explanation = Explanation()
    for term in source_terms_:
        found = False
        if term in title_tokens:
            found = True
            if "title" not in explanation.matched_fields:
                explanation.matched_fields.append("title")
        if term in keyword_text:
            found = True
            if "keywords" not in explanation.matched_fields:
                explanation.matched_fields.append("keywords")
        if term in body_tokens:
            found = True
            if "body" not in explanation.matched_fields:
                explanation.matched_fields.append("body")
        if found:
            explanation.matched_terms.append(term)
    explanation.matched_terms = readable_terms(explanation.matched_terms)
    return explanation


@dataclass(frozen=True)
class BoostWeights:
    """The policy's preference weights and fusion constant, read in one query per ranking."""

    sme: float
    region: float
    trl_fit_min: float
    trl_fit: float
    use_first: float
    rrf_k: float = 60.0

    @property
    def most(self) -> float:
        """The largest factor the boosts can multiply a fused score by."""
        return 1.0 + sum(max(w, 0.0) for w in (self.sme, self.region, self.trl_fit, self.use_first))

    @classmethod
    def in_force(cls) -> BoostWeights:
        values = policy_numbers(
            {
                "matching_boost_sme": 0.10,
                "matching_boost_region": 0.15,
                "matching_trl_fit_min": 6,
                "matching_boost_trl_fit": 0.05,
                "matching_boost_use_first": 0.10,
                "matching_rrf_k": 60,
            }
        )
        return cls(
            sme=values["matching_boost_sme"],
            region=values["matching_boost_region"],
            trl_fit_min=values["matching_trl_fit_min"],
            trl_fit=values["matching_boost_trl_fit"],
            use_first=values["matching_boost_use_first"],
            rrf_k=values["matching_rrf_k"],
        )


def policy_boosts(
    achievement: SearchDocument, demand: SearchDocument, weights: BoostWeights | None = None
) -> list[tuple[str, float]]:
    """The policy's preferences for a pairing, each a (label, weight) from the policy parameters."""
    w = weights or BoostWeights.in_force()
    boosts: list[tuple[str, float]] = []
    if demand.enterprise_size in SME_SIZES:
        boosts.append(("中小微企业需求", w.sme))
    if demand.city and needs_regional_support(demand.city):
        boosts.append(("落地粤东粤西粤北", w.region))
    if achievement.trl is not None and achievement.trl >= w.trl_fit_min:
        boosts.append(("成熟度达到门槛", w.trl_fit))
    if OFFER_MODES.intersection(achievement.modes or []):
        boosts.append(("提供先用后转方式", w.use_first))
    return [(label, weight) for label, weight in boosts if weight]


# What the boosts and the owner check read of the fused candidates (BOOST_BATCH at a time);
# the texts and the vector are read only for the `limit` kept, to explain them.
BOOST_FIELDS = ("id", "object_id", "owner_id", "enterprise_size", "city", "trl", "modes")
EXPLAIN_FIELDS = ("id", "segmented_title", "segmented", "keywords", "embedding")
BOOST_BATCH = 25


def rank_for(document: SearchDocument, *, using: str = "default", limit: int = KEEP) -> list[tuple[Ranked, Explanation]]:
    target_kind = other_kind(document.kind)
    terms = source_terms(document, using=using)
    hits, _ = lexical(target_kind, terms, limit=CANDIDATES, using=using)
    vector = from_bytes(document.embedding)
    dense_hits = vectors.search(target_kind, vector, limit=CANDIDATES, using=using) if vector is not None else []
    weights = BoostWeights.in_force()
    items = fuse(hits, dense_hits, k=weights.rrf_k)[: CANDIDATES // 2]
    kept: list[Ranked] = []
    for start in range(0, len(items), BOOST_BATCH):
        # The fused scores fall down the list, and a boost multiplies by at most `most`: once the
        # next candidate could not reach the `limit` best even with every boost, none after it can.
        if len(kept) >= limit and items[start].score * weights.most < kept[limit - 1].score:
            break
        batch = items[start : start + BOOST_BATCH]
        targets = _by_id(using, [r.document_id for r in batch], BOOST_FIELDS)
        for item in batch:
            target = targets.get(item.document_id)
            if target is None or (target.owner_id and target.owner_id == document.owner_id):
                continue
            item.object_id = target.object_id
            achievement, demand = (target, document) if target_kind == ItemKind.ACHIEVEMENT else (document, target)
            boosts = policy_boosts(achievement, demand, weights)
            item.score *= 1.0 + sum(weight for _, weight in boosts)
            item.boosts = [label for label, _ in boosts]
            kept.append(item)
        kept.sort(key=lambda r: (-r.score, r.document_id))
    kept = kept[:limit]
    texts = _by_id(using, [r.document_id for r in kept], EXPLAIN_FIELDS)
    results: list[tuple[Ranked, Explanation]] = []
    for item in kept:
        target = texts.get(item.document_id)
        if target is None:  # removed in between
            continue
        explanation = explain(terms, target)
        explanation.boosts = item.boosts
        if item.similarity is None and vector is not None:
            target_vector = from_bytes(target.embedding)
            if target_vector is not None:
                item.similarity = float(target_vector @ vector)
        results.append((item, explanation))
    return results


def _by_id(using: str, ids: list[int], fields: tuple[str, ...]) -> dict[int, SearchDocument]:
    return {d.pk: d for d in SearchDocument.objects.using(using).only(*fields).filter(pk__one_of=ids)}


def refresh(*, kind: str, object_id: int) -> list[Recommendation]:
    """Recompute one item's recommendations; pairs already recommended keep their digest mark."""
    document = SearchDocument.objects.filter(kind=kind, object_id=object_id).first()
    if document is None:
        forget(kind=kind, object_id=object_id)
        return []
    ranked = rank_for(document)
    now = timezone.now()
    with transaction.atomic():
        existing = {
            r.target_id: r for r in Recommendation.objects.select_for_update().filter(source_kind=kind, source_id=object_id)
        }
        keep_ids = {item.object_id for item, _ in ranked}
        Recommendation.objects.filter(source_kind=kind, source_id=object_id).exclude(target_id__in=keep_ids).delete()
        rows: list[Recommendation] = []
        for position, (item, explanation) in enumerate(ranked, start=1):
            row = existing.get(item.object_id) or Recommendation(source_kind=kind, source_id=object_id, target_id=item.object_id)
            row.rank = position
            row.score = item.score
            row.similarity = item.similarity
            row.matched_terms = explanation.matched_terms
            row.matched_fields = explanation.matched_fields
            row.boosts = explanation.boosts
            if row.pk is None:
                row.created_at = now
            row.save()
            rows.append(row)
    return rows


def forget(*, kind: str, object_id: int) -> None:
    Recommendation.objects.filter(source_kind=kind, source_id=object_id).delete()
    Recommendation.objects.filter(source_kind=other_kind(kind), target_id=object_id).delete()
