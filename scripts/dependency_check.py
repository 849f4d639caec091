"""Offline dependency check (docs/security.md, "Dependency checks"): every pin of requirements*.txt,
and every distribution installed in the virtual environment, against the advisories of
security/advisories.json, with no network. `make lint` runs it.

    python scripts/dependency_check.py [--advisories FILE] [requirements.txt ...]

Exit status 0: no pinned or installed version is affected; 1: an affected version (each named
with its advisory) or a requirement that is not pinned exactly (the files are the lock).
It plays the part of `pip-audit` where the advisory service cannot be reached; the database is
only as current as its `updated` date, which it prints.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from importlib import metadata
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;#]+)")


def read_pins(path: Path) -> tuple[dict[str, str], list[str]]:
    """({package: version}, [lines that are not exact pins]) of a requirements file, following -r."""
    pins: dict[str, str] = {}
    loose: list[str] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-r "):
            more, more_loose = read_pins(path.parent / line[3:].strip())
            pins.update(more)
            loose.extend(more_loose)
            continue
        match = PIN.match(line)
        if match is None:
            loose.append(f"{path.name}: {line}")
        else:
            pins[canonicalize_name(match.group(1))] = match.group(3)
    return pins, loose


def affected(advisories: list[dict[str, object]], package: str, version: str) -> list[dict[str, object]]:
    try:
        parsed = Version(version)
    except InvalidVersion:
        return []
    found = []
    for advisory in advisories:
        if canonicalize_name(str(advisory["package"])) != package:
            continue
        ranges = advisory["affected"]
        assert isinstance(ranges, list)
        if any(parsed in SpecifierSet(str(spec)) for spec in ranges):
            found.append(advisory)
    return found


def check(requirements: list[Path], database: dict[str, object], *, installed: bool = True) -> list[str]:
    """The problems found, as lines to print (empty: nothing affected)."""
    advisories = database["advisories"]
    assert isinstance(advisories, list)
    problems: list[str] = []
    versions: dict[str, tuple[str, str]] = {}
    for path in requirements:
        pins, loose = read_pins(path)
        problems.extend(f"未精确固定版本（应为 包==版本）：{line}" for line in loose)
        for package, version in pins.items():
            versions[package] = (version, path.name)
    if installed:
        for dist in metadata.distributions():
            name = canonicalize_name(dist.metadata["Name"] or "")
            if name and name not in versions:
                versions[name] = (dist.version, "已安装")
    for package, (version, where) in sorted(versions.items()):
        for advisory in affected(advisories, package, version):
            problems.append(f"{package}=={version}（{where}）受 {advisory['id']} 影响：{advisory['summary']}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="离线依赖漏洞检查")
    parser.add_argument("--advisories", type=Path, default=ROOT / "security" / "advisories.json")
    parser.add_argument("--no-installed", action="store_true", help="只检查 requirements 文件，不检查已安装的包")
    parser.add_argument("requirements", nargs="*", type=Path)
    args = parser.parse_args(argv)
    database = json.loads(args.advisories.read_text(encoding="utf-8"))
    files = args.requirements or [ROOT / "requirements.txt", ROOT / "requirements-dev.txt"]
    problems = check(files, database, installed=not args.no_installed)
    count = len(database["advisories"])
    print(f"离线漏洞库 {args.advisories.name}：{count} 条公告，更新于 {database.get('updated', '未知')}")
    for line in problems:
        print(f"[失败] {line}")
    if problems:
        return 1
    print("依赖检查通过：固定版本与已安装版本均不受已登记公告影响")
    return 0


if __name__ == "__main__":
    sys.exit(main())
