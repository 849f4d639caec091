"""The off-platform conversion declaration form (the service checks everything again)."""

from __future__ import annotations

from django import forms

from usefirst.core.forms import DateField
from usefirst.core.text import ReasonField

from .choices import ConversionKind


class DeclarationForm(forms.Form):
    kind = forms.ChoiceField(label="转化方式", choices=[("", "请选择"), *ConversionKind.choices])
    counterparty = forms.CharField(label="受让方 / 被许可方", max_length=200)
    signed_on = DateField(label="合同签订日期")
    amount = forms.CharField(label="合同金额（元，可不填）", required=False, max_length=20)
    registration_number = forms.CharField(label="技术合同登记号（可不填）", required=False, max_length=64)
    contract_file = forms.FileField(label="转化合同（PDF、PNG 或 JPEG，不超过 10 MB）", required=False)
    certificate_file = forms.FileField(label="技术合同认定登记证明（可不传）", required=False)
    note = ReasonField(label="说明（可不填）", required=False)
