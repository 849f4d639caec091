"""Reads the core app's own pages need from the apps above it, through hooks (usefirst/core/hooks.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils import timezone

from .hooks import Hook

# How long the home page's figures and lists are kept before they are read again. Counting whole
# tables on every visit does not scale; five minutes old is fresh enough for a front page, and
# the page says when its figures were read.
HOME_CACHE_SECONDS = 300
HOME_CACHE_KEY = "core.home.v1"
HOME_LIST_LENGTH = 5


@dataclass(frozen=True)
class Figure:
    """One number on the home page, with the page that lists what it counts."""

    label: str
    value: int
    url: str = ""


@dataclass(frozen=True)
class Entry:
    """One line of a list on the home page: what it is, where it opens, and a line about it."""

    title: str
    url: str
    meta: str = ""
    day: dt.date | None = None


@dataclass
class HomeParts:
    """What one app gives the home page. `lists` are keyed by name: `achievements` and `demands`
    (catalog), `recognised` and `in_notice` (recognition); `notices` are dated announcements."""

    figures: list[Figure] = field(default_factory=list)
    lists: dict[str, list[Entry]] = field(default_factory=dict)
    notices: list[Entry] = field(default_factory=list)
    by_field: list[tuple[str, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Home:
    figures: list[Figure]
    lists: dict[str, list[Entry]]
    notices: list[Entry]
    by_field: list[tuple[str, int]]
    read_at: dt.datetime  # when these were read from the database (UTC)


# Each app above core gives its part of the home page (public data only: the page is the same
# for everyone and is cached); called with the length of each list.
home_parts: Hook[[int], HomeParts] = Hook("core.home_parts")


def _read_home() -> Home:
    parts = home_parts.send(HOME_LIST_LENGTH)
    lists: dict[str, list[Entry]] = {}
    for part in parts:
        lists |= part.lists
    notices = sorted(
        (notice for part in parts for notice in part.notices),
        key=lambda notice: notice.day or dt.date.min,
        reverse=True,
    )
    return Home(
        figures=[figure for part in parts for figure in part.figures],
        lists=lists,
        notices=notices,
        by_field=[row for part in parts for row in part.by_field],
        read_at=timezone.now(),
    )


def home_page() -> Home:
    """The home page's figures, lists and notices, read at most once per HOME_CACHE_SECONDS."""
    home = cache.get(HOME_CACHE_KEY)
    if not isinstance(home, Home):
        home = _read_home()
        cache.set(HOME_CACHE_KEY, home, HOME_CACHE_SECONDS)
    return home
