"""manage.py evidence_verify 证据包.zip — the offline check of an evidence package
(usefirst.contracts.evidence_verify), and whether its roots are this platform's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cryptography import x509
from django.core.management.base import BaseCommand, CommandError, CommandParser

from usefirst.contracts import evidence_verify, signing


class Command(BaseCommand):
    help = "核验合同证据包（ZIP）：清单、签名、证书、时间戳与意愿认证记录；通过时退出码为 0"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("package", help="证据包 ZIP 文件")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["package"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件（{exc.strerror}）") from exc
        result = evidence_verify.verify_package(data)
        known = {signing.fingerprint(x509.load_pem_x509_certificate(pem.encode())) for pem in signing.trust_roots_pem()}
        for note in list(result.notes):
            if note.startswith("根证书 SHA-256 指纹："):
                value = note.removeprefix("根证书 SHA-256 指纹：").split("（")[0]
                result.notes.append(f"根证书 {value[:16]}… {'是' if value in known else '不是'}本平台的根证书")
        self.stdout.write(evidence_verify.report(result))
        if not result.ok:
            raise SystemExit(1)
