from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from usefirst.accounts.models import Organisation, OrganisationKind, OrganisationStatus
from usefirst.catalog.models import Achievement

from .models import FOLLOW_ON_KINDS, ContractKind, DevelopmentKind, Exclusivity, Mode

DATE = forms.DateInput(attrs={"type": "date"})


class DraftForm(forms.Form):
    kind = forms.ChoiceField(label="合同类型", choices=ContractKind.choices, initial=ContractKind.FREE_USE_LICENCE)
    mode = forms.ChoiceField(label="模式", choices=[("", "—"), *Mode.choices], required=False, initial=Mode.PAY_LATER)
    licensor = forms.ModelChoiceField(label="许可方（成果单位）", queryset=Organisation.objects.none())
    licensee_credit_code = forms.CharField(label="被许可方统一社会信用代码", max_length=18)
    agency_credit_code = forms.CharField(
        label="技术转移服务机构统一社会信用代码（可选，须双方确认）", max_length=18, required=False
    )
    achievement = forms.ModelChoiceField(label="科技成果", queryset=Achievement.objects.none())
    more_achievements = forms.CharField(
        label="其他成果及价款份额（可选，每行“成果编号 份额%”；主成果份额为 100 减其余之和）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    scope = forms.CharField(label="许可范围", widget=forms.Textarea(attrs={"rows": 3}), max_length=3000)
    field_of_use = forms.CharField(label="实施领域", max_length=200, required=False)
    territory = forms.CharField(label="实施地域", max_length=200, required=False, initial="广东省")
    exclusivity = forms.ChoiceField(label="许可方式", choices=Exclusivity.choices, initial=Exclusivity.NON_EXCLUSIVE)
    free_use_start = forms.DateField(label="免费使用期起始日（含）", required=False, widget=DATE)
    free_use_end = forms.DateField(label="免费使用期届满日（含）", required=False, widget=DATE)
    term_end = forms.DateField(label="预先协议期限届满日（含）", required=False, widget=DATE)
    development_kind = forms.ChoiceField(label="开发方式", choices=[("", "—"), *DevelopmentKind.choices], required=False)
    price = forms.DecimalField(label="合同金额（元）", required=False, max_digits=14, decimal_places=2, min_value=Decimal("0"))
    payment_terms = forms.CharField(label="付费条件", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=3000)
    extra_terms = forms.CharField(label="其他约定", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000)

    def __init__(self, *args: Any, organisations: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["licensor"].queryset = Organisation.objects.filter(pk__in=organisations)  # type: ignore[attr-defined]
        self.fields["achievement"].queryset = Achievement.objects.filter(owner_id__in=organisations)  # type: ignore[attr-defined]

    def clean_licensee_credit_code(self) -> Organisation:
        code = self.cleaned_data["licensee_credit_code"].strip().upper()
        org = Organisation.objects.filter(credit_code=code, status=OrganisationStatus.ACTIVE).first()
        if org is None:
            raise forms.ValidationError("平台上没有该统一社会信用代码的有效机构")
        return org

    def clean_agency_credit_code(self) -> Organisation | None:
        code = (self.cleaned_data.get("agency_credit_code") or "").strip().upper()
        if not code:
            return None
        org = Organisation.objects.filter(credit_code=code, kind=OrganisationKind.AGENCY).first()
        if org is None:
            raise forms.ValidationError("平台上没有该统一社会信用代码的技术转移服务机构")
        return org

    def clean_more_achievements(self) -> list[tuple[int, Decimal]]:
        rows: list[tuple[int, Decimal]] = []
        for line in (self.cleaned_data.get("more_achievements") or "").splitlines():
            parts = line.replace("%", " ").split()
            if not parts:
                continue
            try:
                rows.append((int(parts[0]), Decimal(parts[1])))
            except (IndexError, ValueError, ArithmeticError) as exc:
                raise forms.ValidationError("每行应为“成果编号 份额%”，如：12 40%") from exc
        return rows


class SignForm(forms.Form):
    password = forms.CharField(label="请重新输入登录密码以确认签署", widget=forms.PasswordInput, max_length=256)
    party = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(label="后续合同类型", choices=[(k.value, k.label) for k in FOLLOW_ON_KINDS])
    achievement = forms.IntegerField(label="成果编号")
    development_kind = forms.ChoiceField(label="开发方式", choices=[("", "—"), *DevelopmentKind.choices], required=False)
    price = forms.DecimalField(label="拟定金额（元）", required=False, max_digits=14, decimal_places=2, min_value=Decimal("0"))
    terms = forms.CharField(
        label="主要条件（付款计划等）", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=3000
    )


class EndForm(forms.Form):
    reason = forms.CharField(label="终止理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class VerifyForm(forms.Form):
    file = forms.FileField(label="合同 PDF 文件")


class TemplateForm(forms.Form):
    kind = forms.ChoiceField(label="合同类型", choices=ContractKind.choices)
    mode = forms.ChoiceField(label="模式（仅免费使用许可）", choices=[("", "—"), *Mode.choices], required=False)
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(label="正文（可使用占位符）", widget=forms.Textarea(attrs={"rows": 20}))
