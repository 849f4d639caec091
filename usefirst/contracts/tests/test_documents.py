"""Documents that look like what they are: the signature page of a signed contract shows each
signature; lines follow the rules of printed Chinese; odd input never breaks a document; the
verify page's verdict cannot be misread.

The line-breaking checks read the PDF as a viewer lays it out (PDFium groups the characters
into lines by where they stand on the page); the rules themselves are also checked at the
layout level in usefirst/core/tests/test_typesetting.py."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from PIL import Image

from usefirst.contracts import pdf, services, signing
from usefirst.contracts.models import Contract
from usefirst.core.typesetting import NO_LINE_END, NO_LINE_START

from .conftest import draft, sign_all
from .pdf_reading import page_chars, page_lines, page_size, page_texts, render_png

SHANGHAI = ZoneInfo("Asia/Shanghai")


def signed_file(contract: Contract) -> bytes:
    return services.current_document(contract).file.read()


@pytest.fixture
def signed(platform_ca, owner, unit, enterprise, achievement, licensee_signer):
    """A contract signed as the demo signs it: each party's signer through contract_sign."""
    contract = sign_all(draft(owner, unit, enterprise, achievement), owner, licensee_signer)
    return contract, signed_file(contract)


# ---------------------------------------------------------------- the signature page


def test_each_signature_shows_signer_organisation_time_serial_and_the_words_electronic_signature(signed):
    contract, data = signed
    last_page = page_texts(data)[-1]
    assert "签署页" in last_page
    for signature in contract.signatures.select_related("signer", "party__organisation"):
        local = signature.signed_at.astimezone(SHANGHAI)
        block = last_page[last_page.index(f"签署人： {signature.signer.full_name}") :]
        assert f"单位： {signature.party.organisation.name}" in block
        assert f"签署时间： {local:%Y-%m-%d %H:%M:%S}（北京时间）" in block
        assert f"证书序列号：{signature.certificate_serial}" in block
    assert last_page.count("电子\r\n签名") == 2
    assert "＿＿" not in last_page  # no blank line left to sign on


def test_the_time_shown_is_the_time_the_signature_states(signed):
    contract, data = signed
    reported = {s.certificate_serial: s.signed_at for s in signing.verify_pdf(data).signatures}
    for signature in contract.signatures.all():
        assert reported[signature.certificate_serial] == signature.signed_at


def test_the_signing_boxes_are_empty_before_and_drawn_after_signing(
    platform_ca, owner, unit, enterprise, achievement, licensee_signer
):
    contract = draft(owner, unit, enterprise, achievement)
    unsigned = signed_file(contract)
    assert "授权代表电子签名处（签署后在此显示）" in page_texts(unsigned)[-1]
    assert "签署人" not in page_texts(unsigned)[-1]
    signed_data = signed_file(sign_all(contract, owner, licensee_signer))
    last = len(page_texts(signed_data)) - 1

    def ink(data: bytes) -> int:
        """Pixels of the signature's dark ink (its caption band) on the signature page."""
        image = Image.open(io.BytesIO(render_png(data, last))).convert("RGB")
        return sum(1 for r, g, b in image.get_flattened_data() if r < 60 and 45 < g < 75 and 80 < b < 110)

    assert ink(unsigned) == 0
    assert ink(signed_data) > 2000


def test_a_party_that_signed_first_fills_its_own_box_and_the_other_stays_open(
    platform_ca, owner, unit, enterprise, achievement, licensee_signer
):
    contract = sign_all(draft(owner, unit, enterprise, achievement), licensee_signer)
    data = signed_file(contract)
    report = signing.verify_pdf(data)
    assert [s.organisation for s in report.signatures] == [enterprise.name]
    assert report.unsigned_fields == 1
    text = page_texts(data)[-1]
    # The licensee is the second box: the first still invites a signature.
    assert text.index("授权代表电子签名处") < text.index(f"单位： {enterprise.name}")


def test_very_long_names_wrap_inside_the_box(platform_ca, owner, unit, enterprise, achievement, licensee_signer):
    enterprise.name = "广东省" + "超长名称测试" * 20 + "有限公司"  # 128 characters, the most a name may have
    enterprise.save()
    licensee_signer.full_name = "欧阳" + "长名" * 31  # 64 characters
    licensee_signer.save()
    contract = sign_all(draft(owner, unit, enterprise, achievement), owner, licensee_signer)
    data = signed_file(contract)
    assert signing.verify_pdf(data).ok
    width, _height = page_size(data)
    for chars in page_chars(data):
        assert all(c.left >= 0 and c.right <= width for c in chars)
    appearance = pdf.signature_appearance(
        pdf.Appearance(licensee_signer.full_name, enterprise.name, dt.datetime(2026, 3, 1, 2, 3, 4, tzinfo=dt.UTC), "ab" * 20),
        width_pt=470,
        height_pt=85,
    )
    box_width, box_height = page_size(appearance)
    chars = page_chars(appearance)[0]
    assert all(c.left >= 0 and c.right <= box_width and c.bottom >= 0 and c.top <= box_height for c in chars)
    text = page_texts(appearance, with_signatures=False)[0]
    assert "2026-03-01 10:03:04（北京时间）" in text
    assert "…" in text  # what does not fit is cut visibly; the certificate and verify page hold the rest


# ---------------------------------------------------------------- layout


def test_the_draft_mark_heads_the_first_page_once(signed):
    _contract, data = signed
    assert page_texts(data)[0].count("示范文本（待主管部门审定）") == 1


PUNCTUATED = "\n\n".join(
    "甲" * n + "，乙方（“被许可方”）应当——在收到通知后——立即停止使用《技术资料》。" + "丙" * (40 - n) + "：【附件】……完。"
    for n in range(1, 44, 3)
)


def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(platform_ca, owner, unit, enterprise, achievement):
    contract = draft(owner, unit, enterprise, achievement, extra_terms=PUNCTUATED)
    data = signed_file(contract)
    lines = page_lines(data)
    assert len(lines) > 60
    assert [line for line in lines if line[0] in NO_LINE_START] == []
    assert [line for line in lines if line[-1] in NO_LINE_END] == []
    assert not any(a.endswith("—") and b.startswith("—") for a, b in itertools.pairwise(lines))


def test_justified_lines_have_no_wide_gaps(platform_ca, owner, unit, enterprise, achievement):
    contract = draft(
        owner,
        unit,
        enterprise,
        achievement,
        extra_terms=PUNCTUATED + "\n\n期满后按销售额的 3% 提成，详见 https://example.org/a/very/long/path/that/cannot/break。",
    )
    data = signed_file(contract)
    for chars in page_chars(data):
        for a, b in itertools.pairwise(chars):
            same_line = abs(a.bottom - b.bottom) < 1 and b.left > a.left
            size = a.top - a.bottom
            # Between two ideographs (punctuation has its blank half inside its advance).
            if same_line and size > 5 and "\u4e00" <= a.text <= "\u9fff" and "\u4e00" <= b.text <= "\u9fff":
                assert b.left - a.right < 0.6 * size, (a, b)


# ---------------------------------------------------------------- bad input


def test_characters_no_font_has_are_shown_as_code_points_not_dropped(platform_ca, owner, unit, enterprise, achievement):
    contract = draft(owner, unit, enterprise, achievement, extra_terms="附件见😀号，编号𪚥。")
    text = "".join(page_texts(signed_file(contract)))
    assert "附件见[U+1F600]号" in text
    assert re.search(r"编号(𪚥|\[U\+2A6A5\])。", text)  # in the full face, or shown by its code point


def test_rare_characters_the_prepared_font_lacks_are_set_in_the_full_face(platform_ca, owner, unit, enterprise, achievement):
    contract = draft(owner, unit, enterprise, achievement, extra_terms="由深圳市堃赟科技有限公司提供。")
    assert "深圳市堃赟科技有限公司" in "".join(page_texts(signed_file(contract)))


# ---------------------------------------------------------------- the verify page


def post_file(client, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("contracts:verify"), {"file": SimpleUploadedFile("合同.pdf", data, content_type="application/pdf")}
    )


def test_the_verify_page_states_a_pass_in_words_icon_and_colour(client, signed):
    contract, data = signed
    page = post_file(client, data).content.decode()
    assert 'class="verdict verdict-pass" role="status"' in page
    assert '<span class="verdict-icon" aria-hidden="true">✓</span>' in page
    assert "<strong>验证通过</strong>" in page
    assert page.count("签名完好：<strong>通过</strong>") == 2
    assert page.count("证书由本平台签发：<strong>通过</strong>") == 2
    assert page.count("签署后未被改动：<strong>通过</strong>") == 2
    assert "哈希值在平台出具文件登记册中：<strong>通过</strong>" in page
    for serial in contract.signatures.values_list("certificate_serial", flat=True):
        assert serial in page
    assert "签署页" in page  # it points to where the signatures show
    assert "外观见签署页第 1 个签名框" in page and "外观见签署页第 2 个签名框" in page


def test_a_tampered_file_fails_but_its_platform_certificates_are_reported_as_such(client, signed):
    _contract, data = signed
    altered = bytearray(data)
    altered[data.index(b"stream") + 40] ^= 0x01
    report = signing.verify_pdf(bytes(altered))
    assert report.verdict == "fail"
    assert report.signatures and all(not s.intact and s.trusted for s in report.signatures)
    page = post_file(client, bytes(altered)).content.decode()
    assert 'class="verdict verdict-fail"' in page and "<strong>验证不通过</strong>" in page
    assert '<span class="verdict-icon" aria-hidden="true">✗</span>' in page
    assert "签名完好：<strong>未通过</strong>" in page
    assert "证书由本平台签发：<strong>通过</strong>" in page
    assert "非平台签发" not in page


class ForeignCa(signing.PlatformCa):
    """A CA the platform does not know: its own root, never stored."""

    root = signing.build_root()

    def _current(self):
        return self.root


def test_a_foreign_certificate_fails_while_the_signature_itself_is_intact(
    client, platform_ca, owner, unit, enterprise, achievement, monkeypatch
):
    contract = draft(owner, unit, enterprise, achievement)
    monkeypatch.setattr(signing, "signing_authority", ForeignCa)
    identity = signing.SigningIdentity(person_name="冒名者", organisation_name=unit.name, user_id=0)
    result = signing.sign_pdf(signed_file(contract), identity=identity, field_name=pdf.field_name(0))
    report = signing.verify_pdf(result.pdf)
    (signature,) = report.signatures
    assert signature.intact and not signature.trusted
    assert report.verdict == "fail" and "证书不是由本平台签发" in report.message
    page = post_file(client, result.pdf).content.decode()
    assert "签名完好：<strong>通过</strong>" in page
    assert "证书由本平台签发：<strong>未通过</strong>" in page
    assert "<strong>验证不通过</strong>" in page


def test_a_file_that_is_no_pdf_cannot_be_verified_and_says_so(client, db):
    page = post_file(client, b"not a pdf").content.decode()
    assert 'class="verdict verdict-unknown"' in page and "<strong>无法验证</strong>" in page
