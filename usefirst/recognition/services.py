"""Writes of recognition: the application workflow, the quota, revocation, the reversal flag
and misconduct records. Each service checks who may act, runs in one transaction, writes the
event or audit row with the change, and notifies after commit (notifications.notify).

Workflow (docs/domain.md, "Lifecycles"; declared in recognition/workflows.py): draft (unit) →
recommended (the unit or its superior department) → public_notice (the provincial department
selects, 择优) → recognised / rejected; a recognition may be revoked. Every move goes through
the workflow kernel (usefirst/core/workflow.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from usefirst.accounts import roles
from usefirst.accounts.models import Organisation, Person, User
from usefirst.catalog.models import Achievement
from usefirst.core import workflow
from usefirst.core.actors import Actor
from usefirst.core.audit import audit
from usefirst.core.dates import today
from usefirst.core.errors import Conflict, DomainError, Forbidden, from_validation_error
from usefirst.core.money import format_cny, format_wan
from usefirst.core.text import clean_text
from usefirst.notifications.services import notify
from usefirst.policy.selectors import parameter_value

from . import locks
from .eligibility import Eligibility, evaluate, inventors_in_scope
from .models import (
    OPEN_STATUSES,
    ApplicationStatus,
    MisconductRecord,
    Objection,
    QuotaChange,
    Recognition,
    RecognitionApplication,
    RecognitionPerson,
    RecognitionYear,
)
from .workflows import APPLICATION, MISCONDUCT, can_recommend, is_misconduct_subject
from .workflows import ApplicationEventType as E
from .workflows import MisconductEventType as ME

RECOGNITION_TEXT = "视同省级科技计划立项（无省财政经费支持）"

# A failed computed check → the stable problem code and the rule it names.
CHECK_ERRORS: dict[str, tuple[str, str]] = {
    "amount_received": ("recognition_below_threshold", "实际到账金额未达到认定门槛（规则2：累计实际到账≥50万元，含本数）"),
    "not_recognised_before": ("recognition_already_recognised", "该成果已获认定，不能重复认定（规则3）"),
    "not_established": ("recognition_already_established", "该成果转化已作为省级科技计划项目立项，不能认定（规则3）"),
    "quota_available": ("recognition_quota_exhausted", "本年度认定名额已满（规则3：原则上每年不超过200项）"),
    "inventors_free": ("recognition_person_already_recognised", "成果完成人本年度已有项目获认定（规则3：每人每年限一项）"),
    "key_technology": ("recognition_not_key_technology", "仅科研攻关类项目可申请认定（规则2）"),
    "no_misconduct": ("recognition_misconduct_in_force", "单位或成果完成人有在记录期内的科研失信记录，不予认定"),
}

# Checks that refuse drafting, recommendation and selection. The year's cap is shown there but
# enforced only at recognition: a cap may still be raised (原则上).
BEFORE_RECOGNITION = (
    "amount_received",
    "not_recognised_before",
    "not_established",
    "inventors_free",
    "key_technology",
    "no_misconduct",
)


def _move(
    application: RecognitionApplication,
    name: str,
    *,
    actor: Actor,
    reason: str = "",
    payload: dict[str, Any] | None = None,
    also: dict[str, Any] | None = None,
    notice: workflow.Notice | None = None,
) -> RecognitionApplication:
    """Take a transition of recognition/workflows.py. `application` is the caller's copy: a row
    that has moved on since it was read is refused as stale."""
    for field, value in (also or {}).items():
        if isinstance(value, str):  # the texts a person typed: their length and characters
            try:
                RecognitionApplication._meta.get_field(field).clean(value, application)  # type: ignore[union-attr]
            except ValidationError as exc:
                raise from_validation_error(ValidationError({field: exc.error_list})) from exc
    return workflow.move(
        APPLICATION,
        application,
        name,
        actor=actor,
        reason=reason,
        payload=payload,
        also={**(also or {}), "updated_at": timezone.now()},
        notices=[notice] if notice else [],
    )


def _save(obj: Any) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise from_validation_error(exc) from exc
    obj.save()


def _text(value: str, *, field: str, label: str, required: bool = True, max_length: int = 3000) -> str:
    """The shared text rule (usefirst.core.text): an opinion, a reason or an answer may run over
    several lines; a name or an authority stays on one."""
    return clean_text(
        value,
        field=field,
        label=label,
        max_chars=max_length,
        required=required,
        multiline=field not in ("contact_name", "referral"),
        required_code="recognition_reason_required",
    )


def _raise_failed(result: Eligibility, *, keys: Iterable[str] | None = None) -> None:
    for check in result.checks:
        if check.kind == "declared" and check.key != "key_technology":
            continue
        if check.kind == "flag" or check.passed or (keys is not None and check.key not in keys):
            continue
        code, detail = CHECK_ERRORS[check.key]
        raise Conflict(f"{detail}。{check.figure}", code=code)


def application_url(application: RecognitionApplication) -> str:
    return reverse("recognition:application_detail", args=[application.pk])


def _unit_members(unit: Organisation) -> list[User]:
    return list(User.objects.filter(memberships__organisation=unit, memberships__is_active=True, is_active=True).distinct())


def provincial_staff() -> list[User]:
    from usefirst.accounts.models import OrganisationKind

    return list(
        User.objects.filter(
            memberships__organisation__kind=OrganisationKind.PROVINCIAL_DEPARTMENT, memberships__is_active=True, is_active=True
        ).distinct()
    )


def _require_provincial(actor: Actor) -> None:
    if not roles.is_provincial_staff(actor):
        raise Forbidden("只有省科学技术厅的审核人员可以办理认定", code="recognition_not_provincial_reviewer")


def batch_year(on: dt.date | None = None) -> int:
    """The recognition batch year: by default the calendar year of the business date."""
    return (on or today()).year


# ---------------------------------------------------------------- drafting and recommendation


def application_create(
    *, actor: Actor, achievement: Achievement, statement: str = "", year: int | None = None
) -> RecognitionApplication:
    """The unit drafts an application, pre-filled from the eligibility checks."""
    if not roles.is_member(actor, achievement.owner):
        raise Forbidden("只有成果单位可以起草认定申请", code="recognition_not_owner_unit")
    on = today()
    year = year or batch_year(on)
    result = evaluate(achievement, year=year, on=on)
    _raise_failed(result, keys=BEFORE_RECOGNITION)
    with transaction.atomic():
        application = RecognitionApplication(
            achievement=achievement,
            unit=achievement.owner,
            year=year,
            mode=result.mode,
            basis_contract_id=result.basis_contract_id,
            amount_received=result.amount,
            eligibility=result.as_json(),
            key_technology_declared=bool(result.check("key_technology").passed),
            statement=_text(statement, field="statement", label="申请说明", required=False, max_length=5000),
            created_by=actor,
        )
        if RecognitionApplication.objects.filter(achievement=achievement, status__in=OPEN_STATUSES).exists():
            raise Conflict("该成果已有进行中的认定申请", code="recognition_application_exists")
        try:
            application.full_clean(validate_constraints=False)
        except ValidationError as exc:
            raise from_validation_error(exc) from exc
        try:
            with transaction.atomic():
                application.save()
        except IntegrityError as exc:
            raise Conflict("该成果已有进行中的认定申请", code="recognition_application_exists") from exc
        workflow.record(APPLICATION, application, E.CREATE, actor=actor, payload={"amount": str(result.amount)}, from_status="")
    return application


def application_recommend(*, actor: Actor, application: RecognitionApplication, opinion: str) -> RecognitionApplication:
    """The unit, or its superior department where it has one, reviews and recommends."""
    if not can_recommend(actor, application):
        if roles.department_ids(actor):
            raise Forbidden("推荐单位不是该成果单位的上级业务主管部门", code="recognition_not_superior_department")
        raise Forbidden("只有成果单位或其上级业务主管部门可以推荐", code="recognition_not_owner_unit")
    opinion = _text(opinion, field="opinion", label="推荐意见")
    result = evaluate(application.achievement, year=application.year, on=today(), recommended=True)
    _raise_failed(result, keys=BEFORE_RECOGNITION)
    recommender = application.unit if roles.is_member(actor, application.unit) else application.unit.superior_department
    return _move(
        application,
        E.RECOMMEND,
        actor=actor,
        reason=opinion,
        payload={"recommended_by": recommender.pk if recommender else None},
        also={
            "recommended_by": recommender,
            "recommended_at": timezone.now(),
            "recommendation": opinion,
            "eligibility": result.as_json(),
            "amount_received": result.amount,
        },
        notice=lambda moved: notify(
            recipients=provincial_staff(),
            kind="recognition.recommended",
            title=f"认定申请待审核：{moved.achievement.title}",
            url=application_url(moved),
        ),
    )


# ---------------------------------------------------------------- provincial review and public notice


def application_select(
    *, actor: Actor, application: RecognitionApplication, key_technology_confirmed: bool, opinion: str = ""
) -> RecognitionApplication:
    """The provincial department selects (择优) the application: it goes to public notice."""
    _require_provincial(actor)
    if not key_technology_confirmed:
        raise Conflict("未确认为科研攻关类项目，不能进入公示；如不符合请作出不予认定决定", code="recognition_not_key_technology")
    on = today()
    result = evaluate(application.achievement, year=application.year, on=on, recommended=True, key_technology_confirmed=True)
    _raise_failed(result, keys=BEFORE_RECOGNITION)
    days = int(parameter_value("public_notice_days", on=on))
    notice_end = on + dt.timedelta(days=days)
    return _move(
        application,
        E.SELECT,
        actor=actor,
        reason=opinion,
        payload={"notice_end": notice_end.isoformat()},
        also={
            "key_technology_confirmed": True,
            "notice_start": on,
            "notice_end": notice_end,
            "decision_reason": _text(opinion, field="opinion", label="审核意见", required=False),
            "eligibility": result.as_json(),
            "amount_received": result.amount,
        },
        notice=lambda moved: notify(
            recipients=_unit_members(moved.unit),
            kind="recognition.public_notice",
            title=f"认定申请进入公示：{moved.achievement.title}",
            body=f"公示期至 {notice_end:%Y-%m-%d}。",
            url=application_url(moved),
        ),
    )


def application_reject(*, actor: Actor, application: RecognitionApplication, reason: str) -> RecognitionApplication:
    _require_provincial(actor)
    reason = _text(reason, field="reason", label="不予认定理由")
    return _move(
        application,
        E.REJECT,
        actor=actor,
        reason=reason,
        also={"decision_reason": reason, "decided_at": timezone.now()},
        notice=lambda moved: notify(
            recipients=_unit_members(moved.unit),
            kind="recognition.rejected",
            title=f"认定申请未予认定：{moved.achievement.title}",
            body=reason,
            url=application_url(moved),
        ),
    )


def objection_submit(*, actor: Actor, application: RecognitionApplication, contact_name: str, text: str) -> Objection:
    """Anyone signed in may object during the public notice period (公示期内)."""
    if not getattr(actor, "is_authenticated", False):
        raise Forbidden("请先登录后提出异议", code="unauthenticated")
    on = today()
    application = RecognitionApplication.objects.select_related("achievement").get(pk=application.pk)
    if application.status != ApplicationStatus.PUBLIC_NOTICE or not (
        application.notice_start and application.notice_end and application.notice_start <= on <= application.notice_end
    ):
        raise Conflict("该项目不在公示期内", code="recognition_not_in_notice")
    with transaction.atomic():
        objection = Objection(
            application=application,
            submitted_by=actor,
            contact_name=_text(contact_name, field="contact_name", label="异议人", max_length=64),
            text=_text(text, field="text", label="异议内容"),
        )
        _save(objection)
        audit(actor=actor, action="recognition.objection", obj=objection, application=application.pk)
        notify(
            recipients=provincial_staff(),
            kind="recognition.objection",
            title=f"公示异议：{application.achievement.title}",
            url=application_url(application),
        )
    return objection


def objection_answer(*, actor: Actor, objection: Objection, answer: str, upheld: bool) -> Objection:
    _require_provincial(actor)
    answer = _text(answer, field="answer", label="处理答复")
    with transaction.atomic():
        objection = locks.lock_objection(objection.pk)
        if objection.answered_at is not None:
            raise Conflict("该异议已答复", code="recognition_objection_answered")
        objection.answer = answer
        objection.upheld = upheld
        objection.answered_by = actor
        objection.answered_at = timezone.now()
        _save(objection)
        audit(actor=actor, action="recognition.objection_answer", obj=objection, upheld=upheld)
        if objection.submitted_by is not None:
            notify(
                recipients=[objection.submitted_by],
                kind="recognition.objection_answered",
                title="您提出的公示异议已答复",
                body=answer,
            )
    return objection


# ---------------------------------------------------------------- recognition under the limits


def quota_for_year(year: int, *, on: dt.date | None = None) -> RecognitionYear:
    """The year's quota row, created with the cap parameter on first use (race-safe: the
    primary key decides, get_or_create retries the read)."""
    cap = int(parameter_value("recognition_yearly_cap", on=on or today()))
    row, _ = RecognitionYear.objects.get_or_create(year=year, defaults={"cap": cap})
    return row


def _take_slot(year: int) -> None:
    """Count one recognition against the year's cap with a conditional UPDATE … WHERE used < cap
    (the CheckConstraint used <= cap stands behind it; the workflow's guard has said so first)."""
    taken = RecognitionYear.objects.filter(year=year, used__lt=F("cap")).update(used=F("used") + 1)
    if taken != 1:
        raise Conflict("本年度认定名额已满（规则3：原则上每年不超过200项）", code="recognition_quota_exhausted")


def application_recognise(*, actor: Actor, application: RecognitionApplication) -> Recognition:
    """The provincial department recognises the project after the public notice. The quota,
    one-per-person-per-year and once-per-achievement limits are enforced by the database;
    a refusal leaves nothing changed.

    The eligibility figures are read before the write transaction, so that the transaction
    holding the quota row is short; inside it the workflow's guards check the notice period, the
    objections and the limits of rule 3, and the database constraints stand behind the limits."""
    _require_provincial(actor)
    on = today()
    quota_for_year(application.year, on=on)
    current = RecognitionApplication.objects.select_related("achievement", "unit").get(pk=application.pk)
    result = evaluate(current.achievement, year=current.year, on=on, recommended=True, key_technology_confirmed=True)
    _raise_failed(result, keys=["amount_received", "not_established", "key_technology", "no_misconduct"])
    persons = [i.person for i in inventors_in_scope(current.achievement, on=on)]
    members = _unit_members(current.unit)
    try:
        with transaction.atomic():
            locks.lock_quota(current.year)
            number = f"GDXY-{current.year}-{Recognition.objects.filter(year=current.year).count() + 1:04d}"
            application = _move(
                application,
                E.RECOGNISE,
                actor=actor,
                reason=RECOGNITION_TEXT,
                payload={"number": number, "amount": str(result.amount)},
                also={"decided_at": timezone.now(), "eligibility": result.as_json(), "amount_received": result.amount},
                notice=lambda moved: notify(
                    recipients=members,
                    kind="recognition.recognised",
                    title=f"项目已获认定：{moved.achievement.title}",
                    body=f"{RECOGNITION_TEXT}，认定编号 {number}。",
                    url=application_url(moved),
                ),
            )
            _take_slot(application.year)
            recognition = Recognition(
                application=application,
                achievement=application.achievement,
                unit=application.unit,
                year=application.year,
                number=number,
                mode=result.mode,
                amount_received=result.amount,
                recognised_by=actor,
            )
            try:
                with transaction.atomic():
                    recognition.save()
            except IntegrityError as exc:
                raise Conflict("该成果已获认定，不能重复认定（规则3）", code="recognition_already_recognised") from exc
            try:
                with transaction.atomic():
                    RecognitionPerson.objects.bulk_create(
                        [
                            RecognitionPerson(
                                recognition=recognition, person=p, year=application.year, identity_hash=p.identity_hash
                            )
                            for p in persons
                        ]
                    )
            except IntegrityError as exc:
                raise Conflict(
                    "成果完成人本年度已有项目获认定（规则3：每人每年限一项）", code="recognition_person_already_recognised"
                ) from exc
    except IntegrityError as exc:  # a constraint not named above (the cap's CheckConstraint)
        raise Conflict("本年度认定名额已满（规则3：原则上每年不超过200项）", code="recognition_quota_exhausted") from exc
    return recognition


def quota_raise(*, actor: Actor, year: int, new_cap: int, reason: str) -> RecognitionYear:
    """A provincial administrator raises a year's cap (原则上), with a recorded reason."""
    if not roles.is_provincial_admin(actor):
        raise Forbidden("只有省科学技术厅管理员可以调整年度名额", code="recognition_not_provincial_admin")
    reason = _text(reason, field="reason", label="调整理由")
    quota_for_year(year)
    with transaction.atomic():
        row = locks.lock_year(year)
        if new_cap <= row.cap:
            raise DomainError(f"新上限应大于当前上限 {row.cap}", code="recognition_cap_not_raised")
        change = QuotaChange(year=row, old_cap=row.cap, new_cap=new_cap, reason=reason, actor=actor)
        _save(change)
        RecognitionYear.objects.filter(year=year).update(cap=new_cap)
        audit(actor=actor, action="recognition.quota_raise", obj=row, old_cap=change.old_cap, new_cap=new_cap, reason=reason)
        row.refresh_from_db()
    return row


def recognition_revoke(*, actor: Actor, recognition: Recognition, reason: str) -> Recognition:
    """Revocation with reasons. The persons' places for the year are released; whether the
    slot returns to the year's quota is the setting `recognition_revocation_returns_slot`."""
    _require_provincial(actor)
    reason = _text(reason, field="reason", label="撤销理由")
    returns = bool(parameter_value("recognition_revocation_returns_slot", on=today()))
    with transaction.atomic():
        locks.lock_quota(recognition.year)
        _move(
            recognition.application,
            E.REVOKE,
            actor=actor,
            reason=reason,
            payload={"slot_returned": returns},
            notice=lambda moved: notify(
                recipients=_unit_members(recognition.unit),
                kind="recognition.revoked",
                title=f"认定已撤销：{recognition.number}",
                body=reason,
                url=application_url(moved),
            ),
        )
        recognition = locks.lock_recognition(recognition.pk)
        recognition.revoked_at = timezone.now()
        recognition.revocation_reason = reason
        recognition.slot_returned = returns
        recognition.save()
        recognition.persons.all().delete()
        if returns:
            RecognitionYear.objects.filter(year=recognition.year, used__gt=0).update(used=F("used") - 1)
    return recognition


def recognition_check_receipts(recognition: Recognition) -> bool:
    """After recognition, a reversal that takes the amount below the threshold flags the
    recognition for the provincial reviewer (once). Returns whether a new flag was raised."""
    if recognition.revoked_at is not None or recognition.review_flagged_at is not None:
        return False
    on = today()
    result = evaluate(recognition.achievement, year=recognition.year, on=on, exclude_recognition_id=recognition.pk)
    if result.amount >= result.threshold:
        return False
    with transaction.atomic():
        flagged = Recognition.objects.filter(pk=recognition.pk, review_flagged_at__isnull=True).update(
            review_flagged_at=timezone.now(),
            review_flag=f"到账冲销后实际到账为 {format_cny(result.amount)}，低于认定门槛 {format_wan(result.threshold)}，请复核",
        )
        if flagged:
            audit(actor=None, action="recognition.flag_reversal", obj=recognition, amount=str(result.amount))
            notify(
                recipients=provincial_staff(),
                kind="recognition.flag",
                title=f"认定项目需复核：{recognition.number}",
                body="到账冲销后实际到账低于认定门槛。",
                url=application_url(recognition.application),
            )
    return bool(flagged)


def check_reversals(*, achievement_ids: Iterable[int] | None = None) -> int:
    qs = Recognition.objects.filter(revoked_at__isnull=True, review_flagged_at__isnull=True).select_related(
        "achievement", "application"
    )
    if achievement_ids is not None:
        qs = qs.filter(achievement_id__in=list(achievement_ids))
    return sum(1 for r in qs if recognition_check_receipts(r))


# ---------------------------------------------------------------- misconduct records (科研失信记录)


def _subject_users(record: MisconductRecord) -> list[User]:
    if record.subject_organisation is not None:
        return _unit_members(record.subject_organisation)
    person = record.subject_person
    return [person.user] if person is not None and person.user is not None else []


def misconduct_record(
    *,
    actor: Actor,
    organisation: Organisation | None = None,
    person: Person | None = None,
    period_start: dt.date,
    period_end: dt.date,
    reason: str,
    referral: str = "",
) -> MisconductRecord:
    _require_provincial(actor)
    if (organisation is None) == (person is None):
        raise DomainError("请指定一个失信主体（机构或个人）", code="misconduct_subject_required")
    if period_end < period_start:
        raise DomainError("记录期止不能早于记录期起", code="misconduct_period_invalid")
    with transaction.atomic():
        record = MisconductRecord(
            subject_organisation=organisation,
            subject_person=person,
            period_start=period_start,
            period_end=period_end,
            reason=_text(reason, field="reason", label="失信行为及依据"),
            referral=_text(referral, field="referral", label="移交机关", required=False, max_length=200),
            recorded_by=actor,
        )
        _save(record)
        workflow.record(MISCONDUCT, record, ME.RECORD, actor=actor, reason=record.reason, from_status="")
        notify(
            recipients=_subject_users(record),
            kind="recognition.misconduct_recorded",
            title="您被列入科研失信记录",
            body=f"记录期 {period_start:%Y-%m-%d} 至 {period_end:%Y-%m-%d}。如有异议，可在平台提出申诉。",
            url=reverse("recognition:misconduct_detail", args=[record.pk]),
        )
    return record


def misconduct_appeal(*, actor: Actor, record: MisconductRecord, text: str) -> MisconductRecord:
    if not is_misconduct_subject(actor, record):  # before the text: an outsider learns nothing
        raise Forbidden("只有记录的主体可以申诉", code="misconduct_not_subject")
    text = _text(text, field="text", label="申诉理由")
    return workflow.move(
        MISCONDUCT,
        record,
        ME.APPEAL,
        actor=actor,
        reason=text,
        also={"appeal": text, "appealed_at": timezone.now()},
        notices=[
            lambda moved: notify(
                recipients=provincial_staff(),
                kind="recognition.misconduct_appeal",
                title="科研失信记录申诉待处理",
                url=reverse("recognition:misconduct_detail", args=[moved.pk]),
            )
        ],
    )


def misconduct_decide_appeal(*, actor: Actor, record: MisconductRecord, withdraw: bool, answer: str) -> MisconductRecord:
    """The provincial department upholds the appeal (the record is withdrawn) or keeps the record."""
    _require_provincial(actor)
    answer = _text(answer, field="answer", label="申诉处理意见")
    return workflow.move(
        MISCONDUCT,
        record,
        ME.WITHDRAW if withdraw else ME.KEEP,
        actor=actor,
        reason=answer,
        also={"appeal_answer": answer},
        notices=[
            lambda moved: notify(
                recipients=_subject_users(moved),
                kind="recognition.misconduct_appeal_decided",
                title="科研失信记录申诉已处理",
                body=answer,
            )
        ],
    )
