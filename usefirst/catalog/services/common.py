"""Helpers shared by the catalog services: input hygiene, authorisation and notices."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from usefirst.accounts import roles
from usefirst.accounts.models import Organisation, User
from usefirst.core.actors import Actor
from usefirst.core.errors import DomainError, Forbidden, from_validation_error
from usefirst.core.permissions import Action, can
from usefirst.core.text import clean_reason, reject_control_characters
from usefirst.notifications.services import notify

MAX_KEYWORDS = 10
MAX_KEYWORD_LENGTH = 32
_KEYWORD_SEPARATORS = re.compile(r"[,，;；、\s]+")


def normalise_keywords(value: str | Iterable[str] | None) -> list[str]:
    """Keywords as typed by people: separated by commas (either width), semicolons, 、 or spaces.
    Duplicates are dropped case-insensitively, keeping the first spelling."""
    if value is None:
        return []
    parts: list[str] = []
    raw = [value] if isinstance(value, str) else list(value)
    for item in raw:
        if not isinstance(item, str):
            raise DomainError("关键词应为文本", code="invalid_keywords", field_errors={"keywords": ["关键词应为文本"]})
        parts.extend(p for p in _KEYWORD_SEPARATORS.split(item.strip()) if p)
    seen: set[str] = set()
    keywords: list[str] = []
    for part in parts:
        try:
            reject_control_characters(part)
        except ValidationError as exc:
            raise DomainError(exc.messages[0], code="validation_failed", field_errors={"keywords": exc.messages}) from exc
        if len(part) > MAX_KEYWORD_LENGTH:
            message = f"每个关键词不超过 {MAX_KEYWORD_LENGTH} 个字"
            raise DomainError(message, code="validation_failed", field_errors={"keywords": [message]})
        if part.casefold() not in seen:
            seen.add(part.casefold())
            keywords.append(part)
    if len(keywords) > MAX_KEYWORDS:
        message = f"关键词最多 {MAX_KEYWORDS} 个"
        raise DomainError(message, code="validation_failed", field_errors={"keywords": [message]})
    return keywords


def full_clean(obj: models.Model, *, exclude: Iterable[str] | None = None, validate_constraints: bool = True) -> None:
    try:
        obj.full_clean(exclude=list(exclude or []), validate_constraints=validate_constraints)
    except ValidationError as exc:
        raise from_validation_error(exc) from exc


def require(actor: Actor, action: Action, obj: models.Model) -> None:
    """Services re-check access so that every caller (page, API, command) is held to it."""
    if not can(actor, action, obj):
        raise Forbidden("您没有执行此操作的权限", code="forbidden")


def require_member(actor: Actor, organisation: Organisation) -> None:
    if not roles.is_member(actor, organisation):
        raise Forbidden("您不是该机构的成员，不能以其名义操作", code="forbidden")


def require_reason(reason: str) -> str:
    """A reviewer's reason (the shared rule, usefirst.core.text.clean_reason)."""
    return clean_reason(reason)


def organisation_members(organisation: Organisation | None) -> list[User]:
    if organisation is None:
        return []
    return list(
        User.objects.filter(memberships__organisation=organisation, memberships__is_active=True, is_active=True).distinct()
    )


def notify_organisation(organisation: Organisation | None, *, kind: str, title: str, body: str = "", url: str = "") -> None:
    notify(recipients=organisation_members(organisation), kind=kind, title=title, body=body, url=url)


@dataclass(frozen=True)
class Notice:
    """Who is told of a transition, and what: the members of an organisation (a workflow notice,
    called with the moved row inside the transition's transaction)."""

    organisation: Organisation | None
    kind: str
    title: str
    body: str = ""
    url: str = ""

    def __call__(self, subject: Any = None) -> None:
        notify_organisation(self.organisation, kind=self.kind, title=self.title, body=self.body, url=self.url)
