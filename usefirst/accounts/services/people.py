"""Inventors as persons: one identity across units (keyed hash of the normalised ID number),
personal data encrypted and shown masked, every unmasking audited, PIPL notice and consent
recorded per unit."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from usefirst.core import crypto
from usefirst.core.actors import Visitor
from usefirst.core.audit import audit
from usefirst.core.errors import DomainError, Forbidden, from_validation_error
from usefirst.core.identifiers import IdKind, normalise_id_number
from usefirst.core.models import AuditOutcome
from usefirst.core.permissions import Action, can

from .. import roles
from ..models import Organisation, Person, UnitPerson, User

UNMASKABLE_FIELDS = {"id_number": "id_number_encrypted", "phone": "phone_encrypted"}


def _normalise_phone(phone: str) -> str:
    digits = "".join(ch for ch in (phone or "") if ch.isdigit() or ch == "+")
    if phone and not 7 <= len(digits.lstrip("+")) <= 15:
        raise DomainError("手机号码格式不正确", code="invalid_phone", field_errors={"phone": ["手机号码格式不正确"]})
    return digits


def _checked_consent(*, notice_given_at: dt.datetime | None, consent_at: dt.datetime | None, consent_method: str) -> str:
    """The consent method, trimmed, once the notice and consent are complete and in order."""
    consent_method = (consent_method or "").strip()
    errors: dict[str, list[str]] = {}
    if not notice_given_at:
        errors["notice_given_at"] = ["请填写告知时间"]
    if not consent_at:
        errors["consent_at"] = ["请填写同意时间"]
    if not consent_method:
        errors["consent_method"] = ["请填写取得本人同意的方式"]
    if notice_given_at and consent_at and consent_at < notice_given_at:
        errors["consent_at"] = ["同意时间不能早于告知时间"]
    if errors:
        raise DomainError(f"输入有误：{next(iter(errors.values()))[0]}", code="validation_failed", field_errors=errors)
    return consent_method


def _save_listing(
    *,
    actor: User,
    unit: Organisation,
    person: Person,
    notice_given_at: dt.datetime,
    consent_at: dt.datetime,
    consent_method: str,
) -> UnitPerson:
    existing = UnitPerson.objects.select_for_update().filter(unit=unit, person=person).first()
    if existing is not None:
        # A renewed notice and consent replaces the earlier record; the audit keeps both.
        existing.notice_given_at = notice_given_at
        existing.consent_at = consent_at
        existing.consent_method = consent_method
        existing.recorded_by = actor
        existing.save()
        return existing
    listing = UnitPerson(
        unit=unit,
        person=person,
        notice_given_at=notice_given_at,
        consent_at=consent_at,
        consent_method=consent_method,
        recorded_by=actor,
    )
    try:
        listing.full_clean(exclude=["person", "unit", "recorded_by"])
    except ValidationError as exc:
        raise from_validation_error(exc) from exc
    listing.save()
    return listing


def person_register(
    *,
    actor: User,
    unit: Organisation,
    full_name: str,
    id_kind: str,
    id_number: str,
    phone: str = "",
    notice_given_at: dt.datetime,
    consent_at: dt.datetime,
    consent_method: str,
) -> Person:
    """List a person as one of the unit's inventors; the same ID number is the same Person everywhere."""
    if not roles.is_member(actor, unit):
        raise Forbidden("只有本单位成员可以登记本单位的成果完成人", code="not_member")
    if id_kind not in dict(IdKind.CHOICES):
        raise DomainError("证件类型无效", code="id_kind", field_errors={"id_kind": ["证件类型无效"]})
    try:
        number = normalise_id_number(id_number, id_kind)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code="invalid_id_number", field_errors={"id_number": list(exc.messages)}) from exc
    phone = _normalise_phone(phone)
    consent_method = _checked_consent(notice_given_at=notice_given_at, consent_at=consent_at, consent_method=consent_method)

    identity = crypto.identity_hash(id_kind, number)
    try:
        with transaction.atomic():
            person = Person.objects.select_for_update().filter(identity_hash=identity).first()
            created = person is None
            if person is None:
                person = Person(full_name=(full_name or "").strip())
                person.set_id_number(id_kind, number)
                if phone:
                    person.set_phone(phone)
                try:
                    person.full_clean()
                except ValidationError as exc:
                    raise from_validation_error(exc) from exc
                person.save()
            elif phone and not person.phone_encrypted:
                person.set_phone(phone)
                person.save(update_fields=["phone_encrypted", "phone_masked"])
            _save_listing(
                actor=actor,
                unit=unit,
                person=person,
                notice_given_at=notice_given_at,
                consent_at=consent_at,
                consent_method=consent_method,
            )
            audit(
                actor=actor,
                action="person.register",
                obj=person,
                unit=unit.pk,
                created=created,
                consent_method=consent_method,
            )
    except IntegrityError:
        # Another unit registered the same person in the same instant: that row is the one.
        return person_register(
            actor=actor,
            unit=unit,
            full_name=full_name,
            id_kind=id_kind,
            id_number=id_number,
            phone=phone,
            notice_given_at=notice_given_at,
            consent_at=consent_at,
            consent_method=consent_method,
        )
    return person


def person_update(*, actor: User, person: Person, full_name: str | None = None, phone: str | None = None) -> Person:
    """Correct a person's name or phone. Only a unit that listed the person may; the person is
    one across units, so every unit sees the correction. The audit names the fields, not the values."""
    if not can(actor, Action.CHANGE, person):
        raise Forbidden("只有登记了该完成人的单位可以修改其信息", code="forbidden")
    changed: list[str] = []
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if full_name is not None and full_name.strip() != person.full_name:
            person.full_name = full_name.strip()
            changed.append("full_name")
        if phone is not None:
            number = _normalise_phone(phone)
            if number != (crypto.decrypt(person.phone_encrypted) if person.phone_encrypted else ""):
                if number:
                    person.set_phone(number)
                else:
                    person.phone_encrypted, person.phone_masked = "", ""
                changed.append("phone")
        if not changed:
            return person
        try:
            person.full_clean()
        except ValidationError as exc:
            raise from_validation_error(exc) from exc
        person.save()
        audit(actor=actor, action="person.update", obj=person, fields=changed)
    return person


def person_consent_record(
    *,
    actor: User,
    unit: Organisation,
    person: Person,
    notice_given_at: dt.datetime,
    consent_at: dt.datetime,
    consent_method: str,
) -> UnitPerson:
    """Record a renewed notice and consent for a person the unit already lists. A person the
    unit does not list (or whose consent it has withdrawn) is listed again by ID number
    through `person_register`, which is how the same person is recognised."""
    if not roles.is_member(actor, unit):
        raise Forbidden("只有本单位成员可以登记本单位成果完成人的同意", code="not_member")
    consent_method = _checked_consent(notice_given_at=notice_given_at, consent_at=consent_at, consent_method=consent_method)
    with transaction.atomic():
        if not UnitPerson.objects.filter(unit=unit, person=person).exists():
            raise DomainError(
                "本单位尚未登记该完成人（或其同意已撤回），请按证件号码重新登记",
                code="person_not_listed",
                status=409,
            )
        listing = _save_listing(
            actor=actor,
            unit=unit,
            person=person,
            notice_given_at=notice_given_at,
            consent_at=consent_at,
            consent_method=consent_method,
        )
        audit(actor=actor, action="person.consent", obj=person, unit=unit.pk, consent_method=consent_method)
    return listing


def person_consent_withdraw(*, actor: User, unit: Organisation, person: Person, reason: str = "") -> None:
    """The person has withdrawn their consent to the unit (PIPL art. 15): the unit's listing
    goes, so the unit no longer sees the person nor names them in a new or resubmitted
    achievement; what was processed before stays lawful. The audit row keeps the consent
    that was withdrawn."""
    if not roles.is_member(actor, unit):
        raise Forbidden("只有本单位成员可以登记本单位成果完成人撤回同意", code="not_member")
    reason = (reason or "").strip()[:500]
    with transaction.atomic():
        listing = UnitPerson.objects.select_for_update().filter(unit=unit, person=person).first()
        if listing is None:
            raise DomainError("本单位没有该完成人的同意记录", code="person_not_listed", status=409)
        audit(
            actor=actor,
            action="person.consent_withdrawn",
            obj=person,
            unit=unit.pk,
            notice_given_at=listing.notice_given_at.isoformat(),
            consent_at=listing.consent_at.isoformat(),
            consent_method=listing.consent_method,
            reason=reason,
        )
        listing.delete()


def person_list_for_unit(unit: Organisation) -> QuerySet[Person]:
    """The unit's inventors (masked fields only are meant for display)."""
    return Person.objects.filter(unit_listings__unit=unit).distinct().order_by("full_name", "pk")


def can_unmask(user: Visitor, person: Person) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if roles.is_provincial_staff(user):
        return True
    return UnitPerson.objects.filter(person=person, unit_id__in=roles.organisation_ids(user)).exists()


def person_unmask(*, actor: User, person: Person, field: str) -> str:
    """The clear value, for members of a unit that listed the person or provincial staff; audited every time."""
    column = UNMASKABLE_FIELDS.get(field)
    if column is None:
        raise DomainError("不支持查看该字段", code="invalid_field")
    if not can_unmask(actor, person):
        audit(actor=actor, action="person.unmask_refused", obj=person, outcome=AuditOutcome.REFUSED, field=field)
        raise Forbidden("您无权查看该完成人的完整信息", code="forbidden")
    value = crypto.decrypt(getattr(person, column))
    audit(actor=actor, action="person.unmask", obj=person, field=field)
    return value
