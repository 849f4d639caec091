import datetime as dt
import json
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, transaction

from usefirst.core.errors import DomainError, Forbidden
from usefirst.core.models import AuditEntry
from usefirst.core.testing import make_user
from usefirst.policy.models import ParameterVersion
from usefirst.policy.parameters import DEFINITIONS, POLICY_END, POLICY_START
from usefirst.policy.selectors import parameter_overview, parameter_value
from usefirst.policy.services import parameter_set
from usefirst.tests.screen_text import visible_text

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def set_share(actor, value="0.75", day=dt.date(2026, 3, 1), reason="省厅会议决定"):
    return parameter_set(actor=actor, key="inventor_share_floor", value=value, effective_from=day, reason=reason)


@pytest.mark.django_db
def test_without_any_version_a_parameter_has_its_default():
    assert parameter_value("inventor_share_floor") == Decimal("0.70")
    assert parameter_value("recognition_yearly_cap") == 200


@pytest.mark.django_db
def test_it_refuses_an_effective_date_the_day_before_the_policy_starts(provincial_admin):
    with pytest.raises(DomainError) as info:
        set_share(provincial_admin, day=dt.date(2026, 1, 31))
    assert info.value.code == "parameter_outside_term"
    assert not ParameterVersion.objects.exists()


@pytest.mark.django_db
def test_it_accepts_an_effective_date_on_the_first_day_of_the_policy(provincial_admin):
    version = set_share(provincial_admin, day=dt.date(2026, 2, 1))
    assert version.effective_from == POLICY_START


@pytest.mark.django_db
def test_it_accepts_the_last_day_of_the_term_and_refuses_the_day_after(provincial_admin):
    set_share(provincial_admin, day=POLICY_END)
    with pytest.raises(DomainError):
        set_share(provincial_admin, day=POLICY_END + dt.timedelta(days=1))


@pytest.mark.django_db
def test_the_database_also_refuses_a_version_outside_the_term():
    with pytest.raises(IntegrityError), transaction.atomic():
        ParameterVersion.objects.create(key="inventor_share_floor", value="0.8", effective_from=dt.date(2026, 1, 31), reason="x")


@pytest.mark.django_db
def test_the_value_in_force_switches_on_its_effective_date_in_shanghai(provincial_admin):
    set_share(provincial_admin, value="0.75", day=dt.date(2026, 3, 1))
    # 2026-03-01 00:00 in Shanghai is 2026-02-28 16:00 UTC.
    with time_machine.travel(dt.datetime(2026, 2, 28, 23, 59, 59, tzinfo=SHANGHAI), tick=False):
        assert parameter_value("inventor_share_floor") == Decimal("0.70")
    with time_machine.travel(dt.datetime(2026, 3, 1, 0, 0, 0, tzinfo=SHANGHAI), tick=False):
        assert parameter_value("inventor_share_floor") == Decimal("0.75")
    assert parameter_value("inventor_share_floor", on=dt.date(2026, 2, 28)) == Decimal("0.70")


@pytest.mark.django_db
def test_a_later_correction_for_the_same_date_wins(provincial_admin):
    set_share(provincial_admin, value="0.75")
    set_share(provincial_admin, value="0.80", reason="更正")
    assert parameter_value("inventor_share_floor", on=dt.date(2026, 3, 1)) == Decimal("0.80")
    assert ParameterVersion.objects.count() == 2


@pytest.mark.django_db
def test_every_change_records_who_when_why_and_an_audit_row(provincial_admin):
    version = set_share(provincial_admin, reason="  省厅会议决定  ")
    assert version.changed_by == provincial_admin
    assert version.reason == "省厅会议决定"
    assert version.changed_at is not None
    entry = AuditEntry.objects.get(action="policy.parameter_set")
    assert entry.actor == provincial_admin and entry.detail["key"] == "inventor_share_floor"


@pytest.mark.django_db
def test_a_version_cannot_be_edited_once_saved(provincial_admin):
    version = set_share(provincial_admin)
    version.value = "0.9"
    with pytest.raises(RuntimeError):
        version.save()


@pytest.mark.django_db
def test_only_a_provincial_admin_may_set_a_parameter(provincial_reviewer, owner):
    for actor in (provincial_reviewer, owner):
        with pytest.raises(Forbidden):
            set_share(actor)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("inventor_share_floor", "abc"),
        ("inventor_share_floor", "-0.1"),
        ("inventor_share_floor", "NaN"),
        ("inventor_share_floor", 0.75),
        ("recognition_yearly_cap", "1.5"),
        ("recognition_yearly_cap", "-3"),
        ("recognition_only_use_first_contracts", "maybe"),
        ("recognition_inventor_scope", "everyone"),
    ],
)
def test_it_refuses_a_value_of_the_wrong_kind(provincial_admin, key, value):
    with pytest.raises(DomainError) as info:
        parameter_set(actor=provincial_admin, key=key, value=value, effective_from=dt.date(2026, 3, 1), reason="r")
    assert info.value.code == "parameter_invalid"


@pytest.mark.django_db
def test_it_refuses_an_unknown_parameter_and_an_empty_reason(provincial_admin):
    with pytest.raises(DomainError, match="未知"):
        parameter_set(actor=provincial_admin, key="nope", value=1, effective_from=dt.date(2026, 3, 1), reason="r")
    with pytest.raises(DomainError, match="理由"):
        set_share(provincial_admin, reason="   ")


@pytest.mark.django_db
def test_booleans_and_choices_are_stored_typed(provincial_admin):
    parameter_set(
        actor=provincial_admin, key="recognition_pro_rata_allocation", value="否", effective_from=POLICY_START, reason="r"
    )
    parameter_set(
        actor=provincial_admin, key="recognition_inventor_scope", value="leader_only", effective_from=POLICY_START, reason="r"
    )
    assert parameter_value("recognition_pro_rata_allocation", on=POLICY_START) is False
    assert parameter_value("recognition_inventor_scope", on=POLICY_START) == "leader_only"


@pytest.mark.django_db
def test_the_overview_lists_every_parameter_with_scheduled_and_superseded_versions(provincial_admin):
    set_share(provincial_admin, value="0.72", day=dt.date(2026, 2, 1))
    set_share(provincial_admin, value="0.75", day=dt.date(2026, 6, 1))
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, 0, tzinfo=SHANGHAI), tick=False):
        overview = {item.definition.key: item for item in parameter_overview()}
    assert set(overview) == set(DEFINITIONS)
    share = overview["inventor_share_floor"]
    assert share.value == Decimal("0.72") and not share.is_default
    assert [row.state for row in share.history] == ["scheduled", "in_force"]
    assert overview["recognition_yearly_cap"].is_default


# ---- the page -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_sends_anonymous_visitors_to_the_login(client):
    response = client.get("/policy/parameters/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_the_page_is_forbidden_to_people_outside_the_provincial_department(client, owner, outsider):
    for user in (owner, outsider):
        client.force_login(user)
        assert client.get("/policy/parameters/").status_code == 403


@pytest.mark.django_db
def test_provincial_staff_read_the_page_without_a_form(client, provincial_reviewer):
    client.force_login(provincial_reviewer)
    response = client.get("/policy/parameters/")
    assert response.status_code == 200
    html = response.content.decode()
    for definition in DEFINITIONS.values():
        assert definition.label in html
    assert "解释口径" in html and "政策规定" in html
    assert "保存新版本" not in html
    posted = client.post(
        "/policy/parameters/",
        {
            "key": "recognition_yearly_cap",
            "recognition_yearly_cap-value": "250",
            "recognition_yearly_cap-effective_from": "2026-03-01",
            "recognition_yearly_cap-reason": "r",
        },
    )
    assert posted.status_code == 403
    assert not ParameterVersion.objects.exists()


@pytest.mark.django_db
def test_the_page_names_each_parameter_in_chinese_with_its_value_as_people_write_it(client, provincial_reviewer):
    client.force_login(provincial_reviewer)
    text = visible_text(client.get("/policy/parameters/").content.decode())
    assert not re.search(r"[a-z]+_[a-z_]+", text), "a parameter key is shown"
    for figure in ("成果完成人收益比例下限", "70%", "50 万元", "3 年", "30 日", "200 项", "规则1：不低于70%"):
        assert figure in text
    assert "0.70" not in text and "500000" not in text


@pytest.mark.django_db
def test_a_provincial_admin_sets_a_value_through_the_page_and_sees_it_in_the_history(client, provincial_admin):
    client.force_login(provincial_admin)
    assert "保存新版本" in client.get("/policy/parameters/").content.decode()
    response = client.post(
        "/policy/parameters/",
        {
            "key": "recognition_yearly_cap",
            "recognition_yearly_cap-value": "250",
            "recognition_yearly_cap-effective_from": "2026-02-01",
            "recognition_yearly_cap-reason": "年度计划调整<script>",
        },
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "已设置" in html
    assert "年度计划调整&lt;script&gt;" in html
    assert parameter_value("recognition_yearly_cap", on=dt.date(2026, 2, 1)) == 250


@pytest.mark.django_db
def test_the_page_refuses_a_date_before_the_term_with_a_chinese_message(client, provincial_admin):
    client.force_login(provincial_admin)
    response = client.post(
        "/policy/parameters/",
        {
            "key": "recognition_yearly_cap",
            "recognition_yearly_cap-value": "250",
            "recognition_yearly_cap-effective_from": "2026-01-31",
            "recognition_yearly_cap-reason": "r",
        },
    )
    assert response.status_code == 200
    assert "生效日期须在政策有效期" in response.content.decode()
    assert not ParameterVersion.objects.exists()


# ---- the API --------------------------------------------------------------------------


@pytest.mark.django_db
def test_anyone_reads_the_parameters_through_the_api(client):
    response = client.get("/api/v1/policy/parameters")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(DEFINITIONS)
    share = next(item for item in body["items"] if item["key"] == "inventor_share_floor")
    assert share["value"] == "0.70" and share["is_default"] is True and share["interpretation"] is False
    assert share["display"] == "70%"


def _post(client, key, payload, **extra):
    return client.post(f"/api/v1/policy/parameters/{key}", json.dumps(payload), content_type="application/json", **extra)


@pytest.mark.django_db
def test_a_provincial_admin_sets_a_parameter_through_the_api(client, provincial_admin):
    from usefirst.api.tests.test_errors_and_rate_limit import make_token

    token = make_token(provincial_admin)
    payload = {"value": "0.75", "effective_from": "2026-02-01", "reason": "省厅决定"}
    response = _post(client, "inventor_share_floor", payload, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["history"][0]["value"] == "0.75"
    assert body["history"][0]["reason"] == "省厅决定"
    assert parameter_value("inventor_share_floor", on=dt.date(2026, 2, 1)) == Decimal("0.75")


@pytest.mark.django_db
def test_the_api_refuses_the_day_before_the_term_with_a_problem(client, provincial_admin):
    from usefirst.api.tests.test_errors_and_rate_limit import make_token

    token = make_token(provincial_admin)
    payload = {"value": 0.75, "effective_from": "2026-01-31", "reason": "r"}
    response = _post(client, "inventor_share_floor", payload, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "parameter_outside_term"


@pytest.mark.django_db
def test_the_api_asks_anonymous_clients_to_authenticate_and_forbids_others(client, owner):
    from usefirst.api.tests.test_errors_and_rate_limit import make_token

    payload = {"value": "0.75", "effective_from": "2026-02-01", "reason": "r"}
    assert _post(client, "inventor_share_floor", payload).status_code == 401
    token = make_token(owner)
    response = _post(client, "inventor_share_floor", payload, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 403
    assert response.json()["code"] == "not_provincial_admin"


@pytest.mark.django_db
def test_the_api_reports_an_unknown_parameter_as_not_found(client, provincial_admin):
    from usefirst.api.tests.test_errors_and_rate_limit import make_token

    token = make_token(provincial_admin)
    response = _post(
        client, "nope", {"value": 1, "effective_from": "2026-02-01", "reason": "r"}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "parameter_unknown"


def test_the_term_in_the_definitions_matches_the_database_constraint():
    constraint = ParameterVersion._meta.constraints[0]
    children = dict(constraint.condition.children)
    assert children == {"effective_from__gte": POLICY_START, "effective_from__lte": POLICY_END}
    assert make_user  # personas come from usefirst.core.testing


@pytest.mark.django_db
def test_the_header_links_the_page_for_provincial_staff_only(client, provincial_reviewer, owner):
    client.force_login(provincial_reviewer)
    assert 'href="/policy/parameters/"' in client.get("/").content.decode()
    client.force_login(owner)
    assert 'href="/policy/parameters/"' not in client.get("/").content.decode()
