"""What the help pages read: the policy's figures as the platform applies them today, and the
catalog's technology readiness levels."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from usefirst.catalog.choices import MODE_EXPLANATIONS, Mode, Trl
from usefirst.core.money import format_cny, format_wan, percent_of
from usefirst.policy.parameters import POLICY_END, POLICY_START
from usefirst.policy.selectors import parameter_values

FIGURE_KEYS = [
    "inventor_share_floor",
    "statutory_share_floor",
    "recognition_threshold",
    "recognition_yearly_cap",
    "auto_inclusion_years",
    "receipt_slip_threshold",
    "receipt_payer_answer_days",
    "public_notice_days",
    "next_step_escalation_days",
]


def _percent(fraction: object) -> str:
    return format(percent_of(Decimal(str(fraction))), "f").rstrip("0").rstrip(".") + "%"


def policy_figures() -> dict[str, str]:
    """The policy's numbers in force today, as a page prints them (the parameters page holds them)."""
    v = parameter_values(FIGURE_KEYS)
    return {
        "inventor_share_floor": _percent(v["inventor_share_floor"]),
        "statutory_share_floor": _percent(v["statutory_share_floor"]),
        "recognition_threshold": format_cny(Decimal(str(v["recognition_threshold"]))),
        "recognition_threshold_wan": format_wan(Decimal(str(v["recognition_threshold"]))),
        "recognition_yearly_cap": str(v["recognition_yearly_cap"]),
        "auto_inclusion_years": str(v["auto_inclusion_years"]),
        "receipt_slip_threshold": format_cny(Decimal(str(v["receipt_slip_threshold"]))),
        "receipt_payer_answer_days": str(v["receipt_payer_answer_days"]),
        "public_notice_days": str(v["public_notice_days"]),
        "next_step_escalation_days": str(v["next_step_escalation_days"]),
        "policy_start": f"{POLICY_START.year}年{POLICY_START.month}月{POLICY_START.day}日",
        "policy_end": f"{POLICY_END.year}年{POLICY_END.month}月{POLICY_END.day}日",
    }


@dataclass(frozen=True)
class TrlLevel:
    level: int
    label: str  # the catalog's own label (Trl), the one the achievement form offers
    stage: str
    means: str


# What a level means to an enterprise weighing a free-use licence; the labels stay the catalog's.
_STAGES: dict[int, tuple[str, str]] = {
    Trl.BASIC_PRINCIPLES: ("研究阶段", "只有科学原理和研究报告，离产品很远，适合以技术开发方式合作。"),
    Trl.CONCEPT: ("研究阶段", "提出了应用设想和技术路线，尚无实验证明。"),
    Trl.PROOF_OF_CONCEPT: ("研究阶段", "关键原理已被实验证明可行，但还没有成型的部件或样品。"),
    Trl.LAB_VALIDATION: ("开发阶段", "在实验室里做出了部件或样品并验证了功能，性能和稳定性仍需在接近实际的条件下检验。"),
    Trl.RELEVANT_VALIDATION: ("开发阶段", "样品在模拟实际使用的环境中通过了验证，开始具备中试的条件。"),
    Trl.RELEVANT_DEMONSTRATION: ("中试阶段", "完整的样机或系统模型在相关环境中演示成功，企业可以据此评估工程化投入。"),
    Trl.OPERATIONAL_DEMONSTRATION: ("中试阶段", "样机已在真实使用环境中演示，接近可交付的产品形态。"),
    Trl.QUALIFIED: ("产业化阶段", "定型的实际系统完成并通过试验验证，可以小批量生产或投入应用。"),
    Trl.PROVEN: ("产业化阶段", "实际系统经过长期、正式的使用检验，技术已经成熟。"),
}


def trl_levels() -> list[TrlLevel]:
    return [TrlLevel(int(level), str(level.label), *_STAGES[level]) for level in Trl]


def use_first_modes() -> list[tuple[str, str]]:
    """The three ways to use first, each with the catalog's own explanation."""
    return [(str(m.label), MODE_EXPLANATIONS[m]) for m in (Mode.PAY_LATER, Mode.COOPERATE_LATER, Mode.OPEN_LICENCE)]
