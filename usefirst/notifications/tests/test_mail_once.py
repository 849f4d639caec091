"""A notification's mail is sent at most once, however often its task runs (a worker killed
mid-task has its task put back and run again: docs/deployment.md, "Task workers")."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from usefirst.notifications import tasks
from usefirst.notifications.models import Notification
from usefirst.notifications.services import notify

pytestmark = pytest.mark.django_db


def _quiet_notice(user):
    """An inbox row whose mail has not been sent: the test's transaction never commits, so the
    task is not enqueued; it is called by hand below."""
    return notify(recipients=[user], kind="test.notice", title="成果已发布", body="您的成果已通过审核")[0]


def test_running_the_task_twice_sends_one_mail_with_a_stable_message_id(owner):
    notice = _quiet_notice(owner)
    tasks.send_notification_email.call(notification_id=notice.pk)
    tasks.send_notification_email.call(notification_id=notice.pk)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == tasks.message_id(notice)
    assert Notification.objects.get(pk=notice.pk).emailed_at is not None


def test_a_run_after_a_worker_died_between_claim_and_send_sends_nothing(owner):
    notice = _quiet_notice(owner)
    Notification.objects.filter(pk=notice.pk).update(email_claimed_at=timezone.now())  # the killed run's claim
    tasks.send_notification_email.call(notification_id=notice.pk)
    assert mail.outbox == []


def test_a_failed_send_gives_the_claim_back_and_the_next_run_sends_once(owner):
    notice = _quiet_notice(owner)
    refused = mock.patch("django.core.mail.EmailMessage.send", side_effect=ConnectionRefusedError("smtp down"))
    with refused, pytest.raises(ConnectionRefusedError):
        tasks.send_notification_email.call(notification_id=notice.pk)
    assert Notification.objects.get(pk=notice.pk).email_claimed_at is None
    tasks.send_notification_email.call(notification_id=notice.pk)
    assert len(mail.outbox) == 1
