"""Reads of the 安心屋 and of the management systems and incentives.

For the evaluation engine (rule 6, "supporting conditions: a management system in place"):

- ``unit_management_system_approved(org, year) -> bool``: the unit has a management system
  (配套管理制度) approved by its department and in force (施行日期) on or before 31 December of
  ``year``. Approval is what counts, whenever it happened before the evaluation reads it.
- ``incentives_for(org, year) -> QuerySet[IncentiveSupport]``: the incentive support (激励支持)
  departments recorded for the unit (and its people) for ``year``, newest first; each row has
  ``kind`` (IncentiveKind), ``amount`` (Decimal or None), ``person_name`` ("" for the unit),
  ``department``, ``granted_on``.

Both take an ``Organisation`` (or its pk) and are unscoped: they are for the evaluation's own
computation, not for showing to a visitor (pages use the scoped lists below).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, QuerySet

from usefirst.accounts import roles
from usefirst.accounts.models import Organisation
from usefirst.contracts.models import Contract
from usefirst.contracts.selectors import visible_contracts
from usefirst.core.actors import Visitor
from usefirst.core.permissions import Action, restrict

from . import verify
from .choices import REQUIRED_STEPS, SystemStatus
from .models import Dossier, EvidenceEntry, ExemptionApplication, IncentiveSupport, ManagementSystem
from .services import dossier_unit, entry_record


def _pk(org: Organisation | int) -> int:
    return org if isinstance(org, int) else int(org.pk)


def unit_management_system_approved(org: Organisation | int, year: int) -> bool:
    return ManagementSystem.objects.filter(
        unit_id=_pk(org), status=SystemStatus.APPROVED, effective_from__lte=dt.date(year, 12, 31)
    ).exists()


def incentives_for(org: Organisation | int, year: int) -> QuerySet[IncentiveSupport]:
    return (
        IncentiveSupport.objects.filter(unit_id=_pk(org), year=year).select_related("department").order_by("-granted_on", "-pk")
    )


def units_with_approved_system(year: int) -> set[int]:
    """The units whose 先用后转 management system was approved and in effect by the year's end
    (the unit evaluation's supporting condition, rule 6)."""
    return set(
        ManagementSystem.objects.filter(status=SystemStatus.APPROVED, effective_from__lte=dt.date(year, 12, 31))
        .values_list("unit_id", flat=True)
        .distinct()
    )


def incentive_counts(year: int) -> dict[int, int]:
    """Per unit: the incentive supports its departments recorded for the year."""
    return {
        int(row["unit_id"]): int(row["n"])
        for row in IncentiveSupport.objects.filter(year=year).values("unit_id").annotate(n=Count("pk"))
    }


# ---------------------------------------------------------------- the dossier


def present_steps(dossier: Dossier) -> set[str]:
    return set(EvidenceEntry.objects.filter(dossier=dossier).values_list("step", flat=True))


def missing_steps(dossier: Dossier) -> list[str]:
    present = present_steps(dossier)
    return [s.label for s in REQUIRED_STEPS if s not in present]


def dossier_steps(dossier: Dossier) -> list[dict[str, Any]]:
    present = present_steps(dossier)
    return [{"code": s.value, "label": s.label, "done": s.value in present} for s in REQUIRED_STEPS]


def chain_problems(dossier: Dossier) -> list[str]:
    """The stored chain checked again on the server: each file against its hash, each entry
    against its hash and its predecessor (the online twin of the offline verifier)."""
    problems = []
    previous = verify.GENESIS
    for entry in dossier.entries.order_by("seq"):
        name = f"条目 #{entry.seq}（{entry.get_step_display()}：{entry.title}）"
        try:
            with entry.file.open("rb") as handle:
                data = handle.read()
        except OSError:
            data = None
        if data is None or verify.sha256_hex(data) != entry.file_sha256:
            problems.append(f"{name}的文件与存证时的 SHA-256 不一致")
        if entry.prev_hash != previous or verify.entry_hash(entry_record(entry)) != entry.entry_hash:
            problems.append(f"{name}的哈希链断开")
        previous = entry.entry_hash
    return problems


def dossier_of_contract(contract: Contract) -> Dossier | None:
    return Dossier.objects.filter(contract=contract).first()


def deals_for(user: Visitor) -> list[tuple[Contract, Dossier | None]]:
    """The deals a person may keep records of or look at, each with its dossier (or none yet)."""
    dossiers = {d.contract_id: d for d in restrict(Dossier.objects.select_related("unit"), user, Action.VIEW)}
    rows: list[tuple[Contract, Dossier | None]] = []
    seen: set[int] = set()
    mine = roles.organisation_ids(user)
    for contract in visible_contracts(user)[:500]:
        unit = dossier_unit(contract)
        # A deal without a dossier yet is listed only for the unit that will keep it.
        if unit is None or (contract.pk not in dossiers and unit.pk not in mine):
            continue
        rows.append((contract, dossiers.get(contract.pk)))
        seen.add(contract.pk)
    for contract_id, dossier in dossiers.items():
        if contract_id not in seen:
            rows.append((dossier.contract, dossier))
    return rows


def exemptions_for(user: Visitor, *, status: str = "") -> QuerySet[ExemptionApplication]:
    rows = restrict(ExemptionApplication.objects.select_related("dossier__contract", "dossier__unit"), user, Action.VIEW)
    return rows.filter(status=status) if status else rows


def systems_for(user: Visitor, *, status: str = "") -> QuerySet[ManagementSystem]:
    rows = restrict(ManagementSystem.objects.select_related("unit"), user, Action.VIEW)
    return rows.filter(status=status) if status else rows


def incentives_visible(user: Visitor) -> QuerySet[IncentiveSupport]:
    return restrict(IncentiveSupport.objects.select_related("unit", "department"), user, Action.VIEW)
