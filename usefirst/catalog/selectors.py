"""Reads of the catalog, always scoped through the permission chokepoint.

Filters arrive as text (query strings of pages and the API); an unknown value is an error
with a Chinese message rather than a silently ignored filter.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Count, DateTimeField, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from usefirst.accounts.models import EnterpriseSize, Organisation, OrganisationKind, OrganisationStatus
from usefirst.core.actors import Visitor
from usefirst.core.cache import bump, generations
from usefirst.core.dates import today
from usefirst.core.errors import DomainError
from usefirst.core.pagination import (
    COUNT_CACHE_SECONDS,
    DEFAULT_PAGE_SIZE,
    SEARCH_CACHE_SECONDS,
    PageOf,
    paginate,
    paginate_counted,
)
from usefirst.core.permissions import Action, public, restrict
from usefirst.core.regions import CITY_COUNTIES, OUTSIDE_PROVINCE, Region

from .cards import card_values, cards
from .choices import AchievementStatus, DemandStatus, Mode
from .models import Achievement, AchievementEvent, AchievementRevision, Demand, DemandEvent, TechField

# "relevance" orders a keyword listing by the search ranking (usefirst.matching.search); without
# keywords there is nothing to be relevant to, and it falls back to the newest first.
RELEVANCE = "relevance"
ACHIEVEMENT_SORTS: dict[str, tuple[str, list[str]]] = {
    RELEVANCE: ("相关度", ["-published_at", "-id"]),
    "newest": ("最新发布", ["-published_at", "-id"]),
    "oldest": ("最早发布", ["published_at", "id"]),
    "trl_desc": ("成熟度从高到低", ["-trl", "-published_at", "-id"]),
    "trl_asc": ("成熟度从低到高", ["trl", "-published_at", "-id"]),
}
DEMAND_SORTS: dict[str, tuple[str, list[str]]] = {
    RELEVANCE: ("相关度", ["-published_at", "-id"]),
    "newest": ("最新发布", ["-published_at", "-id"]),
    "deadline": ("截止日期临近", ["deadline", "-id"]),
    "budget_desc": ("预算从高到低", ["-budget_max", "-id"]),
}
MAX_QUERY_LENGTH = 100

ACHIEVEMENT_FILTER_KEYS = frozenset({"field", "city", "region", "trl_min", "trl_max", "mode", "unit_kind", "q", "sort"})
DEMAND_FILTER_KEYS = frozenset({"field", "city", "region", "enterprise_size", "q", "sort", "status"})


def _invalid(key: str, label: str, value: str) -> DomainError:
    return DomainError(f"筛选条件“{label}”的取值无效：{value}", code="invalid_filter", field_errors={key: ["取值无效"]})


@dataclass
class Filters:
    field: TechField | None = None
    city: str = ""
    region: str = ""
    trl_min: int | None = None
    trl_max: int | None = None
    mode: str = ""
    unit_kind: str = ""
    enterprise_size: str = ""
    status: str = ""
    q: str = ""
    sort: str = "newest"


def _text(params: Mapping[str, Any], key: str) -> str:
    value = params.get(key)
    return "" if value is None else str(value).replace("\x00", "").strip()  # PostgreSQL refuses NUL in text


def _trl(params: Mapping[str, Any], key: str, label: str) -> int | None:
    raw = _text(params, key)
    if not raw:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= 9:
        raise DomainError(f"{label}应为 1 至 9 的整数", code="invalid_filter", field_errors={key: ["应为 1 至 9 的整数"]})
    return int(raw)


def parse_filters(params: Mapping[str, Any], *, for_demands: bool = False) -> Filters:
    filters = Filters()
    code = _text(params, "field")
    if code:
        filters.field = TechField.objects.filter(code=code).select_related("parent").first()
        if filters.field is None:
            raise _invalid("field", "技术领域", code)
    city = _text(params, "city")
    if city and city not in CITY_COUNTIES and city != OUTSIDE_PROVINCE:
        raise _invalid("city", "地市", city)
    filters.city = city
    region = _text(params, "region")
    if region and region not in Region.values:
        raise _invalid("region", "区域", region)
    filters.region = region
    q = _text(params, "q")
    if len(q) > MAX_QUERY_LENGTH:
        raise DomainError(f"关键词不超过 {MAX_QUERY_LENGTH} 个字", code="invalid_filter", field_errors={"q": ["关键词过长"]})
    filters.q = q
    sort = _text(params, "sort") or (RELEVANCE if q else "newest")
    sorts = DEMAND_SORTS if for_demands else ACHIEVEMENT_SORTS
    if sort not in sorts:
        raise _invalid("sort", "排序", sort)
    filters.sort = sort
    if for_demands:
        size = _text(params, "enterprise_size")
        if size and size not in EnterpriseSize.values:
            raise _invalid("enterprise_size", "企业规模", size)
        filters.enterprise_size = size
        status = _text(params, "status")
        if status and status not in DemandStatus.values:
            raise _invalid("status", "状态", status)
        filters.status = status
        return filters
    filters.trl_min = _trl(params, "trl_min", "最低成熟度")
    filters.trl_max = _trl(params, "trl_max", "最高成熟度")
    if filters.trl_min and filters.trl_max and filters.trl_min > filters.trl_max:
        raise DomainError("最低成熟度不能高于最高成熟度", code="invalid_filter", field_errors={"trl_min": ["不能高于最高成熟度"]})
    mode = _text(params, "mode")
    if mode and mode not in Mode.values:
        raise _invalid("mode", "转化方式", mode)
    filters.mode = mode
    kind = _text(params, "unit_kind")
    if kind and kind not in OrganisationKind.values:
        raise _invalid("unit_kind", "单位类型", kind)
    filters.unit_kind = kind
    return filters


def _field_q(field: TechField) -> Q:
    # A top field includes its sub-fields.
    return Q(field=field) | Q(field__parent=field)


def filter_achievements(queryset: QuerySet[Achievement], filters: Filters) -> QuerySet[Achievement]:
    if filters.field is not None:
        queryset = queryset.filter(_field_q(filters.field))
    if filters.city:
        queryset = queryset.filter(owner__city=filters.city)
    if filters.region:
        queryset = queryset.filter(owner__region=filters.region)
    if filters.trl_min is not None:
        queryset = queryset.filter(trl__gte=filters.trl_min)
    if filters.trl_max is not None:
        queryset = queryset.filter(trl__lte=filters.trl_max)
    if filters.mode:
        queryset = queryset.filter(**{f"offers_{filters.mode}": True})
    if filters.unit_kind:
        queryset = queryset.filter(owner__kind=filters.unit_kind)
    if filters.q:  # segmented full-text search: matching answers the hook
        from .hooks import text_search

        queryset = text_search.ask(queryset, "achievement", filters.q)
    return queryset.order_by(*_ordering(queryset, filters, ACHIEVEMENT_SORTS))


def filter_demands(queryset: QuerySet[Demand], filters: Filters) -> QuerySet[Demand]:
    if filters.field is not None:
        queryset = queryset.filter(_field_q(filters.field))
    if filters.city:
        queryset = queryset.filter(city=filters.city)
    if filters.region:
        queryset = queryset.filter(region=filters.region)
    if filters.enterprise_size:
        queryset = queryset.filter(enterprise__enterprise_size=filters.enterprise_size)
    if filters.status:
        queryset = _with_effective_status(queryset, filters.status)
    if filters.q:  # segmented full-text search: matching answers the hook
        from .hooks import text_search

        queryset = text_search.ask(queryset, "demand", filters.q)
    return queryset.order_by(*_ordering(queryset, filters, DEMAND_SORTS))


def _ordering(queryset: QuerySet[Any], filters: Filters, sorts: dict[str, tuple[str, list[str]]]) -> list[str]:
    if filters.sort == RELEVANCE and "search_rank" in queryset.query.annotations:
        return ["search_rank", *sorts[RELEVANCE][1]]  # best match first, then the newest
    return sorts[filters.sort][1]


def _with_effective_status(queryset: QuerySet[Demand], status: str) -> QuerySet[Demand]:
    """Filter on the status people see: a published demand past its deadline is expired."""
    overdue = Q(status=DemandStatus.PUBLISHED, deadline__lt=today())
    if status == DemandStatus.EXPIRED:
        return queryset.filter(Q(status=DemandStatus.EXPIRED) | overdue)
    if status == DemandStatus.PUBLISHED:
        return queryset.filter(status=DemandStatus.PUBLISHED).exclude(overdue)
    return queryset.filter(status=status)


def _achievements(user: Visitor, action: Action) -> QuerySet[Achievement]:
    return restrict(Achievement.objects.all(), user, action).select_related("owner", "field", "field__parent")


def _demands(user: Visitor, action: Action) -> QuerySet[Demand]:
    return restrict(Demand.objects.all(), user, action).select_related("enterprise", "field", "field__parent")


# ---------------------------------------------------------------- listings


def _public_achievements() -> QuerySet[Achievement]:
    """Published and never restricted, whoever asks (the policy's public items): the visitor's own
    scope could only add items a public listing leaves out."""
    return public(Achievement.objects.all()).select_related("owner", "field", "field__parent")


def _public_demands() -> QuerySet[Demand]:
    return public(Demand.objects.all()).select_related("enterprise", "field", "field__parent")


def achievement_list_public(*, user: Visitor, filters: Filters) -> QuerySet[Achievement]:
    """What anyone may browse: published and never restricted, even for the owner's own staff
    (the same for every `user`)."""
    return filter_achievements(_public_achievements(), filters)


def achievement_list_own(*, user: Visitor, organisation: Organisation, filters: Filters | None = None) -> QuerySet[Achievement]:
    queryset = _achievements(user, Action.CHANGE).filter(owner=organisation)
    if filters is None:
        return queryset.order_by("-updated_at", "-id")
    return filter_achievements(queryset, filters)


def achievement_review_queue(*, user: Visitor) -> QuerySet[Achievement]:
    return _achievements(user, Action.REVIEW).filter(status=AchievementStatus.SUBMITTED).order_by("updated_at", "id")


def achievement_reviewed_list(*, user: Visitor) -> QuerySet[Achievement]:
    """Every achievement of the organisations a department reviews (for take-down and export)."""
    return _achievements(user, Action.REVIEW).order_by("-updated_at", "-id")


def revision_review_queue(*, user: Visitor) -> QuerySet[AchievementRevision]:
    achievements = _achievements(user, Action.REVIEW).filter(status=AchievementStatus.PUBLISHED)
    return (
        AchievementRevision.objects.filter(achievement__in=achievements, status=AchievementRevision.Status.PENDING)
        .select_related("achievement", "achievement__owner", "submitted_by")
        .order_by("submitted_at", "id")
    )


def achievement_pending_revision(*, achievement: Achievement) -> AchievementRevision | None:
    return achievement.revisions.filter(status=AchievementRevision.Status.PENDING).first()


def demand_list_public(*, user: Visitor, filters: Filters) -> QuerySet[Demand]:
    return filter_demands(_public_demands(), filters)


# The form a listing page's rows are kept in (`_rows`), named in their cache keys: during a rolling
# upgrade the nodes of each release read only the pages their own release wrote. Change it with
# the form.
ROWS_FORM = "columns-1"


@dataclass
class PublicListing:
    page: PageOf
    key: str  # public_listing_key: its total, facets and (with keywords) ranked ids are cached under it
    build: Callable[[], QuerySet[Any]]
    seconds: int = COUNT_CACHE_SECONDS  # how long its facets are kept (a question's as long as its matches)
    kind: str = "achievement"
    words: str = ""  # keywords a search engine answered the page of (`_engine_page`): it counts the facets too

    @cached_property
    def queryset(self) -> QuerySet[Any]:
        """The whole filtered listing; with keywords, searched only when asked for."""
        return self.build()

    def facets(self) -> dict[str, dict[str, int]]:
        """achievement_facets over the listing, kept under its key (counted, and searched, only
        when not kept)."""
        facets_key = f"{self.key}:facets"
        kept = cache.get(facets_key)
        if isinstance(kept, dict):
            return kept
        facets = None
        if self.words:
            from .hooks import keyword_facets

            facets = keyword_facets.ask(self.kind, self.words)
        if facets is None:
            facets = achievement_facets(self.queryset)
        cache.set(facets_key, facets, self.seconds)
        return facets


def public_listing(*, kind: str, user: Visitor, filters: Filters, params: Mapping[str, Any]) -> PublicListing:
    """One page of the public achievement or demand listing (the pages' and the API's).

    With keywords, the listing's ids in their order (at most matching's LISTING_MATCHES) are kept
    in the cache under the listing's key, which names the keywords, the filters and the catalog's
    generation: the next page, or the same query asked again within SEARCH_CACHE_SECONDS, reads
    only its own rows by id — no search, no ranking over the matches, no count — and each page's
    rows are kept as well. A saved change to the catalog or to the search index moves the
    generation on (catalog_changed), so a published or withdrawn item shows at once; a change
    behind the platform's back (an SQL UPDATE) shows within SEARCH_CACHE_SECONDS."""
    base: QuerySet[Any] = _public_demands() if kind == "demand" else _public_achievements()

    def build() -> QuerySet[Any]:
        return filter_demands(base, filters) if kind == "demand" else filter_achievements(base, filters)

    key = public_listing_key(kind, filters)
    ids_key = f"{key}:ids:{filters.sort}"
    rows_key = f"{ids_key}:{params.get('page') or 1}:{params.get('page_size') or DEFAULT_PAGE_SIZE}:{ROWS_FORM}"
    engine_key = f"{rows_key}:engine"
    kept = cache.get_many([ids_key, rows_key, engine_key]) if filters.q else {}
    ids = kept.get(ids_key)
    seconds = SEARCH_CACHE_SECONDS if filters.q else COUNT_CACHE_SECONDS
    listing = PublicListing(PageOf([], 0, 1, DEFAULT_PAGE_SIZE, 1), key, build, seconds, kind)
    answered = kept.get(engine_key)
    if not isinstance(answered, PageOf) and not isinstance(ids, list) and _words_only(filters):
        answered = _engine_page(kind, base, filters, params)
        if answered is not None:
            cache.set(engine_key, answered, SEARCH_CACHE_SECONDS)
    if isinstance(answered, PageOf):
        answered.items = _shaped(kind, answered.items)
        listing.page, listing.words = answered, filters.q
        return listing
    if not isinstance(ids, list):
        queryset = listing.queryset
        searched = "search_rank" in queryset.query.annotations or queryset.query.is_empty()  # is_empty: nothing matched
        if not searched:  # no keywords, or none searchable ("！！！")
            listing.page = paginate_params(_listed(kind, queryset), params, count_key=key)
            listing.page.items = _shaped(kind, listing.page.items)
            return listing
        ids = _listed_ids(queryset, filters)
        cache.set(ids_key, ids, SEARCH_CACHE_SECONDS)
    page = paginate_params(ids, params)  # a page past the end is refused even when its rows were kept
    rows = kept.get(rows_key)
    if not isinstance(rows, list):
        rows = _rows(kind, base, page.items)
        cache.set(rows_key, rows, SEARCH_CACHE_SECONDS)
    page.items = _shaped(kind, rows)
    listing.page = page
    return listing


def _listed(kind: str, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """What a listing page reads of each item: an achievement's card's columns (cards.py), a
    demand whole (the API shows each one's description and terms)."""
    return queryset if kind == "demand" else card_values(queryset)


def _shaped(kind: str, rows: Iterable[Any]) -> list[Any]:
    """A listing page's items as the page and the API show them: achievements as cards (from the
    columns `_listed` read), demands as the objects read."""
    return list(rows) if kind == "demand" else cards(rows)


def _rows(kind: str, base: QuerySet[Any], ids: Sequence[int]) -> list[Any]:
    """The listing's rows of `ids` in their order, those it still shows (an item withdrawn since
    the ids were found is left out), as read (`_listed`): the cache keeps them so, and `_shaped`
    makes them the page's items. An achievement's columns pickle in a sixth of the time its card
    takes (0.04 against 0.20 ms for a page of 20)."""
    read = _listed(kind, base.filter(pk__in=ids).order_by())
    found = {row["id"] if isinstance(row, dict) else row.pk: row for row in read}
    return [found[pk] for pk in ids if pk in found]


def _words_only(filters: Filters) -> bool:
    """Keywords and nothing else, by relevance: what a search engine may answer page by page."""
    narrowed = (filters.field, filters.city, filters.region, filters.trl_min, filters.trl_max, filters.mode)
    others = (filters.unit_kind, filters.enterprise_size, filters.status)
    return bool(filters.q) and filters.sort == RELEVANCE and not any(v not in (None, "") for v in (*narrowed, *others))


def _engine_page(kind: str, base: QuerySet[Any], filters: Filters, params: Mapping[str, Any]) -> PageOf | None:
    """A keyword listing's page as a search engine answers it (`hooks.keyword_page`): its ids and
    the number of matches, without reading every match; the rows are read back through the public
    listing, so an item the engine has not yet forgotten is not shown. None when there is no engine
    or the words hold nothing to search (symbols only)."""
    from .hooks import keyword_page

    declined = False

    def fetch(offset: int, limit: int) -> tuple[list[Any], int]:
        nonlocal declined
        answer = keyword_page.ask(kind, filters.q, offset, limit)
        if answer is None:
            declined = True
            return [], 0
        ids, count = answer
        return _rows(kind, base, ids), count

    try:
        page = paginate_counted(fetch, page=params.get("page") or 1, page_size=params.get("page_size") or DEFAULT_PAGE_SIZE)
    except DomainError:
        if declined:  # "past the end" of nothing: the listing's own way says what is there
            return None
        raise
    return None if declined else page


def _listed_ids(queryset: QuerySet[Any], filters: Filters) -> list[int]:
    """The ids of a keyword listing, in its order. By relevance the search already ranked them
    (`search_rank`'s `ids`): the database is asked only which of them the listing shows, and the
    ranked order is kept here. Asking it to sort by the position instead costs a scan of the
    ranked list per row (quadratic: 16 of 27 ms for 1,400 matches at a million achievements)."""
    ranked = getattr(queryset.query.annotations.get("search_rank"), "ids", None)
    if filters.sort != RELEVANCE or not isinstance(ranked, list):
        return list(queryset.values_list("pk", flat=True))
    shown = set(queryset.order_by().values_list("pk", flat=True))
    return [pk for pk in ranked if pk in shown]


def demand_list_own(*, user: Visitor, organisation: Organisation, filters: Filters | None = None) -> QuerySet[Demand]:
    queryset = _demands(user, Action.CHANGE).filter(enterprise=organisation)
    if filters is None:
        return queryset.order_by("-updated_at", "-id")
    return filter_demands(queryset, filters)


def demand_review_queue(*, user: Visitor) -> QuerySet[Demand]:
    return _demands(user, Action.REVIEW).filter(status=DemandStatus.SUBMITTED).order_by("updated_at", "id")


def demand_reviewed_list(*, user: Visitor) -> QuerySet[Demand]:
    """Every demand of the enterprises a department reviews (for export)."""
    return _demands(user, Action.REVIEW).order_by("-updated_at", "-id")


# ---------------------------------------------------------------- review queues

WAITING_FILTERS: dict[str, str] = {"": "不限", "3": "3 天以上", "7": "7 天以上", "15": "15 天以上", "30": "30 天以上"}


@dataclass(frozen=True)
class QueueFilters:
    """What a reviewer narrows a queue by: words of the title, the submitting organisation, and
    how many days (Asia/Shanghai business dates) the item has waited at least."""

    q: str = ""
    organisation: str = ""
    waited: int = 0

    @classmethod
    def parse(cls, params: Mapping[str, Any]) -> QueueFilters:
        waited = str(params.get("waited") or "")
        if waited not in WAITING_FILTERS:
            raise DomainError("等待天数筛选无效", code="invalid_filter", field_errors={"waited": ["等待天数筛选无效"]})
        return cls(
            q=str(params.get("q") or "").strip()[:100],
            organisation=str(params.get("organisation") or "").strip()[:100],
            waited=int(waited or 0),
        )

    def as_query(self) -> str:
        return urlencode(
            {k: v for k, v in (("q", self.q), ("organisation", self.organisation), ("waited", self.waited or "")) if v}
        )


def _waiting(queryset: QuerySet[Any], event_model: Any, owner: str, filters: QueueFilters) -> QuerySet[Any]:
    """The queue with `submitted_at` (the last submission's event, else the last change), oldest first."""
    last_submission = (
        event_model.objects.filter(subject=OuterRef("pk"), to_status="submitted").order_by("-at", "-id").values("at")[:1]
    )
    queryset = queryset.annotate(submitted_at=Coalesce(Subquery(last_submission, output_field=DateTimeField()), F("updated_at")))
    if filters.q:
        queryset = queryset.filter(title__icontains=filters.q)
    if filters.organisation:
        queryset = queryset.filter(**{f"{owner}__name__icontains": filters.organisation})
    if filters.waited:
        # waited at least N days: submitted on or before the business date N days ago
        last_day = today() - dt.timedelta(days=filters.waited)
        start_of_next = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone())
        queryset = queryset.filter(submitted_at__lt=start_of_next)
    return queryset.select_related(owner, "field").order_by("submitted_at", "id")


def achievements_waiting_review(*, user: Visitor, filters: QueueFilters) -> QuerySet[Achievement]:
    return _waiting(achievement_review_queue(user=user), AchievementEvent, "owner", filters)


def demands_waiting_review(*, user: Visitor, filters: QueueFilters) -> QuerySet[Demand]:
    return _waiting(demand_review_queue(user=user), DemandEvent, "enterprise", filters)


def days_waiting(items: Iterable[Any]) -> None:
    """Sets `days_waiting` (whole business dates since submission) on each item of a queue page."""
    on = today()
    for item in items:
        item.days_waiting = (on - timezone.localdate(item.submitted_at)).days


def paginate_params(
    queryset: QuerySet[Any] | Sequence[Any], params: Mapping[str, Any], *, count_key: str | None = None
) -> PageOf:
    return paginate(
        queryset, page=params.get("page") or 1, page_size=params.get("page_size") or DEFAULT_PAGE_SIZE, count_key=count_key
    )


# The public listings' totals, facets and keyword matches are the same for every visitor
# (published, unrestricted items only), so they are kept in the cache under a key that names the
# keywords, the filters and the catalog's generation: any saved change to an achievement or a
# demand (catalog/signals.py) or to its search document (matching.indexing) moves its kind's
# generation on, so a change shows at once; a bulk QuerySet.update() shows within
# COUNT_CACHE_SECONDS (a listing without keywords) or SEARCH_CACHE_SECONDS (with keywords).


def generation_key(kind: str) -> str:
    """The generation (core.cache) of `kind`'s public listing."""
    return f"catalog:generation:{kind}"


def catalog_changed(kind: str) -> None:
    """A public listing of `kind` may have changed: later requests count and search it afresh."""
    bump(generation_key(kind))


def public_listing_key(kind: str, filters: Filters) -> str:
    """The cache key of a public listing's total, facets and keyword matches."""
    (generation,) = generations(generation_key(kind))
    shape = (
        " ".join(filters.q.split()),
        today().isoformat(),  # a demand leaves the listing the day after its deadline
        filters.field.pk if filters.field else None,
        filters.city,
        filters.region,
        filters.trl_min,
        filters.trl_max,
        filters.mode,
        filters.unit_kind,
        filters.enterprise_size,
        filters.status,
    )
    digest = hashlib.sha256(repr(shape).encode()).hexdigest()[:24]
    return f"catalog:public:{kind}:{generation}:{digest}"


# ---------------------------------------------------------------- details and history


def achievement_events(*, achievement: Achievement) -> QuerySet[AchievementEvent]:
    return achievement.events.select_related("actor").order_by("at", "id")


def demand_events(*, demand: Demand) -> QuerySet[DemandEvent]:
    return demand.events.select_related("actor").order_by("at", "id")


def top_fields() -> QuerySet[TechField]:
    return TechField.objects.filter(parent__isnull=True).prefetch_related("children").order_by("position", "code")


def field_choices() -> list[tuple[str, str]]:
    choices: list[tuple[str, str]] = []
    for top in top_fields():
        choices.append((top.code, top.name))
        choices.extend((child.code, f"— {child.name}") for child in top.children.all())
    return choices


def achievement_facets(queryset: QuerySet[Achievement]) -> dict[str, dict[str, int]]:
    """Counts per top field and per mode for the current result set (nice-to-have on pages; a
    public listing keeps them, PublicListing.facets)."""
    by_field: dict[str, int] = {}
    for row in queryset.order_by().values("field__code", "field__parent__code").annotate(n=Count("id")):
        top = row["field__parent__code"] or row["field__code"]
        by_field[top] = by_field.get(top, 0) + row["n"]
    modes = queryset.order_by().aggregate(
        pay_later=Count("id", filter=Q(offers_pay_later=True)),
        cooperate_later=Count("id", filter=Q(offers_cooperate_later=True)),
        open_licence=Count("id", filter=Q(offers_open_licence=True)),
    )
    return {"field": by_field, "mode": {k: int(v or 0) for k, v in modes.items()}}


def platform_figures() -> dict[str, Any]:
    """Figures for the home page, computed from the data: only public items are counted."""
    published = Achievement.objects.filter(status=AchievementStatus.PUBLISHED, restriction="")
    units = (
        Organisation.objects.filter(status=OrganisationStatus.ACTIVE)
        .exclude(kind=OrganisationKind.ENTERPRISE)
        .filter(achievements__status=AchievementStatus.PUBLISHED)
        .distinct()
        .count()
    )
    counts = published.aggregate(
        achievements=Count("id"),
        pay_later=Count("id", filter=Q(offers_pay_later=True)),
        cooperate_later=Count("id", filter=Q(offers_cooperate_later=True)),
    )
    return {
        **{key: int(value or 0) for key, value in counts.items()},
        "demands": Demand.objects.filter(status=DemandStatus.PUBLISHED, deadline__gte=today()).count(),
        "demands_closing": Demand.objects.filter(
            status=DemandStatus.PUBLISHED, deadline__gte=today(), deadline__lte=today() + dt.timedelta(days=CLOSING_DAYS)
        ).count(),
        "units": units,
        "enterprises": Organisation.objects.filter(status=OrganisationStatus.ACTIVE, kind=OrganisationKind.ENTERPRISE).count(),
        # An achievement may be filed under a top field or one of its sub-fields: count by the top.
        "by_field": list(
            published.annotate(top_field=Coalesce("field__parent__name", "field__name"))
            .values("top_field")
            .annotate(n=Count("id"))
            .order_by("-n")[:8]
        ),
    }


# A published demand closes for answers within this many days: the home page announces it.
CLOSING_DAYS = 7


def latest_public(*, limit: int) -> tuple[list[Achievement], list[Demand]]:
    """The newest published achievements and open demands, as the public sees them."""
    anonymous = AnonymousUser()
    achievements = achievement_list_public(user=anonymous, filters=Filters(sort="newest"))[:limit]
    demands = demand_list_public(user=anonymous, filters=Filters(sort="newest"))[:limit]
    return list(achievements), list(demands)
