"""The one chokepoint for object access (docs/architecture.md, "How a request flows").

Every model that users reach registers a policy here. Views, the API and exports ask
`restrict()` for a queryset already scoped to what the user may do, or `get_for_user()`
for one object; no view queries a registered model unscoped.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, Protocol

from django.core.exceptions import ObjectDoesNotExist
from django.db import models

from .actors import Visitor
from .errors import Forbidden, NotFound


class Action(StrEnum):
    VIEW = "view"  # see the item (public items: everyone)
    CHANGE = "change"  # edit or move through the owner's transitions
    REVIEW = "review"  # approve or return as the routed reviewing department
    HISTORY = "history"  # read the event history and private attachments
    ADMINISTER = "administer"  # provincial administration


class Policy(Protocol):
    """A model's access rules. A policy whose VIEW scope grants everyone, signed in or not, the
    same public items (and some visitors more) also says which in a `public() -> Q` method: a
    public listing that shows those alone, whoever asks, reads them by `public()` below."""

    def scope(self, user: Visitor, action: Action, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]: ...


_POLICIES: dict[type[models.Model], Policy] = {}


def register[P: Policy](model: type[models.Model]) -> Callable[[type[P]], type[P]]:
    def decorator(policy_class: type[P]) -> type[P]:
        _POLICIES[model] = policy_class()
        return policy_class

    return decorator


def restrict[M: models.Model](queryset: models.QuerySet[M], user: Visitor, action: Action) -> models.QuerySet[M]:
    policy = _POLICIES.get(queryset.model)
    if policy is None:
        raise LookupError(f"no access policy registered for {queryset.model.__name__}")
    return policy.scope(user, action, queryset)


def public[M: models.Model](queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """The objects every visitor may see (the policy's `public` predicate, which its VIEW scope
    grants to all): what a public listing shows whoever asks, without the visitor's own scope,
    which could only add items the listing leaves out."""
    declared = getattr(_POLICIES.get(queryset.model), "public", None)
    if declared is None:
        raise LookupError(f"no public items declared for {queryset.model.__name__}")
    return queryset.filter(declared())


def get_for_user[M: models.Model](queryset: models.QuerySet[M], user: Visitor, action: Action, **lookup: Any) -> M:
    """The object if the user may do `action` on it. An object the user may not even see
    is reported as missing (404), so that existence does not leak; one they may see but not
    act on is forbidden (403)."""
    try:
        return restrict(queryset, user, action).get(**lookup)
    except ObjectDoesNotExist:
        pass
    if action != Action.VIEW and restrict(queryset, user, Action.VIEW).filter(**lookup).exists():
        raise Forbidden("您没有执行此操作的权限", code="forbidden")
    raise NotFound("未找到该对象，或您无权查看", code="not_found")


def can(user: Visitor, action: Action, obj: models.Model) -> bool:
    manager = type(obj)._default_manager
    return restrict(manager.all(), user, action).filter(pk=obj.pk).exists()
