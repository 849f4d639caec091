"""The lifecycle of an event, declared for the workflow kernel (usefirst/core/workflow.py).

Event: drafted by its organiser → published (on the public calendar, open for sign-up until its
deadline) → held (marked by the organiser once the day has come; its items stay on line as its
booth, its outcomes are traced). A draft or a published event may be cancelled (registrants are
told). Sign-ups, check-ins, reminders and item changes are recorded on the event's history."""

from __future__ import annotations

from django.db import models

from usefirst.core import workflow
from usefirst.core.dates import today
from usefirst.core.permissions import Action

from .choices import EventStatus
from .models import Event, EventEvent

S = EventStatus


class EventEventType(models.TextChoices):
    CREATE = "create", "创建活动"
    EDIT = "edit", "修改活动信息"
    ITEM_ADD = "item_add", "添加展示项目"
    ITEM_REMOVE = "item_remove", "移除展示项目"
    CLASSIFY = "classify", "项目分类"
    PUBLISH = "publish", "发布活动"
    HOLD = "hold", "确认已举办"
    CANCEL = "cancel", "取消活动"
    SIGNUP = "signup", "报名"
    SIGNUP_CANCEL = "signup_cancel", "取消报名"
    APPROVE = "approve", "报名审核通过"
    REJECT = "reject", "报名未通过"
    PROMOTE = "promote", "候补递补"
    CHECKIN = "checkin", "现场签到"
    REMIND = "remind", "发送活动提醒"
    CONCIERGE = "concierge", "指定服务专员"


def _dates_sound(event: Event, actor: object) -> bool:
    return event.signup_deadline <= event.ends_on and event.ends_on >= event.starts_on and event.ends_on >= today()


def _has_items(event: Event, actor: object) -> bool:
    return event.items.exists()


def _started(event: Event, actor: object) -> bool:
    return event.starts_on <= today()


DATES_SOUND = workflow.Guard(
    "dates_sound", "event_dates_invalid", "活动已结束或报名截止日期晚于活动结束日期，不能发布", _dates_sound
)
HAS_ITEMS = workflow.Guard("has_items", "event_without_items", "请先添加至少一项展示的科技成果或技术需求", _has_items)
STARTED = workflow.Guard("started", "event_not_started", "活动尚未开始，不能确认已举办", _started)

EVENT = workflow.register(
    workflow.Workflow(
        name="events.event",
        model=Event,
        states=EventStatus,
        event_model=EventEvent,
        event_types=EventEventType,
        noun="活动",
        groups=(
            workflow.StateGroup("open", "进行中", frozenset({S.DRAFT, S.PUBLISHED})),
            workflow.StateGroup("ended", "已结束", frozenset({S.HELD, S.CANCELLED})),
        ),
        transitions=(
            workflow.Transition(
                "publish",
                S.DRAFT,
                S.PUBLISHED,
                "发布",
                permission=Action.CHANGE,
                guards=(HAS_ITEMS, DATES_SOUND),
                forbidden=("not_event_organiser", "只有主办单位可以管理该活动"),
            ),
            workflow.Transition(
                "hold",
                S.PUBLISHED,
                S.HELD,
                "确认已举办",
                permission=Action.CHANGE,
                guards=(STARTED,),
                forbidden=("not_event_organiser", "只有主办单位可以管理该活动"),
            ),
            workflow.Transition(
                "cancel",
                {S.DRAFT, S.PUBLISHED},
                S.CANCELLED,
                "取消",
                permission=Action.CHANGE,
                forbidden=("not_event_organiser", "只有主办单位可以管理该活动"),
            ),
        ),
    )
)
