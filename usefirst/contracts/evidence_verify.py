"""Offline verification of a contract's evidence package (证据包), without the platform.

    python -m usefirst.contracts.evidence_verify 证据包.zip

needs no database and no settings: only pyHanko, cryptography and asn1crypto. It checks, in
this order, and prints 通过 or the first failure (then any further ones), exit code 0 or 1:

1. every signature of the PDF: the signed bytes unchanged, the signature value correct, the
   certificate issued by a root in the package (certificates/root-*.pem) and valid at the
   signing time, nothing but further signatures added after it;
2. each signer's certificate file is the certificate in the PDF's signature;
3. each timestamp (timestamps/signature-N.tsr): granted, its message imprint is the digest of
   that signature's value, its signature is correct and its TSA certificate, issued by a root
   in the package (or an external TSA's root, certificates/tsa-root-*.pem), is for time stamping;
4. each will-confirmation record (will_confirmations/signature-N.json): the document it was
   given for (its SHA-256 and size) is the PDF as it stood before that signature, and it names
   that signature's certificate;
5. the manifest lists every file with its SHA-256, and every hash holds;
6. the manifest is signed by the platform (manifest.sig.json, a certificate under a root in
   the package).

Whoever relies on the result compares the roots' fingerprints (printed) with the ones the
platform publishes: the package proves itself against its own roots only.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import sys
import zipfile
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding

PDF_NAME = "contract.pdf"
MANIFEST = "manifest.json"
MANIFEST_SIGNATURE = "manifest.sig.json"
UNLISTED = {MANIFEST, MANIFEST_SIGNATURE}


@dataclass
class EmbeddedSignature:
    """What the package's checks need of one signature of the PDF (in the order signed)."""

    number: int  # 1-based, in the order of the file
    field_name: str
    certificate: x509.Certificate
    value: bytes  # the signature value the timestamp's imprint covers
    digest_algorithm: str
    covered_until: int  # end of the signed byte range (the signed revision's length)
    timestamp_token: bytes | None  # DER ContentInfo, the RFC 3161 token
    status: Any = None  # pyHanko's validation status, when validated


@dataclass
class Result:
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def embedded_signatures(pdf: bytes) -> list[EmbeddedSignature]:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    found: list[EmbeddedSignature] = []
    for number, embedded in enumerate(reader.embedded_signatures, start=1):
        info = embedded.signer_info
        token = None
        for attribute in info["unsigned_attrs"] or []:
            if attribute["type"].native == "signature_time_stamp_token":
                token = attribute["values"][0].dump()
        byte_range = [int(v) for v in embedded.byte_range]
        found.append(
            EmbeddedSignature(
                number=number,
                field_name=str(embedded.field_name),
                certificate=x509.load_der_x509_certificate(embedded.signer_cert.dump()),
                value=info["signature"].native,
                digest_algorithm=embedded.md_algorithm,
                covered_until=byte_range[2] + byte_range[3],
                timestamp_token=token,
            )
        )
    return found


def _issued_by(cert: x509.Certificate, roots: list[x509.Certificate]) -> x509.Certificate | None:
    for root in roots:
        try:
            cert.verify_directly_issued_by(root)
        except (ValueError, TypeError, InvalidSignature):
            continue
        return root
    return None


def _verify_with(cert: x509.Certificate, signature: bytes, message: bytes, digest: str) -> bool:
    algorithm = getattr(hashes, digest.upper())()
    key = cert.public_key()
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, message, ec.ECDSA(algorithm))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, message, padding.PKCS1v15(), algorithm)
        else:
            return False
    except InvalidSignature:
        return False
    return True


def check_timestamp(token_der: bytes, signature_value: bytes, roots: list[x509.Certificate]) -> tuple[str, dt.datetime | None]:
    """("" or the failure, the time). The token's imprint is the digest of `signature_value`,
    its signature is correct and made by a time-stamping certificate under one of `roots`."""
    content = cms.ContentInfo.load(token_der)
    signed_data = content["content"]
    encapsulated = signed_data["encap_content_info"]
    tst_bytes = encapsulated["content"].parsed.dump()
    tst_info = tsp.TSTInfo.load(tst_bytes)
    imprint = tst_info["message_imprint"]
    algorithm = imprint["hash_algorithm"]["algorithm"].native
    when = tst_info["gen_time"].native
    if hashlib.new(algorithm, signature_value).digest() != imprint["hashed_message"].native:
        return "消息摘要与签名值不符（时间戳不是为这个签名出具的）", when
    signer_info = signed_data["signer_infos"][0]
    sid = signer_info["sid"].chosen
    certificates = [x509.load_der_x509_certificate(c.chosen.dump()) for c in signed_data["certificates"] or []]
    tsa = next(
        (
            c
            for c in certificates
            if "issuer" in sid
            and c.serial_number == sid["serial_number"].native
            and c.issuer.public_bytes() == sid["issuer"].dump()
        ),
        None,
    )
    if tsa is None:
        return "时间戳中没有时间戳服务的证书", when
    digest_algorithm = signer_info["digest_algorithm"]["algorithm"].native
    attributes = signer_info["signed_attrs"]
    message_digest = next((a["values"][0].native for a in attributes if a["type"].native == "message_digest"), None)
    if message_digest != hashlib.new(digest_algorithm, tst_bytes).digest():
        return "时间戳内容已被改动", when
    if not _verify_with(tsa, signer_info["signature"].native, attributes.untag().dump(), digest_algorithm):
        return "时间戳的签名不正确", when
    if _issued_by(tsa, roots) is None:
        return "时间戳服务证书不是由证据包中的根证书签发", when
    try:
        usages = tsa.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound:
        return "时间戳服务证书不是时间戳专用证书", when
    if not usages.critical or x509.oid.ExtendedKeyUsageOID.TIME_STAMPING not in usages.value:
        return "时间戳服务证书不是时间戳专用证书", when
    if not tsa.not_valid_before_utc <= when <= tsa.not_valid_after_utc:
        return "时间戳时间不在时间戳服务证书的有效期内", when
    return "", when


def _validate_pdf(pdf: bytes, roots: list[x509.Certificate], result: Result) -> list[EmbeddedSignature]:
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    signatures = embedded_signatures(pdf)
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    trust = [asn1_x509.Certificate.load(r.public_bytes(Encoding.DER)) for r in roots]
    for found, embedded in zip(signatures, reader.embedded_signatures, strict=True):
        context = ValidationContext(trust_roots=trust, allow_fetching=False, revocation_mode="soft-fail")
        status = validate_pdf_signature(embedded, context)
        found.status = status
        who = _subject(found.certificate)
        if not (status.intact and status.valid):
            result.failures.append(f"签名 {found.number}（{who}）所覆盖的内容已被改动或签名值不正确")
            continue
        at = status.signer_reported_dt
        if _issued_by(found.certificate, roots) is None or not (
            at is None or found.certificate.not_valid_before_utc <= at <= found.certificate.not_valid_after_utc
        ):
            result.failures.append(f"签名 {found.number}（{who}）的证书不是由证据包中的根证书签发，或签署时不在有效期内")
            continue
        whole = status.coverage is not None and status.coverage.name == "ENTIRE_FILE"
        level = status.modification_level
        if not whole and not (level is not None and level <= ModificationLevel.FORM_FILLING and status.docmdp_ok):
            result.failures.append(f"签名 {found.number}（{who}）之后文件被追加了签名以外的内容")
    return signatures


def _subject(cert: x509.Certificate) -> str:
    names = [a.value for a in cert.subject if a.oid in (x509.NameOID.COMMON_NAME, x509.NameOID.ORGANIZATION_NAME)]
    return "，".join(str(n) for n in names)


def verify_package(data: bytes) -> Result:
    """Every check of the package (see the module's docstring); never raises on a bad file."""
    result = Result()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        files = {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}
    except (zipfile.BadZipFile, OSError, ValueError):
        result.failures.append("不是完整的证据包（ZIP 文件无法读取）")
        return result
    for needed in (PDF_NAME, MANIFEST, MANIFEST_SIGNATURE):
        if needed not in files:
            result.failures.append(f"证据包缺少文件 {needed}")
    roots: list[x509.Certificate] = []
    for name in sorted(n for n in files if n.startswith("certificates/root-")):
        try:
            roots.append(x509.load_pem_x509_certificate(files[name]))
        except ValueError:
            result.failures.append(f"根证书文件 {name} 无法读取")
    if not roots:
        result.failures.append("证据包中没有平台根证书（certificates/root-*.pem）")
    if result.failures:
        return result
    tsa_roots = list(roots)
    for name in sorted(n for n in files if n.startswith("certificates/tsa-root-")):
        try:
            tsa_roots.append(x509.load_pem_x509_certificate(files[name]))
        except ValueError:
            result.failures.append(f"时间戳服务根证书文件 {name} 无法读取")
    for root in roots:
        result.notes.append(f"根证书 SHA-256 指纹：{root.fingerprint(hashes.SHA256()).hex()}（请与平台公布的指纹核对）")
    pdf = files[PDF_NAME]
    try:
        signatures = _validate_pdf(pdf, roots, result)
    except Exception as exc:  # pyHanko raises many types on a damaged file; all mean the same here
        result.failures.append(f"PDF 文件结构无法解析（{type(exc).__name__}），可能已被改动")
        signatures = []
    if not signatures and not result.failures:
        result.failures.append("PDF 中没有电子签名")
    for found in signatures:
        _check_certificate_file(found, files, result)
        _check_timestamp_file(found, files, tsa_roots, result)
        _check_will_confirmation(found, files, pdf, signatures, result)
    _check_manifest(files, result)
    _check_manifest_signature(files, roots, result)
    return result


def _check_certificate_file(found: EmbeddedSignature, files: dict[str, bytes], result: Result) -> None:
    name = f"certificates/signature-{found.number}.pem"
    if name not in files:
        result.failures.append(f"证据包缺少签名 {found.number} 的证书文件 {name}")
        return
    try:
        same = x509.load_pem_x509_certificate(files[name]) == found.certificate
    except ValueError:
        same = False
    if not same:
        result.failures.append(f"证书文件 {name} 与 PDF 中签名 {found.number} 的证书不一致")


def _check_timestamp_file(
    found: EmbeddedSignature, files: dict[str, bytes], roots: list[x509.Certificate], result: Result
) -> None:
    name = f"timestamps/signature-{found.number}.tsr"
    if found.timestamp_token is None:
        result.notes.append(f"签名 {found.number} 没有时间戳（启用时间戳之前签署），签署时间为平台服务器时间")
        return
    if name not in files:
        result.failures.append(f"证据包缺少签名 {found.number} 的时间戳文件 {name}")
        return
    try:
        response = tsp.TimeStampResp.load(files[name])
        if response["status"]["status"].native != "granted":
            result.failures.append(f"时间戳文件 {name} 不是已批准的时间戳")
            return
        token = response["time_stamp_token"].dump()
        failure, when = check_timestamp(token, found.value, roots)
    except Exception:  # a damaged DER file
        result.failures.append(f"时间戳文件 {name} 无法读取")
        return
    if failure:
        result.failures.append(f"签名 {found.number} 的时间戳（{name}）：{failure}")
    elif token != found.timestamp_token:
        result.failures.append(f"时间戳文件 {name} 与 PDF 中签名 {found.number} 所带的时间戳不一致")
    elif when is not None:
        beijing = when.astimezone(dt.timezone(dt.timedelta(hours=8)))
        result.notes.append(f"签名 {found.number} 的时间戳时间：{beijing:%Y-%m-%d %H:%M:%S}（北京时间）")


def _check_will_confirmation(
    found: EmbeddedSignature, files: dict[str, bytes], pdf: bytes, signatures: list[EmbeddedSignature], result: Result
) -> None:
    name = f"will_confirmations/signature-{found.number}.json"
    if name not in files:
        result.notes.append(f"签名 {found.number} 没有意愿认证记录（启用意愿认证之前签署）")
        return
    try:
        record = json.loads(files[name].decode("utf-8"))
        sha256, size, serial = str(record["document_sha256"]), int(record["document_size"]), str(record["certificate_serial"])
    except (ValueError, KeyError, TypeError):
        result.failures.append(f"意愿认证记录 {name} 无法读取")
        return
    before = signatures[found.number - 2].covered_until if found.number > 1 else 0
    if not before <= size < found.covered_until or hashlib.sha256(pdf[:size]).hexdigest() != sha256:
        result.failures.append(f"意愿认证记录 {name} 所载文件哈希与签名 {found.number} 所签署的文件不符")
    elif serial != format(found.certificate.serial_number, "x"):
        result.failures.append(f"意愿认证记录 {name} 所载证书序列号与签名 {found.number} 的证书不符")


def _check_manifest(files: dict[str, bytes], result: Result) -> None:
    try:
        listed: dict[str, str] = json.loads(files[MANIFEST].decode("utf-8"))["files"]
    except (ValueError, KeyError, TypeError):
        result.failures.append("清单 manifest.json 无法读取")
        return
    for name in sorted(set(files) - UNLISTED):
        if name not in listed:
            result.failures.append(f"文件 {name} 不在清单中")
        elif hashlib.sha256(files[name]).hexdigest() != listed[name]:
            result.failures.append(f"文件 {name} 的 SHA-256 与清单不符")
    for name in sorted(set(listed) - set(files)):
        result.failures.append(f"清单所列文件 {name} 在证据包中缺失")


def _check_manifest_signature(files: dict[str, bytes], roots: list[x509.Certificate], result: Result) -> None:
    try:
        signed = json.loads(files[MANIFEST_SIGNATURE].decode("utf-8"))
        certificate = x509.load_pem_x509_certificate(str(signed["certificate_pem"]).encode())
        signature = base64.b64decode(str(signed["signature"]))
    except (ValueError, KeyError, TypeError):
        result.failures.append("清单签名 manifest.sig.json 无法读取")
        return
    if _issued_by(certificate, roots) is None:
        result.failures.append("清单签名的证书不是由证据包中的根证书签发")
    elif not _verify_with(certificate, signature, files[MANIFEST], "sha256"):
        result.failures.append("清单签名不正确：清单在平台出具后被改动")


def report(result: Result) -> str:
    """The text printed: 通过 or the first failure first, then the rest."""
    lines = ["通过：证据包完整，签名、证书、时间戳与意愿认证记录均核验无误"] if result.ok else [f"不通过：{result.failures[0]}"]
    lines += [f"另：{failure}" for failure in result.failures[1:]]
    lines += [f"说明：{note}" for note in result.notes]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("用法：python -m usefirst.contracts.evidence_verify 证据包.zip", file=sys.stderr)
        return 2
    try:
        with open(args[0], "rb") as handle:
            data = handle.read()
    except OSError as exc:
        print(f"不通过：无法读取文件（{exc.strerror}）")
        return 1
    result = verify_package(data)
    print(report(result))
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
