"""The evidence package (证据包) of a signed contract: one ZIP that proves, without the platform,
what was signed, by whom, when, and that each signer confirmed their will to sign.

Contents (docs/contracts-signing.md, "Evidence package"):

- contract.pdf — the latest signed PDF (every signature so far);
- certificates/root-N.pem — the platform's roots (certificates/tsa-root-N.pem: an external
  TSA's roots, when one is configured); certificates/signature-N.pem — each signer's
  certificate; certificates/tsa-N.pem — the certificate of the authority that timestamped it;
- timestamps/signature-N.tsr — each signature's RFC 3161 timestamp (a TimeStampResp, DER);
- will_confirmations/signature-N.json — each signer's will-confirmation record (UTF-8);
- manifest.json — the SHA-256 of every file above, and manifest.sig.json — the platform's
  signature of the manifest;
- evidence_verify.py — the offline verifier itself (it needs no platform code);
- README.txt — how to verify, in Chinese.

N is the signature's place in the PDF (1 = signed first). `evidence_verify` checks a package.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from usefirst.core.actors import Actor
from usefirst.core.audit import audit
from usefirst.core.errors import Conflict, Forbidden

from . import evidence_verify, signing
from .evidence_verify import MANIFEST, MANIFEST_SIGNATURE, PDF_NAME, embedded_signatures
from .models import Contract, Signature

README = """证据包说明（{number}）

本证据包由{platform}于 {generated}（UTC）出具，包含：
  contract.pdf                       已签署的合同 PDF（含全部电子签名，PAdES 格式）
  certificates/root-*.pem            平台签署根证书
  certificates/signature-N.pem       第 N 个签名的签名人证书
  certificates/tsa-N.pem             为第 N 个签名出具时间戳的时间戳服务证书
  timestamps/signature-N.tsr         第 N 个签名的 RFC 3161 时间戳（DER）
  will_confirmations/signature-N.json 第 N 个签名的意愿认证记录（登录密码＋身份验证器动态口令）
  manifest.json                      以上每个文件的 SHA-256
  manifest.sig.json                  平台对 manifest.json 的签名
  evidence_verify.py                 离线核验程序
N 为签名在 PDF 中的先后次序（1 为最先签署）。

如何核验（无需联网，无需访问平台）：
1. 先核对根证书：certificates/root-*.pem 的 SHA-256 指纹应与平台公布的根证书指纹一致。
2. 运行（需 Python 3.12 及以上，以及 pyHanko、cryptography、asn1crypto）：
     python evidence_verify.py 本证据包.zip
   输出“通过”且退出码为 0 即核验通过；否则列出第一处不符。它核验：
   - PDF 每个签名所覆盖的内容未被改动、签名值正确、证书由根证书签发且签署时有效，
     签名后仅追加了其他方的签名；
   - 证书文件即 PDF 中各签名的证书；
   - 每个时间戳的消息摘要等于对应签名值的摘要，时间戳签名正确，且由根证书签发的时间戳专用证书出具；
   - 每份意愿认证记录所载文件哈希即该签名签署前的 PDF（contract.pdf 的前 document_size 个字节）；
   - 清单所列每个文件的 SHA-256，以及平台对清单的签名。
3. 也可用通用工具分别核验，例如 Adobe Acrobat 打开 contract.pdf（需先信任根证书），
   或 openssl ts -reply -in timestamps/signature-1.tsr -text 查看时间戳内容。
"""


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _will_record(contract: Contract, signature: Signature, number: int, field_name: str) -> bytes | None:
    will = signature.will_confirmation
    if will is None:
        return None
    record = {
        "contract_number": contract.number,
        "signature_number": number,
        "signature_field": field_name,
        "party": signature.party.display_name,
        "signer": signature.signer.full_name,
        "certificate_serial": signature.certificate_serial,
        "certificate_fingerprint_sha256": signature.certificate_fingerprint,
        "signed_at": signature.signed_at.isoformat(),
        "method": will.method,
        "method_display": will.get_method_display(),
        "confirmed_at": will.confirmed_at.isoformat(),
        "document_sha256": will.document_sha256,
        "document_size": will.document_size,
        "client_address": will.client_address,
        "user_agent": will.user_agent,
    }
    return json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8")


def _tsr(token: bytes) -> bytes:
    response = tsp.TimeStampResp(
        {"status": tsp.PKIStatusInfo({"status": tsp.PKIStatus("granted")}), "time_stamp_token": cms.ContentInfo.load(token)}
    )
    der: bytes = response.dump()
    return der


def _tsa_certificate(token: bytes) -> x509.Certificate | None:
    signed_data = cms.ContentInfo.load(token)["content"]
    sid = signed_data["signer_infos"][0]["sid"].chosen
    for choice in signed_data["certificates"] or []:
        cert = choice.chosen
        if "serial_number" in sid and cert.serial_number == sid["serial_number"].native:
            return x509.load_der_x509_certificate(cert.dump())
    return None


def build_package(contract: Contract) -> bytes:
    """The ZIP of a contract with at least one signature (`no_signatures_yet` before)."""
    from .services import current_document

    rows = {s.certificate_serial: s for s in contract.signatures.select_related("will_confirmation", "party", "signer")}
    if not rows:
        raise Conflict("该合同尚无签名，没有可导出的证据包", code="no_signatures_yet")
    document = current_document(contract)
    with document.file.open("rb") as handle:
        pdf = handle.read()
    files: dict[str, bytes] = {PDF_NAME: pdf}
    for number, pem in enumerate(signing.trust_roots_pem(), start=1):
        files[f"certificates/root-{number}.pem"] = pem.encode()
    for number, root in enumerate(signing.tsa_trust_roots(), start=1):
        files[f"certificates/tsa-root-{number}.pem"] = _pem(root)
    for found in embedded_signatures(pdf):
        files[f"certificates/signature-{found.number}.pem"] = _pem(found.certificate)
        if found.timestamp_token is not None:
            files[f"timestamps/signature-{found.number}.tsr"] = _tsr(found.timestamp_token)
            tsa = _tsa_certificate(found.timestamp_token)
            if tsa is not None:
                files[f"certificates/tsa-{found.number}.pem"] = _pem(tsa)
        row = rows.get(signing.certificate_serial(found.certificate))
        record = _will_record(contract, row, found.number, found.field_name) if row is not None else None
        if record is not None:
            files[f"will_confirmations/signature-{found.number}.json"] = record
    files["evidence_verify.py"] = Path(evidence_verify.__file__).read_bytes()
    generated = timezone.now().replace(microsecond=0)
    files["README.txt"] = README.format(
        number=contract.number, platform=signing.PLATFORM_NAME, generated=f"{generated:%Y-%m-%d %H:%M:%S}"
    ).encode("utf-8")
    manifest = {
        "contract_number": contract.number,
        "generated_at": generated.isoformat(),
        "algorithm": "SHA-256",
        "files": {name: hashlib.sha256(content).hexdigest() for name, content in sorted(files.items())},
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
    signed = signing.sign_as_platform(manifest_bytes, purpose="证据包清单签名")
    files[MANIFEST] = manifest_bytes
    files[MANIFEST_SIGNATURE] = json.dumps(
        {
            "algorithm": "ECDSA-SHA256",
            "signature": signed.signature,
            "certificate_pem": signed.certificate_pem,
            "root_pem": signed.root_pem,
        },
        ensure_ascii=False,
        indent=2,
    ).encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def evidence_download(*, actor: Actor, contract: Contract) -> bytes:
    """The package for a download, audited (who took which contract's evidence, its digest);
    the parties and the provincial department only."""
    from .policies import may_take_evidence

    if not may_take_evidence(actor, contract):
        raise Forbidden("证据包只向合同当事方和省级主管部门提供", code="forbidden")
    data = build_package(contract)
    audit(
        actor=actor,
        action="contracts.evidence_downloaded",
        obj=contract,
        contract_number=contract.number,
        sha256=hashlib.sha256(data).hexdigest(),
    )
    return data


def package_filename(contract: Contract) -> str:
    return f"{contract.number}-证据包.zip"


def evidence_response(*, actor: Actor, contract: Contract) -> HttpResponse:
    """The download as the page and the API serve it."""
    response = HttpResponse(evidence_download(actor=actor, contract=contract), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, package_filename(contract))
    return response
