from __future__ import annotations

import io
import time

import pytest
from pypdf import PdfReader

from usefirst.accounts.models import Membership
from usefirst.contracts import pdf, services, signing
from usefirst.contracts.models import ContractStatus
from usefirst.core import fonts
from usefirst.core.errors import Forbidden
from usefirst.core.testing import make_user

from .conftest import PASSWORD, draft, sign, sign_all


@pytest.fixture
def signed_pdf(platform_ca, owner, unit, enterprise, achievement, licensee_signer):
    contract = draft(owner, unit, enterprise, achievement)
    contract = sign_all(contract, owner, licensee_signer)
    return contract, services.current_document(contract).file.read()


def test_both_signatures_verify_and_the_file_is_the_registered_one(signed_pdf):
    contract, data = signed_pdf
    assert contract.status == ContractStatus.FREE_USE
    report = signing.verify_pdf(data)
    assert report.ok, report.message
    assert report.registered and report.registered_contract_number == contract.number
    assert [s.organisation for s in report.signatures] == [contract.licensor.name, contract.licensee.name]
    assert all(s.intact and s.trusted for s in report.signatures)
    assert all(s.timestamp_valid and s.timestamp_at is not None for s in report.signatures)
    assert report.timestamp_note == "每个签名均带有 RFC 3161 可信时间戳，签署时间以时间戳为准。"


def test_the_second_signature_keeps_the_first_valid(signed_pdf):
    _contract, data = signed_pdf
    first, second = signing.verify_pdf(data).signatures
    assert first.intact and first.valid and first.changes_after == "signatures_only"
    assert second.changes_after == "none"


def test_one_changed_byte_fails_verification(signed_pdf):
    _contract, data = signed_pdf
    altered = bytearray(data)
    position = data.index(b"stream") + 40
    altered[position] ^= 0x01
    report = signing.verify_pdf(bytes(altered))
    assert not report.ok
    assert not report.registered
    if report.verifiable:
        assert not all(s.intact for s in report.signatures)


def test_a_truncated_or_garbage_file_cannot_be_verified(signed_pdf):
    _contract, data = signed_pdf
    for bad in (data[: len(data) // 2], b"not a pdf at all", b"%PDF-1.7\n" + b"\x00" * 100 + b"%%EOF", b""):
        report = signing.verify_pdf(bad)
        assert not report.ok and not report.verifiable
        assert report.message.startswith("无法验证")


def test_an_oversized_file_cannot_be_verified(db):
    report = signing.verify_pdf(b"%PDF-" + b"0" * (signing.MAX_VERIFY_BYTES + 1))
    assert not report.verifiable and "上限" in report.message


def test_a_member_without_signing_rights_cannot_sign(platform_ca, owner, unit, enterprise, achievement):
    contract = draft(owner, unit, enterprise, achievement)
    staff = make_user(unit, role=Membership.Role.STAFF)
    with pytest.raises(Forbidden) as exc:
        sign(staff, contract)
    assert exc.value.code == "not_a_signer"


def test_an_outsider_cannot_sign(platform_ca, owner, unit, enterprise, achievement, agency):
    contract = draft(owner, unit, enterprise, achievement)
    stranger = make_user(agency, role=Membership.Role.ADMIN)
    with pytest.raises(Forbidden):
        sign(stranger, contract)


def test_a_wrong_password_refuses_the_signature(platform_ca, owner, unit, enterprise, achievement):
    contract = draft(owner, unit, enterprise, achievement)
    with pytest.raises(Forbidden) as exc:
        sign(owner, contract, password="wrong")
    assert exc.value.code == "password_incorrect"
    assert not contract.signatures.exists()


def test_every_root_the_deployment_had_stays_trusted(signed_pdf, _session_root):
    _contract, data = signed_pdf
    key, cert = signing.build_root()
    signing.store_root(key, cert)  # a new current root; the old one is kept
    assert signing.verify_pdf(data).ok


def test_each_signing_event_gets_its_own_certificate(signed_pdf):
    contract, _data = signed_pdf
    fingerprints = set(contract.signatures.values_list("certificate_fingerprint", flat=True))
    assert len(fingerprints) == 2


# ---------------------------------------------------------------- the prepared PDF font

SHORT_TEXT = {"title": "技术许可合同", "number": "GD-2026-0001", "body": "甲方许可乙方使用成果。", "draft_mark": "示范文本"}


@pytest.fixture
def small_repertoire(tmp_path, settings, monkeypatch):
    """A prepared copy with only the characters of SHORT_TEXT (and the footer), built into a
    temporary var/ so the test neither waits for the full copy nor touches the deployment's."""
    settings.VAR_DIR = tmp_path
    points = {ord(c) for c in "".join(SHORT_TEXT.values()) + "合同编号第页 0123456789-"}
    monkeypatch.setattr(fonts, "repertoire", lambda: points)
    monkeypatch.setattr(fonts, "_loaded", {})
    return tmp_path


def embedded_font_programs(data: bytes) -> list[tuple[str, str]]:
    reader = PdfReader(io.BytesIO(data))
    found = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            for descendant in font.get_object().get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                kinds = [k for k in ("/FontFile2", "/FontFile3") if k in descriptor]
                found.extend((str(font.get_object()["/BaseFont"]), k) for k in kinds)
    return found


def test_a_text_the_prepared_font_covers_is_set_in_it_with_the_cjk_font_embedded(small_repertoire):
    fonts.prepare_pdf_font(pdf.FONT_QUERY)
    data = pdf.render_pdf(**SHORT_TEXT)
    programs = embedded_font_programs(data)
    # The prepared copy has TrueType outlines (FontFile2); the installed face is CFF (FontFile3).
    assert programs and all("CJK" in name and kind == "/FontFile2" for name, kind in programs)
    assert "甲方许可乙方使用成果" in PdfReader(io.BytesIO(data)).pages[0].extract_text().replace("\x00", "")


def test_a_character_outside_the_prepared_font_is_set_in_the_full_face(small_repertoire):
    fonts.prepare_pdf_font(pdf.FONT_QUERY)
    data = pdf.render_pdf(**{**SHORT_TEXT, "body": "甲方许可深圳市堃赟科技有限公司使用成果。"})
    assert [kind for _, kind in embedded_font_programs(data)] == ["/FontFile3"]
    assert "深圳市堃赟科技有限公司" in PdfReader(io.BytesIO(data)).pages[0].extract_text().replace("\x00", "")


def test_until_the_prepared_font_exists_pdfs_use_the_full_face_while_it_is_built(small_repertoire):
    source, _ = fonts.cjk_font(pdf.FONT_QUERY)
    assert fonts.pdf_font(pdf.FONT_QUERY, "甲方")[0] == source  # not built yet: full face, build starts
    deadline = time.monotonic() + 120
    while fonts.pdf_font(pdf.FONT_QUERY, "甲方")[0] == source and time.monotonic() < deadline:
        time.sleep(0.2)
    prepared, index = fonts.pdf_font(pdf.FONT_QUERY, "甲方")
    assert prepared != source and index == 0
    assert prepared.startswith(str(small_repertoire / "fonts"))
    assert not list((small_repertoire / "fonts").glob("*.part")), "no partial file is left behind"


def test_a_mistyped_password_on_the_page_goes_back_to_the_contract_with_the_reason(
    client, platform_ca, owner, unit, enterprise, achievement
):
    contract = draft(owner, unit, enterprise, achievement)
    client.force_login(owner)
    response = client.post(f"/contracts/{contract.pk}/sign/", {"password": "wrong", "otp": "000000"}, follow=True)
    assert response.redirect_chain == [(f"/contracts/{contract.pk}/", 302)]
    assert "密码不正确，签署前须重新输入登录密码" in response.content.decode()
    assert not contract.signatures.exists()


def test_a_member_without_signing_rights_gets_the_403_page_saying_why(client, platform_ca, owner, unit, enterprise, achievement):
    contract = draft(owner, unit, enterprise, achievement)
    client.force_login(make_user(unit, role=Membership.Role.STAFF))
    response = client.post(f"/contracts/{contract.pk}/sign/", {"password": PASSWORD, "otp": "000000"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "无权访问此页面" in html and "授权签署人" in html
    assert not contract.signatures.exists()
