"""The annual report's forms as data (年度数据填报): the national report's six parts and, for each
form (unit, city), its fields — each with its type, its unit of measure, its validation and the
platform figure that pre-fills it (usefirst/reporting/prefill.py). A field's key is stable: it is
the column of the Excel template, the key of the API and the key of a stored value.

Types: ``count`` (a whole number ≥ 0, in 项 / 人 / 个), ``amount`` (a decimal ≥ 0, in 元 with at
most two places or in 万元 with at most six), ``text`` (free text up to 2,000 characters).
"""

from __future__ import annotations

from dataclasses import dataclass

from .choices import FormKind

PARTS: tuple[tuple[str, str], ...] = (
    ("work", "一、工作开展情况及存在的问题"),
    ("achievements", "二、科技成果情况（数量、类型、来源）"),
    ("conversions", "三、科技成果转让、许可、作价投资情况"),
    ("cooperation", "四、产学研合作情况"),
    ("income", "五、收入分配与奖励情况"),
    ("other", "六、其他情况"),
)
PART_LABELS = dict(PARTS)

COUNT, AMOUNT, TEXT = "count", "amount", "text"
YUAN, WAN = "元", "万元"
UNITS = ("元", "万元", "项", "人", "个", "家")


@dataclass(frozen=True)
class FieldSpec:
    key: str
    part: str
    label: str
    kind: str  # count / amount / text
    unit: str = ""  # 元 / 万元 / 项 / 人 / 个 / 家; "" for text
    platform: str = ""  # the platform figure that pre-fills it (prefill.FIGURES), "" for none
    required: bool = True
    help: str = ""

    @property
    def heading(self) -> str:
        """The column header of the Excel template: the label and its unit."""
        return f"{self.label}（{self.unit}）" if self.unit else self.label

    @property
    def places(self) -> int:
        return 6 if self.unit == WAN else 2 if self.unit == YUAN else 0


F = FieldSpec

UNIT_FIELDS: tuple[FieldSpec, ...] = (
    F("work_summary", "work", "年度科技成果转化工作开展情况", TEXT, help="组织机构、制度建设、“先用后转”实施等"),
    F("problems", "work", "存在的问题与建议", TEXT, required=False),
    F("achievements_total", "achievements", "当年新登记科技成果", COUNT, "项", platform="achievements_registered"),
    F("achievements_patent", "achievements", "其中：含专利的成果", COUNT, "项", platform="achievements_with_patent"),
    F("achievements_fiscal", "achievements", "其中：财政资助项目产生的成果", COUNT, "项", platform="achievements_fiscal"),
    F("transfer_count", "conversions", "转让合同", COUNT, "项", platform="transfer_count"),
    F("transfer_amount", "conversions", "转让合同金额", AMOUNT, WAN, platform="transfer_amount"),
    F("licence_count", "conversions", "许可合同（含“先用后转”免费使用许可）", COUNT, "项", platform="licence_count"),
    F("licence_amount", "conversions", "许可合同金额", AMOUNT, WAN, platform="licence_amount"),
    F("free_use_count", "conversions", "其中：“先用后转”免费使用许可", COUNT, "项", platform="free_use_count"),
    F("equity_count", "conversions", "作价投资", COUNT, "项", platform="equity_count"),
    F("equity_amount", "conversions", "作价投资金额", AMOUNT, WAN, platform="equity_amount"),
    F(
        "received_amount",
        "conversions",
        "当年实际到账金额",
        AMOUNT,
        YUAN,
        platform="received_amount",
        help="经确认的到账，冲销已扣除",
    ),
    F("development_count", "cooperation", "技术开发合同", COUNT, "项", platform="development_count"),
    F("development_amount", "cooperation", "技术开发合同金额", AMOUNT, WAN, platform="development_amount"),
    F("service_count", "cooperation", "技术咨询、技术服务合同", COUNT, "项"),
    F("service_amount", "cooperation", "技术咨询、技术服务合同金额", AMOUNT, WAN),
    F("net_income", "income", "转化净收入（已分配）", AMOUNT, WAN, platform="net_income"),
    F("inventors_reward", "income", "奖励成果完成人及团队", AMOUNT, WAN, platform="inventors_reward"),
    F("inventors_people", "income", "获奖励人次", COUNT, "人", platform="inventors_people"),
    F("fund_amount", "income", "计入成果转化引导资金", AMOUNT, WAN, platform="fund_amount"),
    F("recognitions", "other", "获认定的“先用后转”项目", COUNT, "项", platform="recognitions"),
    F("other_notes", "other", "其他需要说明的情况", TEXT, required=False),
)

CITY_FIELDS: tuple[FieldSpec, ...] = (
    F("work_summary", "work", "本市科技成果转化工作开展情况", TEXT, help="政策措施、工作机制、“先用后转”推进等"),
    F("problems", "work", "存在的问题与建议", TEXT, required=False),
    F("units_reporting", "achievements", "本市填报单位", COUNT, "家", platform="city_units"),
    F("achievements_total", "achievements", "本市单位当年新登记科技成果", COUNT, "项", platform="achievements_registered"),
    F("contracts_landed", "conversions", "在本市落地的转化合同", COUNT, "项", platform="city_contracts_landed"),
    F("contracts_landed_amount", "conversions", "在本市落地的转化合同金额", AMOUNT, WAN, platform="city_contracts_landed_amount"),
    F("received_amount", "conversions", "本市单位当年实际到账金额", AMOUNT, YUAN, platform="received_amount"),
    F("cooperation_projects", "cooperation", "组织的产学研合作项目", COUNT, "项"),
    F("city_fund", "income", "市级财政投入科技成果转化资金", AMOUNT, WAN),
    F("inventors_reward", "income", "本市单位奖励成果完成人及团队", AMOUNT, WAN, platform="inventors_reward"),
    F("recognitions", "other", "本市获认定的“先用后转”项目", COUNT, "项", platform="recognitions"),
    F("other_notes", "other", "其他需要说明的情况", TEXT, required=False),
)

FORMS: dict[str, tuple[FieldSpec, ...]] = {FormKind.UNIT: UNIT_FIELDS, FormKind.CITY: CITY_FIELDS}


def fields_of(form: str) -> tuple[FieldSpec, ...]:
    return FORMS[form]


def field_map(form: str) -> dict[str, FieldSpec]:
    return {spec.key: spec for spec in FORMS[form]}


def by_part(form: str) -> list[tuple[str, str, list[FieldSpec]]]:
    """(part key, part heading, its fields) in the report's order."""
    specs = FORMS[form]
    return [(key, label, [s for s in specs if s.part == key]) for key, label in PARTS]


# The three annex lists: their columns (key, header). Amounts in 万元.
ANNEX_COLUMNS: tuple[tuple[str, str], ...] = (
    ("title", "成果或项目名称"),
    ("mode", "转化方式或合同类型"),
    ("counterparty", "受让方、被许可方或委托方"),
    ("amount", "合同金额（万元）"),
    ("received", "当年到账（万元）"),
    ("fiscal", "是否财政资助项目"),
    ("contract_number", "平台合同编号"),
    ("note", "说明"),
)
