from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.catalog.models import AchievementInventor
from usefirst.catalog.services.achievements import InventorData
from usefirst.catalog.tests.factories import make_achievement, person_register
from usefirst.contracts import services
from usefirst.contracts.models import Contract, ContractEvent, ContractKind, ContractStatus, Mode, NextStepProposal
from usefirst.core.errors import DomainError, Forbidden
from usefirst.core.testing import make_org, make_user
from usefirst.notifications.models import Notification

from .conftest import draft, sign_all


@pytest.fixture
def running(platform_ca, owner, unit, enterprise, achievement, licensee_signer, agency):
    contract = draft(owner, unit, enterprise, achievement, agency_id=agency.pk)
    return sign_all(contract, owner, licensee_signer)


def test_a_contract_signed_by_all_parties_enters_its_free_use_period(running):
    assert running.status == ContractStatus.FREE_USE
    assert running.signed_at is not None
    statuses = list(ContractEvent.objects.filter(subject=running).values_list("to_status", flat=True))
    assert statuses == ["drafted", "signing", "free_use"]


def test_reminders_go_out_30_and_7_days_before_the_end_and_only_once(running, owner):
    end = running.free_use_end
    services.contract_advance(on=end - dt.timedelta(days=30))
    services.contract_advance(on=end - dt.timedelta(days=30))
    services.contract_advance(on=end - dt.timedelta(days=7))
    reminders = Notification.objects.filter(recipient=owner, kind="contracts.free_use_reminder")
    assert reminders.count() == 2
    running.refresh_from_db()
    assert running.reminders_sent == [30, 7]


def test_the_period_ends_the_day_after_its_inclusive_last_day(running):
    services.contract_advance(on=running.free_use_end)
    running.refresh_from_db()
    assert running.status == ContractStatus.FREE_USE
    services.contract_advance(on=running.free_use_end + dt.timedelta(days=1))
    running.refresh_from_db()
    assert running.status == ContractStatus.AWAITING_NEXT_STEP


def test_no_agreement_within_the_set_days_escalates_to_the_unit_and_the_agency(running, owner, agency):
    agency_user = make_user(agency)
    services.contract_advance(on=running.free_use_end + dt.timedelta(days=1))
    services.contract_advance(on=running.free_use_end + dt.timedelta(days=30))
    assert not Notification.objects.filter(kind="contracts.next_step_escalated").exists()
    services.contract_advance(on=running.free_use_end + dt.timedelta(days=31))
    escalated = set(Notification.objects.filter(kind="contracts.next_step_escalated").values_list("recipient_id", flat=True))
    assert {owner.pk, agency_user.pk} <= escalated
    services.contract_advance(on=running.free_use_end + dt.timedelta(days=32))
    assert Notification.objects.filter(kind="contracts.next_step_escalated", recipient=owner).count() == 1


def test_pay_later_leads_only_to_a_formal_licence_or_transfer(running, licensee_signer, achievement):
    with pytest.raises(DomainError) as exc:
        services.next_step_propose(
            actor=licensee_signer, contract=running, kind=ContractKind.EQUITY, achievement_id=achievement.pk
        )
    assert exc.value.code == "follow_on_kind"


def test_one_side_proposes_the_other_counters_and_the_first_accepts(running, owner, licensee_signer, achievement):
    first = services.next_step_propose(
        actor=licensee_signer,
        contract=running,
        kind=ContractKind.LICENCE,
        achievement_id=achievement.pk,
        price=Decimal("300000.00"),
    )
    with pytest.raises(Forbidden):
        services.next_step_accept(actor=licensee_signer, proposal=first)
    counter = services.next_step_propose(
        actor=owner, contract=running, kind=ContractKind.LICENCE, achievement_id=achievement.pk, price=Decimal("500000.00")
    )
    first.refresh_from_db()
    assert first.status == NextStepProposal.Status.COUNTERED
    follow_on = services.next_step_accept(actor=licensee_signer, proposal=counter)
    running.refresh_from_db()
    assert running.status == ContractStatus.NEXT_STEP_AGREED
    assert follow_on.parent_id == running.pk and follow_on.kind == ContractKind.LICENCE
    assert follow_on.price == Decimal("500000.00")


def test_either_side_may_end_it(running, licensee_signer):
    services.contract_end(actor=licensee_signer, contract=running, reason="试用效果不理想，停止使用")
    running.refresh_from_db()
    assert running.status == ContractStatus.ENDED
    assert running.events.last().reason == "试用效果不理想，停止使用"


@pytest.fixture
def cooperating(platform_ca, owner, unit, enterprise, licensee_signer):
    inventor = person_register(unit, actor=owner, name="陈一")
    other = person_register(unit, actor=owner, name="周二")
    first = make_achievement(unit, owner, inventors=[InventorData(person_id=inventor.pk, share=Decimal("100"), is_leader=True)])
    contract = draft(owner, unit, enterprise, first, mode=Mode.COOPERATE_LATER)
    contract = sign_all(contract, owner, licensee_signer)
    shared = make_achievement(
        unit,
        owner,
        title="共同完成人的另一成果",
        inventors=[
            InventorData(person_id=inventor.pk, share=Decimal("50"), is_leader=True),
            InventorData(person_id=other.pk, share=Decimal("50")),
        ],
    )
    unrelated = make_achievement(
        unit,
        owner,
        title="无共同完成人的成果",
        inventors=[InventorData(person_id=other.pk, share=Decimal("100"), is_leader=True)],
    )
    return contract, first, shared, unrelated


def test_next_stage_cooperation_needs_an_inventor_in_common(cooperating, owner):
    contract, _first, shared, unrelated = cooperating
    assert AchievementInventor.objects.filter(achievement=unrelated).count() == 1
    with pytest.raises(DomainError) as exc:
        services.next_step_propose(
            actor=owner,
            contract=contract,
            kind=ContractKind.DEVELOPMENT,
            achievement_id=unrelated.pk,
            development_kind="cooperative",
        )
    assert exc.value.code == "no_common_inventor"
    assert services.next_step_propose(
        actor=owner,
        contract=contract,
        kind=ContractKind.DEVELOPMENT,
        achievement_id=shared.pk,
        development_kind="cooperative",
        price=Decimal("100000"),
    )


def test_the_first_follow_on_signed_is_the_first_cooperation_project_and_stays_so(
    cooperating, owner, unit, enterprise, licensee_signer
):
    contract, first, shared, _unrelated = cooperating
    a = draft(owner, unit, enterprise, first, kind=ContractKind.TRANSFER, mode="", parent_id=contract.pk, price=Decimal("600000"))
    b = draft(owner, unit, enterprise, shared, kind=ContractKind.LICENCE, mode="", parent_id=contract.pk, price=Decimal("200000"))
    b = sign_all(b, owner, licensee_signer)  # drafted second, signed first
    a = sign_all(a, owner, licensee_signer)
    assert b.is_first_cooperation and not a.is_first_cooperation
    contract.refresh_from_db()
    assert contract.status == ContractStatus.NEXT_STEP_AGREED
    assert Contract.objects.filter(parent=contract, is_first_cooperation=True).count() == 1


def test_parties_agency_and_departments_see_the_contract_and_outsiders_do_not(running, agency, province, unit):
    from usefirst.core.permissions import Action, can

    superior = make_org(OrganisationKind.SECTOR_DEPARTMENT, name="广东省教育厅", sector="education")
    unit.superior_department = superior
    unit.save()
    superior_user = make_user(superior)
    provincial = make_user(province)
    agency_user = make_user(agency)
    assert can(superior_user, Action.VIEW, running) and not can(superior_user, Action.CHANGE, running)
    assert can(provincial, Action.VIEW, running) and not can(provincial, Action.CHANGE, running)
    assert can(agency_user, Action.VIEW, running) and not can(agency_user, Action.CHANGE, running)
    outsider = make_user(make_org(OrganisationKind.ENTERPRISE, name="无关企业"), role=Membership.Role.ADMIN)
    assert not can(outsider, Action.VIEW, running)


def test_inventors_see_a_summary_of_contracts_on_their_achievements(running, achievement):
    from usefirst.contracts.selectors import inventor_summaries

    inventor = achievement.inventors.first().person
    inventor.user = make_user(None)
    inventor.save()
    summaries = inventor_summaries(inventor.user)
    assert [s.number for s in summaries] == [running.number]


def test_a_staff_member_without_signing_rights_is_refused_but_an_admin_signer_may(
    platform_ca, owner, unit, enterprise, achievement
):
    contract = draft(owner, unit, enterprise, achievement)
    staff = make_user(unit, role=Membership.Role.STAFF)
    assert services.signable_parties(staff, contract) == []
    assert [p.organisation_id for p in services.signable_parties(owner, contract)] == [unit.pk]


def test_a_reminder_due_while_the_scheduler_was_down_is_sent_when_it_catches_up(running, owner):
    from usefirst.core import daily_jobs

    advance = daily_jobs.job("contracts.advance")
    end = running.free_use_end
    daily_jobs.run(advance, end - dt.timedelta(days=32))
    # Down on the 31st and the 30th day before the end; back on the 29th, after 00:15.
    back = end - dt.timedelta(days=29)
    daily_jobs.catch_up(now=dt.datetime(back.year, back.month, back.day, 1, tzinfo=daily_jobs.SHANGHAI))
    assert Notification.objects.filter(recipient=owner, kind="contracts.free_use_reminder").count() == 1
    running.refresh_from_db()
    assert running.reminders_sent == [30]
    # Forced again, the date sends nothing twice.
    daily_jobs.run(advance, end - dt.timedelta(days=30), force=True)
    assert Notification.objects.filter(recipient=owner, kind="contracts.free_use_reminder").count() == 1


def test_the_30_day_reminder_goes_out_on_its_day_not_the_day_before(running, owner):
    end = running.free_use_end
    assert services.contracts_due(end - dt.timedelta(days=31))["届满前 30 日提醒"] == []
    assert services.contracts_due(end - dt.timedelta(days=30))["届满前 30 日提醒"] == [running.number]
