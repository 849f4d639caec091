from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q

from usefirst.accounts.models import Organisation, OrganisationKind, OrganisationStatus, Person
from usefirst.catalog.models import Achievement, AchievementInventor

from . import selectors
from .models import FOLLOW_ON_KINDS, Contract, ContractKind, DevelopmentKind, Exclusivity, InventorGrant, Mode

DATE = forms.DateInput(attrs={"type": "date"})


class DraftForm(forms.Form):
    kind = forms.ChoiceField(label="合同类型", choices=ContractKind.choices, initial=ContractKind.FREE_USE_LICENCE)
    mode = forms.ChoiceField(label="模式", choices=[("", "—"), *Mode.choices], required=False, initial=Mode.PAY_LATER)
    licensor = forms.ModelChoiceField(
        label="许可方（成果单位；成果完成人作为许可方时不填）", queryset=Organisation.objects.none(), required=False
    )
    preliminary_agreement = forms.ModelChoiceField(
        label="依据的简约程序预先协议（成果完成人作为许可方时选择）", queryset=Contract.objects.none(), required=False
    )
    licensor_person = forms.ModelChoiceField(
        label="作为许可方的成果完成人（须为该预先协议的一方）", queryset=Person.objects.none(), required=False
    )
    inventors = forms.ModelMultipleChoiceField(
        label="订立预先协议的成果完成人（仅预先协议）", queryset=Person.objects.none(), required=False
    )
    licensee_credit_code = forms.CharField(label="被许可方统一社会信用代码（预先协议不填）", max_length=18, required=False)
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
    inventor_grant = forms.ChoiceField(
        label="对成果完成人的赋权（仅先使用后合作；赋予所有权或长期使用权时，成果完成人收益不低于 70%）",
        choices=InventorGrant.choices,
        initial=InventorGrant.NONE,
    )
    free_use_start = forms.DateField(label="免费使用期起始日（含）", required=False, widget=DATE)
    free_use_end = forms.DateField(
        label="免费使用期届满日（含）",
        required=False,
        widget=DATE,
        help_text="合同明确载明届满日的填写此项；留空则按下方期限依民法典第201—204条计算（期间最后一日为法定节假日的顺延至次一工作日），计算结果在签署前显示于合同",
    )
    free_use_term = forms.IntegerField(label="免费使用期限", required=False, min_value=1, max_value=3650)
    free_use_term_unit = forms.ChoiceField(
        label="期限单位", choices=[("month", "个月"), ("year", "年"), ("day", "日")], initial="month", required=False
    )
    term_end = forms.DateField(label="预先协议期限届满日（含）", required=False, widget=DATE)
    development_kind = forms.ChoiceField(label="开发方式", choices=[("", "—"), *DevelopmentKind.choices], required=False)
    price = forms.DecimalField(label="合同金额（元）", required=False, max_digits=14, decimal_places=2, min_value=Decimal("0"))
    payment_terms = forms.CharField(label="付费条件", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=3000)
    extra_terms = forms.CharField(label="其他约定", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000)

    def __init__(self, *args: Any, organisations: list[int], user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agreements = selectors.preliminary_agreements_for(user) if user is not None else Contract.objects.none()
        in_agreements = Q(contract_links__contract__in=agreements)
        self.fields["licensor"].queryset = Organisation.objects.filter(pk__in=organisations)  # type: ignore[attr-defined]
        self.fields["achievement"].queryset = Achievement.objects.filter(  # type: ignore[attr-defined]
            Q(owner_id__in=organisations) | in_agreements
        ).distinct()
        self.fields["preliminary_agreement"].queryset = agreements  # type: ignore[attr-defined]
        self.fields["preliminary_agreement"].label_from_instance = (  # type: ignore[attr-defined]
            lambda c: (
                f"{c.number} {c.title}（{c.get_status_display()}，期限至 {c.term_end:%Y-%m-%d}）"
                if c.term_end
                else f"{c.number} {c.title}（{c.get_status_display()}）"
            )
        )
        self.fields["licensor_person"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
            pk__in=selectors.agreement_inventor_ids(agreements)
        )
        self.fields["inventors"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
            pk__in=AchievementInventor.objects.filter(achievement__owner_id__in=organisations).values("person_id")
        )
        person = getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None
        self.actor_person = person

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        is_agreement = data.get("kind") == ContractKind.PRELIMINARY_AGREEMENT
        if not is_agreement and data.get("licensee_credit_code") is None and "licensee_credit_code" not in self.errors:
            self.add_error("licensee_credit_code", "请填写被许可方（企业）的统一社会信用代码")
        agreement = data.get("preliminary_agreement")
        if agreement is not None and data.get("kind") != ContractKind.PRELIMINARY_AGREEMENT:
            if data.get("licensor_person") is None and self.actor_person is not None:
                data["licensor_person"] = self.actor_person
            if data.get("licensor_person") is None:
                self.add_error("licensor_person", "请选择作为许可方的成果完成人")
        elif data.get("licensor") is None and "licensor" not in self.errors:
            self.add_error("licensor", "请选择许可方（成果单位），或选择预先协议由成果完成人作为许可方")
        return data

    def clean_licensee_credit_code(self) -> Organisation | None:
        code = (self.cleaned_data.get("licensee_credit_code") or "").strip().upper()
        if not code:
            return None
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


class OpenLicenceForm(forms.Form):
    announcement_number = forms.CharField(label="开放许可公告号（国家知识产权局）", max_length=64)
    announced_on = forms.DateField(label="公告日", widget=DATE)
    fee_terms = forms.CharField(
        label="许可使用费及支付方式等条件（以公告为准）", widget=forms.Textarea(attrs={"rows": 3}), max_length=3000
    )
    valid_until = forms.DateField(label="开放许可期限届满日（含；公告未载明期限的不填）", required=False, widget=DATE)


class OpenLicenceWithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label="撤回生效日", widget=DATE)
    reason = forms.CharField(label="撤回说明（如撤回公告号）", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class TakeUpForm(forms.Form):
    licensee_credit_code = forms.CharField(label="实施方（企业）统一社会信用代码", max_length=18)
    scope = forms.CharField(label="实施范围", widget=forms.Textarea(attrs={"rows": 2}), max_length=3000, required=False)
    extra_terms = forms.CharField(
        label="书面通知及付费情况等其他说明", widget=forms.Textarea(attrs={"rows": 2}), max_length=5000, required=False
    )

    def clean_licensee_credit_code(self) -> Organisation:
        code = self.cleaned_data["licensee_credit_code"].strip().upper()
        org = Organisation.objects.filter(credit_code=code, status=OrganisationStatus.ACTIVE).first()
        if org is None:
            raise forms.ValidationError("平台上没有该统一社会信用代码的有效机构")
        return org
