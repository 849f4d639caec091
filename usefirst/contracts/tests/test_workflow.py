"""The contract lifecycle on the workflow kernel (contracts/workflows.py): every event row names
its type, the history page says in Chinese what happened, and a forbidden move, a person without
the right, or a contract that moved on meanwhile is refused with its code — on the page and in the
API — and changes nothing."""

from __future__ import annotations

import importlib
import threading
from typing import Any

import pytest
from django.db import connections
from django.urls import reverse

from usefirst.accounts.models import Membership
from usefirst.contracts import api, services, views
from usefirst.contracts.models import Contract, ContractEvent, ContractStatus
from usefirst.contracts.workflows import CONTRACT, ContractEventType
from usefirst.core import workflow
from usefirst.core.errors import DomainError
from usefirst.core.testing import database_for_threads, in_a_thread, make_user

from .conftest import draft, sign_all

S = ContractStatus
E = ContractEventType


def refused(code: str, call: Any) -> DomainError:
    with pytest.raises(DomainError) as info:
        call()
    assert info.value.code == code, info.value.detail
    return info.value


def unchanged(contract: Contract) -> tuple[str, int]:
    return Contract.objects.get(pk=contract.pk).status, ContractEvent.objects.filter(subject=contract).count()


@pytest.fixture
def running(platform_ca, owner, unit, enterprise, achievement, licensee_signer) -> Contract:
    """A free-use licence signed by both sides today: in its free-use period."""
    return sign_all(draft(owner, unit, enterprise, achievement), owner, licensee_signer)


def test_every_event_names_its_type_and_the_history_page_says_what_happened(client, running, owner):
    events = list(running.events.values_list("event_type", "from_status", "to_status"))
    assert events == [
        (E.DRAFT, "", S.DRAFTED),
        (E.SIGN, S.DRAFTED, S.SIGNING),
        (E.COMPLETE_INTO_FREE_USE, S.SIGNING, S.FREE_USE),
    ]
    assert all(workflow.event_label(CONTRACT, e) for e in running.events.all())

    client.force_login(owner)
    page = client.get(reverse("contracts:detail", args=[running.pk])).content.decode()
    assert "<td>起草合同</td><td>— → 草拟</td>" in page
    assert "<td>一方签署</td><td>草拟 → 签署中</td>" in page
    assert "<td>各方签署完成，进入免费使用期</td><td>签署中 → 免费使用期内</td>" in page
    assert "各方均已签署" in page
    assert "drafted" not in page and "→ signing" not in page and "free_use<" not in page


def test_events_that_are_not_moves_keep_the_status_and_say_what_they_were(running, owner, licensee_signer):
    request = services.ending_propose(actor=owner, contract=running, kind="agreement", grounds="双方合作方向调整，协商终止")
    services.ending_withdraw(actor=owner, request=request)
    rows = list(running.events.order_by("pk").values_list("event_type", "from_status", "to_status"))[-2:]
    assert rows == [(E.PROPOSE_ENDING, S.FREE_USE, S.FREE_USE), (E.WITHDRAW_ENDING, S.FREE_USE, S.FREE_USE)]


def test_a_move_the_lifecycle_does_not_declare_is_refused_on_the_page_and_in_the_api(client, running, owner):
    before = unchanged(running)
    error = refused("illegal_transition", lambda: services.contract_cancel(actor=owner, contract=running))
    assert error.detail == "合同当前状态为“免费使用期内”，不能变更为“已撤销”"

    client.force_login(owner)
    page = client.post(reverse("contracts:cancel", args=[running.pk]), follow=True)
    assert "不能变更为“已撤销”" in page.content.decode()
    ended = services.contract_end(actor=owner, contract=running, reason="试用效果不理想，停止使用")
    after_end = unchanged(ended)
    answer = client.post(f"/api/v1/contracts/{running.pk}/end", {"reason": "再终止一次试试看"}, content_type="application/json")
    assert answer.status_code == 409 and answer.json()["code"] == "illegal_transition"
    assert unchanged(running) == after_end and after_end[1] == before[1] + 1


def test_a_signed_draft_cannot_be_cancelled_by_its_guard(platform_ca, owner, unit, enterprise, achievement):
    contract = sign_all(draft(owner, unit, enterprise, achievement), owner)
    assert contract.status == S.SIGNING
    before = unchanged(contract)
    error = refused("illegal_transition", lambda: services.contract_cancel(actor=owner, contract=contract))
    assert error.detail == "已有当事方签署的合同不能撤销，请使用终止"
    assert unchanged(contract) == before


def test_a_person_without_the_right_is_refused_and_nothing_changes(client, running, unit, agency, owner):
    Contract.objects.filter(pk=running.pk).update(agency=agency)
    agency_staff = make_user(agency, role=Membership.Role.ADMIN)
    unit_staff = make_user(unit, role=Membership.Role.STAFF)  # a member, not a signatory
    before = unchanged(running)
    refused("forbidden", lambda: services.contract_end(actor=agency_staff, contract=running, reason="机构代为终止合同"))
    with pytest.raises(DomainError) as info:
        workflow.transition(CONTRACT, running, E.SIGN, actor=unit_staff)
    assert info.value.code == "not_a_signer"

    client.force_login(agency_staff)
    page = client.post(reverse("contracts:end", args=[running.pk]), {"reason": "机构代为终止合同"})
    assert page.status_code in (403, 404)
    answer = client.post(f"/api/v1/contracts/{running.pk}/end", {"reason": "机构代为终止合同"}, content_type="application/json")
    assert answer.status_code in (403, 404)
    assert unchanged(running) == before


def test_a_contract_moved_on_meanwhile_is_a_stale_state(running, owner, licensee_signer):
    seen_by_licensee = Contract.objects.get(pk=running.pk)
    services.contract_end(actor=owner, contract=running, reason="试用效果不理想，停止使用")
    after = unchanged(running)
    error = refused(
        "stale_state",
        lambda: services.contract_end(actor=licensee_signer, contract=seen_by_licensee, reason="我方也要求终止合同"),
    )
    assert error.detail == "合同的状态已变更为“已终止”，请刷新后再操作"
    assert unchanged(running) == after


def _moved_meanwhile(monkeypatch: Any, module: Any, other: Any) -> None:
    """The page (or API call) reads the contract, then `other()` moves it before the write."""
    real = module.get_for_user

    def read_then_moved(*args: Any, **kwargs: Any) -> Any:
        seen = real(*args, **kwargs)
        other()
        return seen

    monkeypatch.setattr(module, "get_for_user", read_then_moved)


def test_a_page_and_an_api_call_that_lost_the_race_are_told_the_state_moved_on(
    client, monkeypatch, platform_ca, owner, unit, enterprise, achievement, licensee_signer
):
    on_page = draft(owner, unit, enterprise, achievement)
    _moved_meanwhile(monkeypatch, views, lambda: services.contract_cancel(actor=licensee_signer, contract=on_page))
    client.force_login(owner)
    page = client.post(reverse("contracts:cancel", args=[on_page.pk]), follow=True)
    assert "合同的状态已变更为“已撤销”，请刷新后再操作" in page.content.decode()
    assert unchanged(on_page) == (S.CANCELLED, 2)

    running = sign_all(draft(owner, unit, enterprise, achievement), owner, licensee_signer)
    _moved_meanwhile(
        monkeypatch, api, lambda: services.contract_end(actor=licensee_signer, contract=running, reason="我方先行终止合同")
    )
    answer = client.post(f"/api/v1/contracts/{running.pk}/end", {"reason": "试用效果不理想"}, content_type="application/json")
    assert answer.status_code == 409 and answer.json()["code"] == "stale_state"
    assert unchanged(running) == (S.ENDED, 4)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_parties_ending_at_once_one_wins_the_other_is_told_it_is_stale(
    platform_ca, owner, unit, enterprise, achievement, licensee_signer, tmp_path
):
    contract = sign_all(draft(owner, unit, enterprise, achievement), owner, licensee_signer)
    outcomes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(2)

    def party(actor: Any) -> None:
        try:
            seen = Contract.objects.get(pk=contract.pk)
            barrier.wait()
            try:
                services.contract_end(actor=actor, contract=seen, reason="双方都想终止这份合同")
                result = "ended"
            except DomainError as exc:
                result = exc.code
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()

    with database_for_threads(tmp_path):
        threads = [threading.Thread(target=party, args=(actor,)) for actor in (owner, licensee_signer)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        result = in_a_thread(lambda: (unchanged(contract), ContractEvent.objects.filter(event_type=E.END).count()))
    assert sorted(outcomes) == ["ended", "stale_state"]
    assert result == ((S.ENDED, 4), 1)


def test_rows_written_before_event_types_were_recorded_get_theirs_from_the_move_they_recorded(running, owner, licensee_signer):
    from django.apps import apps

    migration = importlib.import_module("usefirst.contracts.migrations.0008_contract_event_types")
    agreement = services.ending_propose(actor=owner, contract=running, kind="agreement", grounds="双方合作方向调整，协商终止")
    services.ending_withdraw(actor=owner, request=agreement)
    notice = services.ending_propose(actor=licensee_signer, contract=running, kind="notice", grounds="乙方停产，通知终止合同")
    services.ending_answer(actor=owner, request=notice, accept=False, answer="甲方不同意，乙方仍在使用该成果")
    services.contract_end(actor=owner, contract=running, reason="试用效果不理想，停止使用")
    typed = list(running.events.order_by("pk").values_list("event_type", flat=True))
    assert typed == [
        E.DRAFT, E.SIGN, E.COMPLETE_INTO_FREE_USE, E.PROPOSE_ENDING, E.WITHDRAW_ENDING, E.GIVE_NOTICE,
        E.OBJECT_TO_NOTICE, E.END,
    ]  # fmt: skip

    running.events.update(event_type="")
    migration.fill_event_types(apps, None)
    assert list(running.events.order_by("pk").values_list("event_type", flat=True)) == typed


@pytest.mark.parametrize(
    ("frm", "to", "payload", "reason", "has_actor", "expected"),
    [
        ("drafted", "signed", {"party": "甲"}, "各方均已签署", True, E.COMPLETE_SIGNING),
        ("signing", "signing", {"party": "乙"}, "乙 已签署", True, E.SIGN),
        ("signed", "free_use", {}, "免费使用期开始", False, E.START_FREE_USE),
        ("free_use", "awaiting_next_step", {}, "免费使用期届满，待商定后续安排", False, E.EXPIRE_FREE_USE),
        ("free_use", "free_use", {"proposal": 1}, "提出后续安排", True, E.PROPOSE_NEXT_STEP),
        ("free_use", "free_use", {"proposal": 2}, "提出修改意见（还价）", True, E.COUNTER_NEXT_STEP),
        ("free_use", "next_step_agreed", {"proposal": 2}, "双方已商定后续安排", True, E.AGREE_NEXT_STEP),
        ("awaiting_next_step", "next_step_agreed", {"follow_on": 9}, "后续合同 X 已签署", True, E.FOLLOW_ON_SIGNED),
        ("awaiting_next_step", "awaiting_next_step", {}, "逾期未商定后续安排，已升级提醒", False, E.ESCALATE),
        ("drafted", "cancelled", {}, "", True, E.CANCEL),
        ("signed", "signed", {"ending_request": 3}, "乙方对方不同意：不同意", True, E.DECLINE_ENDING),
        ("signed", "ended", {"ending_request": 3}, "甲方同意协商一致终止：理由", True, E.END_BY_AGREEMENT),
        ("signed", "ended", {"ending_request": 4}, "甲方同意通知终止：理由", True, E.ACCEPT_NOTICE),
        ("signed", "ended", {"ending_request": 5}, "终止通知期满，对方未提出异议：理由", False, E.NOTICE_TAKES_EFFECT),
    ],
)
def test_the_type_of_an_old_row_follows_from_its_move(frm, to, payload, reason, has_actor, expected):
    migration = importlib.import_module("usefirst.contracts.migrations.0008_contract_event_types")
    assert migration.event_type_of(frm, to, payload, reason, has_actor) == expected
