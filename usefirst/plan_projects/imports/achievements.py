"""Excel import of achievements as drafts.

An owner unit's staff import their own achievements; a city department imports for units
of its city. Every row is checked first (required fields, TRL 1–9, a known field, patent
numbers with their check character, inventors as “姓名:份额;…” summing to 100, dates); if
any row is wrong nothing is imported. Otherwise all rows become drafts, each with its event
row, in one transaction.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from usefirst.accounts import roles
from usefirst.accounts.models import OWNER_UNIT_KINDS, Organisation, OrganisationKind, OrganisationStatus, UnitPerson
from usefirst.catalog.choices import IpKind, ProjectCategory, RestrictionReason
from usefirst.catalog.models import Achievement, TechField
from usefirst.catalog.services.achievements import (
    AchievementData,
    InventorData,
    IpItemData,
    achievement_create,
    achievement_create_imported,
)
from usefirst.core.actors import Actor
from usefirst.core.dates import today
from usefirst.core.errors import DomainError, Forbidden
from usefirst.core.excel import (
    DEFAULT_MAX_ROWS,
    CellError,
    ImportRowsInvalid,
    RowError,
    UploadedWorkbook,
    accept_xlsx,
    iter_rows,
    parse_bool,
    parse_date,
    parse_int,
    parse_text,
)
from usefirst.core.identifiers import normalise_credit_code, normalise_patent_number

from ..models import ImportBatch, ImportKind, ImportOutcome, PlanProject

COLUMNS: dict[str, str] = {
    "成果名称*": "title",
    "成果简介*": "summary",
    "解决的问题": "problem_solved",
    "相对现有技术的优势": "advantages",
    "技术领域*": "field",
    "学科": "discipline",
    "关键词": "keywords",
    "技术成熟度（TRL）*": "trl",
    "先使用后付费": "offers_pay_later",
    "先使用后合作": "offers_cooperate_later",
    "专利开放许可": "offers_open_licence",
    "拟免费使用期（月）": "free_use_months",
    "意向条件": "indicative_terms",
    "专利申请号": "patents",
    "完成人及贡献份额*": "inventors",
    "省级科技计划项目编号": "plan_project_number",
    "项目类别": "plan_project_category",
    "项目验收日期": "acceptance_date",
    "由省级财政科技资金支持形成": "provincial_funding",
    "涉密或限制情形": "restriction",
    "成果单位统一社会信用代码": "owner_credit_code",
}
HEADER_OF = {key: header.rstrip("*") for header, key in COLUMNS.items()}
REQUIRED = [h for h in COLUMNS if h.endswith("*")]
# Field names the catalog service reports → the column to show.
SERVICE_FIELD_COLUMN = {
    **{key: HEADER_OF[key] for key in HEADER_OF},
    "field_id": HEADER_OF["field"],
    "ip_items": HEADER_OF["patents"],
    "modes": HEADER_OF["offers_pay_later"],
    "owner": HEADER_OF["owner_credit_code"],
}

INSTRUCTIONS: list[tuple[str, str]] = [
    ("成果名称", "必填，不超过200字。"),
    ("成果简介", "必填，不超过5000字。"),
    ("解决的问题 / 相对现有技术的优势", "选填，各不超过3000字。"),
    ("技术领域", "必填：填写领域代码（如 0101）或子领域名称（如 软件），也可写“电子信息/软件”。代码见“技术领域代码”工作表。"),
    ("学科", "选填，如 材料科学与工程。"),
    ("关键词", "选填，最多10个，用逗号、分号或顿号分隔。"),
    ("技术成熟度（TRL）", "必填，1 至 9 的整数。"),
    ("先使用后付费 / 先使用后合作 / 专利开放许可", "填写“是”或“否”，至少一项为“是”；专利开放许可须同时填写专利申请号。"),
    ("拟免费使用期（月）", "选填，1 至 60 的整数。"),
    ("专利申请号", "选填，多个用分号分隔，如 202310123456.6；平台核对校验位，并按申请号判断发明、实用新型或外观设计。"),
    (
        "完成人及贡献份额",
        "必填，格式“姓名:份额;姓名:份额”，如 张三:60;李四:40，份额合计须为100。"
        "完成人须已由本单位登记并取得告知同意；第一位视为项目负责人。",
    ),
    (
        "省级科技计划项目编号 / 项目类别 / 项目验收日期",
        "成果由省级科技计划项目形成时填写；编号已在平台项目库中的，类别和验收日期可留空，自动取库中数据。",
    ),
    ("由省级财政科技资金支持形成", "选填：是 或 否，默认否；填“是”须填写项目编号。"),
    ("涉密或限制情形", "选填：不涉及、涉及国防、涉及国家安全、涉及国家利益、涉及重大社会公共利益。涉及的成果不会公开。"),
    ("成果单位统一社会信用代码", "成果单位自行导入时可留空；地市管理部门代本市单位导入时必填。"),
    (
        "说明",
        "第1行为表头，请勿修改；从第2行起每行一项成果。单个文件最多5000行、5MB，只接受 .xlsx。任一行有错误时整个文件都不会导入；导入的成果均为草稿，须另行提交审核。",
    ),
]

_SPLIT = re.compile(r"[;；\n]+")
_INVENTOR = re.compile(r"^(?P<name>[^:：]+)[:：]\s*(?P<share>[0-9]+(?:\.[0-9]+)?)\s*%?$")


@dataclass
class ParsedRow:
    row: int
    owner: Organisation
    values: dict[str, Any]
    ip_items: list[tuple[str, str]] = field(default_factory=list)  # (kind, number)
    inventors: list[tuple[int, Decimal]] = field(default_factory=list)  # (person id, share)


# ---------------------------------------------------------------- who may import for whom


def achievement_import_scope(actor: Actor, organisation: Organisation) -> Organisation:
    """Check the actor may import achievements acting as `organisation`: a member of an active
    owner unit (for that unit), or of a city department (for units of its city)."""
    if not roles.is_member(actor, organisation):
        raise Forbidden("您不是该机构的成员，不能以其名义导入成果", code="forbidden")
    if organisation.kind == OrganisationKind.CITY_DEPARTMENT or organisation.kind in OWNER_UNIT_KINDS:
        return organisation
    raise Forbidden("只有成果单位和地市管理部门可以批量导入成果", code="forbidden")


def achievement_import_organisations(actor: Actor) -> list[Organisation]:
    return [
        m.organisation
        for m in roles.active_memberships(actor).select_related("organisation").order_by("pk")
        if m.organisation.kind == OrganisationKind.CITY_DEPARTMENT or m.organisation.kind in OWNER_UNIT_KINDS
    ]


# ---------------------------------------------------------------- reference data


class _Lookups:
    def __init__(self, acting: Organisation) -> None:
        self.acting = acting
        self.fields_by_code: dict[str, int] = {}
        by_name: dict[str, list[int]] = {}
        fields = list(TechField.objects.select_related("parent"))
        for f in fields:
            self.fields_by_code[f.code.upper()] = f.pk
            by_name.setdefault(f.name, []).append(f.pk)
            if f.parent is not None:
                by_name.setdefault(f"{f.parent.name}/{f.name}", []).append(f.pk)
        self.fields_by_name = by_name
        self.owners: dict[str, Organisation | None] = {}
        self.people: dict[int, dict[str, list[int]]] = {}
        self.plan_projects: dict[str, PlanProject | None] = {}

    def field_id(self, value: str) -> int:
        text = value.replace("／", "/").replace(" ", "")
        if text.upper() in self.fields_by_code:
            return self.fields_by_code[text.upper()]
        ids = self.fields_by_name.get(text, [])
        if len(ids) == 1:
            return ids[0]
        if len(ids) > 1:
            raise CellError(f"技术领域“{value}”有多个同名子领域，请填写领域代码")
        raise CellError(f"未知的技术领域“{value}”：请填写领域代码（如 0101）或子领域名称，见“技术领域代码”工作表")

    def owner(self, credit_code: str | None) -> Organisation:
        if self.acting.kind != OrganisationKind.CITY_DEPARTMENT:
            if credit_code:
                try:
                    code = normalise_credit_code(credit_code)
                except ValidationError as exc:
                    raise CellError(exc.messages[0]) from exc
                if code != self.acting.credit_code:
                    raise CellError("只能导入本单位的成果：统一社会信用代码与本单位不一致（可留空）")
            return self.acting
        if not credit_code:
            raise CellError("地市管理部门代为导入时，须填写成果单位的统一社会信用代码")
        try:
            code = normalise_credit_code(credit_code)
        except ValidationError as exc:
            raise CellError(exc.messages[0]) from exc
        if code not in self.owners:
            self.owners[code] = (
                Organisation.objects.filter(credit_code=code, status=OrganisationStatus.ACTIVE, kind__in=list(OWNER_UNIT_KINDS))
                .exclude(kind=OrganisationKind.ENTERPRISE)
                .first()
            )
        owner = self.owners[code]
        if owner is None:
            raise CellError("该统一社会信用代码不是平台上已认证的成果单位")
        if owner.city != self.acting.city:
            raise CellError(f"该单位不在本市（{self.acting.city}），地市管理部门只能代本市单位导入")
        return owner

    def people_of(self, owner: Organisation) -> dict[str, list[int]]:
        if owner.pk not in self.people:
            names: dict[str, list[int]] = {}
            for person_id, name in UnitPerson.objects.filter(unit=owner, consent_at__isnull=False).values_list(
                "person_id", "person__full_name"
            ):
                names.setdefault(name.strip(), []).append(person_id)
            self.people[owner.pk] = names
        return self.people[owner.pk]

    def plan_project(self, number: str) -> PlanProject | None:
        if number not in self.plan_projects:
            self.plan_projects[number] = PlanProject.objects.filter(number=number).first()
        return self.plan_projects[number]


# ---------------------------------------------------------------- one row


def _patent_kind(number: str) -> str:
    """The kind code inside a Chinese application number: 1/8 invention, 2/9 utility model, 3 design."""
    digits = number.split(".")[0]
    code = digits[4] if len(digits) == 12 else digits[2]
    return {"2": IpKind.UTILITY_MODEL, "9": IpKind.UTILITY_MODEL, "3": IpKind.DESIGN}.get(code, IpKind.INVENTION_PATENT)


def _parse_patents(value: Any) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    for part in _SPLIT.split(parse_text(value)):
        part = part.strip()
        if not part:
            continue
        try:
            number = normalise_patent_number(part)
        except ValidationError as exc:
            raise CellError(f"“{part}”：{exc.messages[0]}") from exc
        if any(n == number for _, n in items):
            raise CellError(f"专利申请号 {number} 重复")
        items.append((_patent_kind(number), number))
    if len(items) > 50:
        raise CellError("专利申请号最多 50 个")
    return items


def _parse_inventors(value: Any, people: dict[str, list[int]]) -> list[tuple[int, Decimal]]:
    text = parse_text(value)
    parts = [p.strip() for p in _SPLIT.split(text) if p.strip()]
    if not parts:
        raise CellError("此项为必填项，格式如 张三:60;李四:40")
    rows: list[tuple[int, Decimal]] = []
    total = Decimal("0")
    seen: set[str] = set()
    for part in parts:
        match = _INVENTOR.match(part)
        if not match:
            raise CellError(f"“{part}”格式不正确，应为 姓名:份额，如 张三:60")
        name = match["name"].strip()
        try:
            share = Decimal(match["share"])
        except InvalidOperation as exc:
            raise CellError(f"“{part}”的份额不是数字") from exc
        if share.as_tuple().exponent < -2:  # type: ignore[operator]
            raise CellError(f"“{name}”的份额最多两位小数")
        if not Decimal("0") < share <= Decimal("100"):
            raise CellError(f"“{name}”的份额应大于 0 且不超过 100")
        if name in seen:
            raise CellError(f"完成人“{name}”重复")
        seen.add(name)
        ids = people.get(name, [])
        if not ids:
            raise CellError(f"完成人“{name}”尚未由本单位登记并取得告知同意，请先在完成人管理中登记")
        if len(ids) > 1:
            raise CellError(f"本单位登记了多名“{name}”，无法区分，请在平台上逐项填写该成果")
        rows.append((ids[0], share))
        total += share
    if total != Decimal("100"):
        raise CellError(f"贡献份额合计应为 100，当前为 {total.normalize():f}")
    return rows


_RESTRICTION_WORDS = {str(label): value for value, label in RestrictionReason.choices}
_RESTRICTION_WORDS.update({"": "", "无": "", "否": "", "国防": "defence", "国家安全": "national_security"})
_CATEGORY_WORDS = {"科研攻关类": ProjectCategory.KEY_TECHNOLOGY, "科研攻关": ProjectCategory.KEY_TECHNOLOGY}
_CATEGORY_WORDS.update(dict.fromkeys(("其他类", "其他", "其它", "其它类"), ProjectCategory.OTHER))


def parse_achievement_row(number: int, raw: dict[str, Any], lookups: _Lookups) -> tuple[ParsedRow | None, list[RowError]]:
    errors: list[RowError] = []
    values: dict[str, Any] = {}

    def take(key: str, parse: Callable[[Any], Any], *, required: bool = False) -> Any:
        value = raw.get(key)
        if value is None and required:
            errors.append(RowError(number, HEADER_OF[key], "此项为必填项"))
            return None
        try:
            values[key] = parse(value)
        except CellError as exc:
            errors.append(RowError(number, HEADER_OF[key], str(exc)))
            return None
        return values[key]

    def text(limit: int) -> Callable[[Any], str]:
        return lambda v: parse_text(v, max_length=limit)

    def category(value: Any) -> str:
        word = parse_text(value)
        if word and word not in _CATEGORY_WORDS:
            raise CellError("项目类别应为“科研攻关类”或“其他类”")
        return _CATEGORY_WORDS.get(word, "")

    def restriction(value: Any) -> str:
        word = parse_text(value)
        if word not in _RESTRICTION_WORDS:
            raise CellError("应为：不涉及、涉及国防、涉及国家安全、涉及国家利益、涉及重大社会公共利益")
        return _RESTRICTION_WORDS[word]

    owner = take("owner_credit_code", lookups.owner)
    take("title", text(200), required=True)
    take("summary", text(5000), required=True)
    take("problem_solved", text(3000))
    take("advantages", text(3000))
    take("field", lambda v: lookups.field_id(parse_text(v, max_length=64)), required=True)
    take("discipline", text(64))
    take("keywords", text(500))
    take("trl", lambda v: parse_int(v, minimum=1, maximum=9), required=True)
    take("offers_pay_later", lambda v: parse_bool(v, default=False))
    take("offers_cooperate_later", lambda v: parse_bool(v, default=False))
    take("offers_open_licence", lambda v: parse_bool(v, default=False))
    take("free_use_months", lambda v: None if v is None else parse_int(v, minimum=1, maximum=60))
    take("indicative_terms", text(2000))
    patents = take("patents", _parse_patents) or []
    inventors = None
    if owner is not None:
        inventors = take("inventors", lambda v: _parse_inventors(v, lookups.people_of(owner)), required=True)
    take("plan_project_number", lambda v: parse_text(v, max_length=64).upper().replace(" ", ""))
    take("plan_project_category", category)
    take("acceptance_date", lambda v: None if v is None else parse_date(v))
    take("provincial_funding", lambda v: parse_bool(v, default=False))
    take("restriction", restriction)

    if not errors:
        _cross_checks(number, values, patents, lookups, errors)
    if errors or owner is None or inventors is None:
        return None, errors
    return ParsedRow(row=number, owner=owner, values=values, ip_items=patents, inventors=inventors), []


def _cross_checks(
    number: int, values: dict[str, Any], patents: list[tuple[str, str]], lookups: _Lookups, errors: list[RowError]
) -> None:
    if not (values["offers_pay_later"] or values["offers_cooperate_later"] or values["offers_open_licence"]):
        errors.append(RowError(number, HEADER_OF["offers_pay_later"], "先使用后付费、先使用后合作、专利开放许可至少一项应为“是”"))
    if values["offers_open_licence"] and not patents:
        errors.append(RowError(number, HEADER_OF["patents"], "专利开放许可须至少填写一项专利申请号"))
    project_number = values["plan_project_number"]
    project = lookups.plan_project(project_number) if project_number else None
    if project is not None:
        if values["plan_project_category"] and values["plan_project_category"] != project.category:
            errors.append(
                RowError(
                    number,
                    HEADER_OF["plan_project_category"],
                    f"与省级科技计划项目库不一致：库中为“{project.get_category_display()}”",
                )
            )
        if values["acceptance_date"] and project.acceptance_date and values["acceptance_date"] != project.acceptance_date:
            errors.append(
                RowError(
                    number, HEADER_OF["acceptance_date"], f"与省级科技计划项目库不一致：库中为 {project.acceptance_date:%Y-%m-%d}"
                )
            )
        values["plan_project_category"] = values["plan_project_category"] or project.category
        values["acceptance_date"] = values["acceptance_date"] or project.acceptance_date
    if (values["plan_project_category"] or values["acceptance_date"] or values["provincial_funding"]) and not project_number:
        errors.append(
            RowError(
                number, HEADER_OF["plan_project_number"], "填写项目类别、验收日期或省级财政资金支持时，须填写省级科技计划项目编号"
            )
        )
    if project_number and not values["plan_project_category"]:
        errors.append(RowError(number, HEADER_OF["plan_project_category"], "请填写项目类别（科研攻关类或其他类）"))
    if values["acceptance_date"] and values["acceptance_date"] > today():
        errors.append(RowError(number, HEADER_OF["acceptance_date"], "项目验收日期不能晚于今天"))


# ---------------------------------------------------------------- writing: the adapter to the catalog


def _data(row: ParsedRow) -> AchievementData:
    v = row.values
    return AchievementData(
        title=v["title"],
        summary=v["summary"],
        field_id=v["field"],
        trl=v["trl"],
        problem_solved=v["problem_solved"],
        advantages=v["advantages"],
        discipline=v["discipline"],
        keywords=v["keywords"],
        offers_pay_later=v["offers_pay_later"],
        offers_cooperate_later=v["offers_cooperate_later"],
        offers_open_licence=v["offers_open_licence"],
        free_use_months=v["free_use_months"],
        indicative_terms=v["indicative_terms"],
        plan_project_number=v["plan_project_number"],
        plan_project_category=v["plan_project_category"],
        acceptance_date=v["acceptance_date"],
        provincial_funding=v["provincial_funding"],
        restriction=v["restriction"],
        ip_items=[IpItemData(kind=kind, number=number) for kind, number in row.ip_items],
        inventors=[InventorData(person_id=pid, share=share, is_leader=i == 0) for i, (pid, share) in enumerate(row.inventors)],
    )


def _create_through_catalog(*, actor: Actor, row: ParsedRow, acting: Organisation, member: bool) -> Achievement:
    """Create one draft through the catalog's services, which validate it and write its event:
    as the owner's own staff, or as the acting organisation importing for a unit of its city."""
    if member:
        return achievement_create(actor=actor, owner=row.owner, data=_data(row))
    return achievement_create_imported(actor=actor, owner=row.owner, data=_data(row), imported_by=acting, row=row.row)


def _service_errors(row: int, exc: DomainError | ValidationError) -> list[RowError]:
    if isinstance(exc, ValidationError):
        messages = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    else:
        messages = exc.field_errors or {"": [exc.detail]}
    return [RowError(row, SERVICE_FIELD_COLUMN.get(name, ""), message) for name, texts in messages.items() for message in texts]


# ---------------------------------------------------------------- the service


def _new_batch(
    *, actor: Actor, organisation: Organisation, workbook: UploadedWorkbook, outcome: str, **counts: Any
) -> ImportBatch:
    return ImportBatch(
        kind=ImportKind.ACHIEVEMENTS,
        outcome=outcome,
        actor=actor,
        organisation=organisation,
        file_name=workbook.name[:255],
        file_sha256=workbook.sha256,
        file_size=workbook.size,
        **counts,
    )


class _Rollback(Exception):
    pass


# Up to this many rows an import runs within the request (about 2 s); larger files are
# queued for the worker and the page shows their progress.
SYNC_MAX_ROWS = 200
ESTIMATED_MS_PER_ROW = 12
MAX_STORED_ERRORS = 1000


def _parse_all(workbook: UploadedWorkbook, acting: Organisation, max_rows: int) -> tuple[int, list[ParsedRow], list[RowError]]:
    lookups = _Lookups(acting)
    parsed: list[ParsedRow] = []
    errors: list[RowError] = []
    row_count = 0
    for number, raw in iter_rows(workbook, COLUMNS, required_headers=REQUIRED, max_rows=max_rows):
        row_count += 1
        row, row_errors = parse_achievement_row(number, raw, lookups)
        errors.extend(row_errors)
        if row is not None:
            parsed.append(row)
    if row_count == 0:
        raise ImportRowsInvalid([RowError(2, "", "文件中没有数据行：请从第2行起填写")], detail="文件中没有数据行，未导入任何数据")
    return row_count, parsed, errors


def _write_all(*, actor: Actor, acting: Organisation, parsed: list[ParsedRow]) -> tuple[list[Achievement], list[RowError]]:
    """Create every row as a draft inside the caller's transaction; report rows the catalog refuses."""
    created: list[Achievement] = []
    errors: list[RowError] = []
    member_of = roles.organisation_ids(actor)
    for row in parsed:
        try:
            created.append(_create_through_catalog(actor=actor, row=row, acting=acting, member=row.owner.pk in member_of))
        except Forbidden:
            raise
        except (DomainError, ValidationError) as exc:
            # The service validates before it writes, so the transaction stays usable.
            errors.extend(_service_errors(row.row, exc))
    return created, errors


def _expected_ms(rows: int) -> int:
    recent = list(
        ImportBatch.objects.filter(kind=ImportKind.ACHIEVEMENTS, outcome=ImportOutcome.IMPORTED, row_count__gte=50)
        .order_by("-at")
        .values_list("duration_ms", "row_count")[:10]
    )
    per_row = sum(d for d, _ in recent) / sum(n for _, n in recent) if recent else ESTIMATED_MS_PER_ROW
    return int(per_row * rows) + 1000


def achievements_import(
    *,
    actor: Actor,
    organisation: Organisation,
    file: Any,
    max_rows: int = DEFAULT_MAX_ROWS,
    background: bool | None = None,
) -> tuple[ImportBatch, list[Achievement]]:
    """Import an .xlsx of achievements as drafts of `organisation` (or, for a city department,
    of units of its city). All or nothing; raises ImportRowsInvalid with row-level errors.

    Every row is checked here, within the request. A file with more than SYNC_MAX_ROWS rows
    (or `background=True`) is then queued: the returned batch is `queued` and the worker
    writes it (`achievement_import_run`)."""
    started = time.monotonic()
    acting = achievement_import_scope(actor, organisation)
    workbook = accept_xlsx(file)
    row_count, parsed, errors = _parse_all(workbook, acting, max_rows)
    if not errors and (background or (background is None and len(parsed) > SYNC_MAX_ROWS)):
        return _queue(actor=actor, acting=acting, workbook=workbook, row_count=row_count), []
    if not errors:
        try:
            with transaction.atomic():
                created, errors = _write_all(actor=actor, acting=acting, parsed=parsed)
                if errors:
                    raise _Rollback
                now = timezone.now()
                batch = _new_batch(
                    actor=actor,
                    organisation=acting,
                    workbook=workbook,
                    outcome=ImportOutcome.IMPORTED,
                    row_count=row_count,
                    created_count=len(created),
                    duration_ms=int((time.monotonic() - started) * 1000),
                    started_at=now,
                    finished_at=now,
                    detail={"achievement_ids": [a.pk for a in created]},
                )
                batch.save()
                return batch, created
        except _Rollback:
            pass
    _new_batch(
        actor=actor,
        organisation=acting,
        workbook=workbook,
        outcome=ImportOutcome.REFUSED,
        row_count=row_count,
        error_count=len(errors),
        duration_ms=int((time.monotonic() - started) * 1000),
        finished_at=timezone.now(),
        detail={"errors": [e.as_dict() for e in errors[:MAX_STORED_ERRORS]]},
    ).save()
    raise ImportRowsInvalid(errors)


def _queue(*, actor: Actor, acting: Organisation, workbook: UploadedWorkbook, row_count: int) -> ImportBatch:
    from ..tasks import run_achievement_import

    with transaction.atomic():
        batch = _new_batch(
            actor=actor,
            organisation=acting,
            workbook=workbook,
            outcome=ImportOutcome.QUEUED,
            row_count=row_count,
            expected_ms=_expected_ms(row_count),
        )
        batch.upload.save(f"{workbook.sha256}.xlsx", ContentFile(workbook.content), save=False)
        batch.save()
        transaction.on_commit(partial(run_achievement_import.enqueue, batch_id=batch.pk))
    return batch


def achievement_import_run(*, batch_id: int) -> ImportBatch:
    """The worker's half of a queued import: check again, write all rows in one transaction,
    and record the outcome. Running it twice does nothing the second time."""
    claimed = ImportBatch.objects.filter(pk=batch_id, outcome=ImportOutcome.QUEUED).update(
        outcome=ImportOutcome.RUNNING, started_at=timezone.now()
    )
    batch = ImportBatch.objects.select_related("actor", "organisation").get(pk=batch_id)
    if not claimed:
        return batch
    started = time.monotonic()
    created: list[Achievement] = []
    errors: list[RowError] = []
    try:
        achievement_import_scope(batch.actor, batch.organisation)
        with batch.upload.open("rb") as handle:
            workbook = accept_xlsx(handle)
        _, parsed, errors = _parse_all(workbook, batch.organisation, DEFAULT_MAX_ROWS)
        if not errors:
            with transaction.atomic():
                created, errors = _write_all(actor=batch.actor, acting=batch.organisation, parsed=parsed)
                if errors:
                    raise _Rollback
                _finish(batch, created=created, errors=[], started=started)
    except _Rollback:
        pass
    except ImportRowsInvalid as exc:
        errors = exc.row_errors
    except DomainError as exc:
        errors = [RowError(0, "", exc.detail)]
    except Exception:
        # Never leave a batch “running” for ever: record the failure, then let the worker log it.
        _finish(
            batch, created=[], errors=[RowError(0, "", "导入过程中发生系统错误，未导入任何数据，请稍后重新上传")], started=started
        )
        raise
    if errors:
        created = []
        _finish(batch, created=[], errors=errors, started=started)
    batch.refresh_from_db()
    _notify_finished(batch)
    return batch


def _finish(batch: ImportBatch, *, created: list[Achievement], errors: list[RowError], started: float) -> None:
    ImportBatch.objects.filter(pk=batch.pk, outcome=ImportOutcome.RUNNING).update(
        outcome=ImportOutcome.REFUSED if errors else ImportOutcome.IMPORTED,
        created_count=len(created),
        error_count=len(errors),
        duration_ms=int((time.monotonic() - started) * 1000),
        finished_at=timezone.now(),
        detail={"errors": [e.as_dict() for e in errors[:MAX_STORED_ERRORS]]}
        if errors
        else {"achievement_ids": [a.pk for a in created]},
    )


def _notify_finished(batch: ImportBatch) -> None:
    from django.urls import reverse

    from usefirst.notifications.services import notify

    if batch.outcome == ImportOutcome.IMPORTED:
        title = f"成果批量导入完成：{batch.created_count} 项已保存为草稿"
    else:
        title = f"成果批量导入未完成：发现 {batch.error_count} 处错误，未导入任何数据"
    notify(
        recipients=[batch.actor],
        kind="imports.achievements.finished",
        title=title,
        body=f"文件：{batch.file_name}",
        url=reverse("plan_projects:batch_detail", args=[batch.pk]),
    )
