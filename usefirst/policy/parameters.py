"""The policy's numbers and interpretations, each with its default and meaning.

Values live in the database as effective-dated versions (models.ParameterVersion); these
definitions only give the type, default and label shown to the provincial administrator.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

POLICY_START = dt.date(2026, 2, 1)
POLICY_END = dt.date(2031, 1, 31)

Kind = Literal["decimal", "integer", "boolean", "choice"]


@dataclass(frozen=True)
class ParameterDefinition:
    key: str
    label: str
    kind: Kind
    default: Decimal | int | bool | str
    interpretation: bool = False
    help: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    # How the value reads (usefirst.core.display.parameter_text): share 70%, yuan 50 万元,
    # years 3 年, days 30 日, count 200 项, trl 第 6 级, weight +10%; "" for a plain number.
    unit: str = ""


DEFINITIONS: dict[str, ParameterDefinition] = {
    d.key: d
    for d in [
        ParameterDefinition(
            "inventor_share_floor",
            "成果完成人收益比例下限",
            "decimal",
            Decimal("0.70"),
            help="规则1：不低于70%（含本数）",
            unit="share",
        ),
        ParameterDefinition(
            "statutory_share_floor",
            "法定默认比例（提示）",
            "decimal",
            Decimal("0.50"),
            help="促进科技成果转化法第45条，仅作提示",
            unit="share",
        ),
        ParameterDefinition(
            "recognition_threshold",
            "认定到账金额门槛（元）",
            "decimal",
            Decimal("500000.00"),
            help="规则2：实际到账累计≥50万元",
            unit="yuan",
        ),
        ParameterDefinition(
            "recognition_yearly_cap", "年度认定项目数上限", "integer", 200, help="规则3：原则上不超过200项", unit="count"
        ),
        ParameterDefinition(
            "auto_inclusion_years", "验收后未转化纳入年限", "integer", 3, help="规则4：验收完成后三年内未实施转化", unit="years"
        ),
        ParameterDefinition(
            "recognition_only_use_first_contracts",
            "仅计入以先用后转免费许可开始的合同",
            "boolean",
            True,
            interpretation=True,
            help="规则2：只累计以先用后转免费许可开始、其后签订的许可或转让合同的到账",
        ),
        ParameterDefinition(
            "recognition_pro_rata_allocation",
            "多成果合同按约定份额分摊到账",
            "boolean",
            True,
            interpretation=True,
            help="规则2：一份合同涉及多项成果时，每笔到账按各成果占合同价款的份额计入",
        ),
        ParameterDefinition(
            "recognition_receipts_from_policy_start",
            "2026-02-01前到账不计入",
            "boolean",
            True,
            interpretation=True,
            help="规则2：政策自 2026年2月1日起施行，此前的到账不计入认定金额",
        ),
        ParameterDefinition(
            "recognition_inventor_scope",
            "每人每年一项的适用范围",
            "choice",
            "all_inventors",
            interpretation=True,
            choices=(("all_inventors", "全部完成人"), ("leader_only", "仅项目负责人")),
            help="规则3：同一批次每人只能认定一项，“全部完成人”指成果登记的每位完成人",
        ),
        ParameterDefinition(
            "research_funding_excludes",
            "省级科研经费资助即视为已立项",
            "boolean",
            False,
            interpretation=True,
            help="规则3：仅获省级科研经费资助的成果是否视为已是省级科技计划项目（是则不再认定）",
        ),
        ParameterDefinition(
            "ranking_shortlist_weight",
            "排序：单位已入围项目数权重",
            "decimal",
            Decimal("0.10"),
            interpretation=True,
            help="规则2：择优排序时，单位当年每多一项已入围项目，排序得分相应降低的比重",
        ),
        ParameterDefinition(
            "next_step_escalation_days",
            "免费期满未约定后续事项的升级天数",
            "integer",
            30,
            interpretation=True,
            unit="days",
            help="免费使用期届满后超过该天数仍未商定后续事项的，提醒成果单位和服务机构跟进",
        ),
        ParameterDefinition(
            "public_notice_days",
            "认定公示期（天）",
            "integer",
            7,
            interpretation=True,
            unit="days",
            help="省级审核择优后进入公示，公示期满无异议方可认定",
        ),
        ParameterDefinition(
            "recognition_revocation_returns_slot",
            "撤销认定后名额退回当年度",
            "boolean",
            False,
            interpretation=True,
            help="规则3：认定被撤销后，所占用的年度名额是否可再用于当年度其他项目",
        ),
        ParameterDefinition(
            "recognition_flag_distribution_floor",
            "提示：收益分配低于下限",
            "boolean",
            True,
            interpretation=True,
            help="规则1：审核时提示成果完成人所得比例低于下限的收益分配",
        ),
        ParameterDefinition(
            "recognition_flag_misconduct",
            "提示：单位或完成人有科研失信记录",
            "boolean",
            True,
            interpretation=True,
            help="审核时提示单位或成果完成人在记录期内的科研失信记录",
        ),
        ParameterDefinition(
            "contract_notice_days",
            "合同终止通知期（天）",
            "integer",
            30,
            interpretation=True,
            help="正式条款生效后，一方可发出附理由的终止通知；对方在通知期内可同意或提出异议，期满未答复的次日终止",
            unit="days",
        ),
        ParameterDefinition(
            "receipt_slip_threshold",
            "到账须附银行回单的金额（元，含本数）",
            "decimal",
            Decimal("50000.00"),
            interpretation=True,
            help="实际到账以银行回单为证；单笔到账达到此金额须上传回单（PDF 或图片）",
            unit="yuan",
        ),
        ParameterDefinition(
            "receipt_payer_answer_days",
            "付款方确认到账的答复期（天）",
            "integer",
            15,
            interpretation=True,
            help="付款方逾期未确认也未提出异议的，由许可方的审核部门核对回单后核实",
            unit="days",
        ),
        ParameterDefinition(
            "recognition_misconduct_bars",
            "有效科研失信记录不予认定",
            "boolean",
            True,
            interpretation=True,
            help="单位或在范围内的完成人有在记录期内的科研失信记录时，拒绝起草、推荐、公示和认定（否则仅作提示）",
        ),
        ParameterDefinition(
            "recognition_misconduct_scope",
            "科研失信核查的完成人范围",
            "choice",
            "all_inventors",
            interpretation=True,
            choices=(("all_inventors", "全部完成人"), ("leader_only", "仅项目负责人")),
            help="核查科研失信记录时包括哪些成果完成人",
        ),
        ParameterDefinition(
            "recognition_flag_research_funding",
            "提示：成果曾获省级科研经费资助",
            "boolean",
            True,
            interpretation=True,
            help="规则3：审核时提示成果曾获省级科研经费资助",
        ),
        ParameterDefinition(
            "recognition_counts_cover_payments",
            "保险赔付、担保代偿计入实际到账",
            "boolean",
            False,
            interpretation=True,
            help="规则2：保险机构赔付或担保机构代企业支付的款项，是否视为成果单位的实际到账（默认不计入：实际到账只认被许可企业自己付的款）",
        ),
        # matching: ranking weights of search and recommendations (usefirst/matching/ranking.py)
        ParameterDefinition(
            "matching_rrf_k",
            "匹配：倒数排名融合常数 k",
            "integer",
            60,
            interpretation=True,
            help="越大，关键词与语义两路排名越平均",
        ),
        ParameterDefinition(
            "matching_boost_sme",
            "匹配加权：中小微企业需求",
            "decimal",
            Decimal("0.10"),
            interpretation=True,
            help="得分乘以 1+该值",
            unit="weight",
        ),
        ParameterDefinition(
            "matching_boost_region",
            "匹配加权：落地粤东粤西粤北",
            "decimal",
            Decimal("0.15"),
            interpretation=True,
            help="规则6：按企业（或实施地）所在区县判断",
            unit="weight",
        ),
        ParameterDefinition(
            "matching_boost_trl_fit",
            "匹配加权：成果成熟度达到门槛",
            "decimal",
            Decimal("0.05"),
            interpretation=True,
            unit="weight",
            help="成果技术成熟度达到门槛的，匹配得分乘以 1+该值",
        ),
        ParameterDefinition(
            "matching_trl_fit_min",
            "匹配：成熟度门槛（TRL）",
            "integer",
            6,
            interpretation=True,
            unit="trl",
            help="技术成熟度（TRL）达到该级别视为可直接转化应用",
        ),
        ParameterDefinition(
            "matching_boost_use_first",
            "匹配加权：成果提供先用后转方式",
            "decimal",
            Decimal("0.10"),
            interpretation=True,
            unit="weight",
            help="成果提供先用后转方式的，匹配得分乘以 1+该值",
        ),
        ParameterDefinition(
            "evaluation_fail_consecutive_years",
            "评价连续不合格年数（后果）",
            "integer",
            2,
            interpretation=True,
            unit="years",
            help="服务机构或成果单位连续该年数评为不合格的，取消下一年度参评优秀资格并由专业机构约谈整改",
        ),
    ]
}
