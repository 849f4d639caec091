"""Eligibility for recognition (docs/domain.md, rules 2 and 3), each check with its figure and the
rows it comes from, in three kinds:

- computed from platform data (the amount actually received, not recognised before, not
  already 立项, the year's cap, no listed inventor recognised that year);
- declared and reviewed (the key-technology category; the recommendation);
- flags shown to the reviewer, each an interpretation switched by a policy parameter
  (a distribution below its floor; a misconduct record; provincial research funding).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from usefirst.catalog.choices import Mode, ProjectCategory
from usefirst.catalog.models import Achievement, AchievementInventor
from usefirst.contracts.models import Contract
from usefirst.core.money import format_cny, format_wan
from usefirst.plan_projects.selectors import counts_as_established, plan_project_by_number
from usefirst.policy.selectors import parameter_value

from . import sources
from .models import RecognitionPerson, RecognitionYear

CheckKind = Literal["computed", "declared", "flag"]
KIND_LABELS = {"computed": "平台数据核验", "declared": "申报并经审核", "flag": "提示事项"}


@dataclass
class Check:
    key: str
    label: str
    kind: CheckKind
    passed: bool | None  # None: not decided yet (declared checks before review) or a flag not raised
    figure: str
    sources: list[dict[str, Any]] = field(default_factory=list)
    interpretation: bool = False

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "kind": self.kind,
            "passed": self.passed,
            "figure": self.figure,
            "sources": self.sources,
            "interpretation": self.interpretation,
        }


@dataclass
class Eligibility:
    achievement_id: int
    year: int
    on: dt.date
    mode: str
    basis_contract_id: int | None
    amount: Decimal
    threshold: Decimal
    checks: list[Check]

    @property
    def mode_label(self) -> str:
        """先使用后付费 or 先使用后合作, as the pages show the mode."""
        return str(Mode(self.mode).label) if self.mode in Mode.values else self.mode

    @property
    def eligible(self) -> bool:
        """Every computed check passes and the key-technology category is declared."""
        return all(c.passed for c in self.checks if c.kind == "computed") and bool(self.check("key_technology").passed)

    @property
    def failed_codes(self) -> list[str]:
        return [c.key for c in self.checks if c.kind == "computed" and not c.passed]

    @property
    def flags(self) -> list[Check]:
        return [c for c in self.checks if c.kind == "flag" and c.passed is False]

    def check(self, key: str) -> Check:
        return next(c for c in self.checks if c.key == key)

    def as_json(self) -> dict[str, Any]:
        return {
            "achievement_id": self.achievement_id,
            "year": self.year,
            "on": self.on.isoformat(),
            "mode": self.mode,
            "basis_contract_id": self.basis_contract_id,
            "amount": str(self.amount),
            "threshold": str(self.threshold),
            "eligible": self.eligible,
            "checks": [c.as_json() for c in self.checks],
        }


def inventors_in_scope(achievement: Achievement, *, on: dt.date) -> list[AchievementInventor]:
    """Every listed inventor by default; the project leader only when the setting says so."""
    inventors = list(AchievementInventor.objects.filter(achievement=achievement).select_related("person"))
    if parameter_value("recognition_inventor_scope", on=on) == "leader_only":
        return [i for i in inventors if i.is_leader]
    return inventors


def best_basis(
    achievement: Achievement, *, on: dt.date, settings: sources.CountingSettings
) -> tuple[str, Contract | None, sources.Received]:
    """The mode under which the achievement comes closest to the threshold: its pay_later
    licence/transfer receipts, or the first cooperation project of one of its cooperate_later
    free-use licences."""
    best: tuple[str, Contract | None, sources.Received] = (
        Mode.PAY_LATER,
        None,
        sources.received_for_achievement(achievement, on=on, settings=settings),
    )
    for parent in sources.cooperate_later_bases(achievement):
        received = sources.received_for_first_cooperation(parent, on=on, settings=settings)
        if received.amount > best[2].amount or (not best[2].contract_ids and received.contract_ids):
            best = (Mode.COOPERATE_LATER, parent, received)
    return best


def evaluate(
    achievement: Achievement,
    *,
    year: int,
    on: dt.date,
    recommended: bool | None = None,
    key_technology_confirmed: bool | None = None,
    exclude_recognition_id: int | None = None,
) -> Eligibility:
    """All checks for one achievement in one batch year, as of the business date `on`."""
    from .selectors import active_misconduct_for

    settings = sources.CountingSettings.on(on)
    threshold = Decimal(str(parameter_value("recognition_threshold", on=on)))
    mode, basis, received = best_basis(achievement, on=on, settings=settings)
    checks: list[Check] = []

    # ---------------------------------------------------------------- computed
    label = "实际到账累计（单项成果许可/转让合同）" if mode == Mode.PAY_LATER else "首个合作项目合同实际到账"
    figure = f"{format_cny(received.amount)}（门槛 {format_wan(threshold)}，含本数）"
    if received.note:
        figure += f"；{received.note}"
    checks.append(
        Check(
            "amount_received",
            label,
            "computed",
            received.amount >= threshold and not (mode == Mode.COOPERATE_LATER and received.note),
            figure,
            [r.as_json() for r in received.rows],
        )
    )
    from .models import Recognition

    previous = Recognition.objects.filter(achievement=achievement, revoked_at__isnull=True)
    if exclude_recognition_id is not None:
        previous = previous.exclude(pk=exclude_recognition_id)
    previous_rows: list[dict[str, Any]] = [{"recognition": r.number, "year": r.year} for r in previous]
    checks.append(
        Check(
            "not_recognised_before",
            "此前未获认定",
            "computed",
            not previous_rows,
            "已认定：" + "、".join(str(r["recognition"]) for r in previous_rows) if previous_rows else "未曾认定",
            previous_rows,
        )
    )
    project = plan_project_by_number(achievement.plan_project_number) if achievement.plan_project_number else None
    established = project is not None and counts_as_established(project, on=on)
    project_rows = (
        [{"plan_project": project.number, "title": project.title, "research_funding_only": project.research_funding_only}]
        if project is not None
        else []
    )
    checks.append(
        Check(
            "not_established",
            "转化未作为省级科技计划项目立项",
            "computed",
            not established,
            f"关联省级科技计划项目 {project.number}"
            + ("（视为已立项）" if established else "（仅科研经费资助，按设置不视为已立项）")
            if project is not None
            else "无关联的省级科技计划项目",
            project_rows,
        )
    )
    quota = RecognitionYear.objects.filter(year=year).first()
    cap = quota.cap if quota is not None else int(parameter_value("recognition_yearly_cap", on=on))
    used = quota.used if quota is not None else 0
    checks.append(Check("quota_available", f"{year}年度名额", "computed", used < cap, f"已认定 {used} / 上限 {cap}"))
    in_scope = inventors_in_scope(achievement, on=on)
    taken = RecognitionPerson.objects.filter(
        year=year, identity_hash__in=[i.person.identity_hash for i in in_scope]
    ).select_related("recognition", "person")
    if exclude_recognition_id is not None:
        taken = taken.exclude(recognition_id=exclude_recognition_id)
    taken_rows = [{"person": t.person.full_name, "recognition": t.recognition.number} for t in taken]
    scope_label = "项目负责人" if parameter_value("recognition_inventor_scope", on=on) == "leader_only" else "全部完成人"
    checks.append(
        Check(
            "inventors_free",
            f"完成人当年未获认定（{scope_label}）",
            "computed",
            not taken_rows,
            "、".join(f"{r['person']}（{r['recognition']}）" for r in taken_rows) + " 已获认定"
            if taken_rows
            else f"{len(in_scope)} 人均未获认定",
            taken_rows,
            interpretation=True,
        )
    )

    # ---------------------------------------------------------------- declared and reviewed
    declared = achievement.plan_project_category == ProjectCategory.KEY_TECHNOLOGY
    checks.append(
        Check(
            "key_technology",
            "科研攻关类项目（申报，经审核确认）",
            "declared",
            declared if key_technology_confirmed is None else declared and key_technology_confirmed,
            ("已申报" if declared else "未申报为科研攻关类")
            + ("" if key_technology_confirmed is None else ("，审核已确认" if key_technology_confirmed else "，审核未确认")),
        )
    )
    checks.append(
        Check(
            "recommendation",
            "成果单位或上级主管部门审核推荐",
            "declared",
            recommended,
            "已推荐" if recommended else ("未推荐" if recommended is False else "待推荐"),
        )
    )

    # ---------------------------------------------------------------- flags
    if parameter_value("recognition_flag_distribution_floor", on=on):
        below = sources.distributions_below_floor(received.contract_ids, on=on)
        checks.append(
            Check(
                "distribution_floor",
                "收益分配不低于成果完成人比例下限",
                "flag",
                None if not below else False,
                f"{len(below)} 次分配低于下限" if below else "未发现低于下限的分配",
                below,
                interpretation=True,
            )
        )
    misconduct_bars = bool(parameter_value("recognition_misconduct_bars", on=on))
    rows: list[dict[str, Any]] = []
    if misconduct_bars or parameter_value("recognition_flag_misconduct", on=on):
        inventors = list(AchievementInventor.objects.filter(achievement=achievement).select_related("person"))
        if parameter_value("recognition_misconduct_scope", on=on) == "leader_only":
            inventors = [i for i in inventors if i.is_leader]
        records = active_misconduct_for(unit=achievement.owner, persons=[i.person for i in inventors], on=on)
        rows = [{"record": r.pk, "subject": r.subject_name, "period": f"{r.period_start}–{r.period_end}"} for r in records]
    if misconduct_bars:
        checks.append(
            Check(
                "no_misconduct",
                "单位及完成人无在记录期内的科研失信记录",
                "computed",
                not rows,
                "；".join(f"{r['subject']}（记录期 {r['period']}）" for r in rows) if rows else "无",
                rows,
                interpretation=True,
            )
        )
    elif parameter_value("recognition_flag_misconduct", on=on):
        checks.append(
            Check(
                "misconduct",
                "单位及完成人无有效科研失信记录",
                "flag",
                None if not rows else False,
                f"{len(rows)} 条有效失信记录" if rows else "无",
                rows,
                interpretation=True,
            )
        )
    if parameter_value("recognition_flag_research_funding", on=on):
        funded = achievement.provincial_funding or (project is not None and project.research_funding_only)
        checks.append(
            Check(
                "research_funding",
                "成果未获省级科研经费资助",
                "flag",
                None if not funded else False,
                "曾获省级财政科技资金支持" if funded else "未获",
                project_rows,
                interpretation=True,
            )
        )
    return Eligibility(
        achievement.pk, year, on, str(mode), basis.pk if basis is not None else None, received.amount, threshold, checks
    )
