"""The support measure form (the service checks everything again)."""

from __future__ import annotations

from django import forms

from usefirst.core.forms import DateField
from usefirst.core.regions import CITY_CHOICES

from .choices import MeasureKind


class MeasureForm(forms.Form):
    title = forms.CharField(label="措施名称", max_length=200)
    kind = forms.ChoiceField(label="支持方式", choices=[("", "请选择"), *MeasureKind.choices])
    city = forms.ChoiceField(label="适用地市", choices=[("", "请选择"), *CITY_CHOICES], required=False)
    county = forms.CharField(label="适用区县（留空表示全市适用）", max_length=32, required=False)
    eligibility = forms.CharField(label="支持对象与条件", max_length=3000, widget=forms.Textarea(attrs={"rows": 4}))
    amount = forms.CharField(label="支持金额上限（元，与支持比例至少填一项）", max_length=20, required=False)
    rate = forms.CharField(label="支持比例（%，如 50）", max_length=8, required=False)
    valid_from = DateField(label="有效期起")
    valid_until = DateField(label="有效期止（留空表示长期有效）", required=False)
    contact_name = forms.CharField(label="联系人", max_length=64)
    contact_phone = forms.CharField(label="联系电话", max_length=32)
    document_ref = forms.CharField(label="政策文件（文号或名称，可不填）", max_length=200, required=False)
