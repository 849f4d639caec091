"""Pagination for pages and the API: a page past the end is an error with a clear message,
never a silent empty page or a server error."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

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


def paginate(queryset: QuerySet[Any] | Sequence[Any], *, page: Any = 1, page_size: Any = DEFAULT_PAGE_SIZE) -> PageOf:
    try:
        size = int(page_size)
    except (TypeError, ValueError) as exc:
        raise DomainError("每页条数应为整数", code="invalid_page_size") from exc
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise DomainError(f"每页条数应在 1 到 {MAX_PAGE_SIZE} 之间", code="invalid_page_size")
    paginator = Paginator(queryset, size, allow_empty_first_page=True)
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
