"""The offline dependency check of `make lint` (scripts/dependency_check.py, docs/security.md)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
spec = importlib.util.spec_from_file_location("dependency_check", ROOT / "scripts" / "dependency_check.py")
assert spec is not None and spec.loader is not None
dependency_check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(dependency_check)

DATABASE = json.loads((ROOT / "security" / "advisories.json").read_text(encoding="utf-8"))


def test_the_project_pins_pass_the_offline_advisories():
    assert dependency_check.check([ROOT / "requirements-dev.txt"], DATABASE, installed=False) == []


def test_a_pin_inside_an_affected_range_is_named_with_its_advisory(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("Django==5.1.0\nrequests==2.32.4\n", encoding="utf-8")
    problems = dependency_check.check([requirements], DATABASE, installed=False)
    assert problems == [
        "django==5.1.0（requirements.txt）受 CVE-2024-45230 影响：urlize/urlizetrunc denial of service",
        "django==5.1.0（requirements.txt）受 CVE-2025-64459 影响：SQL injection through the _connector argument of QuerySet and Q",
    ]


def test_a_requirement_not_pinned_exactly_fails_the_check(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("Django>=6\n", encoding="utf-8")
    assert dependency_check.check([requirements], DATABASE, installed=False) == [
        "未精确固定版本（应为 包==版本）：requirements.txt: Django>=6"
    ]


def test_every_advisory_names_a_package_and_valid_ranges():
    from packaging.specifiers import SpecifierSet

    for advisory in DATABASE["advisories"]:
        assert advisory["id"] and advisory["package"] and advisory["summary"]
        for spec_text in advisory["affected"]:
            SpecifierSet(spec_text)
