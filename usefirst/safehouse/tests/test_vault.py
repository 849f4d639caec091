"""The 安心屋: deposits chained by hashes, append-only, signed heads, the exported dossier checked
offline (a changed file named by its entry, missing steps listed)."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from usefirst.core.errors import DomainError, Forbidden
from usefirst.core.models import AppendOnlyError
from usefirst.safehouse import services, verify
from usefirst.safehouse.models import Dossier, EvidenceEntry, HeadSignature

from .builders import deposit, deposit_all, pdf_upload

ROOT = Path(__file__).resolve().parents[3]
DAY = dt.date(2026, 6, 15)


def _export(staff, deal) -> bytes:
    return services.dossier_export(actor=staff, dossier=Dossier.objects.get(contract=deal))


def _rewrite(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.namelist():
            target.writestr(item, content if item == name else source.read(item))
    return out.getvalue()


@pytest.mark.django_db
def test_each_entry_holds_the_hash_of_its_file_and_of_the_previous_entry(staff, deal):
    first, second = deposit_all(staff, deal, ("valuation", "notice"))
    assert first.seq == 1 and first.prev_hash == verify.GENESIS
    assert second.seq == 2 and second.prev_hash == first.entry_hash
    assert first.file_sha256 == verify.sha256_hex(first.file.open("rb").read())
    assert second.entry_hash == verify.entry_hash(services.entry_record(second))
    assert second.fields["period_days"] == "15"


@pytest.mark.django_db
def test_it_refuses_a_deposit_by_someone_outside_the_unit(outsider, deal):
    with pytest.raises(Forbidden) as refused:
        deposit(outsider, deal, "valuation")
    assert refused.value.code == "not_dossier_unit"
    assert not Dossier.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_file_that_is_not_a_document_and_keeps_nothing(staff, deal):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(DomainError) as refused:
        services.entry_deposit(
            actor=staff,
            contract=deal,
            step="valuation",
            title="评估报告",
            values={"method": "资产评估", "price": "1", "basis": "x"},
            upload=SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf"),
        )
    assert refused.value.code == "safehouse_file_invalid"
    assert not EvidenceEntry.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_notice_that_ends_before_it_starts(staff, deal):
    with pytest.raises(DomainError) as refused:
        services.entry_deposit(
            actor=staff,
            contract=deal,
            step="notice",
            title="公示",
            values={"notice_start": "2026-02-10", "notice_end": "2026-02-09", "channel": "官网"},
            upload=pdf_upload(),
        )
    assert "notice_end" in refused.value.field_errors


@pytest.mark.django_db
def test_entries_cannot_be_changed_or_removed(staff, deal):
    entry = deposit(staff, deal, "valuation")
    entry.title = "改过的名称"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        EvidenceEntry.objects.filter(pk=entry.pk).update(title="改过的名称")
    with pytest.raises(AppendOnlyError):
        EvidenceEntry.objects.filter(pk=entry.pk).delete()
    assert EvidenceEntry.objects.get(pk=entry.pk).title == "资产评估报告"
    public = [name for name in dir(services) if name.startswith("entry_")]
    assert public == ["entry_deposit", "entry_record"]  # no service updates or deletes an entry


@pytest.mark.django_db
def test_the_daily_job_signs_each_changed_head_once(staff, deal, platform_ca):
    deposit_all(staff, deal, ("valuation", "notice"))
    assert services.heads_sign(DAY) == {"signed": 1, "no_ca": 0}
    assert services.heads_sign(DAY) == {"signed": 0, "no_ca": 0}
    deposit(staff, deal, "decision")
    services.heads_sign(DAY)
    assert list(HeadSignature.objects.values_list("seq", flat=True)) == [2, 3]


@pytest.mark.django_db
def test_an_exported_complete_dossier_verifies_offline(staff, deal, platform_ca, tmp_path):
    deposit_all(staff, deal)
    services.heads_sign(DAY)
    path = tmp_path / "dossier.zip"
    path.write_bytes(_export(staff, deal))
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        assert archive.read("summary.pdf").startswith(b"%PDF")
    assert {"manifest.json", "summary.pdf", "verify.py", "files/0001-valuation.pdf"} <= names
    run = subprocess.run(
        [sys.executable, "-m", "usefirst.safehouse.verify", str(path)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stdout
    assert "卷宗完整，未被改动" in run.stdout
    assert "链头签名（条目 #4" in run.stdout


@pytest.mark.django_db
def test_the_copy_of_the_verifier_inside_the_dossier_runs_on_its_own(staff, deal, platform_ca, tmp_path):
    deposit_all(staff, deal)
    path = tmp_path / "dossier.zip"
    path.write_bytes(_export(staff, deal))
    with zipfile.ZipFile(path) as archive:
        (tmp_path / "verify.py").write_bytes(archive.read("verify.py"))
    run = subprocess.run([sys.executable, "verify.py", "dossier.zip"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout
    assert "尚未经平台签名" in run.stdout


@pytest.mark.django_db
def test_a_file_changed_after_deposit_is_detected_naming_the_entry(staff, deal, platform_ca, tmp_path):
    deposit_all(staff, deal)
    services.heads_sign(DAY)
    tampered = _rewrite(_export(staff, deal), "files/0003-decision.pdf", b"%PDF-1.4\n% altered minutes\n%%EOF\n")
    path = tmp_path / "tampered.zip"
    path.write_bytes(tampered)
    report = verify.verify_zip(str(path))
    assert report.tampered_entries == [3]
    assert any("条目 #3（内部决策（会议纪要）：校长办公会纪要）的文件" in p and "被改动" in p for p in report.problems)
    run = subprocess.run(
        [sys.executable, "-m", "usefirst.safehouse.verify", str(path)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert run.returncode == 1
    assert "条目 #3" in run.stdout and "未通过核验" in run.stdout


@pytest.mark.django_db
def test_a_manifest_rewritten_to_match_a_changed_file_breaks_the_signed_head(staff, deal, platform_ca, tmp_path):
    deposit_all(staff, deal)
    services.heads_sign(DAY)
    data = _export(staff, deal)
    altered = b"%PDF-1.4\n% other price\n%%EOF\n"
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("manifest.json"))
    previous = verify.GENESIS
    for entry in manifest["entries"]:  # a forger recomputes every hash after changing the first file
        if entry["seq"] == 1:
            entry["file_sha256"], entry["file_size"] = verify.sha256_hex(altered), len(altered)
        entry["prev_hash"] = previous
        entry["entry_hash"] = previous = verify.entry_hash(entry)
    data = _rewrite(data, "files/0001-valuation.pdf", altered)
    data = _rewrite(data, "manifest.json", json.dumps(manifest, ensure_ascii=False).encode())
    path = tmp_path / "forged.zip"
    path.write_bytes(data)
    report = verify.verify_zip(str(path))
    assert not report.intact
    assert any("链头签名" in p and "哈希不符" in p for p in report.problems)


@pytest.mark.django_db
def test_the_verifier_lists_the_missing_steps(staff, deal, platform_ca, tmp_path):
    deposit_all(staff, deal, ("valuation", "decision"))
    path = tmp_path / "partial.zip"
    path.write_bytes(_export(staff, deal))
    report = verify.verify_zip(str(path))
    assert report.intact
    assert report.missing_steps == ["价格公示", "利益冲突申报"]
    assert report.exit_status == 2


@pytest.mark.django_db
def test_two_deals_may_open_their_dossiers_with_the_same_record_in_the_same_second(staff, university, enterprise, deal):
    """The demo deposits the same pricing basis on two deals at one frozen time: each dossier's
    chain is its own, so identical first entries (same hash) are both kept."""
    import time_machine

    from usefirst.contracts.models import ContractKind
    from usefirst.tests.factories import ContractFactory, achievements_of

    other = ContractFactory(
        kind=ContractKind.LICENCE,
        licensor=university,
        licensee=enterprise,
        actor=staff,
        achievements=achievements_of(university, staff),
        signed=True,
        signed_on=dt.date(2026, 3, 3),
    )
    with time_machine.travel(dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC), tick=False):
        first = deposit(staff, deal, "valuation")
        second = deposit(staff, other, "valuation")
    assert first.entry_hash == second.entry_hash and first.dossier_id != second.dossier_id
    assert EvidenceEntry.objects.count() == 2
