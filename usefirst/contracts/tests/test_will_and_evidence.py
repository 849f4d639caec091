"""Will-confirmation (意愿认证), signature timestamps and the evidence package (证据包).

Policy: a signature needs the password and a fresh code of the signer's authenticator; every
signature carries an RFC 3161 timestamp of the platform's TSA; a signed contract's evidence
package is verifiable offline, and any change to it is named."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import zipfile

import pytest
from asn1crypto import cms, tsp
from cryptography import x509
from django.urls import reverse

from usefirst.accounts.second_factor import current_code, enrol_confirmed
from usefirst.contracts import evidence, evidence_verify, services, signing
from usefirst.contracts.models import WillConfirmation
from usefirst.core.client import serving
from usefirst.core.errors import DomainError, Forbidden
from usefirst.core.models import AuditEntry, AuditOutcome
from usefirst.core.testing import make_org, make_user

from .conftest import PASSWORD, draft, sign_all


def _sign(user, contract, code):
    return services.contract_sign(actor=user, contract=contract, password=PASSWORD, code=code, user_agent="测试浏览器/1.0")


# ---------------------------------------------------------------- will-confirmation


def test_a_signer_without_an_authenticator_is_sent_to_enrol_first(platform_ca, owner, unit, enterprise, achievement):
    contract = draft(owner, unit, enterprise, achievement)
    with pytest.raises(Forbidden) as refused:
        _sign(owner, contract, "123456")
    assert refused.value.code == "second_factor_enrolment_required"
    assert "身份验证器" in refused.value.detail
    assert not contract.signatures.exists() and not WillConfirmation.objects.exists()
    assert AuditEntry.objects.filter(action="contracts.will_confirmation", outcome=AuditOutcome.REFUSED).count() == 1


def test_a_wrong_code_is_refused_and_nothing_is_signed(platform_ca, owner, unit, enterprise, achievement):
    contract = draft(owner, unit, enterprise, achievement)
    key = enrol_confirmed(owner)
    wrong = f"{(int(current_code(key)) + 1) % 1_000_000:06d}"
    with pytest.raises(DomainError) as refused:
        _sign(owner, contract, wrong)
    assert refused.value.code == "second_factor_incorrect" and refused.value.status == 400
    assert "otp" in refused.value.field_errors
    assert not contract.signatures.exists() and not WillConfirmation.objects.exists()


def test_a_code_counts_once(platform_ca, owner, unit, enterprise, achievement):
    """The same code replayed for a second contract is refused, though the password is right."""
    first = draft(owner, unit, enterprise, achievement)
    second = draft(owner, unit, enterprise, achievement)
    key = enrol_confirmed(owner)
    code = current_code(key)
    _sign(owner, first, code)
    with pytest.raises(DomainError) as refused:
        _sign(owner, second, code)
    assert refused.value.code == "second_factor_incorrect"
    assert not second.signatures.exists()


def test_the_right_code_signs_and_the_record_names_the_signed_document(
    platform_ca, owner, licensee_signer, unit, enterprise, achievement
):
    contract = draft(owner, unit, enterprise, achievement)
    unsigned = services.current_document(contract)
    key = enrol_confirmed(owner)
    with serving("203.0.113.7"):
        signature = _sign(owner, contract, current_code(key))

    will = signature.will_confirmation
    assert will is not None
    assert (will.signer, will.party, will.contract) == (owner, signature.party, signature.contract)
    assert will.method == "password+totp" and will.get_method_display() == "登录密码＋身份验证器动态口令"
    assert will.document_sha256 == unsigned.sha256 and will.document_size == unsigned.size
    assert will.client_address == "203.0.113.7" and will.user_agent == "测试浏览器/1.0"
    assert will.confirmed_at <= signature.signed_at.replace(microsecond=999_999)
    # the signed PDF is the confirmed document with the signature appended
    signed = services.current_document(contract).file.read()
    assert hashlib.sha256(signed[: will.document_size]).hexdigest() == will.document_sha256


def test_the_sign_page_asks_for_the_code_or_points_to_enrolment(client, platform_ca, owner, unit, enterprise, achievement):
    contract = draft(owner, unit, enterprise, achievement)
    client.force_login(owner)
    without = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    assert "绑定身份验证器" in without and 'name="otp"' not in without
    assert "/accounts/second-factor/" in without

    key = enrol_confirmed(owner)
    page = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    assert "动态口令（身份验证器上显示的 6 位数字）" in page
    assert 'inputmode="numeric"' in page and 'autocomplete="one-time-code"' in page

    wrong = client.post(reverse("contracts:sign", args=[contract.pk]), {"password": PASSWORD, "otp": "000000"}, follow=True)
    if current_code(key) != "000000":
        assert "动态口令不正确" in wrong.content.decode()
    assert not contract.signatures.exists()


def test_the_api_signs_with_the_otp_field(client, platform_ca, owner, unit, enterprise, achievement):
    contract = draft(owner, unit, enterprise, achievement)
    key = enrol_confirmed(owner)
    client.force_login(owner)
    url = f"/api/v1/contracts/{contract.pk}/sign"
    missing = client.post(url, {"password": PASSWORD}, content_type="application/json")
    assert missing.status_code == 422
    done = client.post(url, {"password": PASSWORD, "otp": current_code(key)}, content_type="application/json")
    assert done.status_code == 200, done.content
    assert contract.signatures.get().will_confirmation is not None


# ---------------------------------------------------------------- timestamps


@pytest.fixture
def signed(platform_ca, owner, licensee_signer, unit, enterprise, achievement):
    return sign_all(draft(owner, unit, enterprise, achievement), owner, licensee_signer)


def test_every_signature_carries_a_timestamp_of_the_signature_value(signed):
    data = services.current_document(signed).file.read()
    found = evidence_verify.embedded_signatures(data)
    assert len(found) == 2
    roots = signing.PlatformCa().trust_roots()
    for one in found:
        assert one.timestamp_token is not None
        failure, when = evidence_verify.check_timestamp(one.timestamp_token, one.value, roots)
        assert failure == "" and when is not None
        tst = cms.ContentInfo.load(one.timestamp_token)["content"]["encap_content_info"]["content"].parsed
        imprint = tst["message_imprint"]["hashed_message"].native
        assert imprint == hashlib.sha256(one.value).digest()
        # another signature's value does not match this token
        other = next(o for o in found if o is not one)
        assert evidence_verify.check_timestamp(one.timestamp_token, other.value, roots)[0].startswith("消息摘要与签名值不符")
    report = signing.verify_pdf(data)
    checks = [c for s in report.signatures for c in s.checks if c.label == "可信时间戳"]
    assert len(checks) == 2 and all(c.passed and "先用后转平台时间戳服务" in c.detail for c in checks)


def test_the_local_tsa_certificate_is_for_time_stamping_only_and_issued_by_the_root(platform_ca):
    cert = signing.LocalTsa().certificate()
    usage = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert usage.critical and list(usage.value) == [x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]
    cert.verify_directly_issued_by(signing.PlatformCa().trust_roots()[0])


def test_a_tsa_url_selects_the_http_authority(settings):
    settings.TSA_URL = "http://tsa.example.test/tsr"
    authority = signing.timestamp_authority()
    assert isinstance(authority, signing.HttpTsa)
    assert authority.timestamper().url == "http://tsa.example.test/tsr"


# ---------------------------------------------------------------- evidence package


def _unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def _relist(files: dict[str, bytes], name: str) -> None:
    """What a careful forger does after changing a file: put its new hash in the manifest."""
    manifest = json.loads(files["manifest.json"])
    manifest["files"][name] = hashlib.sha256(files[name]).hexdigest()
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=2).encode()


@pytest.fixture
def package(signed):
    return evidence.build_package(signed)


def test_the_package_holds_everything_and_verifies(signed, package):
    files = _unzip(package)
    assert {
        "contract.pdf",
        "certificates/root-1.pem",
        "certificates/signature-1.pem",
        "certificates/signature-2.pem",
        "certificates/tsa-1.pem",
        "timestamps/signature-1.tsr",
        "timestamps/signature-2.tsr",
        "will_confirmations/signature-1.json",
        "will_confirmations/signature-2.json",
        "manifest.json",
        "manifest.sig.json",
        "README.txt",
        "evidence_verify.py",
    } <= set(files)
    assert files["contract.pdf"] == services.current_document(signed).file.read()
    record = json.loads(files["will_confirmations/signature-1.json"].decode("utf-8"))
    assert record["contract_number"] == signed.number and record["method"] == "password+totp"
    assert tsp.TimeStampResp.load(files["timestamps/signature-1.tsr"])["status"]["status"].native == "granted"
    assert "如何核验" in files["README.txt"].decode("utf-8")
    result = evidence_verify.verify_package(package)
    assert result.ok, result.failures
    assert evidence_verify.report(result).startswith("通过")


def test_a_flipped_byte_in_the_pdf_is_named(package):
    files = _unzip(package)
    pdf = bytearray(files["contract.pdf"])
    pdf[pdf.index(b"stream") + 40] ^= 0x01
    files["contract.pdf"] = bytes(pdf)
    _relist(files, "contract.pdf")
    result = evidence_verify.verify_package(_zip(files))
    assert not result.ok
    assert result.failures[0].startswith("签名 1") and "已被改动" in result.failures[0]


def test_a_replaced_certificate_is_named(package):
    files = _unzip(package)
    files["certificates/signature-1.pem"] = files["certificates/signature-2.pem"]
    result = evidence_verify.verify_package(_zip(files))
    assert result.failures[0] == "证书文件 certificates/signature-1.pem 与 PDF 中签名 1 的证书不一致"


def test_a_replaced_root_is_named(package):
    _key, other_root = signing.build_root()
    files = _unzip(package)
    from cryptography.hazmat.primitives import serialization

    files["certificates/root-1.pem"] = other_root.public_bytes(serialization.Encoding.PEM)
    result = evidence_verify.verify_package(_zip(files))
    assert "不是由证据包中的根证书签发" in result.failures[0]


def test_an_edited_will_confirmation_is_named(package):
    files = _unzip(package)
    record = json.loads(files["will_confirmations/signature-2.json"])
    record["document_sha256"] = hashlib.sha256(b"another document").hexdigest()
    files["will_confirmations/signature-2.json"] = json.dumps(record, ensure_ascii=False).encode()
    _relist(files, "will_confirmations/signature-2.json")
    result = evidence_verify.verify_package(_zip(files))
    assert result.failures[0] == ("意愿认证记录 will_confirmations/signature-2.json 所载文件哈希与签名 2 所签署的文件不符")


def test_an_edited_record_field_is_caught_by_the_manifest(package):
    files = _unzip(package)
    record = json.loads(files["will_confirmations/signature-1.json"])
    record["client_address"] = "198.51.100.1"
    files["will_confirmations/signature-1.json"] = json.dumps(record, ensure_ascii=False).encode()
    result = evidence_verify.verify_package(_zip(files))
    assert result.failures == ["文件 will_confirmations/signature-1.json 的 SHA-256 与清单不符"]


def test_a_tampered_manifest_is_named(package):
    files = _unzip(package)
    manifest = json.loads(files["manifest.json"])
    manifest["contract_number"] = "XYHZ00000000000"
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode()
    result = evidence_verify.verify_package(_zip(files))
    assert result.failures == ["清单签名不正确：清单在平台出具后被改动"]


def test_the_verifier_in_the_package_runs_without_the_platform(package, tmp_path):
    """The copy of evidence_verify.py in the package, run from an empty folder with no platform
    code on the path, says 通过, and names a tampered manifest; Django is never imported."""
    path = tmp_path / "证据包.zip"
    path.write_bytes(package)
    (tmp_path / "evidence_verify.py").write_bytes(_unzip(package)["evidence_verify.py"])
    probe = (
        "import runpy, sys\n"
        f"sys.argv = ['evidence_verify.py', {str(path)!r}]\n"
        "try:\n"
        "    runpy.run_path('evidence_verify.py', run_name='__main__')\n"
        "except SystemExit:\n"
        "    assert not any(m == 'django' or m.startswith(('django.', 'usefirst')) for m in sys.modules), 'platform code imported'\n"
        "    raise\n"
    )
    env = {"PATH": "/usr/bin:/bin"}

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=tmp_path, check=False)

    done = run()
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("通过")
    files = _unzip(package)
    files["manifest.json"] = files["manifest.json"].replace(b"XYHZ", b"XYHA", 1)
    path.write_bytes(_zip(files))
    failed = run()
    assert failed.returncode == 1 and failed.stdout.startswith("不通过：清单签名不正确"), failed.stdout + failed.stderr


def test_the_management_command_verifies_and_says_the_root_is_the_platform_s(package, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "p.zip"
    path.write_bytes(package)
    out = io.StringIO()
    call_command("evidence_verify", str(path), stdout=out)
    assert out.getvalue().startswith("通过") and "是本平台的根证书" in out.getvalue()
    files = _unzip(package)
    files["certificates/signature-2.pem"] = files["certificates/signature-1.pem"]
    path.write_bytes(_zip(files))
    with pytest.raises(SystemExit) as failed:
        call_command("evidence_verify", str(path), stdout=io.StringIO())
    assert failed.value.code == 1


def test_a_party_downloads_it_audited_and_an_outsider_is_told_it_does_not_exist(client, signed, owner):
    url = reverse("contracts:evidence", args=[signed.pk])
    client.force_login(owner)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert evidence_verify.verify_package(response.content).ok
    row = AuditEntry.objects.get(action="contracts.evidence_downloaded")
    assert row.actor == owner and row.object_id == str(signed.pk)
    assert row.detail["sha256"] == hashlib.sha256(response.content).hexdigest()
    api = client.get(f"/api/v1/contracts/{signed.pk}/evidence")
    assert api.status_code == 200 and AuditEntry.objects.filter(action="contracts.evidence_downloaded").count() == 2

    client.force_login(make_user(make_org("enterprise", name="无关企业"), role="admin"))
    assert client.get(url).status_code == 404
    assert client.get(f"/api/v1/contracts/{signed.pk}/evidence").status_code == 404
    assert AuditEntry.objects.filter(action="contracts.evidence_downloaded").count() == 2
