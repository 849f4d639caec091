"""Matching's answers to the hooks of the catalog (usefirst/core/hooks.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from usefirst.catalog import hooks as catalog_hooks


@catalog_hooks.text_search.connect
def keyword_filter(queryset: QuerySet[Any], kind: str, q: str) -> QuerySet[Any]:
    """The catalog listings' keyword branch: segmented full-text search (search.py)."""
    from .search import search_filter

    return search_filter(queryset, kind=kind, q=q)


@catalog_hooks.keyword_page.connect
def keyword_page(kind: str, q: str, offset: int, limit: int) -> tuple[list[int], int] | None:
    """A keyword listing's page from the search engine, when one is configured (search.engine_page)."""
    from .search import engine_page

    return engine_page(kind, q, offset, limit)


@catalog_hooks.keyword_facets.connect
def keyword_facets(kind: str, q: str) -> dict[str, dict[str, int]] | None:
    """The facets of a keyword listing the engine answered (search.engine_facets)."""
    from .search import engine_facets

    return engine_facets(kind, q)
