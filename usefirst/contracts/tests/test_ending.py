"""A contract ends as its terms say (docs/domain.md, "Ending a contract"): during
free use either side may end it; once formal terms or a payment plan apply, only by agreement
of both or by a notice with its grounds and period that the other side may answer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from usefirst.contracts import services
from usefirst.contracts.models import ContractStatus, EndingRequest
from usefirst.core.dates import today
from usefirst.core.errors import DomainError

from .conftest import draft, sign_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def formal(platform_ca, owner, unit, enterprise, achievement, licensee_signer):
    """A signed formal licence (payments run under it)."""
    contract = draft(
        owner, unit, enterprise, achievement, kind="licence", free_use_start=None, free_use_end=None, price=Decimal("3600000.00")
    )
    return sign_all(contract, owner, licensee_signer)


def refused(code, call):
    with pytest.raises(DomainError) as info:
        call()
    assert info.value.code == code, info.value.detail
    return info.value


def test_one_party_cannot_end_a_signed_formal_licence_in_one_call(formal, licensee_signer):
    refused(
        "ending_needs_agreement_or_notice",
        lambda: services.contract_end(actor=licensee_signer, contract=formal, reason="不想付了，终止"),
    )
    refused("reason_invalid", lambda: services.contract_end(actor=licensee_signer, contract=formal, reason="x"))
    formal.refresh_from_db()
    assert formal.status == ContractStatus.SIGNED


def test_by_agreement_the_other_side_accepts_and_the_contract_ends(formal, licensee_signer, owner):
    request = services.ending_propose(actor=licensee_signer, contract=formal, kind="agreement", grounds="产线调整，双方协商终止")
    refused("ending_same_side", lambda: services.ending_answer(actor=licensee_signer, request=request, accept=True))
    refused(
        "ending_already_open",
        lambda: services.ending_propose(actor=owner, contract=formal, kind="notice", grounds="另行通知终止"),
    )
    services.ending_answer(actor=owner, request=request, accept=True)
    formal.refresh_from_db()
    assert formal.status == ContractStatus.ENDED
    refused("ending_already_answered", lambda: services.ending_answer(actor=owner, request=request, accept=True))


def test_a_declined_agreement_leaves_the_contract_running(formal, licensee_signer, owner):
    request = services.ending_propose(actor=licensee_signer, contract=formal, kind="agreement", grounds="产线调整，协商终止")
    refused("reason_invalid", lambda: services.ending_answer(actor=owner, request=request, accept=False, answer=""))
    services.ending_answer(actor=owner, request=request, accept=False, answer="合同约定的付款尚未履行完毕")
    request.refresh_from_db()
    formal.refresh_from_db()
    assert request.status == EndingRequest.Status.DECLINED and formal.status == ContractStatus.SIGNED


def test_a_notice_takes_effect_the_day_after_its_period_unless_answered(formal, licensee_signer, owner):
    request = services.ending_propose(actor=licensee_signer, contract=formal, kind="notice", grounds="技术实施失败，依约通知终止")
    last_day = today() + dt.timedelta(days=30)  # contract_notice_days: the day after the notice counts as the first
    assert request.effective_on == last_day + dt.timedelta(days=1)
    services.contract_advance(on=last_day)
    formal.refresh_from_db()
    assert formal.status == ContractStatus.SIGNED
    services.contract_advance(on=last_day + dt.timedelta(days=1))
    formal.refresh_from_db()
    request.refresh_from_db()
    assert formal.status == ContractStatus.ENDED and request.status == EndingRequest.Status.EFFECTIVE


def test_an_objection_stops_a_notice(formal, licensee_signer, owner):
    request = services.ending_propose(actor=licensee_signer, contract=formal, kind="notice", grounds="技术实施失败，依约通知终止")
    services.ending_answer(actor=owner, request=request, accept=False, answer="技术已按约交付，不同意终止")
    services.contract_advance(on=today() + dt.timedelta(days=60))
    formal.refresh_from_db()
    assert formal.status == ContractStatus.SIGNED


def test_during_free_use_either_side_may_still_end_in_one_step(
    platform_ca, owner, unit, enterprise, achievement, licensee_signer
):
    running = sign_all(draft(owner, unit, enterprise, achievement), owner, licensee_signer)
    assert services.ends_in_one_step(running)
    services.contract_end(actor=licensee_signer, contract=running, reason="试用效果不理想，停止使用")
    running.refresh_from_db()
    assert running.status == ContractStatus.ENDED


def test_an_ending_reason_typed_on_two_lines_is_accepted(platform_ca, owner, unit, enterprise, achievement, licensee_signer):
    running = sign_all(draft(owner, unit, enterprise, achievement), owner, licensee_signer)
    services.contract_end(actor=licensee_signer, contract=running, reason="第一行：材料不全\r\n第二行：请补充证明")
    assert running.events.filter(reason="第一行：材料不全\n第二行：请补充证明").exists()


def test_the_api_refuses_the_one_call_end_and_drives_the_notice(formal, licensee_signer, owner):
    from usefirst.catalog.tests.factories import bearer_for

    client = Client()
    end = client.post(
        f"/api/v1/contracts/{formal.pk}/end",
        {"reason": "x"},
        content_type="application/json",
        headers=bearer_for(licensee_signer),
    )
    assert end.status_code in (400, 409) and end.json()["code"] in ("reason_invalid", "ending_needs_agreement_or_notice")
    notice = client.post(
        f"/api/v1/contracts/{formal.pk}/ending-requests",
        {"kind": "notice", "grounds": "技术实施失败，依约通知终止"},
        content_type="application/json",
        headers=bearer_for(licensee_signer),
    )
    assert notice.status_code == 201
    assert (notice.json()["kind_display"], notice.json()["status_display"]) == ("通知终止", "待对方答复")
    own = client.post(
        f"/api/v1/contracts/{formal.pk}/ending-requests/{notice.json()['id']}/answer",
        {"accept": True},
        content_type="application/json",
        headers=bearer_for(licensee_signer),
    )
    assert own.status_code == 403 and own.json()["code"] == "ending_same_side"


def test_the_page_offers_agreement_or_notice_and_the_other_side_answers(formal, licensee_signer, owner):
    enterprise_page = Client()
    enterprise_page.force_login(licensee_signer)
    page = enterprise_page.get(reverse("contracts:detail", args=[formal.pk])).content.decode()
    assert "协商一致终止" in page and "发出终止通知" in page and "终止合同（企业随即停止使用）" not in page
    enterprise_page.post(
        reverse("contracts:ending_propose", args=[formal.pk]), {"kind": "agreement", "grounds": "产线调整，协商终止"}
    )
    request = EndingRequest.objects.get(contract=formal)
    unit_page = Client()
    unit_page.force_login(owner)
    assert "同意终止" in unit_page.get(reverse("contracts:detail", args=[formal.pk])).content.decode()
    unit_page.post(reverse("contracts:ending_act", args=[formal.pk, request.pk, "accept"]))
    formal.refresh_from_db()
    assert formal.status == ContractStatus.ENDED


def test_with_the_clock_the_notice_boundary_holds_in_shanghai_dates(formal, licensee_signer):
    with time_machine.travel(dt.datetime(2026, 12, 4, 17, tzinfo=dt.UTC), tick=False):  # 01:00 on 5 December in Shanghai
        request = services.ending_propose(
            actor=licensee_signer, contract=formal, kind="notice", grounds="技术实施失败，依约通知终止"
        )
    assert request.effective_on == dt.date(2027, 1, 5)


def test_a_party_of_another_contract_cannot_end_this_one_by_service_api_or_page(formal, owner, unit, achievement, platform_ca):
    """Boundary: another enterprise, itself a party to a contract with the same unit, may neither
    propose nor give notice of ending `formal`, nor end it in one step; nothing is saved."""
    from usefirst.accounts.models import Membership, OrganisationKind
    from usefirst.catalog.tests.factories import bearer_for
    from usefirst.contracts.models import ContractEvent
    from usefirst.core.testing import make_org, make_user

    rival = make_org(OrganisationKind.ENTERPRISE, name="佛山另一科技有限公司", city="佛山市", county="南海区")
    stranger = make_user(rival, role=Membership.Role.ADMIN)
    own = draft(owner, unit, rival, achievement)  # the stranger is a party, but of its own contract
    assert own.licensee_id == rival.pk
    events = ContractEvent.objects.filter(subject=formal).count()

    refused(
        "forbidden", lambda: services.ending_propose(actor=stranger, contract=formal, kind="notice", grounds="我方通知终止该合同")
    )
    refused("forbidden", lambda: services.contract_end(actor=stranger, contract=formal, reason="我方要求终止该合同"))

    api = Client().post(
        f"/api/v1/contracts/{formal.pk}/ending-requests",
        {"kind": "agreement", "grounds": "我方提出协商终止"},
        content_type="application/json",
        headers=bearer_for(stranger),
    )
    # a contract one is not party to is reported as missing, so its existence does not leak
    assert api.status_code == 404 and api.json()["code"] == "not_found"

    page = Client()
    page.force_login(stranger)
    posted = page.post(reverse("contracts:ending_propose", args=[formal.pk]), {"kind": "notice", "grounds": "我方通知终止该合同"})
    assert posted.status_code == 404 and "页面不存在" in posted.content.decode()
    ended = page.post(reverse("contracts:end", args=[formal.pk]), {"reason": "我方要求终止该合同"})
    assert ended.status_code == 404

    formal.refresh_from_db()
    assert formal.status == ContractStatus.SIGNED and formal.ended_at is None
    assert not EndingRequest.objects.filter(contract=formal).exists()
    assert ContractEvent.objects.filter(subject=formal).count() == events
