from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.utils import timezone

from .models import Notification


@task()
def send_notification_email(*, notification_id: int) -> None:
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id, emailed_at__isnull=True).first()
    if notification is None:
        return
    body = notification.body
    if notification.url:
        body += f"\n\n查看详情：{notification.url}"
    send_mail(f"【{settings.SITE_NAME}】{notification.title}", body, None, [notification.recipient.email])
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
