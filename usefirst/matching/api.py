"""Matching endpoints: hybrid search and the two-way recommendations (open to anonymous clients,
which see published, unrestricted items only)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from usefirst.api.auth import optional_user

from . import search as search_module
from .models import ItemKind
from .selectors import recommendations_for

router = Router(tags=["检索与匹配"])


class SearchQuery(Schema):
    kind: str = ItemKind.ACHIEVEMENT
    q: str = ""
    sort: str = "relevance"
    page: int | None = None
    page_size: int | None = None
    field: str | None = None
    city: str | None = None
    region: str | None = None
    trl_min: str | None = None
    trl_max: str | None = None
    mode: str | None = None
    unit_kind: str | None = None
    enterprise_size: str | None = None


class SearchItemOut(Schema):
    object_id: int
    kind: str
    title: str
    title_html: str
    snippet_html: str
    field_name: str
    city: str
    trl: int | None
    score: float
    similarity: float | None
    lexical_rank: int | None
    dense_rank: int | None
    matched_terms: list[str]
    url: str


class UnderstoodOut(Schema):
    core: str
    terms: list[str]
    match_all: bool


class SearchOut(Schema):
    count: int
    page: int
    page_size: int
    query: UnderstoodOut | None
    facets: dict[str, dict[str, int]]
    facets_partial: bool = Field(description="分面计数只统计了部分结果（无关键词浏览时的最新若干条）")
    items: list[SearchItemOut]


class RecommendationOut(Schema):
    kind: str
    object_id: int
    title: str
    url: str
    field_name: str
    rank: int
    score: float
    similarity: float | None
    matched_terms: list[str]
    matched_fields: list[str]
    boosts: list[str]


class RecommendationsOut(Schema):
    count: int
    items: list[RecommendationOut]


@router.get("/search", response=SearchOut, auth=None, summary="检索成果或需求（关键词＋语义，含高亮与分面计数）")
def search(request: HttpRequest, params: Query[SearchQuery]) -> dict[str, Any]:
    data = params.dict(exclude_none=True)
    kind = data.pop("kind")
    page = search_module.search(user=optional_user(request), kind=kind, params=data)
    query = page.query
    return {
        "count": page.count,
        "page": page.page,
        "page_size": page.page_size,
        "query": None if query is None else {"core": query.core, "terms": query.terms, "match_all": query.match_all},
        "facets": page.facets,
        "facets_partial": page.facets_partial,
        "items": [item.__dict__ for item in page.items],
    }


@router.get("/demands/{pk}/recommendations", response=RecommendationsOut, auth=None, summary="为技术需求推荐的成果")
def demand_recommendations(request: HttpRequest, pk: int) -> dict[str, Any]:
    items = recommendations_for(user=optional_user(request), kind=ItemKind.DEMAND, object_id=pk)
    return {"count": len(items), "items": [item.__dict__ for item in items]}


@router.get("/achievements/{pk}/recommendations", response=RecommendationsOut, auth=None, summary="为成果推荐的技术需求")
def achievement_recommendations(request: HttpRequest, pk: int) -> dict[str, Any]:
    items = recommendations_for(user=optional_user(request), kind=ItemKind.ACHIEVEMENT, object_id=pk)
    return {"count": len(items), "items": [item.__dict__ for item in items]}
