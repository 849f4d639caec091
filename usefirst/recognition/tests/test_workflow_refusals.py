"""Moves the workflows refuse (recognition/workflows.py): a move from a state that does not
allow it, by someone without the role, or on a copy that is out of date — on the services, the
API and the pages, each with its registered code or reason, and nothing changed."""

from __future__ import annotations

import datetime as dt
import json
from importlib import import_module

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from usefirst.core.errors import DomainError
from usefirst.recognition import services
from usefirst.recognition.models import (
    ApplicationEvent,
    ApplicationStatus,
    MisconductRecord,
    MisconductStatus,
    RecognitionApplication,
)

from .builders import make_achievement, pay_later_licence, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(unit, owner, enterprise):
    achievement = make_achievement(unit)
    licence = pay_later_licence(achievement, licensee=enterprise, created_by=owner)
    receive(licence, "500000.00", on=dt.date(2026, 3, 2), actor=owner)
    return services.application_create(actor=owner, achievement=achievement)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def api(user, path, body=None):
    return client_for(user).post(f"/api/v1{path}", data=json.dumps(body or {}), content_type="application/json")


def unchanged(application, status=ApplicationStatus.DRAFT, events=1):
    application.refresh_from_db()
    assert application.status == status
    assert ApplicationEvent.objects.filter(subject=application).count() == events


def test_two_recommendations_at_once_one_wins_the_other_is_told_the_state_changed(draft, owner):
    first, second = RecognitionApplication.objects.get(pk=draft.pk), RecognitionApplication.objects.get(pk=draft.pk)
    services.application_recommend(actor=owner, application=first, opinion="同意推荐")
    with pytest.raises(DomainError) as refused:
        services.application_recommend(actor=owner, application=second, opinion="同意推荐")
    assert refused.value.code == "stale_state"
    assert "认定申请的状态已变更为“已推荐，待省级审核”" in refused.value.detail
    unchanged(draft, ApplicationStatus.RECOMMENDED, events=2)


def test_a_reviewers_two_decisions_at_once_exactly_one_is_taken(draft, owner, reviewer):
    services.application_recommend(actor=owner, application=draft, opinion="同意推荐")
    first, second = RecognitionApplication.objects.get(pk=draft.pk), RecognitionApplication.objects.get(pk=draft.pk)
    services.application_reject(actor=reviewer, application=first, reason="不符合条件")
    with pytest.raises(DomainError) as refused:
        services.application_select(actor=reviewer, application=second, key_technology_confirmed=True)
    assert refused.value.code == "stale_state"
    unchanged(draft, ApplicationStatus.REJECTED, events=3)


def test_the_api_refuses_a_move_the_workflow_does_not_declare(draft, reviewer):
    response = api(reviewer, f"/recognition/applications/{draft.pk}/reject", {"reason": "不符合条件"})
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    assert response.json()["detail"] == "当前状态“草稿”不能变为“未予认定”"
    unchanged(draft)


def test_the_api_refuses_a_move_by_the_wrong_role(draft, owner):
    services.application_recommend(actor=owner, application=draft, opinion="同意推荐")
    response = api(owner, f"/recognition/applications/{draft.pk}/select", {"key_technology_confirmed": True})
    assert response.status_code == 403
    assert response.json()["code"] == "recognition_not_provincial_reviewer"
    unchanged(draft, ApplicationStatus.RECOMMENDED, events=2)


def test_the_page_goes_back_with_the_reason_of_a_refused_move(draft, reviewer):
    client = client_for(reviewer)
    response = client.post(f"/recognition/applications/{draft.pk}/reject/", {"reason": "不符合条件"})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["当前状态“草稿”不能变为“未予认定”"]
    unchanged(draft)


# ---------------------------------------------------------------- misconduct records


@pytest.fixture
def appealed(unit_with_superior, owner, reviewer):
    record = services.misconduct_record(
        actor=reviewer,
        organisation=unit_with_superior,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2028, 12, 31),
        reason="伪造到账凭证",
    )
    return services.misconduct_appeal(actor=owner, record=record, text="凭证真实，附银行回单")


def test_two_decisions_on_an_appeal_at_once_exactly_one_is_taken(appealed, reviewer):
    first, second = MisconductRecord.objects.get(pk=appealed.pk), MisconductRecord.objects.get(pk=appealed.pk)
    services.misconduct_decide_appeal(actor=reviewer, record=first, withdraw=True, answer="申诉成立")
    with pytest.raises(DomainError) as refused:
        services.misconduct_decide_appeal(actor=reviewer, record=second, withdraw=False, answer="维持记录")
    assert refused.value.code == "stale_state"
    appealed.refresh_from_db()
    assert appealed.status == MisconductStatus.WITHDRAWN
    assert list(appealed.events.order_by("pk").values_list("event_type", flat=True)) == ["record", "appeal", "withdraw"]


def test_the_page_refuses_a_second_appeal_and_a_decision_by_the_superior_department(appealed, owner, superior_staff):
    back = f"/recognition/misconduct/{appealed.pk}/"
    response = client_for(owner).post(back, {"step": "appeal", "text": "再次申诉"})
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["该记录当前不能申诉"]
    response = client_for(superior_staff).post(back, {"step": "decide", "withdraw": "yes", "answer": "撤销"})
    assert response.status_code == 403  # the error page, with the reason
    assert "只有省科学技术厅的审核人员可以办理认定" in response.content.decode()
    appealed.refresh_from_db()
    assert appealed.status == MisconductStatus.APPEALED
    assert appealed.events.count() == 2


# ---------------------------------------------------------------- event rows written before event types


def test_rows_written_before_event_types_get_theirs_from_the_move_they_record(draft, appealed):
    from django.apps import apps

    fill = import_module("usefirst.recognition.migrations.0003_fill_event_type").fill
    ApplicationEvent.objects.update(event_type="")
    appealed.events.update(event_type="")
    ApplicationEvent.objects.create(subject=draft, from_status="draft", to_status="draft", reason="演示数据：公示期移至过去")
    ApplicationEvent.objects.create(subject=draft, from_status="draft", to_status="recommended")
    fill(apps, None)
    assert list(draft.events.order_by("pk").values_list("event_type", flat=True)) == ["create", "notice_moved", "recommend"]
    assert list(appealed.events.order_by("pk").values_list("event_type", flat=True)) == ["record", "appeal"]


# ---------------------------------------------------------------- buttons, drawn from the moves allowed


def test_each_page_shows_the_buttons_of_the_moves_its_reader_may_take(draft, owner, reviewer):
    url = f"/recognition/applications/{draft.pk}/"
    assert "审核并推荐" in client_for(owner).get(url).content.decode()
    assert "审核并推荐" not in client_for(reviewer).get(url).content.decode()
    services.application_recommend(actor=owner, application=draft, opinion="同意推荐")
    assert "审核并推荐" not in client_for(owner).get(url).content.decode()
    assert "择优入选，进入公示" in client_for(reviewer).get(url).content.decode()
    assert "择优入选，进入公示" not in client_for(owner).get(url).content.decode()


def test_the_record_shows_the_appeal_to_its_subject_and_the_decision_to_the_province(draft, unit_with_superior, owner, reviewer):
    record = services.misconduct_record(
        actor=reviewer,
        organisation=unit_with_superior,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2028, 12, 31),
        reason="伪造到账凭证",
    )
    url = f"/recognition/misconduct/{record.pk}/"
    appeal_button = '<button type="submit">提出申诉</button>'
    assert appeal_button in client_for(owner).get(url).content.decode()
    assert appeal_button not in client_for(reviewer).get(url).content.decode()
    services.misconduct_appeal(actor=owner, record=record, text="凭证真实")
    page = client_for(owner).get(url).content.decode()
    assert appeal_button not in page
    assert "<td>提出申诉</td><td>有效 → 申诉中</td>" in page  # the history says what happened
    assert 'name="answer"' in client_for(reviewer).get(url).content.decode()
    assert 'name="answer"' not in client_for(owner).get(url).content.decode()
