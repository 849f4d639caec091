"""The due-diligence exemption checklist as data (尽职免责, docs/domain.md rule 10): for each role
the situations the rules list, and the decision steps each situation needs in the dossier.

Rule 10 leaves the situations to the departments' rules; this is the platform's default list,
drawn from the usual wording (在履行了民主决策程序、公示等程序且未牟取非法利益的前提下 …). Changing
it is a data change here, reviewed like code; the application stores the wording it was made on.
"""

from __future__ import annotations

from dataclasses import dataclass

from .choices import Step


@dataclass(frozen=True)
class Situation:
    code: str
    text: str
    requires: tuple[Step, ...]


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    situations: tuple[Situation, ...]


ALL_STEPS = (Step.VALUATION, Step.NOTICE, Step.DECISION, Step.CONFLICT)

ROLES: tuple[Role, ...] = (
    Role(
        "leader",
        "单位领导人员",
        (
            Situation(
                "value_changed",
                "已履行民主决策和公示程序、未牟取非法利益，成果转化后因后续价值变化造成定价偏低",
                ALL_STEPS,
            ),
            Situation(
                "free_use_loss",
                "按规定程序决定“先使用后付费”免费许可，企业未按约付费或转化未成功",
                (Step.NOTICE, Step.DECISION, Step.CONFLICT),
            ),
            Situation(
                "market_risk",
                "因技术路线、市场变化等难以预见的因素，转化未达预期或造成损失",
                (Step.DECISION, Step.CONFLICT),
            ),
        ),
    ),
    Role(
        "manager",
        "转化管理人员",
        (
            Situation(
                "procedure_followed",
                "按单位制度办理定价、公示和报批，未牟取非法利益，事后价值变化造成定价偏低",
                ALL_STEPS,
            ),
            Situation(
                "counterparty_default",
                "已按合同和制度履行催告、报告义务，对方违约造成收益未能实现",
                (Step.DECISION, Step.CONFLICT),
            ),
        ),
    ),
    Role(
        "researcher",
        "科研人员（成果完成人）",
        (
            Situation(
                "exploratory_failure",
                "已勤勉尽责实施转化，因探索性、不确定性未达到预期目标",
                (Step.DECISION, Step.CONFLICT),
            ),
            Situation(
                "declared_interest",
                "已如实申报个人利益关系并按要求回避，转化后价值变化造成定价偏低",
                (Step.VALUATION, Step.NOTICE, Step.CONFLICT),
            ),
        ),
    ),
)

BY_CODE = {role.code: role for role in ROLES}
ROLE_CHOICES = [(role.code, role.label) for role in ROLES]


def situation(role: str, code: str) -> Situation | None:
    found = BY_CODE.get(role)
    if found is None:
        return None
    return next((s for s in found.situations if s.code == code), None)
