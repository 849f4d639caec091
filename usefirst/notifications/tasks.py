from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.utils import timezone

from .models import Notification


def message_id(notification: Notification) -> str:
    """The same Message-ID for every attempt at one notification's mail, so a mail system that
    sees it twice can tell it is one message."""
    host = urlsplit(settings.SITE_URL).hostname or "usefirst.invalid"
    return f"<notification-{notification.pk}.{int(notification.created_at.timestamp())}@{host}>"


@task()
def send_notification_email(*, notification_id: int) -> None:
    """The mail copy of one notification, sent at most once (docs/deployment.md, "Task
    workers"): the run first claims the mail in its own committed statement, so a second run — the
    worker killed and the task put back — finds it claimed and sends nothing. A send that fails
    gives the claim back, so the task run again sends it. A worker killed between the claim and
    the send leaves a mail unsent (the inbox row is the record); never one sent twice."""
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True, email_claimed_at__isnull=True).update(
        email_claimed_at=timezone.now()
    )
    if not claimed:
        return
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    body = notification.body
    if notification.url:
        body += f"\n\n查看详情：{notification.url}"
    mail = EmailMessage(
        f"【{settings.SITE_NAME}】{notification.title}",
        body,
        None,
        [notification.recipient.email],
        headers={"Message-ID": message_id(notification)},
    )
    try:
        mail.send()
    except Exception:
        Notification.objects.filter(pk=notification_id).update(email_claimed_at=None)
        raise
    Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now())
