"""Create the platform CA for contract signatures (once per deployment), rotate it, or export
every root certificate (and, with --with-key, the current root's encrypted key) for backup."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from usefirst.contracts import signing
from usefirst.contracts.models import PlatformRoot


class Command(BaseCommand):
    help = "创建平台合同签署根证书（每个部署一次）；--rotate 新建根证书并保留旧根；--export 目录 导出备份"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rotate", action="store_true", help="新建根证书作为当前签发根，旧根仍受信任")
        parser.add_argument("--export", metavar="DIR", help="把全部根证书（PEM）导出到目录")
        parser.add_argument("--with-key", action="store_true", help="导出时一并导出当前根的加密私钥（仍需字段加密密钥才能解密）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["export"]:
            self._export(Path(options["export"]), with_key=options["with_key"])
            return
        current = PlatformRoot.objects.filter(is_current=True).first()
        if current is not None and not options["rotate"]:
            self.stdout.write(f"平台根证书已存在（{current.fingerprint[:16]}…），未做更改。如需更换请使用 --rotate。")
            return
        key, cert = signing.build_root()
        root = signing.store_root(key, cert)
        self.stdout.write(self.style.SUCCESS(f"已创建平台根证书，SHA-256 指纹：{root.fingerprint}"))
        self.stdout.write(f"受信任的根证书共 {PlatformRoot.objects.count()} 个。请用 --export 备份。")

    def _export(self, directory: Path, *, with_key: bool) -> None:
        roots = list(PlatformRoot.objects.order_by("created_at"))
        if not roots:
            raise CommandError("尚未创建平台根证书")
        directory.mkdir(parents=True, exist_ok=True)
        manifest = []
        for root in roots:
            (directory / f"root-{root.fingerprint[:16]}.pem").write_text(root.certificate_pem)
            entry = {"fingerprint": root.fingerprint, "current": root.is_current, "created_at": root.created_at.isoformat()}
            if with_key and root.is_current:
                key_path = directory / f"root-{root.fingerprint[:16]}.key.fernet"
                key_path.write_text(root.key_encrypted)
                key_path.chmod(0o600)
                entry["key_file"] = key_path.name
            manifest.append(entry)
        (directory / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
        self.stdout.write(self.style.SUCCESS(f"已导出 {len(roots)} 个根证书到 {directory}"))
