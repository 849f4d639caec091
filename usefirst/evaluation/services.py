"""Writes of the evaluations: schemes and their indicators, self-reports and the cities'
pre-review, the computation, review, publicity (公示), objections and publication. Each runs in
one transaction and writes an event row on the evaluation (`EvaluationEvent`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from usefirst.accounts import roles
from usefirst.accounts.files import checked_document
from usefirst.accounts.models import Organisation, OrganisationKind, OrganisationStatus
from usefirst.core import workflow
from usefirst.core.actors import Actor
from usefirst.core.dates import today
from usefirst.core.errors import Conflict, DomainError, Forbidden, from_validation_error
from usefirst.core.files import file_kept_only_with_its_row
from usefirst.core.money import to_cny
from usefirst.core.permissions import Action, can
from usefirst.core.text import clean_reason, clean_text, clean_title
from usefirst.notifications.services import notify
from usefirst.policy.selectors import parameter_value

from . import engine, sources
from .choices import CityOpinion, Direction, EvaluationKind, EvaluationStatus, Grade, Normalisation
from .models import Evaluation, Indicator, Objection, Result, SelfReport
from .workflows import EVALUATION
from .workflows import EvaluationEventType as E

HUNDRED = Decimal("100")
UNIT_KINDS = (
    OrganisationKind.UNIVERSITY,
    OrganisationKind.RESEARCH_INSTITUTE,
    OrganisationKind.MEDICAL_INSTITUTION,
    OrganisationKind.OTHER_UNIT,
)
SUBJECT_KINDS: dict[str, tuple[str, ...]] = {
    EvaluationKind.AGENCY: (OrganisationKind.AGENCY,),
    EvaluationKind.UNIT: UNIT_KINDS,
    EvaluationKind.CITY: (OrganisationKind.CITY_DEPARTMENT,),
}


def _require(actor: Actor, action: Action, evaluation: Evaluation, message: str) -> None:
    if not can(actor, action, evaluation):
        raise Forbidden(message, code="evaluation_forbidden")


def _require_draft(evaluation: Evaluation) -> None:
    if not evaluation.is_editable:
        raise Conflict(
            f"评价当前状态为“{evaluation.get_status_display()}”，方案已不能修改；如需重新计算请创建新版本",
            code="evaluation_not_editable",
        )


def _save(obj: Any) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise from_validation_error(exc) from exc
    obj.save()


def _decimal(value: object, *, field: str, label: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().rstrip("%"))
    except (InvalidOperation, ValueError):
        message = f"{label}应为数字"
        raise DomainError(message, code="validation_failed", field_errors={field: [message]}) from None
    if not number.is_finite():
        message = f"{label}应为数字"
        raise DomainError(message, code="validation_failed", field_errors={field: [message]})
    return number


@dataclass(frozen=True)
class SchemeData:
    kind: str
    year: int
    name: str
    regional_multiplier: Decimal = Decimal("1.20")
    excellent_share: Decimal = Decimal("20.00")
    pass_score: Decimal = Decimal("40.00")
    objection_days: int = 7


def evaluation_create(*, actor: Actor, data: SchemeData) -> Evaluation:
    """A new scheme (draft, version 1) for a kind and a year: by the province or the 专业机构."""
    from .policies import is_evaluator

    if not is_evaluator(actor):
        raise Forbidden("只有省科技厅和受委托的专业机构可以制定评价方案", code="evaluation_forbidden")
    if data.kind not in EvaluationKind.values:
        raise DomainError("请选择评价类别", code="validation_failed", field_errors={"kind": ["请选择评价类别"]})
    with transaction.atomic():
        if Evaluation.objects.filter(kind=data.kind, year=data.year).exists():
            raise Conflict(
                f"{data.year} 年度已有{EvaluationKind(data.kind).label}方案；请在原方案上修改，或在其发布后创建新版本",
                code="evaluation_exists",
            )
        evaluation = Evaluation(
            kind=data.kind,
            year=data.year,
            name=clean_title(data.name, field="name", label="方案名称"),
            regional_multiplier=data.regional_multiplier,
            excellent_share=data.excellent_share,
            pass_score=data.pass_score,
            objection_days=data.objection_days,
            created_by=actor,
        )
        _save(evaluation)
        workflow.record(EVALUATION, evaluation, E.CREATE, actor=actor, payload=_scheme_payload(evaluation))
    return evaluation


def _scheme_payload(evaluation: Evaluation) -> dict[str, Any]:
    return {
        "name": evaluation.name,
        "regional_multiplier": str(evaluation.regional_multiplier),
        "excellent_share": str(evaluation.excellent_share),
        "pass_score": str(evaluation.pass_score),
        "objection_days": evaluation.objection_days,
    }


def evaluation_update(*, actor: Actor, evaluation: Evaluation, data: SchemeData) -> Evaluation:
    _require(actor, Action.CHANGE, evaluation, "只有省科技厅和受委托的专业机构可以修改评价方案")
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        _require_draft(evaluation)
        evaluation.name = clean_title(data.name, field="name", label="方案名称")
        evaluation.regional_multiplier = data.regional_multiplier
        evaluation.excellent_share = data.excellent_share
        evaluation.pass_score = data.pass_score
        evaluation.objection_days = data.objection_days
        _save(evaluation)
        workflow.record(EVALUATION, evaluation, E.UPDATE, actor=actor, payload=_scheme_payload(evaluation))
    return evaluation


@dataclass(frozen=True)
class IndicatorData:
    name: str
    source: str
    weight: Any
    unit: str = ""
    direction: str = ""
    normalisation: str = Normalisation.MIN_MAX


def indicator_add(*, actor: Actor, evaluation: Evaluation, data: IndicatorData) -> Indicator:
    """An indicator pointing at a registered source of the scheme's kind. The weights may not pass
    100 % (the computation needs exactly 100 %)."""
    _require(actor, Action.CHANGE, evaluation, "只有省科技厅和受委托的专业机构可以修改评价方案")
    source = sources.get_source(data.source)
    if source is None:
        message = f"数据来源“{data.source}”不存在，请从列出的平台数据或填报字段中选择"
        raise DomainError(message, code="evaluation_unknown_source", status=422, field_errors={"source": [message]})
    if source.kind != evaluation.kind:
        message = f"数据来源“{source.label}”不适用于{evaluation.get_kind_display()}"
        raise DomainError(message, code="evaluation_unknown_source", status=422, field_errors={"source": [message]})
    weight = _decimal(data.weight, field="weight", label="权重")
    if data.normalisation not in Normalisation.values:
        message = "请选择标准化方法"
        raise DomainError(message, code="validation_failed", field_errors={"normalisation": [message]})
    direction = data.direction or source.direction
    if direction not in Direction.values:
        raise DomainError("请选择指标方向", code="validation_failed", field_errors={"direction": ["请选择指标方向"]})
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        _require_draft(evaluation)
        total = evaluation.weight_total + weight
        if total > HUNDRED:
            message = f"加上该指标后权重合计 {total}%，超过 100%（现有合计 {evaluation.weight_total}%）"
            raise DomainError(message, code="evaluation_weights_not_100", status=422, field_errors={"weight": [message]})
        indicator = Indicator(
            evaluation=evaluation,
            position=evaluation.indicators.count() + 1,
            name=clean_text(data.name or source.label, field="name", label="指标名称", max_chars=60),
            source=source.key,
            unit=clean_text(data.unit or source.unit, field="unit", label="计量单位", max_chars=16, required=False),
            direction=direction,
            weight=weight,
            normalisation=data.normalisation,
        )
        _save(indicator)
        workflow.record(
            EVALUATION,
            evaluation,
            E.INDICATOR_ADD,
            actor=actor,
            payload={"indicator": indicator.pk, "name": indicator.name, "source": source.key, "weight": str(weight)},
        )
    return indicator


def indicator_remove(*, actor: Actor, indicator: Indicator) -> None:
    evaluation = indicator.evaluation
    _require(actor, Action.CHANGE, evaluation, "只有省科技厅和受委托的专业机构可以修改评价方案")
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        _require_draft(evaluation)
        payload = {"indicator": indicator.pk, "name": indicator.name, "source": indicator.source}
        indicator.delete()
        workflow.record(EVALUATION, evaluation, E.INDICATOR_REMOVE, actor=actor, payload=payload)


# ---------------------------------------------------------------- self-reports and pre-review


def evaluable(evaluation: Evaluation, organisation: Organisation) -> bool:
    return organisation.kind in SUBJECT_KINDS[evaluation.kind]


def self_report_submit(
    *,
    actor: Actor,
    evaluation: Evaluation,
    organisation: Organisation,
    statement: str,
    evidence: str = "",
    figures: Mapping[str, object] | None = None,
    evidence_file: UploadedFile[bytes] | None = None,
) -> SelfReport:
    """The organisation's self-report with its evidence and reported figures, while the scheme is a
    draft. Sending it again replaces it and asks the city to pre-review it again. The evidence file
    (佐证材料, PDF/PNG/JPEG judged by its bytes) is kept in private storage; sending again without
    a file keeps the one already uploaded."""
    if not roles.is_member(actor, organisation):
        raise Forbidden("只能为本机构提交自评报告", code="evaluation_forbidden")
    if not evaluable(evaluation, organisation):
        raise Conflict(f"本机构不属于“{evaluation.get_kind_display()}”的参评范围", code="evaluation_not_subject")
    clean_figures: dict[str, str] = {}
    for key, label, unit in sources.REPORTED_FIELDS.get(evaluation.kind, []):
        raw = (figures or {}).get(key, "")
        if raw in (None, ""):
            continue
        number = _decimal(raw, field=key, label=label)
        if number < 0:
            message = f"{label}不能为负数（单位：{unit}）"
            raise DomainError(message, code="validation_failed", field_errors={key: [message]})
        clean_figures[key] = str(number)
    document = checked_document(evidence_file, field="evidence_file") if evidence_file is not None else None
    with file_kept_only_with_its_row() as write, transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if evaluation.status != EvaluationStatus.DRAFT:
            raise Conflict("评价已开始计算，不再受理自评报告", code="evaluation_not_editable")
        report = SelfReport.objects.filter(evaluation=evaluation, organisation=organisation).first() or SelfReport(
            evaluation=evaluation, organisation=organisation, submitted_by=actor
        )
        report.statement = clean_reason(statement, field="statement", label="自评说明", required_code=None)
        report.evidence = clean_reason(evidence, field="evidence", label="佐证材料", required=False)
        report.figures = clean_figures
        report.submitted_by = actor
        report.submitted_at = timezone.now()
        report.city_opinion = CityOpinion.PENDING
        report.city_note = ""
        report.city_reviewed_by = None
        report.city_reviewed_at = None
        if document is not None:
            report.evidence_file.save(document.name or "evidence", document, save=False)
            write.file = report.evidence_file
        _save(report)
        workflow.record(
            EVALUATION,
            evaluation,
            E.SELF_REPORT,
            actor=actor,
            payload={"organisation": organisation.pk, "figures": clean_figures, "evidence_file": document is not None},
        )
        write.kept = True
    return report


def self_report_review(*, actor: Actor, report: SelfReport, recommended: bool, note: str = "") -> SelfReport:
    """The city department's pre-review and recommendation (地市预审推荐)."""
    if not can(actor, Action.REVIEW, report):
        raise Forbidden("只有参评机构所在地市的管理部门可以预审", code="evaluation_forbidden")
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().get(pk=report.evaluation_id)
        if evaluation.status != EvaluationStatus.DRAFT:
            raise Conflict("评价已开始计算，不能再预审", code="evaluation_not_editable")
        report = SelfReport.objects.select_for_update().get(pk=report.pk)
        report.city_opinion = CityOpinion.RECOMMENDED if recommended else CityOpinion.NOT_RECOMMENDED
        report.city_note = clean_reason(note, field="note", label="预审说明", required=not recommended, required_code=None)
        report.city_reviewed_by = actor
        report.city_reviewed_at = timezone.now()
        _save(report)
        workflow.record(
            EVALUATION,
            evaluation,
            E.CITY_REVIEW,
            actor=actor,
            reason=report.city_note,
            payload={"organisation": report.organisation_id, "opinion": report.city_opinion},
        )
    return report


# ---------------------------------------------------------------- computation


def _subjects(evaluation: Evaluation) -> list[int]:
    return list(
        Organisation.objects.filter(kind__in=SUBJECT_KINDS[evaluation.kind], status=OrganisationStatus.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _failed_before(evaluation: Evaluation, organisation_ids: set[int], years: int) -> set[int]:
    """The organisations whose published results of the `years` years before were all 不合格."""
    if years <= 0:
        return set()
    failing = set(organisation_ids)
    for year in range(evaluation.year - years, evaluation.year):
        failed = set(
            Result.objects.filter(
                evaluation__kind=evaluation.kind,
                evaluation__year=year,
                evaluation__status=EvaluationStatus.PUBLISHED,
                grade=Grade.FAIL,
                organisation_id__in=failing,
            ).values_list("organisation_id", flat=True)
        )
        failing &= failed
    return failing


def compute_rows(evaluation: Evaluation, *, progress: engine.Progress | None = None) -> list[engine.Row]:
    """The rows of an evaluation from the sources, without writing anything."""
    indicators = list(evaluation.indicators.all())
    ctx = sources.Context(year=evaluation.year, multiplier=evaluation.regional_multiplier, evaluation_id=evaluation.pk)
    subject_ids = _subjects(evaluation)
    rows = {pk: engine.Row(organisation_id=pk) for pk in subject_ids}
    opinions = dict(SelfReport.objects.filter(evaluation=evaluation).values_list("organisation_id", "city_opinion"))
    for pk, row in rows.items():
        row.city_opinion = opinions.get(pk, CityOpinion.PENDING)
    specs = []
    for i, indicator in enumerate(indicators, start=1):
        source = sources.get_source(indicator.source)
        if source is None:
            raise Conflict(f"指标“{indicator.name}”的数据来源已不存在", code="evaluation_unknown_source")
        found = source.compute(ctx)
        for pk, row in rows.items():
            row.figures[indicator.key] = to_cny(found.get(pk, Decimal("0")))
        specs.append(engine.Spec(indicator.key, indicator.direction, indicator.weight, indicator.normalisation))
        if progress:
            progress("取数", i, len(indicators))
    scored = engine.score(
        list(rows.values()),
        specs,
        excellent_share=evaluation.excellent_share,
        pass_score=evaluation.pass_score,
        progress=progress,
    )
    years = int(parameter_value("evaluation_fail_consecutive_years", on=dt.date(evaluation.year, 12, 31)))
    failing = {r.organisation_id for r in scored if r.grade == Grade.FAIL}
    repeated = _failed_before(evaluation, failing, years - 1)
    for row in scored:
        if row.organisation_id in repeated:
            row.note = f"连续 {years} 年不合格：取消下一年度参评优秀资格并由专业机构约谈整改"
    return scored


def evaluation_compute(*, actor: Actor, evaluation: Evaluation, progress: engine.Progress | None = None) -> Evaluation:
    """draft → computing → under review: every evaluated organisation's figures, scores, rank and
    grade from the scheme's sources. Refused unless the weights sum to exactly 100 %."""
    workflow.transition(EVALUATION, evaluation, "compute", actor=actor)
    try:
        with transaction.atomic():
            rows = compute_rows(evaluation, progress=progress)
            Result.objects.filter(evaluation=evaluation).delete()
            Result.objects.bulk_create(
                [
                    Result(
                        evaluation=evaluation,
                        organisation_id=row.organisation_id,
                        figures={k: str(v) for k, v in row.figures.items()},
                        scores={k: str(v) for k, v in row.scores.items()},
                        total=row.total,
                        rank=row.rank,
                        grade=row.grade,
                        city_opinion=row.city_opinion,
                        note=row.note,
                    )
                    for row in rows
                ],
                batch_size=500,
            )
            counts = {g: sum(1 for r in rows if r.grade == g) for g in Grade.values}
            workflow.transition(
                EVALUATION,
                evaluation,
                "computed",
                actor=actor,
                payload={"results": len(rows), **counts},
                also={"computed_at": timezone.now()},
            )
    except Exception:
        workflow.transition(EVALUATION, evaluation, "return", actor=actor, reason="计算失败，方案退回草拟")
        raise
    return evaluation


def evaluation_return(*, actor: Actor, evaluation: Evaluation, reason: str) -> Evaluation:
    reason = clean_reason(reason, label="退回理由")
    workflow.transition(EVALUATION, evaluation, "return", actor=actor, reason=reason)
    return evaluation


def evaluation_start_publicity(*, actor: Actor, evaluation: Evaluation) -> Evaluation:
    """Into publicity (公示) from today: objections are taken to the period's last day inclusive
    (DOMAIN.md, "Dates": the first day is not counted, so the period ends `objection_days` later)."""
    start = today()
    end = start + dt.timedelta(days=evaluation.objection_days)
    workflow.transition(
        EVALUATION,
        evaluation,
        "start_publicity",
        actor=actor,
        payload={"publicity_start": start, "publicity_end": end},
        also={"publicity_start": start, "publicity_end": end},
        notices=(_tell_subjects,),
    )
    return evaluation


def _tell_subjects(evaluation: Evaluation) -> None:
    from usefirst.accounts.models import Membership

    org_ids = Result.objects.filter(evaluation=evaluation).values_list("organisation_id", flat=True)
    members = [
        m.user
        for m in Membership.objects.filter(organisation_id__in=org_ids, is_active=True, role=Membership.Role.ADMIN)
        .select_related("user")
        .order_by("pk")[:2000]
    ]
    notify(
        recipients=members,
        kind="evaluation.publicity",
        title=f"{evaluation} 结果公示",
        body=f"公示期至 {evaluation.publicity_end:%Y-%m-%d}，对本机构结果有异议的，请在期内提出。",
        url=reverse("evaluation:detail", args=[evaluation.pk]),
        email=False,
    )


def evaluation_publish(*, actor: Actor, evaluation: Evaluation) -> Evaluation:
    """Publication once the publicity period is over and every objection answered; the version of
    the same year published before is superseded in the same transaction."""
    with transaction.atomic():
        workflow.transition(EVALUATION, evaluation, "publish", actor=actor, also={"published_at": timezone.now()})
        for older in Evaluation.objects.filter(
            kind=evaluation.kind, year=evaluation.year, status=EvaluationStatus.PUBLISHED
        ).exclude(pk=evaluation.pk):
            workflow.transition(
                EVALUATION, older, "supersede", actor=actor, payload={"by": evaluation.pk, "version": evaluation.version}
            )
    return evaluation


def evaluation_new_version(*, actor: Actor, evaluation: Evaluation) -> Evaluation:
    """Recomputing a published evaluation: a new draft version with the same scheme and
    self-reports; the published one stays as it is until the new one is published."""
    _require(actor, Action.CHANGE, evaluation, "只有省科技厅和受委托的专业机构可以创建新版本")
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if evaluation.status != EvaluationStatus.PUBLISHED:
            raise Conflict("只有已发布的评价可以创建新版本重新计算", code="evaluation_not_published")
        if Evaluation.objects.filter(kind=evaluation.kind, year=evaluation.year, version__gt=evaluation.version).exists():
            raise Conflict("该评价已有更新的版本，请在新版本上操作", code="evaluation_version_open")
        indicators = list(evaluation.indicators.all())
        reports = list(evaluation.self_reports.all())
        new = Evaluation(
            kind=evaluation.kind,
            year=evaluation.year,
            version=evaluation.version + 1,
            name=evaluation.name,
            regional_multiplier=evaluation.regional_multiplier,
            excellent_share=evaluation.excellent_share,
            pass_score=evaluation.pass_score,
            objection_days=evaluation.objection_days,
            previous=evaluation,
            created_by=actor,
        )
        try:
            with transaction.atomic():
                _save(new)
        except IntegrityError:
            raise Conflict("该评价已有更新的版本，请在新版本上操作", code="evaluation_version_open") from None
        Indicator.objects.bulk_create(
            [
                Indicator(
                    evaluation=new,
                    position=i.position,
                    name=i.name,
                    source=i.source,
                    unit=i.unit,
                    direction=i.direction,
                    weight=i.weight,
                    normalisation=i.normalisation,
                )
                for i in indicators
            ]
        )
        SelfReport.objects.bulk_create(
            [
                SelfReport(
                    evaluation=new,
                    organisation_id=r.organisation_id,
                    statement=r.statement,
                    evidence=r.evidence,
                    evidence_file=r.evidence_file.name,
                    figures=r.figures,
                    submitted_by_id=r.submitted_by_id,
                    submitted_at=r.submitted_at,
                    city_opinion=r.city_opinion,
                    city_note=r.city_note,
                    city_reviewed_by_id=r.city_reviewed_by_id,
                    city_reviewed_at=r.city_reviewed_at,
                )
                for r in reports
            ]
        )
        workflow.record(EVALUATION, new, E.NEW_VERSION, actor=actor, payload={"previous": evaluation.pk})
        workflow.record(EVALUATION, evaluation, E.NEW_VERSION, actor=actor, payload={"next": new.pk})
    return new


# ---------------------------------------------------------------- objections


def objection_raise(*, actor: Actor, result: Result, text: str) -> Objection:
    """The evaluated organisation objects to its result, up to the publicity period's last day."""
    if not can(actor, Action.CHANGE, result):
        raise Forbidden("只能对本机构的评价结果提出异议", code="evaluation_forbidden")
    text = clean_reason(text, field="text", label="异议内容", min_chars=4, required_code=None)
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().get(pk=result.evaluation_id)
        on = today()
        if evaluation.status != EvaluationStatus.PUBLICITY or evaluation.publicity_end is None:
            raise Conflict("该评价不在公示期内，不受理异议", code="evaluation_objection_closed")
        if on > evaluation.publicity_end:
            raise Conflict(
                f"异议期已于 {evaluation.publicity_end:%Y-%m-%d} 届满，不再受理异议",
                code="evaluation_objection_closed",
            )
        objection = Objection(result=result, text=text, raised_by=actor)
        _save(objection)
        workflow.record(
            EVALUATION,
            evaluation,
            E.OBJECTION,
            actor=actor,
            reason=text,
            payload={"objection": objection.pk, "organisation": result.organisation_id},
        )
    return objection


def objection_answer(*, actor: Actor, objection: Objection, answer: str) -> Objection:
    """The 专业机构 (or the province) answers an objection."""
    if not can(actor, Action.REVIEW, objection.result):
        raise Forbidden("只有受委托的专业机构或省科技厅可以答复异议", code="evaluation_forbidden")
    answer = clean_reason(answer, field="answer", label="答复", min_chars=4, required_code=None)
    with transaction.atomic():
        objection = Objection.objects.select_for_update().select_related("result").get(pk=objection.pk)
        if objection.answered_at is not None:
            raise Conflict("该异议已答复", code="evaluation_objection_answered")
        objection.answer = answer
        objection.answered_by = actor
        objection.answered_at = timezone.now()
        _save(objection)
        workflow.record(
            EVALUATION,
            Evaluation.objects.get(pk=objection.result.evaluation_id),
            E.OBJECTION_ANSWER,
            actor=actor,
            reason=answer,
            payload={"objection": objection.pk},
        )
        notify(
            recipients=[objection.raised_by],
            kind="evaluation.objection_answered",
            title="评价异议已答复",
            body=answer[:200],
            url=reverse("evaluation:result", args=[objection.result_id]),
            email=False,
        )
    return objection
