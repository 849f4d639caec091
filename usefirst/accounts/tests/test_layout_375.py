"""At 375 px the accounts pages do not scroll sideways (headless Debian Chromium, live server)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from usefirst.accounts.models import Membership, OrganisationKind, OrganisationStatus
from usefirst.accounts.roles import reviewing_department
from usefirst.accounts.services.people import person_register
from usefirst.core.identifiers import IdKind, resident_id_check_char
from usefirst.core.layout_check import BROWSER_MARKS, WIDTH, pages_wider_than, session_of
from usefirst.core.testing import make_org, make_user

pytestmark = BROWSER_MARKS


def _pages_for(owner, unit, reviewer):
    body = "44010619900101888"
    now = timezone.now()
    person_register(
        actor=owner,
        unit=unit,
        full_name="欧阳长名字测试人员",
        id_kind=IdKind.MAINLAND,
        id_number=body + resident_id_check_char(body),
        phone="13800138000",
        notice_given_at=now - timedelta(minutes=1),
        consent_at=now,
        consent_method="书面同意书",
    )
    make_user(unit, role=Membership.Role.STAFF, email="a-very-long-address-for-layout-checks@example-university.edu.cn")
    agency = make_org(OrganisationKind.AGENCY, name="广东省某某某某技术转移转化服务中心有限公司（长名称测试）")
    agency.status = OrganisationStatus.SUBMITTED
    agency.reviewing_department = reviewing_department(agency)
    agency.save()
    as_owner = [
        "/accounts/workspace/",
        "/accounts/staff/",
        "/accounts/people/",
        "/accounts/people/add/",
        "/accounts/password/change/",
    ]
    as_reviewer = ["/review/organisations/", f"/review/organisations/{agency.pk}/"]
    return as_owner, as_reviewer


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_accounts_pages_do_not_scroll_sideways_at_375_px(live_server, tmp_path, monkeypatch, owner, unit, provincial_reviewer):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    as_owner, as_reviewer = _pages_for(owner, unit, provincial_reviewer)
    owner_session, reviewer_session = session_of(owner), session_of(provincial_reviewer)
    visits = [(owner_session, path) for path in as_owner] + [(reviewer_session, path) for path in as_reviewer]
    shots = tmp_path / "accounts"
    failures, too_wide = pages_wider_than(live_server.url, visits, shots=shots)
    assert not failures, failures
    assert not too_wide, f"wider than {WIDTH} px: {too_wide}; screenshots in {shots}"
