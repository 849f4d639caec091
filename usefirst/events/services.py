"""Writes of events: drafting and publishing an event, the items it presents and their
classification, sign-ups (first come or with the organiser's approval, with a waitlist that moves
up when a seat is freed), the signed check-in token and its one use, the reminders before the
event (daily job) and the concierge named for a project."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from usefirst.accounts import roles
from usefirst.accounts.models import Organisation, User
from usefirst.catalog.choices import AchievementStatus, DemandStatus
from usefirst.catalog.models import Achievement, Demand
from usefirst.core import workflow
from usefirst.core.actors import Actor
from usefirst.core.dates import parse_date, today
from usefirst.core.errors import Conflict, DomainError, Forbidden, from_validation_error
from usefirst.core.regions import CITY_COUNTIES
from usefirst.core.text import clean_reason, clean_text, clean_title
from usefirst.notifications.services import notify

from .choices import (
    LIVE_REGISTRATION,
    EventKind,
    EventStatus,
    ItemClass,
    RegistrationStatus,
    SignupMode,
    WhenFull,
)
from .models import Concierge, Event, EventItem, Registration
from .policies import ORGANISER_KINDS
from .workflows import EVENT, EventEventType

CHECKIN_SALT = "usefirst.events.checkin"
R = RegistrationStatus
# A registration in these states holds a seat (the organiser's approval reserves it too).
SEAT_HOLDING = (R.CONFIRMED, R.PENDING)


def _members(organisation: Organisation | None) -> list[User]:
    if organisation is None:
        return []
    return list(
        User.objects.filter(memberships__organisation=organisation, memberships__is_active=True, is_active=True).distinct()
    )


def event_url(event: Event) -> str:
    return reverse("events:detail", args=[event.pk])


def _field(name: str, message: str, code: str = "validation_failed") -> DomainError:
    return DomainError(message, code=code, field_errors={name: [message]})


# ---------------------------------------------------------------- the event


def _event_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The event's fields as a person typed them, cleaned by the project's one rule per kind."""
    kind = str(data.get("kind") or "")
    if kind not in EventKind.values:
        raise _field("kind", "请选择活动类型")
    starts_on = parse_date(data.get("starts_on"), label="举办日期", field="starts_on")
    ends_on = parse_date(data.get("ends_on") or starts_on, label="结束日期", field="ends_on")
    deadline = parse_date(data.get("signup_deadline") or starts_on, label="报名截止日期", field="signup_deadline")
    if ends_on < starts_on:
        raise _field("ends_on", "结束日期不能早于举办日期", "event_dates_invalid")
    if deadline > ends_on:
        raise _field("signup_deadline", "报名截止日期不能晚于活动结束日期", "event_dates_invalid")
    try:
        capacity = int(str(data.get("capacity") or ""))
    except ValueError:
        raise _field("capacity", "请填写名额（正整数）") from None
    if not 1 <= capacity <= 100_000:
        raise _field("capacity", "名额应在 1 至 100000 之间")
    place = clean_text(data.get("place"), field="place", label="举办地点", max_chars=300, required=False)
    online_url = str(data.get("online_url") or "").strip()
    if not place and not online_url:
        raise _field("place", "请填写举办地点或线上参与链接", "event_place_required")
    city = str(data.get("city") or "")
    if city and city not in CITY_COUNTIES:
        raise _field("city", "请选择广东省内的地市")
    try:
        window = int(str(data.get("outcome_window_days") or 365))
        reminder = int(str(data.get("reminder_days") or 1))
    except ValueError:
        raise _field("outcome_window_days", "天数应为整数") from None
    if not 30 <= window <= 1095:
        raise _field("outcome_window_days", "成效追踪期应在 30 至 1095 天之间")
    if not 0 <= reminder <= 30:
        raise _field("reminder_days", "提前提醒天数应在 0 至 30 之间")
    mode = str(data.get("signup_mode") or SignupMode.FIRST_COME)
    when_full = str(data.get("when_full") or WhenFull.WAITLIST)
    if mode not in SignupMode.values:
        raise _field("signup_mode", "请选择报名方式")
    if when_full not in WhenFull.values:
        raise _field("when_full", "请选择额满后的处理方式")
    return {
        "title": clean_title(data.get("title"), label="活动名称"),
        "kind": kind,
        "co_organisers": clean_text(
            data.get("co_organisers"), field="co_organisers", label="协办单位", max_chars=500, required=False
        ),
        "description": clean_text(
            data.get("description"), field="description", label="活动介绍", max_chars=5000, required=False, multiline=True
        ),
        "city": city,
        "place": place,
        "online_url": online_url,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "time_note": clean_text(data.get("time_note"), field="time_note", label="时间安排", max_chars=100, required=False),
        "capacity": capacity,
        "signup_deadline": deadline,
        "signup_mode": mode,
        "when_full": when_full,
        "outcome_window_days": window,
        "reminder_days": reminder,
    }


def event_create(*, actor: Actor, organiser: Organisation, data: dict[str, Any]) -> Event:
    """A draft event of `organiser` (a city or zone, an incubator, an agency or the province),
    drafted by one of its members."""
    if organiser.kind not in ORGANISER_KINDS or not roles.is_member(actor, organiser):
        raise Forbidden("只有地市、开发区、孵化器和技术转移服务机构的成员可以举办活动", code="not_an_event_organiser")
    fields = _event_fields(data)
    fields["city"] = fields["city"] or (organiser.city if organiser.city in CITY_COUNTIES else "")
    event = Event(organiser=organiser, created_by=actor, **fields)
    try:
        event.full_clean()
    except ValidationError as exc:
        raise from_validation_error(exc) from exc
    with transaction.atomic():
        event.save()
        workflow.record(EVENT, event, EventEventType.CREATE, actor=actor, reason=event.title, from_status="")
    return event


def _lock_for_change(actor: Actor, event: Event) -> Event:
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if not roles.is_member(actor, locked.organiser):
        raise Forbidden("只有主办单位可以管理该活动", code="not_event_organiser")
    return locked


def event_edit(*, actor: Actor, event: Event, data: dict[str, Any]) -> Event:
    fields = _event_fields(data)
    with transaction.atomic():
        locked = _lock_for_change(actor, event)
        if locked.status not in (EventStatus.DRAFT, EventStatus.PUBLISHED):
            raise Conflict("活动已举办或已取消，不能修改", code="event_closed")
        seats = locked.seats_taken
        if fields["capacity"] < seats:
            raise _field("capacity", f"已有 {seats} 人占用名额，名额不能少于此数", "event_capacity_below_signups")
        for key, value in fields.items():
            setattr(locked, key, value)
        locked.save(update_fields=list(fields))  # never seats_taken: the seat services keep it
        workflow.record(EVENT, locked, EventEventType.EDIT, actor=actor, reason="修改活动信息")
        _promote(locked, actor=actor)
    return locked


def event_add_item(
    *, actor: Actor, event: Event, achievement: Achievement | None = None, demand: Demand | None = None, note: str = ""
) -> EventItem:
    """The event presents a published achievement or demand (its booth keeps it after the event)."""
    if (achievement is None) == (demand is None):
        raise DomainError("请选择一项科技成果或技术需求", code="validation_failed")
    if achievement is not None and achievement.status != AchievementStatus.PUBLISHED:
        raise Conflict("只能展示已发布的科技成果", code="event_item_not_public")
    if demand is not None and demand.status != DemandStatus.PUBLISHED:
        raise Conflict("只能展示已发布的技术需求", code="event_item_not_public")
    text = clean_text(note, field="note", label="说明", max_chars=300, required=False)
    with transaction.atomic():
        locked = _lock_for_change(actor, event)
        if locked.status == EventStatus.CANCELLED:
            raise Conflict("活动已取消，不能添加展示项目", code="event_closed")
        try:
            with transaction.atomic():
                item = EventItem.objects.create(
                    event=locked, achievement=achievement, demand=demand, note=text, position=locked.items.count() + 1
                )
        except IntegrityError as exc:
            raise Conflict("该项目已在本活动中展示", code="event_item_exists") from exc
        workflow.record(EVENT, locked, EventEventType.ITEM_ADD, actor=actor, reason=str(item.subject), payload={"item": item.pk})
    return item


def event_classify_item(*, actor: Actor, item: EventItem, classification: str) -> EventItem:
    """The organiser sorts what the event collected: to promote, to convert, a problem to solve."""
    if classification not in ItemClass.values:
        raise _field("classification", "请选择分类：待推广、待转化或待解决的问题")
    with transaction.atomic():
        _lock_for_change(actor, item.event)
        item.classification = classification
        item.save(update_fields=["classification"])
        workflow.record(
            EVENT, item.event, EventEventType.CLASSIFY, actor=actor, reason=f"{item.subject}：{item.get_classification_display()}"
        )
    return item


def _tell_registrants(title: str, body: str) -> Any:
    def notice(event: Event) -> None:
        people = [r.user for r in event.registrations.filter(status__in=LIVE_REGISTRATION).select_related("user")]
        notify(recipients=people, kind="events.changed", title=title.format(event=event), body=body, url=event_url(event))

    return notice


def event_publish(*, actor: Actor, event: Event) -> Event:
    return workflow.move(EVENT, event, "publish", actor=actor, reason="发布到活动日历", also={"published_at": timezone.now()})


def event_hold(*, actor: Actor, event: Event) -> Event:
    return workflow.move(EVENT, event, "hold", actor=actor, reason="活动已举办；展示项目转为常设线上展厅")


def event_cancel(*, actor: Actor, event: Event, reason: object) -> Event:
    text = clean_reason(reason, label="取消原因")
    return workflow.move(
        EVENT,
        event,
        "cancel",
        actor=actor,
        reason=text,
        notices=[_tell_registrants("活动已取消：{event.title}", f"取消原因：{text}")],
    )


# ---------------------------------------------------------------- sign-ups


def _take_seat(event: Event) -> bool:
    """Take one seat if one is free: a conditional UPDATE (… WHERE seats_taken < capacity) that
    the database applies atomically, so two sign-ups at once never take the last seat twice — on
    PostgreSQL and on SQLite alike (the check constraint `event_seats_within_capacity` backs it)."""
    taken = Event.objects.filter(pk=event.pk, seats_taken__lt=F("capacity")).update(seats_taken=F("seats_taken") + 1)
    return taken == 1


def _free_seat(event: Event) -> None:
    Event.objects.filter(pk=event.pk, seats_taken__gt=0).update(seats_taken=F("seats_taken") - 1)


def registration_signup(*, actor: Actor, event: Event, organisation: Organisation | None = None, note: str = "") -> Registration:
    """A person signs up. First come: a seat while there is one; with approval: a request for
    the organiser while seats remain. Once every seat is held the sign-up goes to the waitlist or
    is refused, as the event says. Refused after the sign-up deadline."""
    text = clean_text(note, field="note", label="报名备注", max_chars=300, required=False)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.status != EventStatus.PUBLISHED:
            raise Conflict("该活动当前不接受报名", code="signup_closed")
        if today() > locked.signup_deadline:
            raise Conflict(f"报名已于 {locked.signup_deadline:%Y-%m-%d} 截止", code="signup_closed")
        if locked.registrations.filter(user=actor, status__in=LIVE_REGISTRATION).exists():
            raise Conflict("您已报名该活动", code="already_signed_up")
        if _take_seat(locked):
            status = R.PENDING if locked.signup_mode == SignupMode.APPROVAL else R.CONFIRMED
        elif locked.when_full == WhenFull.WAITLIST:
            status = R.WAITLISTED
        else:
            raise Conflict(f"名额已满（共 {locked.capacity} 人），不再接受报名", code="event_full")
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    event=locked,
                    user=actor,
                    organisation=organisation,
                    note=text,
                    status=status,
                    decided_at=timezone.now() if status == R.CONFIRMED else None,
                )
        except IntegrityError as exc:
            raise Conflict("您已报名该活动", code="already_signed_up") from exc
        workflow.record(
            EVENT,
            locked,
            EventEventType.SIGNUP,
            actor=actor,
            reason=registration.get_status_display(),
            payload={"registration": registration.pk},
        )
        if status == R.PENDING:
            notify(
                recipients=_members(locked.organiser),
                kind="events.signup_pending",
                title=f"活动报名待审核：{locked.title}",
                body=f"{actor.full_name or actor.email} 报名参加，请审核。",
                url=reverse("events:manage", args=[locked.pk]),
            )
    return registration


def _promote(event: Event, *, actor: Actor | None) -> list[Registration]:
    """Move the waitlist up into the freed seats, oldest first (the caller holds the event's lock),
    each one taking its seat through the same conditional UPDATE as a sign-up."""
    moved: list[Registration] = []
    for registration in event.registrations.filter(status=R.WAITLISTED).order_by("created_at", "id"):
        if not _take_seat(event):
            break
        registration.status = R.PENDING if event.signup_mode == SignupMode.APPROVAL else R.CONFIRMED
        registration.decided_at = timezone.now() if registration.status == R.CONFIRMED else None
        registration.save(update_fields=["status", "decided_at"])
        workflow.record(
            EVENT,
            event,
            EventEventType.PROMOTE,
            actor=actor,
            reason=registration.get_status_display(),
            payload={"registration": registration.pk},
        )
        notify(
            recipients=[registration.user],
            kind="events.promoted",
            title=f"候补递补成功：{event.title}",
            body="有人取消报名，您已从候补递补"
            + ("，报名成功。" if registration.status == R.CONFIRMED else "，等待主办方审核。"),
            url=event_url(event),
        )
        moved.append(registration)
    return moved


def registration_cancel(*, actor: Actor, registration: Registration) -> Registration:
    """The registrant cancels; a seat freed goes to the first on the waitlist."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if locked.user_id != actor.pk:
            raise Forbidden("只能取消本人的报名", code="forbidden")
        if locked.status not in LIVE_REGISTRATION:
            raise Conflict("该报名已取消或未通过", code="registration_closed")
        if locked.checked_in_at is not None:
            raise Conflict("已签到的报名不能取消", code="registration_closed")
        if locked.status in SEAT_HOLDING:
            _free_seat(event)
        locked.status = R.CANCELLED
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_at"])
        workflow.record(EVENT, event, EventEventType.SIGNUP_CANCEL, actor=actor, payload={"registration": locked.pk})
        if event.status == EventStatus.PUBLISHED:
            _promote(event, actor=None)
    return locked


def _decide(actor: Actor, registration: Registration, *, approve: bool, reason: str = "") -> Registration:
    with transaction.atomic():
        event = _lock_for_change(actor, registration.event)
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if locked.status != R.PENDING:
            raise Conflict("该报名不在待审核状态", code="registration_closed")
        locked.status = R.CONFIRMED if approve else R.REJECTED
        if not approve:
            _free_seat(event)
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_at"])
        workflow.record(
            EVENT,
            event,
            EventEventType.APPROVE if approve else EventEventType.REJECT,
            actor=actor,
            reason=reason,
            payload={"registration": locked.pk},
        )
        notify(
            recipients=[locked.user],
            kind="events.signup_decided",
            title=f"活动报名{'已通过' if approve else '未通过'}：{event.title}",
            body=reason,
            url=event_url(event),
        )
        if not approve:
            _promote(event, actor=actor)
    return locked


def registration_approve(*, actor: Actor, registration: Registration) -> Registration:
    return _decide(actor, registration, approve=True)


def registration_reject(*, actor: Actor, registration: Registration, reason: object = "") -> Registration:
    return _decide(actor, registration, approve=False, reason=clean_reason(reason, label="未通过原因", required=False))


# ---------------------------------------------------------------- check-in


def checkin_token(registration: Registration) -> str:
    """The registrant's entry code: signed by the platform (no outside service), naming the event
    and the registration; it admits once."""
    return signing.dumps({"e": registration.event_id, "r": registration.pk}, salt=CHECKIN_SALT, compress=True)


def checkin(*, actor: Actor, event: Event, token: object) -> Registration:
    """The organiser's staff scan (or type) a registrant's entry code at the door. A forged or
    altered code, a code of another event, a registration not confirmed and a code already used
    are refused; nothing changes then."""
    raw = str(token or "").strip()
    if "t=" in raw:  # the whole link was pasted
        raw = raw.split("t=", 1)[1].split("&", 1)[0]
    try:
        data = signing.loads(raw, salt=CHECKIN_SALT)
        event_id, registration_id = int(data["e"]), int(data["r"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise DomainError(
            "入场码无效：不是本平台签发的入场码，或已被改动", code="checkin_token_invalid", field_errors={"token": ["入场码无效"]}
        ) from None
    if event_id != event.pk:
        raise DomainError("入场码不属于本活动", code="checkin_token_invalid", field_errors={"token": ["入场码不属于本活动"]})
    with transaction.atomic():
        locked_event = _lock_for_change(actor, event)
        if locked_event.status not in (EventStatus.PUBLISHED, EventStatus.HELD):
            raise Conflict("该活动当前不能签到", code="event_closed")
        registration = Registration.objects.select_for_update().filter(pk=registration_id, event=locked_event).first()
        if registration is None:
            raise DomainError("入场码无效", code="checkin_token_invalid")
        if registration.checked_in_at is not None:
            raise Conflict(
                f"该入场码已于 {timezone.localtime(registration.checked_in_at):%Y-%m-%d %H:%M} 使用，不能重复签到",
                code="checkin_token_used",
            )
        if registration.status != R.CONFIRMED:
            raise Conflict(f"该报名{registration.get_status_display()}，不能签到", code="checkin_not_confirmed")
        registration.checked_in_at = timezone.now()
        registration.save(update_fields=["checked_in_at"])
        workflow.record(
            EVENT,
            locked_event,
            EventEventType.CHECKIN,
            actor=actor,
            reason=registration.user.full_name,
            payload={"registration": registration.pk},
        )
    return registration


# ---------------------------------------------------------------- reminders (daily job)


def reminders_due(day: dt.date) -> dict[str, list[str]]:
    return {"将提醒的活动": [f"{e.starts_on:%Y-%m-%d} {e.title}" for e in _to_remind(day)]}


def _to_remind(day: dt.date) -> list[Event]:
    events = Event.objects.filter(status=EventStatus.PUBLISHED, starts_on__gte=day, reminded_on__isnull=True)
    return [e for e in events if e.starts_on - dt.timedelta(days=e.reminder_days) <= day]


def send_reminders(day: dt.date) -> dict[str, int]:
    """Tell the confirmed registrants of each published event starting within its reminder days
    (once per event: the event keeps the date it was reminded, so a re-run sends nothing twice)."""
    counts = {"events": 0, "people": 0}
    for event in _to_remind(day):
        with transaction.atomic():
            locked = Event.objects.select_for_update().get(pk=event.pk)
            if locked.reminded_on is not None:
                continue
            people = [r.user for r in locked.registrations.filter(status=R.CONFIRMED).select_related("user")]
            where = locked.place or locked.online_url
            notify(
                recipients=people,
                kind="events.reminder",
                title=f"活动提醒：{locked.title}（{locked.starts_on:%Y-%m-%d}）",
                body=f"{locked.time_note} {where}。请在活动页面出示入场码签到。".strip(),
                url=event_url(locked),
            )
            locked.reminded_on = day
            locked.save(update_fields=["reminded_on"])
            workflow.record(EVENT, locked, EventEventType.REMIND, actor=None, reason=f"提醒 {len(people)} 人")
            counts["events"] += 1
            counts["people"] += len(people)
    return counts


# ---------------------------------------------------------------- concierge


def concierge_assign(*, actor: Actor, achievement: Achievement, person: User, event: Event | None = None) -> Concierge:
    """Name the service person (服务专员) of a project: the organiser of an event that presents
    it, or the owner unit, names one of its own members. The current appointment, if any, ends
    now (kept: who, from, to, by whom); a deal is credited to the concierge in office when its
    intent was expressed (selectors.concierge_credits)."""
    organisations = [achievement.owner]
    if event is not None:
        if not event.items.filter(achievement=achievement).exists():
            raise Conflict("该成果不在本活动的展示项目中", code="validation_failed")
        organisations.append(event.organiser)
    acting = next((o for o in organisations if roles.is_member(actor, o)), None)
    if acting is None:
        raise Forbidden("只有成果单位或展示该成果的活动主办单位可以指定服务专员", code="not_event_organiser")
    if not roles.is_member(person, acting):
        raise _field("person", "服务专员须是本机构的成员")
    with transaction.atomic():
        # Lock the project's row so two appointments at once end the same current one only once.
        Achievement.objects.select_for_update().filter(pk=achievement.pk).first()
        now = timezone.now()
        Concierge.objects.filter(achievement=achievement, ended_at__isnull=True).update(ended_at=now, ended_by=actor)
        concierge = Concierge.objects.create(
            assigned_at=now, achievement=achievement, person=person, organisation=acting, event=event, assigned_by=actor
        )
        if event is not None:
            workflow.record(
                EVENT, event, EventEventType.CONCIERGE, actor=actor, reason=f"{achievement.title}：{person.full_name}"
            )
    return concierge
