"""Offline verifier of an exported 安心屋 dossier (docs/safehouse.md).

    python -m usefirst.safehouse.verify dossier.zip [--root platform-root.pem]
    python verify.py dossier.zip                     # the copy inside every dossier

Needs only the Python standard library and `cryptography`; it never imports Django nor reaches a
network. It checks, and prints in Chinese:

1. every deposited file against the SHA-256 recorded when it was deposited (a changed or missing
   file is named by its entry: 条目 #3);
2. every entry's hash over its fields, and its link to the previous entry (an entry removed,
   inserted or reordered breaks the chain at that entry);
3. the platform's signatures of the chain's head: each signature over (dossier, seq, head hash),
   its certificate issued by the platform root, and the signed head equal to the entry it names;
4. which of the required decision steps have no entry (valuation, 公示, decision, conflict of
   interest), and the summary PDF against its recorded hash.

Exit status: 0 intact and complete; 1 altered or unverifiable; 2 intact but steps missing.
The same canonical hashing is used by the platform when it deposits (services import it here),
so there is one definition of an entry's hash.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import zipfile
from dataclasses import dataclass, field
from typing import Any

FORMAT = "usefirst-safehouse-dossier/1"
GENESIS = "0" * 64
ENTRY_FIELDS = (
    "seq",
    "step",
    "title",
    "fields",
    "file_name",
    "file_sha256",
    "file_size",
    "deposited_at",
    "deposited_by",
    "prev_hash",
)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def entry_hash(entry: dict[str, Any]) -> str:
    """The hash of one entry: SHA-256 over the canonical JSON of its recorded fields (which
    include its file's SHA-256 and the previous entry's hash)."""
    return sha256_hex(canonical({name: entry[name] for name in ENTRY_FIELDS}))


def head_message(dossier_ref: str, seq: int, head_hash: str) -> bytes:
    """What the platform signs: the dossier, the entry at the head and that entry's hash."""
    return f"usefirst-safehouse-head\n{dossier_ref}\n{seq}\n{head_hash}".encode()


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    tampered_entries: list[int] = field(default_factory=list)
    missing_steps: list[str] = field(default_factory=list)
    unsigned_after: int | None = None
    root_fingerprint: str = ""

    @property
    def intact(self) -> bool:
        return not self.problems

    @property
    def exit_status(self) -> int:
        if self.problems:
            return 1
        return 2 if self.missing_steps else 0

    def ok(self, text: str) -> None:
        self.lines.append(f"[通过] {text}")

    def bad(self, text: str, *, entry: int | None = None) -> None:
        self.lines.append(f"[失败] {text}")
        self.problems.append(text)
        if entry is not None and entry not in self.tampered_entries:
            self.tampered_entries.append(entry)

    def note(self, text: str) -> None:
        self.lines.append(f"[提示] {text}")


def _describe(entry: dict[str, Any]) -> str:
    return f"条目 #{entry.get('seq')}（{entry.get('step_label', entry.get('step', ''))}：{entry.get('title', '')}）"


def _load_cert(pem: str) -> Any:
    from cryptography import x509

    return x509.load_pem_x509_certificate(pem.encode())


def _fingerprint(cert: Any) -> str:
    from cryptography.hazmat.primitives import hashes

    return str(cert.fingerprint(hashes.SHA256()).hex())


def _check_signature(report: Report, manifest: dict[str, Any], signed: dict[str, Any], root: Any, by_seq: dict[int, Any]) -> None:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    seq = int(signed["seq"])
    label = f"链头签名（条目 #{seq}，{signed.get('signed_at', '')}）"
    try:
        cert = _load_cert(signed["certificate_pem"])
        cert.verify_directly_issued_by(root)
    except (ValueError, TypeError, InvalidSignature):
        report.bad(f"{label}的签名证书不是平台根证书签发的")
        return
    try:
        public_key = cert.public_key()
        assert isinstance(public_key, ec.EllipticCurvePublicKey)
        public_key.verify(
            base64.b64decode(signed["signature"]),
            head_message(manifest["dossier"]["ref"], seq, signed["head_hash"]),
            ec.ECDSA(hashes.SHA256()),
        )
    except (InvalidSignature, AssertionError, ValueError):
        report.bad(f"{label}无效：签名与链头不符")
        return
    entry = by_seq.get(seq)
    if entry is None:
        report.bad(f"{label}所签的条目 #{seq} 已不在卷宗中（条目被删除）", entry=seq)
    elif entry["entry_hash"] != signed["head_hash"]:
        report.bad(f"{label}与{_describe(entry)}的哈希不符：该条目或其之前的条目被改动", entry=seq)
    else:
        report.ok(f"{label}有效，由平台签署")


def verify_manifest(manifest: dict[str, Any], files: dict[str, bytes], *, root_pem: str | None = None) -> Report:
    report = Report()
    if manifest.get("format") != FORMAT:
        report.bad(f"不是安心屋卷宗（格式 {manifest.get('format')!r}）")
        return report
    dossier = manifest["dossier"]
    report.lines.append(f"卷宗 {dossier['ref']}：{dossier.get('contract_title', '')}（{dossier.get('unit', '')}）")
    entries: list[dict[str, Any]] = manifest.get("entries", [])
    previous = GENESIS
    for index, entry in enumerate(entries, start=1):
        seq = entry.get("seq")
        name = _describe(entry)
        if seq != index:
            report.bad(f"{name}的序号应为 {index}：条目被删除、插入或改序", entry=seq if isinstance(seq, int) else index)
        data = files.get(entry.get("path", ""))
        if data is None:
            report.bad(f"{name}的文件 {entry.get('path')} 不在卷宗中", entry=seq)
        elif sha256_hex(data) != entry["file_sha256"] or len(data) != entry["file_size"]:
            report.bad(f"{name}的文件 {entry.get('path')} 与存证时的 SHA-256 不一致：文件在存证后被改动", entry=seq)
        else:
            report.ok(f"{name}的文件与存证时一致（SHA-256 {entry['file_sha256'][:16]}…）")
        if entry.get("prev_hash") != previous:
            report.bad(f"{name}与前一条目的链接断开：前一条目被改动、删除或插入", entry=seq)
        if entry_hash(entry) != entry.get("entry_hash"):
            report.bad(f"{name}的登记内容与其哈希不符：条目内容被改动", entry=seq)
        previous = entry.get("entry_hash", "")
    by_seq = {int(e["seq"]): e for e in entries if isinstance(e.get("seq"), int)}

    trusted = root_pem or manifest.get("trust_root_pem", "")
    signatures = manifest.get("head_signatures", [])
    if trusted:
        try:
            root = _load_cert(trusted)
        except ValueError:
            report.bad("平台根证书无法读取")
            root = None
        if root is not None:
            report.root_fingerprint = _fingerprint(root)
            source = "指定的" if root_pem else "卷宗内附的"
            report.note(f"{source}平台根证书 SHA-256 指纹 {report.root_fingerprint}，请与平台公布的指纹核对")
            for signed in signatures:
                _check_signature(report, manifest, signed, root, by_seq)
    elif signatures:
        report.bad("卷宗缺少平台根证书，无法核验链头签名")
    last_signed = max((int(s["seq"]) for s in signatures), default=0)
    if entries and last_signed < len(entries):
        report.unsigned_after = last_signed
        report.note(f"条目 #{last_signed + 1} 起尚未经平台签名（每日签名任务签署链头后即受签名保护）")

    summary = manifest.get("summary_pdf")
    if summary:
        data = files.get(summary["path"])
        if data is None or sha256_hex(data) != summary["sha256"]:
            report.bad(f"摘要 {summary['path']} 与导出时不一致")
        else:
            report.ok("摘要 PDF 与导出时一致")

    present = {e.get("step") for e in entries}
    for step in manifest.get("required_steps", []):
        if step["code"] in present:
            report.ok(f"决策步骤已存证：{step['label']}")
        else:
            report.missing_steps.append(step["label"])
            report.lines.append(f"[缺失] 决策步骤未存证：{step['label']}")
    return report


def verify_zip(path: str, *, root_pem: str | None = None) -> Report:
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if "manifest.json" not in names:
            report = Report()
            report.bad("卷宗缺少 manifest.json")
            return report
        manifest = json.loads(archive.read("manifest.json").decode("utf-8"))
        files = {name: archive.read(name) for name in names if name != "manifest.json" and not name.endswith("/")}
    return verify_manifest(manifest, files, root_pem=root_pem)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="离线核验安心屋卷宗（zip）")
    parser.add_argument("dossier", help="导出的卷宗 zip 文件")
    parser.add_argument("--root", help="平台根证书（PEM）；不给时使用卷宗内附的根证书，并打印其指纹供核对")
    args = parser.parse_args(argv)
    root_pem = None
    if args.root:
        with open(args.root, encoding="utf-8") as handle:
            root_pem = handle.read()
    try:
        report = verify_zip(args.dossier, root_pem=root_pem)
    except (OSError, zipfile.BadZipFile, json.JSONDecodeError, KeyError) as exc:
        print(f"[失败] 无法读取卷宗：{exc}")
        return 1
    for line in report.lines:
        print(line)
    if report.problems:
        print(f"结论：卷宗未通过核验（{len(report.problems)} 项问题）。")
    elif report.missing_steps:
        print("结论：卷宗未被改动，但缺少决策步骤：" + "、".join(report.missing_steps))
    else:
        print("结论：卷宗完整，未被改动。")
    return report.exit_status


if __name__ == "__main__":
    sys.exit(main())
