"""The one notification service: an in-app inbox row now, e-mail after the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import Notification, Preference
from .tasks import send_notification_email


def notify(
    *, recipients: Iterable[Any], kind: str, title: str, body: str = "", url: str = "", email: bool = True
) -> list[Notification]:
    rows = [
        Notification.objects.create(recipient=user, kind=kind, title=title, body=body, url=url)
        for user in {u.pk: u for u in recipients if u is not None and u.is_active}.values()
    ]
    if email:
        for row in rows:
            pref = Preference.objects.filter(user_id=row.recipient_id).first()
            if pref is None or pref.email_enabled:
                transaction.on_commit(partial(send_notification_email.enqueue, notification_id=row.pk))
    return rows


def notification_mark_read(*, user: Any, notification_ids: Iterable[int] | None = None) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())
