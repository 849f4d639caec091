"""Forms of the evaluation pages (labels above fields, drawn by the project's renderer)."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from . import sources
from .choices import Direction, EvaluationKind, Normalisation
from .services import SchemeData


class SchemeForm(forms.Form):
    kind = forms.ChoiceField(label="评价类别", choices=EvaluationKind.choices)
    year = forms.IntegerField(label="评价年度", min_value=2020, max_value=2100)
    name = forms.CharField(label="方案名称", max_length=120)
    regional_multiplier = forms.DecimalField(
        label="粤东粤西粤北成交加权系数",
        max_digits=4,
        decimal_places=2,
        min_value=Decimal("1.00"),
        max_value=Decimal("5.00"),
        initial=Decimal("1.20"),
        help_text="企业（实施地）位于粤东、粤西、粤北区县的成交，计数与金额乘以该系数",
    )
    excellent_share = forms.DecimalField(
        label="优秀比例上限（%）", max_digits=5, decimal_places=2, min_value=0, max_value=100, initial=Decimal("20")
    )
    pass_score = forms.DecimalField(
        label="合格分数线（0–100）", max_digits=5, decimal_places=2, min_value=0, max_value=100, initial=Decimal("40")
    )
    objection_days = forms.IntegerField(label="公示及异议期（天）", min_value=1, max_value=60, initial=7)

    def to_data(self) -> SchemeData:
        c = self.cleaned_data
        return SchemeData(
            kind=c["kind"],
            year=c["year"],
            name=c["name"],
            regional_multiplier=c["regional_multiplier"],
            excellent_share=c["excellent_share"],
            pass_score=c["pass_score"],
            objection_days=c["objection_days"],
        )


class IndicatorForm(forms.Form):
    source = forms.ChoiceField(label="数据来源")
    name = forms.CharField(label="指标名称", max_length=60, required=False, help_text="留空则使用数据来源的名称")
    weight = forms.DecimalField(label="权重（%）", max_digits=5, decimal_places=2, min_value=Decimal("0.01"), max_value=100)
    direction = forms.ChoiceField(label="方向", choices=[("", "按数据来源默认"), *Direction.choices], required=False)
    normalisation = forms.ChoiceField(label="标准化方法", choices=Normalisation.choices)

    def __init__(self, *args: object, kind: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["source"].choices = [  # type: ignore[attr-defined]
            (s.key, f"{s.label}（{s.origin}，{s.unit}）") for s in sources.sources_for(kind)
        ]


class SelfReportForm(forms.Form):
    statement = forms.CharField(label="自评说明", max_length=3000, widget=forms.Textarea(attrs={"rows": 5}))
    evidence = forms.CharField(
        label="佐证材料清单",
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="列明佐证材料（合同编号、活动通知、证书编号等）",
    )
    evidence_file = forms.FileField(
        label="佐证材料文件",
        required=False,
        help_text="合并为一个 PDF、PNG 或 JPEG 文件上传，不超过 10 MB；再次提交时不选文件则保留已上传的文件",
    )

    def __init__(self, *args: object, kind: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for key, label, unit in sources.REPORTED_FIELDS.get(kind, []):
            self.fields[key] = forms.DecimalField(label=f"{label}（{unit}）", required=False, min_value=0, decimal_places=2)

    def figures(self) -> dict[str, object]:
        return {
            k: v for k, v in self.cleaned_data.items() if k not in ("statement", "evidence", "evidence_file") and v is not None
        }
