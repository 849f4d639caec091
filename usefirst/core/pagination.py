"""Pagination for pages and the API: a page past the end is an error with a clear message,
never a silent empty page or a server error."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import QuerySet

from .errors import DomainError

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass
class PageOf:
    items: list[Any]
    count: int
    page: int
    page_size: int
    num_pages: int

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def paginate(
    queryset: QuerySet[Any] | Sequence[Any],
    *,
    page: Any = 1,
    page_size: Any = DEFAULT_PAGE_SIZE,
    count_key: str | None = None,
) -> PageOf:
    """One page of `queryset`. With `count_key`, the total is read from the cache under that key
    (kept COUNT_CACHE_SECONDS) instead of counted on every request: for the public listings,
    whose unfiltered count would scan the whole published table; their keys change whenever the
    catalog does (catalog.selectors.public_listing_key)."""
    size = page_size_of(page_size)
    paginator = Paginator(queryset, size, allow_empty_first_page=True)
    if count_key is not None:
        paginator.count = cached_count(queryset, count_key)  # a cached_property, set ahead
    try:
        current = paginator.page(page or 1)
    except PageNotAnInteger as exc:
        raise DomainError("页码应为正整数", code="invalid_page") from exc
    except EmptyPage as exc:
        raise DomainError(f"页码超出范围：共 {paginator.num_pages} 页", code="page_out_of_range", status=404) from exc
    return PageOf(
        items=list(current.object_list),
        count=paginator.count,
        page=current.number,
        page_size=size,
        num_pages=paginator.num_pages,
    )


def page_size_of(page_size: Any) -> int:
    try:
        size = int(page_size)
    except (TypeError, ValueError) as exc:
        raise DomainError("每页条数应为整数", code="invalid_page_size") from exc
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise DomainError(f"每页条数应在 1 到 {MAX_PAGE_SIZE} 之间", code="invalid_page_size")
    return size


def paginate_counted(
    fetch: Callable[[int, int], tuple[list[Any], int]], *, page: Any = 1, page_size: Any = DEFAULT_PAGE_SIZE
) -> PageOf:
    """One page from a source that gives a page's items and the number of them all at once
    (`fetch(offset, limit)`: a search engine), refused as `paginate` refuses."""
    size = page_size_of(page_size)
    try:
        number = int(page or 1)
    except (TypeError, ValueError) as exc:
        raise DomainError("页码应为正整数", code="invalid_page") from exc
    items, count = fetch(max(number - 1, 0) * size, size)
    pages = max(1, -(-count // size))
    if not 1 <= number <= pages:
        raise DomainError(f"页码超出范围：共 {pages} 页", code="page_out_of_range", status=404)
    return PageOf(items=items, count=count, page=number, page_size=size, num_pages=pages)


COUNT_CACHE_SECONDS = 60
# A keyword listing's ranked ids and a search page (catalog.selectors.public_listing,
# matching.search.search): their keys name the catalog's and the index's generations, so every
# change made through the platform is seen at once; this only bounds how long one made behind its
# back (an SQL UPDATE) can go unseen, and spares a popular question more than one search in it.
SEARCH_CACHE_SECONDS = 300


def cached_count(queryset: QuerySet[Any] | Sequence[Any], key: str, seconds: int = COUNT_CACHE_SECONDS) -> int:
    """`queryset`'s length, remembered under `key` for `seconds`."""
    cached = cache.get(key)
    if isinstance(cached, int):
        return cached
    number = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
    cache.set(key, number, seconds)
    return number
