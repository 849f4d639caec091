"""The one notification service: an in-app inbox row now, e-mail after the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from usefirst.core.actors import Actor
from usefirst.core.errors import from_validation_error
from usefirst.core.permissions import Action, restrict

from .kinds import check_kind
from .models import Notification, Preference
from .tasks import send_notification_email


def notify(
    *, recipients: Iterable[Any], kind: str, title: str, body: str = "", url: str = "", email: bool = True
) -> list[Notification]:
    """One inbox row per active recipient (duplicates collapsed). E-mail is queued only when the
    surrounding transaction commits, so a rolled-back action never mails anyone, and only to
    recipients who have not turned e-mail off. `kind` is `<area>.<event>` (kinds.py)."""
    check_kind(kind)
    users = {u.pk: u for u in recipients if u is not None and u.is_active}
    rows = [Notification.objects.create(recipient=user, kind=kind, title=title, body=body, url=url) for user in users.values()]
    if email and rows:
        muted = set(Preference.objects.filter(user_id__in=list(users), email_enabled=False).values_list("user_id", flat=True))
        for row in rows:
            if row.recipient_id not in muted and row.recipient.email:
                transaction.on_commit(partial(send_notification_email.enqueue, notification_id=row.pk))
    return rows


def notification_mark_read(*, user: Actor, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's own unread notifications read (all of them when no ids are given)."""
    unread = restrict(Notification.objects.all(), user, Action.CHANGE).filter(read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())


def preference_update(*, actor: Actor, email_enabled: bool, digest: str) -> Preference:
    with transaction.atomic():
        preference, _ = Preference.objects.select_for_update().get_or_create(user=actor)
        preference.email_enabled = email_enabled
        preference.digest = digest
        try:
            preference.full_clean()
        except ValidationError as exc:
            raise from_validation_error(exc) from exc
        preference.save()
    return preference
