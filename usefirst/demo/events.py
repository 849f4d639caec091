"""The demo's events and typical cases: the incubator's roadshow taken from publication through
sign-ups and check-ins to being held, with the showcase licence credited to it; the agency's
coming matchmaking event with a full house and a waitlist; and a published, exemplary typical
case drafted from the showcase licence with both parties' consent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from usefirst.accounts.models import Membership, Organisation, User
from usefirst.accounts.roles import reviewing_department
from usefirst.cases import services as cases
from usefirst.catalog.models import Achievement, Demand
from usefirst.contracts.models import Contract
from usefirst.contracts.selectors import achievement_ids_of_contract
from usefirst.core.dates import today
from usefirst.events import selectors, services
from usefirst.events.models import Event

from .logins import DEMO_LOGINS


def _login(local: str) -> User:
    return User.objects.get(email=next(login.email for login in DEMO_LOGINS if login.email.startswith(f"{local}@")))


def _org_of(user: User) -> Organisation:
    membership = Membership.objects.filter(user=user, is_active=True).select_related("organisation").order_by("pk").first()
    assert membership is not None, user.email
    return membership.organisation


def _admin(organisation: Organisation) -> User:
    membership = (
        Membership.objects.filter(organisation=organisation, is_active=True, role=Membership.Role.ADMIN).order_by("pk").first()
    )
    assert membership is not None, organisation.name
    return membership.user


def load_demo_events(*, stories: dict[str, Contract], log: Callable[[str], None] = print) -> int:
    """Two events and one typical case; returns the number of events."""
    showcase = stories["pay_later_free_use"]
    assert showcase.signed_at is not None
    incubator_user, agency_user = _login("incubator"), _login("agency")
    incubator, agency = _org_of(incubator_user), _org_of(agency_user)
    soon = today() + dt.timedelta(days=7)

    # 1. The incubator's roadshow: published, signed up, checked in, held before the showcase deal.
    roadshow = services.event_create(
        actor=incubator_user,
        organiser=incubator,
        data={
            "title": "智能制造关键技术成果路演暨“先用后转”对接会",
            "kind": "roadshow",
            "co_organisers": "广东省技术转移服务联盟、韶关市科学技术局",
            "city": "广州市",
            "place": "广州市天河区科韵路孵化器路演厅",
            "starts_on": soon.isoformat(),
            "time_note": "14:00–17:30",
            "capacity": "60",
            "signup_mode": "first_come",
            "when_full": "waitlist",
            "outcome_window_days": "365",
            "description": "高校院所智能制造成果集中路演，企业现场提出对接意向，服务专员全程跟进。",
        },
    )
    for achievement in Achievement.objects.filter(pk__in=achievement_ids_of_contract(showcase.pk)).order_by("pk")[:3]:
        item = services.event_add_item(actor=incubator_user, event=roadshow, achievement=achievement)
        services.event_classify_item(actor=incubator_user, item=item, classification="convert")
    demand = Demand.objects.filter(status="published").order_by("pk").first()
    if demand is not None:
        item = services.event_add_item(actor=incubator_user, event=roadshow, demand=demand)
        services.event_classify_item(actor=incubator_user, item=item, classification="problem")
    services.event_publish(actor=incubator_user, event=roadshow)
    attendees = [_login("enterprise-admin"), _login("university-staff"), agency_user]
    registrations = [services.registration_signup(actor=u, event=roadshow, organisation=_org_of(u)) for u in attendees]
    for registration in registrations[:2]:
        services.checkin(actor=incubator_user, event=roadshow, token=services.checkin_token(registration))
    first = roadshow.items.filter(achievement__isnull=False).order_by("pk").first()
    if first is not None and first.achievement is not None:
        services.concierge_assign(actor=incubator_user, achievement=first.achievement, person=incubator_user, event=roadshow)
    # The roadshow took place 20 days before the showcase deal was signed (the demo's history).
    held_on = showcase.signed_at.date() - dt.timedelta(days=20)
    Event.objects.filter(pk=roadshow.pk).update(
        starts_on=held_on, ends_on=held_on, signup_deadline=held_on - dt.timedelta(days=1)
    )
    roadshow.refresh_from_db()
    services.event_hold(actor=incubator_user, event=roadshow)
    outcomes = selectors.outcome_summary(roadshow)
    log(f"活动：{roadshow.title}，签到 2 人，计入合同 {outcomes['contract_count']} 份")

    # 2. The agency's coming matchmaking event: two seats, a third person on the waitlist.
    coming = services.event_create(
        actor=agency_user,
        organiser=agency,
        data={
            "title": "新材料成果对接专场（线上）",
            "kind": "matchmaking",
            "online_url": "https://meeting.usefirst.example/match-2026",
            "starts_on": (today() + dt.timedelta(days=14)).isoformat(),
            "signup_deadline": (today() + dt.timedelta(days=12)).isoformat(),
            "capacity": "2",
            "signup_mode": "first_come",
            "when_full": "waitlist",
        },
    )
    for achievement in (
        Achievement.objects.filter(status="published").exclude(pk__in=achievement_ids_of_contract(showcase.pk)).order_by("pk")[:2]
    ):
        services.event_add_item(actor=agency_user, event=coming, achievement=achievement)
    services.event_publish(actor=agency_user, event=coming)
    for u in (_login("enterprise-admin"), _login("university-admin"), _login("institution")):
        services.registration_signup(actor=u, event=coming, organisation=_org_of(u))

    # 3. A typical case from the showcase licence: both parties consent, the department publishes,
    #    the province marks it exemplary.
    licence = stories["licence"]
    assert licence.licensor is not None and licence.licensee is not None
    author = _admin(licence.licensor)
    case = cases.case_create(
        actor=author,
        contract=licence,
        title="智能制造成果包“先使用后付费”：免费试用一年后转为正式许可",
        summary="高校将智能制造关键技术成果包许可企业免费使用，期满后双方签订技术许可合同，分期付款并按销售额提成。",
        story="企业在免费使用期内完成中试验证，确认成果可用后签订正式许可合同。平台按合同生成付款计划，到账后成果单位按规定向完成人分配收益。",
    )
    cases.case_consent(actor=author, case=case)
    cases.case_consent(actor=_admin(licence.licensee), case=case)
    cases.case_submit(actor=author, case=case)
    department = licence.licensor.reviewing_department or reviewing_department(licence.licensor)
    assert department is not None
    reviewer = Membership.objects.filter(organisation=department, is_active=True).select_related("user").order_by("pk").first()
    assert reviewer is not None, department.name
    case = cases.case_publish(actor=reviewer.user, case=case)
    cases.case_mark_exemplary(actor=_login("province-reviewer"), case=case)
    log(f"典型案例：{case.title}（{case.amount_shown}）")
    return Event.objects.count()
