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
