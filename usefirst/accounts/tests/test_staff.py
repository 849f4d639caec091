"""Staff management: invitations, roles, signing rights, disabling, the last admin, the organisation switcher."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from usefirst.accounts.models import Membership, User
from usefirst.accounts.services.staff import invitation_accept, invitation_create, membership_update
from usefirst.core.errors import Conflict, DomainError, Forbidden
from usefirst.core.models import AuditEntry
from usefirst.core.testing import make_user

pytestmark = pytest.mark.django_db


def _invitation_link() -> str:
    return re.search(r"/accounts/invitations/[^/\s]+/", mail.outbox[-1].body).group(0)


def test_an_admin_invites_by_email_and_the_newcomer_creates_an_account(client, owner, unit, django_capture_on_commit_callbacks):
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:staff"), {"email": "new.staff@example.com", "role": "staff"})
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["new.staff@example.com"] and unit.name in mail.outbox[-1].body
    link = _invitation_link()
    client.logout()
    response = client.post(
        link, {"full_name": "新同事", "password": "Welcome-To-The-Unit-1", "password2": "Welcome-To-The-Unit-1"}
    )
    assert response.status_code == 302
    newcomer = User.objects.get(email="new.staff@example.com")
    membership = Membership.objects.get(user=newcomer, organisation=unit)
    assert membership.role == "staff" and membership.is_active and membership.invited_by == owner
    assert newcomer.check_password("Welcome-To-The-Unit-1") and newcomer.email_verified_at is not None
    assert client.get(link).status_code == 400, "an invitation is used once"
    assert AuditEntry.objects.filter(action="invitation.accept").exists()


def test_an_existing_user_accepts_while_signed_in_and_then_belongs_to_two_organisations(client, owner, outsider, unit):
    invitation = invitation_create(actor=owner, organisation=unit, email=outsider.email)
    client.force_login(outsider)
    response = client.post(reverse("accounts:invitation_accept", args=[invitation.raw_token]))
    assert response.status_code == 302
    assert Membership.objects.filter(user=outsider, is_active=True).count() == 2
    html = client.get(reverse("accounts:workspace")).content.decode()
    assert 'id="org-switch"' in html and unit.name in html


def test_an_invitation_cannot_be_accepted_by_someone_else(owner, outsider, unit):
    invitation = invitation_create(actor=owner, organisation=unit, email="someone@example.com")
    with pytest.raises(Forbidden):
        invitation_accept(raw_token=invitation.raw_token, user=outsider)


def test_an_expired_invitation_is_refused(owner, unit):
    invitation = invitation_create(actor=owner, organisation=unit, email="late@example.com")
    with time_machine.travel(timezone.now() + timedelta(days=8)), pytest.raises(DomainError) as info:
        invitation_accept(raw_token=invitation.raw_token, full_name="迟到", password="Late-But-Long-Enough-1")
    assert info.value.code == "invitation_expired"
    assert not User.objects.filter(email="late@example.com").exists()


def test_the_invitation_token_is_not_stored_in_clear(owner, unit):
    invitation = invitation_create(actor=owner, organisation=unit, email="x@example.com")
    invitation.refresh_from_db()
    assert invitation.raw_token not in invitation.token
    assert not type(invitation).objects.filter(token=invitation.raw_token).exists()


def test_staff_cannot_invite(client, unit):
    staff = make_user(unit, role=Membership.Role.STAFF)
    with pytest.raises(Forbidden):
        invitation_create(actor=staff, organisation=unit, email="x@example.com")
    client.force_login(staff)
    assert client.post(reverse("accounts:staff"), {"email": "x@example.com", "role": "staff"}).status_code == 403


def test_inviting_a_current_member_is_refused(owner, unit):
    with pytest.raises(Conflict):
        invitation_create(actor=owner, organisation=unit, email=owner.email)


def test_the_last_admin_cannot_disable_or_demote_themselves(client, owner, unit):
    membership = Membership.objects.get(user=owner, organisation=unit)
    with pytest.raises(Conflict) as info:
        membership_update(actor=owner, membership=membership, is_active=False)
    assert "至少需要一名" in info.value.detail
    with pytest.raises(Conflict):
        membership_update(actor=owner, membership=membership, role=Membership.Role.STAFF)
    client.force_login(owner)
    response = client.post(
        reverse("accounts:membership_edit", args=[membership.pk]),
        {f"m{membership.pk}-role": "admin", f"m{membership.pk}-can_sign": "on"},
        follow=True,
    )
    assert "至少需要一名" in response.content.decode()
    membership.refresh_from_db()
    assert membership.is_active


def test_with_a_second_admin_the_first_may_step_down(owner, unit):
    second = make_user(unit, role=Membership.Role.ADMIN)
    membership = Membership.objects.get(user=owner, organisation=unit)
    membership_update(actor=second, membership=membership, role=Membership.Role.STAFF, can_sign=False)
    membership.refresh_from_db()
    assert membership.role == "staff" and not membership.can_sign


def test_an_admin_disables_and_re_enables_a_member_and_every_change_is_audited(client, owner, unit):
    staff = make_user(unit, role=Membership.Role.STAFF)
    membership = Membership.objects.get(user=staff, organisation=unit)
    client.force_login(owner)
    url = reverse("accounts:membership_edit", args=[membership.pk])
    client.post(url, {f"m{membership.pk}-role": "staff", f"m{membership.pk}-can_sign": "on"})
    membership.refresh_from_db()
    assert not membership.is_active and membership.can_sign
    client.post(url, {f"m{membership.pk}-role": "staff", f"m{membership.pk}-is_active": "on"})
    membership.refresh_from_db()
    assert membership.is_active and not membership.can_sign
    entries = AuditEntry.objects.filter(action="membership.update", object_id=str(membership.pk))
    assert entries.count() == 2
    assert {e.detail["after"]["is_active"] for e in entries} == {True, False}


def test_an_admin_cannot_edit_members_of_another_organisation(client, owner, outsider, enterprise):
    membership = Membership.objects.get(user=outsider, organisation=enterprise)
    client.force_login(owner)
    response = client.post(reverse("accounts:membership_edit", args=[membership.pk]), {f"m{membership.pk}-role": "staff"})
    assert response.status_code == 404
    with pytest.raises(Forbidden):
        membership_update(actor=owner, membership=membership, is_active=False)


def test_the_switcher_sets_the_current_organisation_and_refuses_foreign_ones(client, owner, unit, enterprise, outsider):
    Membership.objects.create(user=owner, organisation=enterprise, role=Membership.Role.STAFF)
    client.force_login(owner)
    response = client.post(
        reverse("accounts:switch_organisation"), {"organisation": enterprise.pk, "next": "/accounts/workspace/"}
    )
    assert response.status_code == 302
    assert "当前机构" in client.get(reverse("accounts:workspace")).content.decode()
    assert enterprise.name in client.get(reverse("accounts:workspace")).content.decode()
    assert client.session["current_organisation_id"] == enterprise.pk
    response = client.post(reverse("accounts:switch_organisation"), {"organisation": 999999})
    assert response.status_code == 403


def test_the_switcher_does_not_redirect_off_site(client, owner, unit, enterprise):
    Membership.objects.create(user=owner, organisation=enterprise, role=Membership.Role.STAFF)
    client.force_login(owner)
    response = client.post(
        reverse("accounts:switch_organisation"), {"organisation": enterprise.pk, "next": "https://evil.example/"}
    )
    assert response.url == reverse("accounts:workspace")


def test_an_admin_revokes_a_pending_invitation_and_the_link_stops_working(client, owner, unit):
    invitation = invitation_create(actor=owner, organisation=unit, email="changed.mind@example.com")
    client.force_login(owner)
    assert "changed.mind@example.com" in client.get(reverse("accounts:staff")).content.decode()
    response = client.post(reverse("accounts:invitation_revoke", args=[invitation.pk]))
    assert response.status_code == 302
    client.logout()
    assert client.get(reverse("accounts:invitation_accept", args=[invitation.raw_token])).status_code == 400
    assert AuditEntry.objects.filter(action="invitation.revoke", object_id=str(invitation.pk)).exists()


def test_staff_cannot_revoke_invitations(client, owner, unit):
    invitation = invitation_create(actor=owner, organisation=unit, email="keep@example.com")
    client.force_login(make_user(unit, role=Membership.Role.STAFF))
    assert client.post(reverse("accounts:invitation_revoke", args=[invitation.pk])).status_code == 403
