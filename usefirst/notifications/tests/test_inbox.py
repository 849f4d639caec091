import pytest
from django.core import mail
from django.db import transaction

from usefirst.core.testing import make_user
from usefirst.notifications.models import Notification, Preference
from usefirst.notifications.selectors import unread_count
from usefirst.notifications.services import notification_mark_read, notify, preference_update


def tell(*users, **extra):
    return notify(
        recipients=users, kind="test.notice", title=extra.pop("title", "成果已发布"), body="您的成果已通过审核", **extra
    )


@pytest.mark.django_db
def test_notify_creates_one_inbox_row_per_recipient(owner, outsider):
    rows = tell(owner, outsider, owner)
    assert len(rows) == 2
    assert Notification.objects.filter(recipient=owner).count() == 1
    assert unread_count(owner) == 1


@pytest.mark.django_db
def test_inactive_users_get_nothing(owner):
    owner.is_active = False
    owner.save()
    assert tell(owner) == []


@pytest.mark.django_db
def test_the_email_is_sent_only_after_the_transaction_commits(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tell(owner)
        assert mail.outbox == []
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [owner.email]
    assert "成果已发布" in message.subject
    assert Notification.objects.get(recipient=owner).emailed_at is not None


@pytest.mark.django_db
def test_a_rolled_back_action_sends_no_email_and_leaves_no_inbox_row(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        tell(owner)
        raise RuntimeError("the action failed")
    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_no_email_when_the_recipient_turned_it_off_or_the_caller_asked_for_none(
    owner, outsider, django_capture_on_commit_callbacks
):
    preference_update(actor=owner, email_enabled=False, digest=Preference.Digest.NEVER)
    with django_capture_on_commit_callbacks(execute=True):
        tell(owner)
        tell(outsider, email=False)
    assert mail.outbox == []
    assert Notification.objects.count() == 2


@pytest.mark.django_db
def test_marking_read_touches_only_ones_own_notifications(owner, outsider):
    mine = tell(owner)[0]
    theirs = tell(outsider)[0]
    assert notification_mark_read(user=owner, notification_ids=[mine.pk, theirs.pk]) == 1
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert unread_count(owner) == 0


# ---- pages ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_inbox_needs_a_login(client):
    response = client.get("/notifications/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_an_empty_inbox_says_so(client, owner):
    client.force_login(owner)
    response = client.get("/notifications/")
    assert response.status_code == 200
    assert "暂无通知" in response.content.decode()


@pytest.mark.django_db
def test_the_header_shows_the_unread_count(client, owner):
    tell(owner)
    tell(owner, title="第二条")
    client.force_login(owner)
    html = client.get("/").content.decode()
    assert "2 条未读" in html


@pytest.mark.django_db
def test_the_inbox_lists_only_ones_own_notifications_escaped(client, owner, outsider):
    tell(owner, title="P<0.05 <script>alert(1)</script>")
    tell(outsider, title="别人的通知")
    client.force_login(owner)
    html = client.get("/notifications/").content.decode()
    assert "P&lt;0.05 &lt;script&gt;" in html
    assert "别人的通知" not in html


@pytest.mark.django_db
def test_the_inbox_is_paginated_and_a_page_past_the_end_is_explained(client, owner):
    for i in range(25):
        tell(owner, title=f"通知{i:02d}")
    client.force_login(owner)
    first = client.get("/notifications/").content.decode()
    assert "通知24" in first and "通知04" not in first and "下一页" in first
    second = client.get("/notifications/?page=2").content.decode()
    assert "通知04" in second
    past = client.get("/notifications/?page=9")
    assert past.status_code == 404
    assert "页码超出范围" in past.content.decode()


@pytest.mark.django_db
def test_mark_all_read_through_the_page(client, owner):
    tell(owner)
    tell(owner)
    client.force_login(owner)
    response = client.post("/notifications/read/", {"all": "1"}, follow=True)
    assert "已将 2 条通知标记为已读" in response.content.decode()
    assert unread_count(owner) == 0


@pytest.mark.django_db
def test_opening_a_notification_marks_it_read_and_follows_only_local_links(client, owner):
    local = tell(owner, url="/achievements/")[0]
    foreign = tell(owner, url="https://evil.example.com/")[0]
    client.force_login(owner)
    assert client.post(f"/notifications/{local.pk}/open/")["Location"] == "/achievements/"
    assert client.post(f"/notifications/{foreign.pk}/open/")["Location"] == "/notifications/"
    assert unread_count(owner) == 0


@pytest.mark.django_db
def test_nobody_opens_someone_elses_notification(client, owner, outsider):
    theirs = tell(outsider)[0]
    client.force_login(owner)
    assert client.post(f"/notifications/{theirs.pk}/open/").status_code == 404


@pytest.mark.django_db
def test_preferences_are_saved_through_the_form(client, owner):
    client.force_login(owner)
    page = client.get("/notifications/preferences/").content.decode()
    assert "接收邮件通知" in page
    response = client.post("/notifications/preferences/", {"digest": "daily"}, follow=True)
    assert "通知设置已保存" in response.content.decode()
    preference = Preference.objects.get(user=owner)
    assert preference.email_enabled is False and preference.digest == "daily"


@pytest.mark.django_db
def test_an_unknown_digest_frequency_is_refused_in_chinese(client, owner):
    client.force_login(owner)
    response = client.post("/notifications/preferences/", {"email_enabled": "on", "digest": "hourly"})
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not Preference.objects.filter(user=owner).exists()


def test_make_user_is_the_shared_builder():
    assert callable(make_user)
