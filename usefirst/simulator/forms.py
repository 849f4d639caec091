"""The simulator's form. Every field is text here: the one rule for the page and the API is
`compute.parse_deal`, whose Chinese messages are put back on the fields (`apply_to_form`)."""

from __future__ import annotations

from django import forms

from usefirst.core.forms import DateInput

from .compute import MAX_TERM_YEARS


def _field(label: str, help_text: str = "", *, required: bool = True, numeric: str = "decimal") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,  # parse_deal names a missing value in Chinese, for the page and the API alike
        widget=forms.TextInput(attrs={"inputmode": numeric, **({"aria-required": "true"} if required else {})}),
    )


class SimulatorForm(forms.Form):
    price = _field("许可费总额（元）", "一次性、分期、延期与里程碑支付的合同金额")
    term_years = _field("许可期限（年）", f"1 到 {MAX_TERM_YEARS} 年", numeric="numeric")
    start = forms.CharField(label="签约日期", required=False, widget=DateInput(), help_text="预填付款计划的起算日；不填为今天")
    discount_rate = _field("折现率（%/年）", "计算现值所用的年折现率，0 到 100")
    revenue_low = _field("低收入情景：首年收入（元）")
    revenue_expected = _field("预期收入情景：首年收入（元）")
    revenue_high = _field("高收入情景：首年收入（元）")
    growth = _field("年收入增长率（%）", "各情景相同；不填为 0", required=False)
    royalty_rate = _field("收益提成比例（%）", "收益提成支付方式：按年收入计提", required=False)
    entry_fee = _field("入门费（元）", "入门费 + 收益提成方式：签约时支付", required=False)
    entry_royalty_rate = _field("入门费方式的提成比例（%）", required=False)
    deferred_years = _field("延期支付：第几年末支付", "不填为许可期限最后一年", required=False, numeric="numeric")
    milestones = forms.CharField(
        label="里程碑（每行：名称 第几年 金额）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="如“中试完成 2 150000”；不填则按 30%、40%、30% 在第 1 年、中间年份和最后一年末支付",
    )
    default_probability = _field("企业违约概率（%）", "未投保时估算成果单位的预期损失", required=False)
    premium_rate = _field("履约保证保险费率（%）", "投保时按签约后应付金额计收保费", required=False)
