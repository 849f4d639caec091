"""The workspace, and a permission matrix over every accounts page: anonymous, outsider, owner, reviewer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from usefirst.accounts.models import Membership, OrganisationKind, OrganisationStatus
from usefirst.accounts.roles import reviewing_department
from usefirst.accounts.services.people import person_register
from usefirst.core.identifiers import IdKind, resident_id_check_char
from usefirst.core.testing import make_org, make_user

from .conftest import PDF_BYTES

pytestmark = pytest.mark.django_db


def test_the_workspace_shows_the_organisation_its_status_and_reviewer(client, owner, unit, province):
    client.force_login(owner)
    html = client.get(reverse("accounts:workspace")).content.decode()
    assert unit.name in html and "已认证" in html and province.name in html
    assert reverse("accounts:staff") in html and reverse("accounts:people") in html


def test_the_workspace_has_an_empty_state_for_a_user_without_an_organisation(client, db):
    client.force_login(make_user())
    html = client.get(reverse("accounts:workspace")).content.decode()
    assert "您尚未加入任何已认证机构" in html and reverse("accounts:register") in html


def test_the_workspace_shows_an_application_waiting_for_review(client, province):
    agency = make_org(OrganisationKind.AGENCY, name="待审核中心")
    agency.status = OrganisationStatus.SUBMITTED
    agency.reviewing_department = reviewing_department(agency)
    agency.save()
    client.force_login(make_user(agency, role=Membership.Role.ADMIN))
    html = client.get(reverse("accounts:workspace")).content.decode()
    assert "待审核中心" in html and "待审核" in html and province.name in html


def test_a_department_member_sees_the_review_link_with_a_count(client, provincial_reviewer):
    agency = make_org(OrganisationKind.AGENCY)
    agency.status = OrganisationStatus.SUBMITTED
    agency.reviewing_department = reviewing_department(agency)
    agency.save()
    client.force_login(provincial_reviewer)
    html = client.get(reverse("accounts:workspace")).content.decode()
    assert '<span class="todo-count">1</span> <span class="todo-label">待审核的机构注册</span>' in html


@pytest.fixture
def listed_person(owner, unit):
    body = "44010619900101555"
    now = timezone.now()
    return person_register(
        actor=owner,
        unit=unit,
        full_name="矩阵测试",
        id_kind=IdKind.MAINLAND,
        id_number=body + resident_id_check_char(body),
        notice_given_at=now - timedelta(minutes=1),
        consent_at=now,
        consent_method="书面同意书",
    )


@pytest.fixture
def unit_with_licence(unit):
    unit.licence.save("x.pdf", ContentFile(PDF_BYTES), save=True)
    return unit


PAGES = {
    # name: (method, url builder)
    "workspace": ("get", lambda ctx: reverse("accounts:workspace")),
    "staff": ("get", lambda ctx: reverse("accounts:staff")),
    "people": ("get", lambda ctx: reverse("accounts:people")),
    "person_add": ("get", lambda ctx: reverse("accounts:person_add")),
    "password_change": ("get", lambda ctx: reverse("accounts:password_change")),
    "review_queue": ("get", lambda ctx: reverse("accounts_review:queue")),
    "review_detail": ("get", lambda ctx: reverse("accounts_review:organisation", args=[ctx["unit"].pk])),
    "licence": ("get", lambda ctx: reverse("accounts:organisation_licence", args=[ctx["unit"].pk])),
    "unmask": ("post", lambda ctx: reverse("accounts:person_unmask", args=[ctx["person"].pk])),
}

# Expected status per persona; 302 for anonymous means "sent to the login page".
MATRIX = {
    "anonymous": dict.fromkeys(PAGES, 302),
    "outsider": {
        "workspace": 200,
        "staff": 200,
        "people": 200,
        "person_add": 200,
        "password_change": 200,
        "review_queue": 403,
        "review_detail": 403,  # the organisation is public, its review file (events, licence) is not
        "licence": 404,
        "unmask": 403,
    },
    "owner": {
        "workspace": 200,
        "staff": 200,
        "people": 200,
        "person_add": 200,
        "password_change": 200,
        "review_queue": 403,
        "review_detail": 200,
        "licence": 200,
        "unmask": 200,
    },
    "reviewer": {
        "workspace": 200,
        "staff": 200,
        "people": 200,
        "person_add": 200,
        "password_change": 200,
        "review_queue": 200,
        "review_detail": 200,
        "licence": 200,
        "unmask": 200,  # provincial staff may unmask, audited
    },
}


@pytest.mark.parametrize("persona", list(MATRIX))
@pytest.mark.parametrize("page", list(PAGES))
def test_permission_matrix(client, persona, page, owner, outsider, provincial_reviewer, unit_with_licence, listed_person):
    user = {"anonymous": None, "outsider": outsider, "owner": owner, "reviewer": provincial_reviewer}[persona]
    if user is not None:
        client.force_login(user)
    method, url = PAGES[page]
    ctx = {"unit": unit_with_licence, "person": listed_person}
    data = {"field": "id_number"} if method == "post" else None
    response = getattr(client, method)(url(ctx), data)
    expected = MATRIX[persona][page]
    assert response.status_code == expected, (persona, page, response.status_code)
    if persona == "anonymous":
        assert response.url.startswith(reverse("accounts:login"))


def test_members_see_their_own_review_file_without_decision_buttons(client, owner, unit):
    client.force_login(owner)
    html = client.get(reverse("accounts_review:organisation", args=[unit.pk])).content.decode()
    assert 'value="approve"' not in html and "停用机构" not in html
    assert client.post(reverse("accounts_review:organisation", args=[unit.pk]), {"action": "approve"}).status_code == 403


def test_a_submitted_organisation_is_not_visible_to_outsiders(client, outsider, province):
    agency = make_org(OrganisationKind.AGENCY)
    agency.status = OrganisationStatus.SUBMITTED
    agency.reviewing_department = reviewing_department(agency)
    agency.save()
    client.force_login(outsider)
    assert client.get(reverse("accounts_review:organisation", args=[agency.pk])).status_code == 404


def test_the_provincial_department_is_created_by_command_once(db, capsys):
    from django.core.management import call_command

    from usefirst.accounts.models import Organisation, User
    from usefirst.core.testing import make_credit_code

    args = ["--credit-code", make_credit_code(), "--admin-email", "prov@example.com", "--admin-password", "Province-Admin-2026"]
    call_command("create_provincial_department", *args)
    call_command("create_provincial_department", *args)
    assert Organisation.objects.filter(kind=OrganisationKind.PROVINCIAL_DEPARTMENT).count() == 1
    assert User.objects.get(email="prov@example.com").memberships.get().is_admin


def test_the_admin_site_is_read_only_for_accounts_data(client, province):
    from usefirst.accounts.models import User

    superuser = User.objects.create_superuser("root@example.com", "Super-Long-Password-1", full_name="超级用户")
    client.force_login(superuser)
    assert client.get(f"/admin/accounts/organisation/{province.pk}/change/").status_code == 200
    assert client.get("/admin/accounts/organisation/add/").status_code == 403
