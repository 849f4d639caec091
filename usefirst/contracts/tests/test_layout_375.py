"""At 375 px no contract page scrolls sideways (headless Debian Chromium, as in
usefirst/core/tests/test_layout_375.py): the open-licence pages, the four drafting steps and a contract
stating its grant; the contract list, a signed contract, the standard texts and
the verification page (with the report of a signed PDF)."""

from __future__ import annotations

import pytest

from usefirst.contracts import services
from usefirst.contracts.models import ContractTemplate, InventorGrant, Mode
from usefirst.core.dates import today
from usefirst.core.layout_check import BROWSER_MARKS, WIDTH, Visit, pages_wider_than, session_of

from .conftest import draft, drafting_session, sign_all

pytestmark = BROWSER_MARKS


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_open_licence_and_drafting_pages_do_not_scroll_sideways_at_375_px(
    live_server, tmp_path, monkeypatch, owner, unit, enterprise, achievement
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    record = services.open_licence_record(
        actor=owner,
        achievement=achievement,
        announcement_number="KF2026" + "0" * 40,
        announced_on=today(),
        fee_terms="许可使用费按年度销售额的百分之三计算且每年不少于人民币二万元整" * 6,
    )
    contract = draft(owner, unit, enterprise, achievement, mode=Mode.COOPERATE_LATER, inventor_grant=InventorGrant.OWNERSHIP)
    session = session_of(owner)
    paths = [
        f"/contracts/achievements/{achievement.pk}/open-licences/",
        f"/contracts/open-licences/{record.pk}/",
        f"/contracts/{contract.pk}/",
        f"/achievements/{achievement.pk}/",
    ]
    drafting, steps = drafting_session(owner, unit, enterprise, achievement)
    visits = [(session, path) for path in paths] + [(drafting, path) for path in steps]
    failures, too_wide = pages_wider_than(live_server.url, visits)
    assert not failures, failures
    assert not too_wide, f"wider than {WIDTH} px: {too_wide}"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_contract_page_scrolls_sideways_at_375_px(
    live_server, tmp_path, monkeypatch, platform_ca, owner, unit, enterprise, achievement, licensee_signer, provincial_admin
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    signed = sign_all(
        draft(owner, unit, enterprise, achievement, scope="在乙方生产线上使用该芯片设计方法制造产品" * 20),
        owner,
        licensee_signer,
    )
    drafted = draft(owner, unit, enterprise, achievement, field_of_use="物联网终端与工业控制设备" * 10)
    pdf = tmp_path / "signed.pdf"
    with services.current_document(signed).file.open("rb") as handle:
        pdf.write_bytes(handle.read())
    template = ContractTemplate.objects.filter(status="published").order_by("pk").first()
    owner_session, admin_session = session_of(owner), session_of(provincial_admin)

    def read_report(page):
        """The verification report of a signed PDF: hashes and signers."""
        page.set_input_files("input[type=file]", str(pdf))
        with page.expect_navigation(wait_until="load"):
            page.click("button[type=submit]")
        assert "验证结果" in page.content()

    visits = [
        (owner_session, "/contracts/"),
        (owner_session, f"/contracts/{signed.pk}/"),
        (owner_session, f"/contracts/{drafted.pk}/"),
        (owner_session, "/contracts/templates/"),
        (admin_session, "/contracts/templates/"),
        (admin_session, f"/contracts/templates/{template.pk}/"),
        (admin_session, f"/contracts/{signed.pk}/"),
        (None, "/contracts/verify/"),
        Visit(None, "/contracts/verify/", then=read_report, label="/contracts/verify/ (report)"),
    ]
    failures, too_wide = pages_wider_than(live_server.url, visits)
    assert not failures, failures
    assert not too_wide, f"pages wider than {WIDTH} px: {too_wide}"
