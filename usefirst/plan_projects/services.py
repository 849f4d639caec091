"""Import of provincial plan projects from the host seam (an Excel upload for now).

All or nothing: every row is checked first; if any row is wrong nothing is written except a
record of the refused batch, and the caller gets `ImportRowsInvalid` with row-level errors.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from usefirst.accounts import roles
from usefirst.accounts.models import Organisation, OrganisationKind, OrganisationStatus
from usefirst.core.actors import Actor
from usefirst.core.errors import Conflict, DomainError, Forbidden
from usefirst.core.excel import ImportRowsInvalid, RowError, accept_xlsx

from .models import ImportBatch, ImportKind, ImportOutcome, PlanProject
from .sources import (
    HEADER_OF,
    ExcelPlanProjectSource,
    PlanProjectRecord,
    PlanProjectSource,
    SinglePlanProjectSource,
    SourceResult,
)

CHUNK = 500
IMPORTING_KINDS = (OrganisationKind.PROVINCIAL_DEPARTMENT, OrganisationKind.CITY_DEPARTMENT)


def plan_project_importer(actor: Actor, organisation: Organisation | None = None) -> Organisation:
    """The department the actor imports for: only the provincial department and city departments
    may import plan projects (a city department only for its city's units)."""
    memberships = roles.active_memberships(actor).select_related("organisation")
    allowed = [m.organisation for m in memberships if m.organisation.kind in IMPORTING_KINDS]
    if organisation is not None:
        allowed = [o for o in allowed if o.pk == organisation.pk]
    if not allowed:
        raise Forbidden("只有省科学技术厅和地市管理部门可以导入省级科技计划项目", code="forbidden")
    allowed.sort(key=lambda o: (o.kind != OrganisationKind.PROVINCIAL_DEPARTMENT, o.pk))
    return allowed[0]


def can_import_plan_projects(actor: Actor) -> bool:
    try:
        plan_project_importer(actor)
    except Forbidden:
        return False
    return True


def _chunks[T](items: list[T]) -> Iterable[list[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _record_refused(*, actor: Actor, organisation: Organisation, result: SourceResult, started: float) -> None:
    ImportBatch.objects.create(
        kind=ImportKind.PLAN_PROJECTS,
        outcome=ImportOutcome.REFUSED,
        actor=actor,
        organisation=organisation,
        file_name=result.file_name[:255],
        file_sha256=result.file_sha256,
        file_size=result.file_size,
        row_count=len(result.records) + len({e.row for e in result.errors}),
        error_count=len(result.errors),
        duration_ms=int((time.monotonic() - started) * 1000),
        detail={"errors": [e.as_dict() for e in result.errors[:200]]},
    )


def _check_scope(organisation: Organisation, records: list[PlanProjectRecord], units: dict[str, Organisation]) -> list[RowError]:
    """A city department imports only projects of units registered in its city, and may not
    overwrite another city's project."""
    if organisation.kind == OrganisationKind.PROVINCIAL_DEPARTMENT:
        return []
    errors: list[RowError] = []
    existing_cities: dict[str, str] = {}
    for chunk in _chunks([r.number for r in records]):
        existing_cities.update(PlanProject.objects.filter(number__in=chunk).values_list("number", "city"))
    for record in records:
        unit = units.get(record.unit_credit_code)
        if unit is None or unit.city != organisation.city:
            errors.append(
                RowError(
                    record.row,
                    HEADER_OF["unit_credit_code"],
                    f"承担单位不是本市（{organisation.city}）已在平台注册的单位，地市管理部门只能导入本市单位的项目",
                )
            )
        elif record.number in existing_cities and existing_cities[record.number] not in ("", organisation.city):
            errors.append(RowError(record.row, HEADER_OF["number"], "该项目编号已由其他地市的项目使用，不能修改"))
    return errors


def plan_projects_sync(*, actor: Actor, source: PlanProjectSource, organisation: Organisation | None = None) -> ImportBatch:
    """Take records from any source (Excel now, the host platform later) into PlanProject."""
    started = time.monotonic()
    department = plan_project_importer(actor, organisation)
    result = source.fetch()
    units: dict[str, Organisation] = {}
    codes = sorted({r.unit_credit_code for r in result.records})
    for chunk in _chunks(codes):
        units.update(
            (o.credit_code, o)
            for o in Organisation.objects.filter(credit_code__in=chunk).exclude(status=OrganisationStatus.SUSPENDED)
        )
    result.errors.extend(_check_scope(department, result.records, units))
    if result.errors:
        result.errors.sort(
            key=lambda e: (e.row, list(HEADER_OF.values()).index(e.column) if e.column in HEADER_OF.values() else 99)
        )
        _record_refused(actor=actor, organisation=department, result=result, started=started)
        raise ImportRowsInvalid(result.errors)
    try:
        with transaction.atomic():
            return _write(actor=actor, department=department, result=result, units=units, started=started)
    except IntegrityError as exc:
        raise Conflict("另一次导入正在写入相同的项目编号，请稍后重试", code="import_conflict") from exc


def _write(
    *, actor: Actor, department: Organisation, result: SourceResult, units: dict[str, Organisation], started: float
) -> ImportBatch:
    batch = ImportBatch(
        kind=ImportKind.PLAN_PROJECTS,
        outcome=ImportOutcome.IMPORTED,
        actor=actor,
        organisation=department,
        file_name=result.file_name[:255],
        file_sha256=result.file_sha256,
        file_size=result.file_size,
        row_count=len(result.records),
    )
    existing: dict[str, PlanProject] = {}
    for chunk in _chunks([r.number for r in result.records]):
        existing.update((p.number, p) for p in PlanProject.objects.select_for_update().filter(number__in=chunk))
    now = timezone.now()
    to_create: list[PlanProject] = []
    to_update: list[PlanProject] = []
    created: list[str] = []
    updated: list[dict[str, Any]] = []
    unchanged = 0
    changed_fields: dict[PlanProject, tuple[str, ...]] = {}
    for record in result.records:
        unit = units.get(record.unit_credit_code)
        values = {
            "title": record.title,
            "category": record.category,
            "unit_credit_code": record.unit_credit_code,
            "unit_name": record.unit_name,
            "unit_id": unit.pk if unit else None,
            "city": unit.city if unit else record.city,
            "leader_name": record.leader_name,
            "acceptance_date": record.acceptance_date,
            "provincial_funding": record.provincial_funding,
            "research_funding_only": record.research_funding_only,
        }
        project = existing.get(record.number)
        if project is None:
            to_create.append(PlanProject(number=record.number, created_at=now, updated_at=now, **values))
            created.append(record.number)
            continue
        changed = [name for name, value in values.items() if getattr(project, name) != value]
        if changed:
            for name in changed:
                setattr(project, name, values[name])
            project.updated_at = now
            changed_fields[project] = tuple(changed)
            updated.append({"number": record.number, "fields": changed})
        else:
            unchanged += 1
        to_update.append(project)
    batch.created_count = len(created)
    batch.updated_count = len(updated)
    batch.unchanged_count = unchanged
    batch.detail = {"created": created[:5000], "updated": updated[:5000]}
    batch.duration_ms = int((time.monotonic() - started) * 1000)
    batch.save()
    for project in to_create:
        project.first_batch = batch
        project.last_batch = batch
    PlanProject.objects.bulk_create(to_create, batch_size=CHUNK)
    # Every project seen in this file was last confirmed by this batch: one UPDATE per chunk.
    for ids in _chunks([p.pk for p in to_update]):
        PlanProject.objects.filter(pk__in=ids).update(last_batch=batch)
    # Changed projects: only the fields that changed, grouped so each group is one bulk update.
    groups: dict[tuple[str, ...], list[PlanProject]] = {}
    for project, fields in changed_fields.items():
        groups.setdefault(fields, []).append(project)
    for fields, projects in groups.items():
        PlanProject.objects.bulk_update(projects, [*fields, "updated_at"], batch_size=100)
    batch.duration_ms = int((time.monotonic() - started) * 1000)
    ImportBatch.objects.filter(pk=batch.pk).update(duration_ms=batch.duration_ms)
    return batch


def plan_projects_import(*, actor: Actor, file: Any, organisation: Organisation | None = None) -> ImportBatch:
    """Import an uploaded Excel file of provincial plan projects (the local host seam)."""
    plan_project_importer(actor, organisation)  # refuse before reading the upload
    workbook = accept_xlsx(file)
    return plan_projects_sync(actor=actor, source=ExcelPlanProjectSource(workbook), organisation=organisation)


FIELD_OF = {header: key for key, header in HEADER_OF.items()}


def plan_project_save(*, actor: Actor, number: str, values: Mapping[str, Any]) -> tuple[PlanProject, bool]:
    """Create or update one plan project sent as data (the API), through the same sync as the
    Excel import: the same checks, the same department scope, one import batch as its record.
    Returns (project, created). Problems name the data's fields, not spreadsheet columns."""
    try:
        batch = plan_projects_sync(actor=actor, source=SinglePlanProjectSource(number, values))
    except ImportRowsInvalid as exc:
        fields: dict[str, list[str]] = {}
        for error in exc.row_errors:
            fields.setdefault(FIELD_OF.get(error.column, "body"), []).append(error.message)
        first = exc.row_errors[0]
        raise DomainError(
            f"项目信息有误：{first.column}：{first.message}", code="validation_failed", field_errors=fields
        ) from exc
    project = PlanProject.objects.select_related("unit").get(last_batch=batch)
    return project, batch.created_count == 1
