"""Inventors: one person across units, ID numbers encrypted and masked, unmasking audited, PIPL consent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from usefirst.accounts.models import Membership, OrganisationKind, Person, UnitPerson
from usefirst.accounts.services.people import person_list_for_unit, person_register, person_unmask
from usefirst.core.errors import DomainError, Forbidden
from usefirst.core.identifiers import IdKind, resident_id_check_char
from usefirst.core.models import AuditEntry
from usefirst.core.testing import make_org, make_user

pytestmark = pytest.mark.django_db


def fictitious_id(serial: int = 1) -> str:
    body = f"44010619900101{serial:03d}"
    return body + resident_id_check_char(body)


ID_NUMBER = fictitious_id(123)
PHONE = "13800138000"


def register(actor, unit, **overrides):
    now = timezone.now()
    data = {
        "actor": actor,
        "unit": unit,
        "full_name": "陈测试",
        "id_kind": IdKind.MAINLAND,
        "id_number": ID_NUMBER,
        "phone": PHONE,
        "notice_given_at": now - timedelta(minutes=5),
        "consent_at": now,
        "consent_method": "书面同意书",
    }
    data.update(overrides)
    return person_register(**data)


def test_the_same_id_number_in_two_units_is_one_person(owner, unit, province):
    other_unit = make_org(OrganisationKind.RESEARCH_INSTITUTE, name="另一研究所")
    other_admin = make_user(other_unit, role=Membership.Role.ADMIN)
    first = register(owner, unit)
    second = register(other_admin, other_unit, id_number=ID_NUMBER.lower()[:-1] + ID_NUMBER[-1].lower(), full_name="陈测试")
    assert first.pk == second.pk and Person.objects.count() == 1
    assert UnitPerson.objects.filter(person=first).count() == 2
    assert list(person_list_for_unit(unit)) == [first] and list(person_list_for_unit(other_unit)) == [first]


def test_the_id_number_and_phone_are_encrypted_in_the_database(owner, unit):
    person = register(owner, unit)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_person")
        rows = cursor.fetchall()
    dumped = repr(rows)
    assert ID_NUMBER not in dumped and PHONE not in dumped
    assert person.id_number_masked.startswith("440") and "*" in person.id_number_masked
    assert person.phone_masked == "138****8000"


def test_the_unit_list_shows_masked_numbers_only(client, owner, unit):
    register(owner, unit)
    client.force_login(owner)
    html = client.get(reverse("accounts:people")).content.decode()
    assert "陈测试" in html and ID_NUMBER not in html and PHONE not in html
    assert "138****8000" in html


def test_a_mainland_id_with_a_wrong_check_digit_is_refused(owner, unit):
    wrong = ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1")
    with pytest.raises(DomainError) as info:
        register(owner, unit, id_number=wrong)
    assert "校验位不正确" in info.value.detail
    assert Person.objects.count() == 0


@pytest.mark.parametrize(
    ("kind", "number"),
    [
        (IdKind.HONG_KONG, "A123456(7)"),
        (IdKind.MACAO, "1234567(8)"),
        (IdKind.TAIWAN, "A123456789"),
        (IdKind.PASSPORT, "E12345678"),
    ],
)
def test_hong_kong_macao_taiwan_and_passport_numbers_are_accepted(owner, unit, kind, number):
    person = register(owner, unit, id_kind=kind, id_number=number)
    assert person.id_kind == kind


def test_consent_before_notice_is_refused(owner, unit):
    now = timezone.now()
    with pytest.raises(DomainError):
        register(owner, unit, notice_given_at=now, consent_at=now - timedelta(days=1))


def test_an_outsider_cannot_list_people_in_a_unit(outsider, unit):
    with pytest.raises(Forbidden):
        register(outsider, unit)


def test_unmasking_returns_the_number_and_writes_an_audit_row_every_time(owner, unit):
    person = register(owner, unit)
    assert person_unmask(actor=owner, person=person, field="id_number") == ID_NUMBER
    assert person_unmask(actor=owner, person=person, field="phone") == PHONE
    assert AuditEntry.objects.filter(action="person.unmask", object_id=str(person.pk), actor=owner).count() == 2


def test_unmasking_is_forbidden_to_outsiders_and_the_attempt_is_recorded(owner, unit, outsider):
    person = register(owner, unit)
    with pytest.raises(Forbidden):
        person_unmask(actor=outsider, person=person, field="id_number")
    assert AuditEntry.objects.filter(action="person.unmask_refused", actor=outsider).count() == 1


def test_provincial_staff_may_unmask(owner, unit, provincial_reviewer):
    person = register(owner, unit)
    assert person_unmask(actor=provincial_reviewer, person=person, field="id_number") == ID_NUMBER


def test_the_unmask_page_shows_the_number_once_without_caching(client, owner, unit, outsider):
    person = register(owner, unit)
    client.force_login(owner)
    response = client.post(reverse("accounts:person_unmask", args=[person.pk]), {"field": "id_number"})
    assert ID_NUMBER in response.content.decode() and response["Cache-Control"] == "no-store"
    assert client.get(reverse("accounts:person_unmask", args=[person.pk])).status_code == 405
    client.force_login(outsider)
    response = client.post(reverse("accounts:person_unmask", args=[person.pk]), {"field": "id_number"})
    assert response.status_code == 403 and ID_NUMBER not in response.content.decode()


def test_the_add_inventor_form_records_notice_and_consent(client, owner, unit):
    client.force_login(owner)
    html = client.get(reverse("accounts:person_add")).content.decode()
    for field in ("full_name", "id_kind", "id_number", "phone", "notice_given_at", "consent_at", "consent_method"):
        assert f'for="id_{field}"' in html
    response = client.post(
        reverse("accounts:person_add"),
        {
            "full_name": "林测试",
            "id_kind": IdKind.MAINLAND,
            "id_number": fictitious_id(7),
            "phone": "",
            "notice_given_at": "2026-11-20T09:00",
            "consent_at": "2026-11-20T09:30",
            "consent_method": "平台内确认",
        },
    )
    assert response.status_code == 302
    listing = UnitPerson.objects.get(unit=unit, person__full_name="林测试")
    assert listing.consent_method == "平台内确认" and listing.recorded_by == owner


def test_a_bad_id_number_on_the_form_shows_a_chinese_message(client, owner, unit):
    client.force_login(owner)
    response = client.post(
        reverse("accounts:person_add"),
        {
            "full_name": "林测试",
            "id_kind": IdKind.MAINLAND,
            "id_number": "123",
            "notice_given_at": "2026-11-20T09:00",
            "consent_at": "2026-11-20T09:30",
            "consent_method": "平台内确认",
        },
    )
    assert response.status_code == 200 and "居民身份证号码应为18位" in response.content.decode()
    assert Person.objects.count() == 0
