"""The notification inbox through the API: the caller's own notifications only (the chokepoint
scopes them), newest first, paginated like every list of the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Query, Router, Schema
from ninja.security import django_auth

from usefirst.api.auth import TokenAuth
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.errors import NotFound
from usefirst.core.pagination import paginate

from . import selectors, services
from .models import Notification

router = Router(tags=["消息"])
AUTH = [TokenAuth(), django_auth]


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationPageOut(Schema):
    count: int
    page: int
    page_size: int
    num_pages: int
    unread: int
    items: list[NotificationOut]


class InboxQuery(Schema):
    unread: bool = False
    page: int = 1
    page_size: int = 20


class MarkReadIn(Schema):
    ids: list[int] | None = None  # none: every unread notification


class MarkedOut(Schema):
    marked: int
    unread: int


def _out(n: Notification) -> dict[str, Any]:
    return {
        "id": n.pk,
        "kind": n.kind,
        "title": n.title,
        "body": n.body,
        "url": n.url,
        "created_at": n.created_at,
        "read_at": n.read_at,
    }


@router.get("/notifications", response=NotificationPageOut, auth=AUTH, summary="我的消息（可只看未读）")
def inbox(request: AuthenticatedHttpRequest, query: Query[InboxQuery]) -> dict[str, Any]:
    user = request.user
    page = paginate(selectors.inbox(user, unread_only=query.unread), page=query.page, page_size=query.page_size)
    return {**page.__dict__, "unread": selectors.unread_count(user), "items": [_out(n) for n in page.items]}


@router.get("/notifications/unread-count", response=dict[str, int], auth=AUTH, summary="未读消息数")
def unread_count(request: AuthenticatedHttpRequest) -> dict[str, int]:
    return {"unread": selectors.unread_count(request.user)}


@router.get("/notifications/{int:pk}", response=NotificationOut, auth=AUTH, summary="一条消息")
def notification(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    found = selectors.inbox(request.user).filter(pk=pk).first()
    if found is None:
        raise NotFound("消息不存在", code="not_found")
    return _out(found)


@router.post("/notifications/mark-read", response=MarkedOut, auth=AUTH, summary="标为已读（不给 ids 时全部标为已读）")
def mark_read(request: AuthenticatedHttpRequest, payload: MarkReadIn) -> dict[str, int]:
    user = request.user
    marked = services.notification_mark_read(user=user, notification_ids=payload.ids)
    return {"marked": marked, "unread": selectors.unread_count(user)}
