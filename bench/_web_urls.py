"""The site's URLs plus the bare view bench/web_scale.py compares the keyword listing with: the
same page of achievements (the ids the listing answered, in its order), read by primary key with
the listing's joins and written with the listing's own item shape — no search, no count, no
schema validation. What the listing spends beyond it is the search and the page's bookkeeping."""

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from usefirst.catalog.api import _achievement_summary
from usefirst.catalog.models import Achievement


def bare_page(request: HttpRequest) -> JsonResponse:
    ids = [int(i) for i in request.GET.get("ids", "").split(",") if i]
    rows = Achievement.objects.select_related("owner", "field", "field__parent").in_bulk(ids)
    items: list[dict[str, Any]] = [_achievement_summary(rows[i]) for i in ids if i in rows]
    return JsonResponse({"count": len(items), "page": 1, "page_size": len(ids), "num_pages": 1, "items": items})


urlpatterns = [
    path("bench/bare-page", bare_page),
    path("", include("usefirst.urls")),
]
