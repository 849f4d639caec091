"""Signing and verification of contract PDFs (PAdES, pyHanko).

The platform CA issues, for every signing event, a certificate for a fresh key pair; the key
signs once and is then dropped (it never leaves this process and is never stored). Every
signature carries an RFC 3161 signature timestamp (PAdES-B-T) from a `TimestampAuthority`: the
local one, whose certificate a platform root issues, or a real TSA over HTTP when
USEFIRST_TSA_URL (settings.TSA_URL) is set.

`SigningAuthority` is the seam where a licensed CA (and SM2 / GM/T 0031 signatures) plugs in
for production, `TimestampAuthority` the one for a TSA; see docs/contracts-signing.md.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from usefirst.core import hash_chain
from usefirst.core.crypto import decrypt, encrypt

from .models import LocalTsaKey, PlatformRoot

logger = logging.getLogger(__name__)

PLATFORM_NAME = "广东省科技成果先用后转平台"
MAX_VERIFY_BYTES = 20 * 1024 * 1024


# What a signer's and the timestamping authority's keys may do: sign, with non-repudiation.
SIGNER_KEY_USAGE = x509.KeyUsage(
    digital_signature=True,
    content_commitment=True,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=False,
    crl_sign=False,
    encipher_only=False,
    decipher_only=False,
)


class CaNotInitialised(RuntimeError):
    pass


@dataclass(frozen=True)
class SigningIdentity:
    """Who signs: shown in the certificate subject."""

    person_name: str
    organisation_name: str
    user_id: int


@dataclass(frozen=True)
class IssuedKey:
    """A single-use key and its certificate, plus the chain up to (and including) the root."""

    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]


class SigningAuthority(Protocol):
    """Issues a one-time certificate for a signing event. Production: a licensed CA (SM2)."""

    def issue_signing_key(self, identity: SigningIdentity) -> IssuedKey: ...

    def trust_roots(self) -> list[x509.Certificate]: ...


def _fit(value: str, limit: int = 64) -> str:
    """X.509 name attributes hold at most 64 bytes here (UTF-8): shorten by whole characters."""
    value = value.strip() or "—"
    while len(value.encode()) > limit:
        value = value[:-1]
    return value


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, _fit(common_name)),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(organisation)),
        ]
    )


def fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


def build_root() -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = timezone.now()
    subject = _name(f"先用后转平台签署根证书 {now:%Y%m%d%H%M%S}", PLATFORM_NAME)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * 30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def store_root(key: ec.EllipticCurvePrivateKey, cert: x509.Certificate) -> PlatformRoot:
    """Record a new root as the current one; earlier roots stay trusted."""
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    with transaction.atomic():
        PlatformRoot.objects.filter(is_current=True).update(is_current=False)
        return PlatformRoot.objects.create(
            certificate_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
            key_encrypted=encrypt(key_pem),
            fingerprint=fingerprint(cert),
            is_current=True,
        )


class PlatformCa:
    """The local implementation: the platform's own CA, kept in PlatformRoot."""

    signer_validity = dt.timedelta(days=365 * 20)

    def _current(self) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
        root = PlatformRoot.objects.filter(is_current=True).first()
        if root is None:
            raise CaNotInitialised("平台签署根证书尚未创建（manage.py contracts_init_ca）")
        cached = _ROOT_CACHE.get(root.fingerprint)
        if cached is None:
            key = serialization.load_pem_private_key(decrypt(root.key_encrypted).encode(), password=None)
            assert isinstance(key, ec.EllipticCurvePrivateKey)
            cached = (key, x509.load_pem_x509_certificate(root.certificate_pem.encode()))
            _ROOT_CACHE[root.fingerprint] = cached
        return cached

    def issue_signing_key(self, identity: SigningIdentity) -> IssuedKey:
        ca_key, ca_cert = self._current()
        key = ec.generate_private_key(ec.SECP256R1())
        now = timezone.now()
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(identity.person_name, identity.organisation_name))
            .issuer_name(ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + self.signer_validity)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(SIGNER_KEY_USAGE, critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        return IssuedKey(key=key, certificate=cert, chain=(ca_cert,))

    def trust_roots(self) -> list[x509.Certificate]:
        return [
            x509.load_pem_x509_certificate(pem.encode()) for pem in PlatformRoot.objects.values_list("certificate_pem", flat=True)
        ]


_ROOT_CACHE: dict[str, tuple[ec.EllipticCurvePrivateKey, x509.Certificate]] = {}


def signing_authority() -> SigningAuthority:
    from django.utils.module_loading import import_string

    path = getattr(settings, "CONTRACTS_SIGNING_AUTHORITY", "usefirst.contracts.signing.PlatformCa")
    authority: SigningAuthority = import_string(path)()
    return authority


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


# ---------------------------------------------------------------- the platform's own signatures


@dataclass(frozen=True)
class PlatformSignature:
    """The platform's ECDSA signature of a message (a chain head), with the single-use
    certificate its CA issued for it and that CA's root, all as text to store."""

    signature: str  # Base64
    certificate_pem: str
    root_pem: str


def sign_as_platform(message: bytes, *, purpose: str) -> PlatformSignature:
    """Sign a message as the platform (the 安心屋 and the hash chains sign their heads so): a key
    the platform CA issues for this one signature, named by `purpose` in its certificate.
    Raises CaNotInitialised before the CA has a root."""
    import base64

    issued = signing_authority().issue_signing_key(
        SigningIdentity(person_name=purpose, organisation_name=PLATFORM_NAME, user_id=0)
    )
    signature = issued.key.sign(message, ec.ECDSA(hashes.SHA256()))
    return PlatformSignature(
        signature=base64.b64encode(signature).decode(),
        certificate_pem=issued.certificate.public_bytes(serialization.Encoding.PEM).decode(),
        root_pem=issued.chain[-1].public_bytes(serialization.Encoding.PEM).decode(),
    )


def trust_roots_pem() -> list[str]:
    """The platform's roots, as PEM (what usefirst/core/hash_chain.py checks head signatures against)."""
    return list(PlatformRoot.objects.values_list("certificate_pem", flat=True))


# ---------------------------------------------------------------- timestamps (RFC 3161)


class TimestampAuthority(Protocol):
    """Gives the pyHanko time stamper whose tokens every signature carries."""

    def timestamper(self) -> Any: ...


TSA_NAME = "先用后转平台时间戳服务"
# the policy under which the local authority issues its tokens (a private arc; no public policy)
LOCAL_TSA_POLICY = "1.3.6.1.4.1.4146.2.2"


def _build_tsa(
    ca_key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A TSA certificate under the root: extended key usage id-kp-timeStamping only, critical
    (RFC 3161 § 2.3), valid from the root's first day so any signature made under the root can
    be timestamped (the demo signs in the past)."""
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(TSA_NAME, PLATFORM_NAME))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(ca_cert.not_valid_before_utc)
        .not_valid_after(ca_cert.not_valid_after_utc)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(SIGNER_KEY_USAGE, critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return key, cert


class LocalTsa:
    """The platform's own timestamping authority: one key per root, made on first use and kept
    (encrypted) in LocalTsaKey; the time is the server clock (UTC)."""

    def _key_and_certificate(self) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
        from django.db import IntegrityError

        ca_key, ca_cert = PlatformCa()._current()
        root = fingerprint(ca_cert)
        cached = _TSA_CACHE.get(root)
        if cached is not None:
            return cached
        row = LocalTsaKey.objects.filter(root_fingerprint=root).first()
        if row is None:
            key, cert = _build_tsa(ca_key, ca_cert)
            key_pem = key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ).decode()
            try:
                with transaction.atomic():
                    row = LocalTsaKey.objects.create(
                        root_fingerprint=root,
                        certificate_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
                        key_encrypted=encrypt(key_pem),
                    )
            except IntegrityError:  # another process made it first: use theirs
                row = LocalTsaKey.objects.get(root_fingerprint=root)
        loaded = serialization.load_pem_private_key(decrypt(row.key_encrypted).encode(), password=None)
        assert isinstance(loaded, ec.EllipticCurvePrivateKey)
        cached = (loaded, x509.load_pem_x509_certificate(row.certificate_pem.encode()))
        _TSA_CACHE[root] = cached
        return cached

    def certificate(self) -> x509.Certificate:
        return self._key_and_certificate()[1]

    def timestamper(self) -> Any:
        key, cert = self._key_and_certificate()
        return _local_timestamper()(key, cert, PlatformCa()._current()[1])


_TSA_CACHE: dict[str, tuple[ec.EllipticCurvePrivateKey, x509.Certificate]] = {}


class HttpTsa:
    """A TSA reached over HTTP (RFC 3161 over HTTP), e.g. a licensed time service."""

    def __init__(self, url: str) -> None:
        self.url = url

    def timestamper(self) -> Any:
        from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

        return RequestsHTTPTimeStamper(self.url, timeout=10)  # type: ignore[no-untyped-call]


def tsa_trust_roots() -> list[x509.Certificate]:
    """The roots of an external TSA (settings.TSA_TRUST_ROOTS, a PEM file), trusted for
    timestamps only; the local TSA is under the platform's own roots."""
    path = getattr(settings, "TSA_TRUST_ROOTS", "")
    return x509.load_pem_x509_certificates(Path(path).read_bytes()) if path else []


def timestamp_authority() -> TimestampAuthority:
    """The TSA every signature is timestamped by: settings.TSA_URL (environment USEFIRST_TSA_URL)
    when set, else the local one."""
    url = getattr(settings, "TSA_URL", "")
    return HttpTsa(url) if url else LocalTsa()


@functools.cache
def _local_timestamper() -> Any:
    """pyHanko TimeStamper answering requests itself with an ECDSA TSA key (pyHanko's own
    DummyTimeStamper signs with RSA only); made on first use, as pyHanko is imported lazily."""
    import secrets

    from asn1crypto import algos, cms, core, tsp
    from pyhanko.sign.general import as_signing_certificate_v2, simple_cms_attribute
    from pyhanko.sign.timestamps import TimeStamper

    class LocalTimeStamper(TimeStamper):
        def __init__(self, key: ec.EllipticCurvePrivateKey, cert: x509.Certificate, root: x509.Certificate) -> None:
            super().__init__(include_nonce=True)  # type: ignore[no-untyped-call]
            self.key = key
            self.cert = _asn1_cert(cert)
            self.root = _asn1_cert(root)

        def request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
            imprint = req["message_imprint"]
            md = imprint["hash_algorithm"]["algorithm"].native
            now = timezone.now().astimezone(dt.UTC)
            info = {
                "version": "v1",
                "policy": tsp.ObjectIdentifier(LOCAL_TSA_POLICY),
                "message_imprint": imprint,
                "serial_number": secrets.randbits(63),
                "gen_time": now,
                "accuracy": {"seconds": 1},
                "tsa": asn1_x509.GeneralName(name="directory_name", value=self.cert.subject),
            }
            if req["nonce"].native is not None:
                info["nonce"] = req["nonce"]
            tst_info = tsp.TSTInfo(info).dump()
            digest = hashlib.new(md, tst_info).digest()
            attribute: Any = simple_cms_attribute  # pyHanko's helper is untyped
            attrs = cms.CMSAttributes(
                [
                    attribute("content_type", "tst_info"),
                    attribute("signing_time", cms.Time({"utc_time": core.UTCTime(now)})),
                    attribute("signing_certificate_v2", as_signing_certificate_v2(self.cert)),
                    attribute("message_digest", digest),
                ]
            )
            value = self.key.sign(attrs.dump(), ec.ECDSA(getattr(hashes, md.upper())()))
            digest_algorithm = algos.DigestAlgorithm({"algorithm": md})
            signer_info = cms.SignerInfo(
                {
                    "version": "v1",
                    "sid": cms.SignerIdentifier(
                        {
                            "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                                {"issuer": self.cert.issuer, "serial_number": self.cert.serial_number}
                            )
                        }
                    ),
                    "digest_algorithm": digest_algorithm,
                    "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": f"{md}_ecdsa"}),
                    "signed_attrs": attrs,
                    "signature": value,
                }
            )
            signed_data = cms.SignedData(
                {
                    "version": "v3",
                    "digest_algorithms": cms.DigestAlgorithms((digest_algorithm,)),
                    "encap_content_info": cms.EncapsulatedContentInfo(
                        {"content_type": cms.ContentType("tst_info"), "content": cms.ParsableOctetString(tst_info)}
                    ),
                    "certificates": [self.cert, self.root],
                    "signer_infos": [signer_info],
                }
            )
            token = cms.ContentInfo({"content_type": cms.ContentType("signed_data"), "content": signed_data})
            return tsp.TimeStampResp(
                {"status": tsp.PKIStatusInfo({"status": tsp.PKIStatus("granted")}), "time_stamp_token": token}
            )

        async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
            return self.request_tsa_response(req)

    return LocalTimeStamper


# ---------------------------------------------------------------- signing


@dataclass(frozen=True)
class SignResult:
    pdf: bytes
    certificate_serial: str
    certificate_fingerprint: str
    signed_at: dt.datetime
    visible: bool  # drawn in the party's signing box (False: a document from before the boxes)


def _reserved_bytes(issued: IssuedKey, authority: TimestampAuthority) -> int:
    """Room for the CMS container in the PDF, stated up front. Left to itself pyHanko sizes it
    by producing a whole throw-away signature first, which doubles the work of signing. The
    container holds the certificates, the signed attributes and one signature value (72 bytes
    for ECDSA P-256, at most 512 for RSA-4096), so the certificates' size plus a fixed margin
    is always enough (pyHanko refuses, rather than truncates, a container that does not fit).
    The timestamp token adds the TSA's certificates and its own signed data: known for the local
    authority, a generous allowance for one over HTTP."""
    certificates = sum(len(c.public_bytes(serialization.Encoding.DER)) for c in (issued.certificate, *issued.chain))
    if isinstance(authority, LocalTsa):
        token = 2048 + 2 * sum(len(c.public_bytes(serialization.Encoding.DER)) for c in (authority.certificate(), *issued.chain))
    else:
        token = 16384
    return 4096 + 2 * certificates + token


def certificate_serial(cert: x509.Certificate) -> str:
    """A certificate's serial as the platform shows it (lower-case hexadecimal)."""
    return format(cert.serial_number, "x")


def _empty_field_size(data: bytes, name: str) -> tuple[float, float] | None:
    """(width, height) in points of the empty signature field `name`, or None when the
    document has no such empty field."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    for _name, _value, ref in enumerate_sig_fields(reader, filled_status=False, with_name=name):
        field_dict = ref.get_object()
        widget = field_dict if "/Rect" in field_dict else field_dict["/Kids"][0].get_object()
        x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
        if abs(x2 - x1) > 1 and abs(y2 - y1) > 1:
            return abs(x2 - x1), abs(y2 - y1)
    return None


def sign_pdf(
    pdf: bytes,
    *,
    identity: SigningIdentity,
    field_name: str,
    reason: str = "签署合同",
    new_field_name: str | None = None,
) -> SignResult:
    """Append one PAdES signature (incremental update) with a fresh single-use key.

    When the document has the empty signing box `field_name`, the signature fills it and shows
    its appearance there (pdf.signature_appearance: signer, organisation, time, certificate
    serial, 电子签名). A document without it (issued before the boxes) gets an invisible
    signature in a new field, `new_field_name`. The time shown is the signing time the
    signature states."""
    from pyhanko import stamp
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    from . import pdf as pdf_module

    issued = signing_authority().issue_signing_key(identity)
    authority = timestamp_authority()
    key_info = asn1_keys.PrivateKeyInfo.load(
        issued.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    signer = signers.SimpleSigner(
        signing_cert=_asn1_cert(issued.certificate),
        signing_key=key_info,
        cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(c) for c in issued.chain]),
    )
    signed_at = timezone.now().replace(microsecond=0)
    serial = certificate_serial(issued.certificate)
    box = _empty_field_size(pdf, field_name)
    name = field_name if box is not None else (new_field_name or field_name)
    meta = signers.PdfSignatureMetadata(
        field_name=name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        name=identity.person_name,
        reason=reason,
        location="广东省",
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    with tempfile.TemporaryDirectory() as folder:
        style = None
        if box is not None:
            appearance = pdf_module.signature_appearance(
                pdf_module.Appearance(identity.person_name, identity.organisation_name, signed_at, serial),
                width_pt=box[0],
                height_pt=box[1],
            )
            path = Path(folder) / "appearance.pdf"
            path.write_bytes(appearance)
            style = stamp.StaticStampStyle.from_pdf_file(
                str(path),
                border_width=0,
                background_layout=layout.SimpleBoxLayoutRule(
                    x_align=layout.AxisAlignment.ALIGN_MID,
                    y_align=layout.AxisAlignment.ALIGN_MID,
                    margins=layout.Margins(),
                ),
            )
        pdf_signer = _signer_at()(
            meta,
            signer=signer,
            timestamper=authority.timestamper(),
            stamp_style=style,
            new_field_spec=None if box is not None else fields.SigFieldSpec(name),
            signing_time=signed_at,
        )
        out = pdf_signer.sign_pdf(writer, existing_fields_only=box is not None, bytes_reserved=_reserved_bytes(issued, authority))
    # The key object goes out of scope here; nothing stored it. Python cannot zero memory, so
    # "destroyed" means: never serialised to disk or database, never reused.
    del signer, key_info, pdf_signer
    return SignResult(
        pdf=out.getvalue(),
        certificate_serial=serial,
        certificate_fingerprint=fingerprint(issued.certificate),
        signed_at=signed_at,
        visible=box is not None,
    )


@functools.cache
def _signer_at() -> Any:
    """PdfSigner whose signature states a given signing time (the one its appearance shows);
    made on first use, as pyHanko is imported only when a PDF is signed or verified."""
    from pyhanko.sign import signers

    class SignerAt(signers.PdfSigner):
        def __init__(self, *args: Any, signing_time: dt.datetime, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.signing_time = signing_time

        def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
            session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
            session.system_time = self.signing_time
            return session

    return SignerAt


# ---------------------------------------------------------------- verification


@dataclass(frozen=True)
class Check:
    """One thing verification looked at, as the verify page lists it."""

    label: str
    passed: bool
    detail: str


@dataclass
class SignatureReport:
    field_name: str
    signer: str
    organisation: str
    signed_at: dt.datetime | None
    certificate_serial: str
    intact: bool  # the signed bytes are unchanged and the signature value is correct
    valid: bool
    trusted: bool  # the certificate was issued by a platform root and valid at signing time
    covers_whole_file: bool
    changes_after: str  # "none" | "signatures_only" | "other"
    summary: str
    # the RFC 3161 signature timestamp; None for signatures made before timestamps were added
    timestamp_at: dt.datetime | None = None
    timestamp_authority: str = ""
    timestamp_valid: bool | None = None

    @property
    def box_number(self) -> int | None:
        """Which signing box of the signature page shows this signature (1-based), or None for
        an invisible signature (a document issued before the boxes)."""
        number = self.field_name.removeprefix("Party")
        return int(number) if number != self.field_name and number.isdigit() else None

    @property
    def checks(self) -> list[Check]:
        """The three checks of one signature, each on its own (a tampered file's certificate
        is still reported for what it is)."""
        return [
            Check(
                "签名完好",
                self.intact and self.valid,
                "签名所覆盖的内容未被改动，签名值正确"
                if self.intact and self.valid
                else "签名所覆盖的内容已被改动或签名值不正确",
            ),
            Check(
                "证书由本平台签发",
                self.trusted,
                "签名证书由本平台根证书签发，且签署时在有效期内"
                if self.trusted
                else "签名证书不是由本平台签发，或签署时不在有效期内",
            ),
            Check("签署后未被改动", self.intact and self.changes_after != "other", self.summary),
            *([self.timestamp_check] if self.timestamp_valid is not None else []),
        ]

    @property
    def timestamp_check(self) -> Check:
        """The signature timestamp: when, by which authority, and whether its token is intact,
        covers this signature value and was issued by a trusted authority."""
        when = f"{timezone.localtime(self.timestamp_at):%Y-%m-%d %H:%M:%S}（北京时间）" if self.timestamp_at else "—"
        if self.timestamp_valid:
            return Check("可信时间戳", True, f"时间戳时间 {when}，时间戳服务：{self.timestamp_authority}；时间戳完好且对应本签名")
        return Check(
            "可信时间戳",
            False,
            f"时间戳（{when}，{self.timestamp_authority or '未知时间戳服务'}）已损坏、与本签名不对应或不是由可信的时间戳服务签发",
        )


@dataclass
class VerificationReport:
    ok: bool
    verifiable: bool
    sha256: str
    size: int
    signatures: list[SignatureReport] = field(default_factory=list)
    registered: bool = False
    registered_contract_number: str = ""
    unsigned_fields: int = 0  # signing boxes of the file not signed yet
    message: str = ""

    @property
    def timestamp_note(self) -> str:
        """What the times of the signatures rest on."""
        if self.signatures and all(s.timestamp_valid is not None for s in self.signatures):
            return "每个签名均带有 RFC 3161 可信时间戳，签署时间以时间戳为准。"
        if any(s.timestamp_valid is not None for s in self.signatures):
            return "部分签名带有 RFC 3161 时间戳；其余签名（启用时间戳之前签署）的签署时间为平台服务器时间。"
        return "签署时间为平台服务器时间，未使用可信时间戳服务（TSA）。"

    @property
    def verdict(self) -> str:
        """ "pass", "fail" or "unknown" (the file could not be read as a PDF)."""
        if not self.verifiable:
            return "unknown"
        return "pass" if self.ok else "fail"

    @property
    def register_check(self) -> Check:
        if self.registered:
            return Check(
                "哈希值在平台出具文件登记册中", True, f"与平台出具的合同 {self.registered_contract_number} 的登记文件完全一致"
            )
        return Check("哈希值在平台出具文件登记册中", False, "该文件的 SHA-256 不在平台出具文件登记册中，不是平台出具的文件原件")


def _cannot_verify(sha256: str, size: int, message: str) -> VerificationReport:
    return VerificationReport(ok=False, verifiable=False, sha256=sha256, size=size, message=f"无法验证：{message}")


def verify_pdf(data: bytes) -> VerificationReport:
    """Every signature of the file, and whether the file is exactly one the platform issued.

    Never raises on bad input: a malformed, truncated or oversized file is reported as
    "无法验证" (cannot be verified)."""
    from .models import IssuedDocument

    size = len(data)
    sha256 = hashlib.sha256(data).hexdigest()
    if size > MAX_VERIFY_BYTES:
        return _cannot_verify(sha256, size, f"文件超过 {MAX_VERIFY_BYTES // (1024 * 1024)} MB 上限")
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        return _cannot_verify(sha256, size, "不是完整的 PDF 文件（可能已被截断或损坏）")
    issued = IssuedDocument.objects.filter(sha256=sha256).select_related("contract").order_by("-issued_at").first()
    # A register row whose hash was replaced (or any row after it rewritten) is no register entry:
    # the chain and its signed heads must hold from that row on (usefirst/core/hash_chain.py).
    forged = issued is not None and not hash_chain.row_holds(issued)
    if forged:
        logger.warning("issued-document register row %s breaks its hash chain", issued.pk if issued else None)
        issued = None
    try:
        signatures, unsigned = _validate_signatures(data)
    except Exception as exc:  # pyHanko raises many types on malformed input; all mean the same here
        logger.info("contract PDF could not be verified: %s", exc)
        return _cannot_verify(sha256, size, "文件结构无法解析")
    all_checks = [c for s in signatures for c in s.checks]
    report = VerificationReport(
        ok=bool(signatures) and all(c.passed for c in all_checks) and issued is not None,
        verifiable=True,
        sha256=sha256,
        size=size,
        signatures=signatures,
        registered=issued is not None,
        registered_contract_number=issued.contract.number if issued is not None else "",
        unsigned_fields=unsigned,
    )
    if not signatures:
        report.message = "验证不通过：文件中没有电子签名"
    elif not all(s.intact and s.valid for s in signatures):
        report.message = "验证不通过：签名所覆盖的内容已被改动"
    elif not all(s.trusted for s in signatures):
        report.message = "验证不通过：签名证书不是由本平台签发"
    elif any(s.timestamp_valid is False for s in signatures):
        report.message = "验证不通过：签名的时间戳已损坏、与签名不对应或不是由可信的时间戳服务签发"
    elif any(s.changes_after == "other" for s in signatures):
        report.message = "验证不通过：签名后文件被追加了签名以外的内容"
    elif forged:
        report.message = "验证不通过：登记册中与该文件对应的记录被篡改（摘要链校验不通过），不能作为本平台出具的文件原件"
    elif issued is None:
        report.message = "验证不通过：签名完好，但该文件不是本平台出具的文件原件（哈希值不在登记册中）"
    else:
        report.message = "验证通过：签名完好，且与本平台出具的文件完全一致"
    return report


def _issued_by_platform(cert: x509.Certificate, roots: list[x509.Certificate], at: dt.datetime | None) -> bool:
    """The certificate was signed by one of the platform's roots and was valid at `at`."""
    from cryptography.exceptions import InvalidSignature

    for root in roots:
        try:
            cert.verify_directly_issued_by(root)
        except (ValueError, TypeError, InvalidSignature):
            continue
        return at is None or cert.not_valid_before_utc <= at <= cert.not_valid_after_utc
    return False


def _common_name(cert: Any) -> str:
    subject = cert.subject.native
    return str(subject.get("common_name", "")) or cert.subject.human_friendly


def _validate_signatures(data: bytes) -> tuple[list[SignatureReport], int]:
    """A report for each signature of the file, and the number of its empty signature fields."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.fields import enumerate_sig_fields
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    platform_roots = PlatformCa().trust_roots()
    roots = [_asn1_cert(c) for c in platform_roots]
    tsa_roots = [_asn1_cert(c) for c in tsa_trust_roots()]
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    reports: list[SignatureReport] = []
    for embedded in reader.embedded_signatures:
        context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
        stamps = ValidationContext(trust_roots=roots + tsa_roots, allow_fetching=False, revocation_mode="soft-fail")
        status = validate_pdf_signature(embedded, context, ts_validation_context=stamps)
        subject = status.signing_cert.subject.native
        level = status.modification_level
        if status.coverage is not None and status.coverage.name == "ENTIRE_FILE":
            changes = "none"
        elif level is not None and level <= ModificationLevel.FORM_FILLING and status.docmdp_ok:
            changes = "signatures_only"
        else:
            changes = "other"
        intact = bool(status.intact)
        summary = {
            "none": "签名后文件未再改动",
            "signatures_only": "签名后仅追加了其他方的签名",
            "other": "签名后文件被追加了签名以外的内容",
        }[changes]
        certificate = x509.load_der_x509_certificate(status.signing_cert.dump())
        stamp = status.timestamp_validity
        reports.append(
            SignatureReport(
                field_name=str(embedded.field_name),
                signer=str(subject.get("common_name", "")),
                organisation=str(subject.get("organization_name", "")),
                signed_at=status.signer_reported_dt,
                certificate_serial=certificate_serial(certificate),
                intact=intact,
                valid=bool(status.valid),
                trusted=_issued_by_platform(certificate, platform_roots, status.signer_reported_dt),
                covers_whole_file=changes == "none",
                changes_after=changes,
                summary=summary if intact else "签名覆盖的字节已被改动，无法判断签署后的改动",
                timestamp_at=stamp.timestamp if stamp is not None else None,
                timestamp_authority=_common_name(stamp.signing_cert) if stamp is not None else "",
                timestamp_valid=bool(stamp.intact and stamp.valid and stamp.trusted) if stamp is not None else None,
            )
        )
    unsigned = sum(1 for _ in enumerate_sig_fields(reader, filled_status=False))
    return reports, unsigned
