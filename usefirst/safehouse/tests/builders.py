"""Deposits of every decision step for the tests (and their files)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from usefirst.safehouse import services
from usefirst.safehouse.models import EvidenceEntry


def pdf_upload(text: str = "记录") -> SimpleUploadedFile:
    body = f"%PDF-1.4\n% {text}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".encode()
    return SimpleUploadedFile("record.pdf", body, content_type="application/pdf")


STEP_VALUES: dict[str, tuple[str, dict[str, str]]] = {
    "valuation": ("资产评估报告", {"method": "资产评估", "price": "800000.00", "basis": "评估基准日 2026-01-31"}),
    "notice": ("转让价格公示", {"notice_start": "2026-02-02", "notice_end": "2026-02-16", "channel": "学校官网"}),
    "decision": ("校长办公会纪要", {"meeting_date": "2026-02-20", "body": "校长办公会", "resolution": "同意以 80 万元许可"}),
    "conflict": ("成果完成人利益冲突申报", {"person_name": "李明", "person_role": "成果完成人", "declaration": "无利益冲突"}),
}


def deposit(actor: Any, contract: Any, step: str) -> EvidenceEntry:
    title, values = STEP_VALUES[step]
    return services.entry_deposit(actor=actor, contract=contract, step=step, title=title, values=values, upload=pdf_upload(title))


def deposit_all(
    actor: Any, contract: Any, steps: tuple[str, ...] = ("valuation", "notice", "decision", "conflict")
) -> list[EvidenceEntry]:
    return [deposit(actor, contract, step) for step in steps]
