"""The lifecycles of recognition applications and misconduct records (docs/domain.md,
"Lifecycles"), declared for the workflow kernel (usefirst/core/workflow.py).

Application: draft (the unit) → recommended (the unit or its superior department) →
public_notice (the provincial department selects, 择优) → recognised, or rejected from review or
notice; a recognition may be revoked. The limits of rules 2 and 3 that need the eligibility
figures (the amount received, misconduct records, the key-technology category) are evaluated by
the services, which save the snapshot with the move; the year's cap and one recognition per
achievement and per person a year are guards of `recognise`, with database constraints behind
them (see models.py).
Misconduct record: active → appealed by its subject → withdrawn (appeal upheld) or active again.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F

from usefirst.accounts import roles
from usefirst.core import workflow
from usefirst.core.actors import Visitor
from usefirst.core.dates import today
from usefirst.core.errors import Conflict
from usefirst.core.permissions import Action

from .eligibility import inventors_in_scope
from .models import (
    ApplicationEvent,
    ApplicationStatus,
    MisconductEvent,
    MisconductRecord,
    MisconductStatus,
    Recognition,
    RecognitionApplication,
    RecognitionPerson,
    RecognitionYear,
)

S = ApplicationStatus
M = MisconductStatus

NOT_PROVINCIAL = ("recognition_not_provincial_reviewer", "只有省科学技术厅的审核人员可以办理认定")


class ApplicationEventType(models.TextChoices):
    CREATE = "create", "起草申请"
    RECOMMEND = "recommend", "推荐"
    SELECT = "select", "择优入选，进入公示"
    REJECT = "reject", "不予认定"
    RECOGNISE = "recognise", "认定"
    REVOKE = "revoke", "撤销认定"
    NOTICE_MOVED = "notice_moved", "公示期移至过去（演示数据）"


class MisconductEventType(models.TextChoices):
    RECORD = "record", "记入科研失信记录"
    APPEAL = "appeal", "提出申诉"
    WITHDRAW = "withdraw", "申诉成立，撤销记录"
    KEEP = "keep", "申诉不成立，维持记录"


# ---------------------------------------------------------------- applications


def can_recommend(user: Visitor, application: RecognitionApplication) -> bool:
    """The owner unit, or its superior department where it has one."""
    unit = application.unit
    if roles.is_member(user, unit):
        return True
    return unit.superior_department_id is not None and unit.superior_department_id in roles.organisation_ids(user)


def _notice_ended(application: RecognitionApplication, actor: Visitor | None) -> bool:
    if application.notice_end is not None and today() <= application.notice_end:
        raise Conflict(f"公示期至 {application.notice_end:%Y-%m-%d}，期满后方可认定", code="recognition_notice_running")
    return True


# Recognition follows the public notice (公示) and its objections (docs/domain.md, "Glossary" and
# "Lifecycles"): the period must be over, every objection answered and none upheld.
NOTICE_ENDED = workflow.Guard("notice_ended", "recognition_notice_running", "公示期满后方可认定", _notice_ended)
OBJECTIONS_ANSWERED = workflow.Guard(
    "objections_answered",
    "recognition_objections_unanswered",
    "公示异议尚未全部答复",
    lambda application, actor: not application.objections.filter(answered_at__isnull=True).exists(),
)
NO_OBJECTION_UPHELD = workflow.Guard(
    "no_objection_upheld",
    "recognition_objection_upheld",
    "公示异议成立，不能认定；请作出不予认定决定",
    lambda application, actor: not application.objections.filter(upheld=True).exists(),
)

# The limits of rule 3 (docs/domain.md, "Rule 3. The limits of recognition"), checked on the locked
# row when the project is recognised; the database constraints stand behind each (models.py).


def _quota_available(application: RecognitionApplication, actor: Visitor | None) -> bool:
    return RecognitionYear.objects.filter(year=application.year, used__lt=F("cap")).exists()


def _not_recognised_before(application: RecognitionApplication, actor: Visitor | None) -> bool:
    return not Recognition.objects.filter(achievement_id=application.achievement_id, revoked_at__isnull=True).exists()


def _inventors_free(application: RecognitionApplication, actor: Visitor | None) -> bool:
    hashes = [i.person.identity_hash for i in inventors_in_scope(application.achievement, on=today())]
    return not RecognitionPerson.objects.filter(year=application.year, identity_hash__in=hashes).exists()


QUOTA_AVAILABLE = workflow.Guard(
    "quota_available", "recognition_quota_exhausted", "本年度认定名额已满（规则3：原则上每年不超过200项）", _quota_available
)
NOT_RECOGNISED_BEFORE = workflow.Guard(
    "not_recognised_before", "recognition_already_recognised", "该成果已获认定，不能重复认定（规则3）", _not_recognised_before
)
INVENTORS_FREE = workflow.Guard(
    "inventors_free",
    "recognition_person_already_recognised",
    "成果完成人本年度已有项目获认定（规则3：每人每年限一项）",
    _inventors_free,
)

APPLICATION = workflow.register(
    workflow.Workflow(
        name="recognition.application",
        model=RecognitionApplication,
        states=ApplicationStatus,
        event_model=ApplicationEvent,
        event_types=ApplicationEventType,
        noun="认定申请",
        groups=(
            workflow.StateGroup("open", "办理中", frozenset({S.DRAFT, S.RECOMMENDED, S.PUBLIC_NOTICE})),
            workflow.StateGroup("recognised", "已认定", frozenset({S.RECOGNISED})),
            workflow.StateGroup("closed", "已结束", frozenset({S.REJECTED, S.REVOKED})),
        ),
        refusal=lambda application, step: (
            "该认定已撤销"
            if application.status == S.REVOKED and step.name == "revoke"
            else f"当前状态“{application.get_status_display()}”不能变为“{ApplicationStatus(step.target).label}”"
        ),
        transitions=(
            workflow.Transition(
                "recommend",
                S.DRAFT,
                S.RECOMMENDED,
                "推荐",
                permission=can_recommend,
                forbidden=("recognition_not_owner_unit", "只有成果单位或其上级业务主管部门可以推荐"),
            ),
            workflow.Transition(
                "select", S.RECOMMENDED, S.PUBLIC_NOTICE, "进入公示", permission=Action.REVIEW, forbidden=NOT_PROVINCIAL
            ),
            workflow.Transition(
                "reject",
                {S.RECOMMENDED, S.PUBLIC_NOTICE},
                S.REJECTED,
                "不予认定",
                permission=Action.REVIEW,
                forbidden=NOT_PROVINCIAL,
            ),
            workflow.Transition(
                "recognise",
                S.PUBLIC_NOTICE,
                S.RECOGNISED,
                "认定",
                permission=Action.REVIEW,
                forbidden=NOT_PROVINCIAL,
                guards=(
                    NOTICE_ENDED,
                    OBJECTIONS_ANSWERED,
                    NO_OBJECTION_UPHELD,
                    QUOTA_AVAILABLE,
                    NOT_RECOGNISED_BEFORE,
                    INVENTORS_FREE,
                ),
            ),
            workflow.Transition(
                "revoke", S.RECOGNISED, S.REVOKED, "撤销认定", permission=Action.REVIEW, forbidden=NOT_PROVINCIAL
            ),
        ),
    )
)


# ---------------------------------------------------------------- misconduct records


def is_misconduct_subject(user: Visitor, record: MisconductRecord) -> bool:
    if record.subject_organisation is not None:
        return roles.is_member(user, record.subject_organisation)
    person = record.subject_person
    return person is not None and person.user_id is not None and person.user_id == getattr(user, "pk", None)


def _provincial(user: Visitor, record: MisconductRecord) -> bool:
    """The provincial department decides appeals (the departments that review the subject see
    the record, but do not decide)."""
    return roles.is_provincial_staff(user)


MISCONDUCT = workflow.register(
    workflow.Workflow(
        name="recognition.misconduct",
        model=MisconductRecord,
        states=MisconductStatus,
        event_model=MisconductEvent,
        event_types=MisconductEventType,
        noun="科研失信记录",
        groups=(
            workflow.StateGroup("in_force", "有效", frozenset({M.ACTIVE, M.APPEALED})),
            workflow.StateGroup("ended", "已撤销", frozenset({M.WITHDRAWN})),
        ),
        refusal=lambda record, step: "该记录当前不能申诉" if step.name == "appeal" else "该记录没有待处理的申诉",
        transitions=(
            workflow.Transition(
                "appeal",
                M.ACTIVE,
                M.APPEALED,
                "申诉",
                permission=is_misconduct_subject,
                forbidden=("misconduct_not_subject", "只有记录的主体可以申诉"),
            ),
            workflow.Transition(
                "withdraw", M.APPEALED, M.WITHDRAWN, "撤销记录", permission=_provincial, forbidden=NOT_PROVINCIAL
            ),
            workflow.Transition("keep", M.APPEALED, M.ACTIVE, "维持记录", permission=_provincial, forbidden=NOT_PROVINCIAL),
        ),
    )
)
