"""The structured fields deposited with each decision step (the form and the service both read
this table; the values are stored as text in the entry and hashed with it)."""

from __future__ import annotations

from dataclasses import dataclass

from .choices import Step


@dataclass(frozen=True)
class StepField:
    name: str
    label: str
    kind: str = "text"  # text | long | date | amount | choice
    required: bool = True
    choices: tuple[str, ...] = ()


STEP_FIELDS: dict[str, tuple[StepField, ...]] = {
    Step.VALUATION: (
        StepField("method", "定价方式", "choice", choices=("资产评估", "协议定价", "挂牌交易", "拍卖")),
        StepField("price", "定价（元）", "amount"),
        StepField("basis", "定价依据说明", "long"),
    ),
    Step.NOTICE: (
        StepField("notice_start", "公示开始日期", "date"),
        StepField("notice_end", "公示结束日期", "date"),
        StepField("channel", "公示渠道（网站或场所）"),
        StepField("objections", "异议及处理情况", "long", required=False),
    ),
    Step.DECISION: (
        StepField("meeting_date", "会议日期", "date"),
        StepField("body", "决策机构（如校长办公会、转化领导小组）"),
        StepField("resolution", "决议内容", "long"),
    ),
    Step.CONFLICT: (
        StepField("person_name", "申报人姓名"),
        StepField("person_role", "在本次转化中的角色"),
        StepField("declaration", "申报内容", "choice", choices=("无利益冲突", "存在利益关系，已按规定回避")),
    ),
    Step.OTHER: (StepField("note", "说明", "long", required=False),),
}


def field_labels(step: str) -> dict[str, str]:
    labels = {f.name: f.label for f in STEP_FIELDS.get(step, ())}
    labels["period_days"] = "公示期（日）"
    return labels
