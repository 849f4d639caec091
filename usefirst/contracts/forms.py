from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from usefirst.accounts.models import Organisation, OrganisationKind, OrganisationStatus, Person
from usefirst.catalog.choices import USE_FIRST_MODE_CHOICES, AchievementStatus, Mode
from usefirst.catalog.models import Achievement, AchievementInventor
from usefirst.core.actors import Actor
from usefirst.core.forms import DateInput
from usefirst.core.text import ReasonField

from . import selectors
from .models import (
    FOLLOW_ON_KINDS,
    Contract,
    ContractKind,
    DevelopmentKind,
    Exclusivity,
    InventorGrant,
    OpenLicence,
)

DATE = DateInput()


# ---------------------------------------------------------------- drafting, step by step
#
# Each step's form checks only what a form can (a value of the right type, one of the offered
# choices); the contract rules stay in services.contract_draft, whose field errors the view maps
# back to the step that owns the field.

KIND_EXPLANATIONS: dict[str, str] = {
    ContractKind.FREE_USE_LICENCE: "先用后转的第一步：企业在约定期限内免费使用成果，期满后付费或商定下一步合作。",
    ContractKind.LICENCE: "正式许可：成果单位许可企业在约定范围内实施成果，企业按约定支付许可费。",
    ContractKind.TRANSFER: "转让：成果单位把成果的权利转让给企业并协助办理变更登记，企业支付转让价款。",
    ContractKind.DEVELOPMENT: "技术开发：委托开发或合作开发新的技术，约定开发内容、经费和成果归属。",
    ContractKind.EQUITY: "作价投资：成果单位以成果作价向企业出资、取得股权，不收取现金。",
    ContractKind.PRELIMINARY_AGREEMENT: "简约程序预先协议：成果单位与成果完成人约定，在协议期限内由成果完成人自行转化成果。",
    ContractKind.OPEN_LICENCE_RECORD: "专利开放许可实施：企业按国家知识产权局公告的开放许可条件实施专利，在平台登记。",
}
MODE_EXPLANATIONS: dict[str, str] = {
    Mode.PAY_LATER: "免费使用期满后，按约定分期、延期、提成或里程碑等方式付费，订立正式许可或转让合同。",
    Mode.COOPERATE_LATER: "免费使用期满后，视实施情况商定转让、许可、技术开发或作价投资等下一阶段合作。",
}
TERM_UNIT_CHOICES = [("month", "个月"), ("year", "年"), ("day", "日")]


class NamedErrorsForm(forms.Form):
    """Every message names its field, so the error summary at the top of a step reads on its own."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.name_errors()

    def name_errors(self) -> None:
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField) and not isinstance(field, forms.ModelMultipleChoiceField):
                field.empty_label = "请选择"
            name = f"“{field.label}”"
            choose = isinstance(field, forms.ChoiceField)
            field.error_messages["required"] = f"请{'选择' if choose else '填写'}{name}"
            if isinstance(field, forms.DateField):
                field.error_messages["invalid"] = f"{name}应为有效日期，如 2026-03-01"
            elif isinstance(field, forms.DecimalField):
                field.error_messages.update(
                    invalid=f"{name}应为金额数字（元）",
                    max_decimal_places=f"{name}最多两位小数（分）",
                    min_value=f"{name}不能为负数",
                )
            elif isinstance(field, forms.IntegerField):
                field.error_messages.update(
                    invalid=f"{name}应为整数",
                    min_value=f"{name}至少为 %(limit_value)s",
                    max_value=f"{name}最多为 %(limit_value)s",
                )
            elif isinstance(field, forms.CharField):
                field.error_messages["max_length"] = f"{name}最多 %(limit_value)d 字（现有 %(show_value)d 字）"
            elif choose:
                field.error_messages["invalid_choice"] = f"{name}的取值无效，请从列出的选项中选择"
                field.error_messages["invalid_pk_value"] = f"{name}的取值无效，请从列出的选项中选择"


class OfferedAchievementField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """An achievement among those offered; anything else (a crafted form) is refused saying why,
    without telling an outsider anything about another unit's achievement."""

    def __init__(self, *args: Any, own_ids: set[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.own_ids: set[int] = own_ids or set()

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except forms.ValidationError:
            raise forms.ValidationError(refusal_of(value, self.own_ids), code="invalid_choice") from None


def refusal_of(value: Any, own_ids: set[int]) -> str:
    achievement = Achievement.objects.filter(pk=value).first() if str(value).isdigit() else None
    if achievement is None or achievement.owner_id not in own_ids:
        return "所选成果不是本单位的成果（或不在预先协议范围内），不能为其起草合同"
    if achievement.is_restricted:
        return f"成果“{achievement.title}”属于涉密或限制情形，不能在平台订立合同"
    if achievement.status != AchievementStatus.PUBLISHED:
        return f"成果“{achievement.title}”尚未发布（当前状态：{achievement.get_status_display()}），只有已发布的成果可以起草合同"
    return f"成果“{achievement.title}”不能用于起草合同"


class KindStep(NamedErrorsForm):
    """Step 1: the kind of contract and the achievement."""

    kind = forms.ChoiceField(label="合同类型", choices=ContractKind.choices, widget=forms.RadioSelect)
    mode = forms.ChoiceField(
        label="转化模式",
        choices=USE_FIRST_MODE_CHOICES,
        widget=forms.RadioSelect,
        required=False,
        help_text="仅免费使用许可合同选择",
    )
    achievement = OfferedAchievementField(label="科技成果", queryset=Achievement.objects.none())
    more_achievements = forms.CharField(
        label="其他成果及价款份额",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="可选。一份合同涉及多项成果时，每行填写“成果编号 份额%”，如“12 40%”；上面所选成果的份额为 100 减其余之和",
    )

    def __init__(self, *args: Any, offered: QuerySet[Achievement], own_ids: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["achievement"]
        assert isinstance(field, OfferedAchievementField)
        field.queryset = offered
        field.own_ids = own_ids
        field.label_from_instance = lambda a: f"{a.title}（编号 {a.pk}，{a.owner.name}）"  # type: ignore[method-assign,assignment]
        self.offered = offered
        self.own_ids = own_ids

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ContractKind.FREE_USE_LICENCE and not data.get("mode"):
            self.add_error("mode", "免费使用许可合同请选择“转化模式”：先使用后付费或先使用后合作")
        elif data.get("kind") and data.get("kind") != ContractKind.FREE_USE_LICENCE:
            data["mode"] = ""
        return data

    def clean_more_achievements(self) -> list[tuple[int, Decimal]]:
        rows: list[tuple[int, Decimal]] = []
        for line in (self.cleaned_data.get("more_achievements") or "").splitlines():
            parts = line.replace("%", " ").split()
            if not parts:
                continue
            try:
                rows.append((int(parts[0]), Decimal(parts[1])))
            except (IndexError, ValueError, ArithmeticError) as exc:
                raise forms.ValidationError("“其他成果及价款份额”每行应为“成果编号 份额%”，如：12 40%") from exc
        offered = set(self.offered.filter(pk__in=[pk for pk, _ in rows]).values_list("pk", flat=True))
        for pk, _share in rows:
            if pk not in offered:
                raise forms.ValidationError(f"“其他成果及价款份额”中编号 {pk}：{refusal_of(pk, self.own_ids)}")
        return rows


# Which terms each kind states (its standard text's placeholders), and what it calls them.
TERMS_BY_KIND: dict[str, tuple[str, ...]] = {
    ContractKind.FREE_USE_LICENCE: (
        "scope", "field_of_use", "territory", "exclusivity", "free_use_start", "free_use_term", "free_use_term_unit",
        "free_use_end", "payment_terms", "extra_terms",
    ),
    ContractKind.LICENCE: ("scope", "field_of_use", "territory", "exclusivity", "price", "payment_terms", "extra_terms"),
    ContractKind.TRANSFER: ("price", "payment_terms", "extra_terms"),
    ContractKind.DEVELOPMENT: ("development_kind", "scope", "price", "payment_terms", "extra_terms"),
    ContractKind.EQUITY: ("price", "payment_terms", "extra_terms"),
    ContractKind.PRELIMINARY_AGREEMENT: ("term_end", "extra_terms"),
    ContractKind.OPEN_LICENCE_RECORD: ("open_licence", "scope", "extra_terms"),
}  # fmt: skip
TERM_LABELS: dict[tuple[str, str], str] = {
    (ContractKind.TRANSFER, "price"): "转让价款（元）",
    (ContractKind.DEVELOPMENT, "price"): "研究开发经费总额（元）",
    (ContractKind.EQUITY, "price"): "成果作价金额（元）",
    (ContractKind.EQUITY, "payment_terms"): "股权比例及登记安排",
    (ContractKind.DEVELOPMENT, "scope"): "开发内容与技术指标",
    (ContractKind.OPEN_LICENCE_RECORD, "scope"): "实施范围",
    (ContractKind.FREE_USE_LICENCE, "payment_terms"): "免费使用期满后的付费条件",
}


class TermsStep(NamedErrorsForm):
    """Step 2: the terms the chosen kind states, and no others."""

    scope = forms.CharField(label="许可范围", widget=forms.Textarea(attrs={"rows": 3}), max_length=3000)
    field_of_use = forms.CharField(label="实施领域", max_length=200, required=False, help_text="留空为不限")
    territory = forms.CharField(label="实施地域", max_length=200, required=False, initial="广东省")
    exclusivity = forms.ChoiceField(label="许可方式", choices=Exclusivity.choices, initial=Exclusivity.NON_EXCLUSIVE)
    free_use_start = forms.DateField(label="免费使用期起始日（含）", widget=DATE)
    free_use_term = forms.IntegerField(
        label="免费使用期限", required=False, min_value=1, max_value=3650, help_text="与期限单位一起填写；届满日按期限计算"
    )
    free_use_term_unit = forms.ChoiceField(label="期限单位", choices=TERM_UNIT_CHOICES, initial="month", required=False)
    free_use_end = forms.DateField(
        label="免费使用期届满日（含）",
        required=False,
        widget=DATE,
        help_text="合同明确载明届满日的填写此项；留空则按期限依民法典第二百零一条至第二百零四条计算"
        "（期间最后一日为法定节假日的顺延至次一工作日），计算结果在下一步核对时显示",
    )
    term_end = forms.DateField(label="预先协议期限届满日（含）", widget=DATE)
    development_kind = forms.ChoiceField(label="开发方式", choices=DevelopmentKind.choices, widget=forms.RadioSelect)
    open_licence = forms.ModelChoiceField(label="所实施的开放许可", queryset=OpenLicence.objects.none())
    price = forms.DecimalField(label="合同价款（元）", max_digits=14, decimal_places=2, min_value=Decimal("0"))
    payment_terms = forms.CharField(
        label="支付方式说明",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=3000,
        help_text="如分期、延期、收益提成、里程碑或一次性支付；合同签订后在付款计划中逐项登记",
    )
    extra_terms = forms.CharField(label="其他约定", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000)

    def __init__(self, *args: Any, kind: str, mode: str, open_licences: QuerySet[OpenLicence], **kwargs: Any) -> None:
        wanted = TERMS_BY_KIND.get(kind, ())
        if kind == ContractKind.FREE_USE_LICENCE and mode == Mode.COOPERATE_LATER:
            wanted = tuple(name for name in wanted if name != "payment_terms")  # the next stage is agreed later
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
            elif (kind, name) in TERM_LABELS:
                self.fields[name].label = TERM_LABELS[(kind, name)]
        if "open_licence" in self.fields:
            field = self.fields["open_licence"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = open_licences
            field.label_from_instance = lambda r: f"公告号 {r.announcement_number}（{r.announced_on:%Y-%m-%d} 公告）"  # type: ignore[method-assign,assignment]
        self.name_errors()  # some labels changed with the kind
        if "open_licence" in self.fields:
            self.fields["open_licence"].error_messages["invalid_choice"] = "“所实施的开放许可”须是该成果现行有效的开放许可"


class PartiesStep(NamedErrorsForm):
    """Step 3: who signs, and the achievement's inventors (only they are offered)."""

    licensor = forms.ModelChoiceField(label="许可方（成果单位）", queryset=Organisation.objects.none(), required=False)
    preliminary_agreement = forms.ModelChoiceField(
        label="依据的简约程序预先协议", queryset=Contract.objects.none(), required=False,
        help_text="成果完成人作为许可方时选择；成果单位作为许可方时不选",
    )  # fmt: skip
    licensor_person = forms.ModelChoiceField(
        label="作为许可方的成果完成人", queryset=Person.objects.none(), required=False,
        help_text="须是该成果的完成人，并是所选预先协议的一方",
    )  # fmt: skip
    inventors = forms.ModelMultipleChoiceField(
        label="订立预先协议的成果完成人", queryset=Person.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    licensee_credit_code = forms.CharField(label="被许可方（企业）统一社会信用代码", max_length=18)
    agency_credit_code = forms.CharField(
        label="技术转移服务机构统一社会信用代码", max_length=18, required=False, help_text="可选，须经双方确认"
    )
    inventor_grant = forms.ChoiceField(
        label="对成果完成人的赋权",
        choices=InventorGrant.choices,
        initial=InventorGrant.NONE,
        widget=forms.RadioSelect,
        help_text="赋予所有权或长期使用权时，成果完成人获得的收益或所有权份额不低于 70%",
    )
    engagement_reason = forms.CharField(
        label="另起合同的理由", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )

    def __init__(
        self,
        *args: Any,
        kind: str,
        mode: str,
        organisations: list[int],
        agreements: QuerySet[Contract],
        achievement_ids: list[int],
        user: Actor,
        another_contract: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        inventors = Person.objects.filter(
            pk__in=AchievementInventor.objects.filter(achievement_id__in=achievement_ids).values("person_id")
        ).order_by("pk")
        owners = Achievement.objects.filter(pk__in=achievement_ids).values("owner_id")
        fields = self.fields
        fields["licensor"].queryset = Organisation.objects.filter(pk__in=organisations).filter(pk__in=owners)  # type: ignore[attr-defined]
        fields["licensor"].error_messages["invalid_choice"] = "“许可方（成果单位）”须是所选成果的所有单位"
        licensors = list(fields["licensor"].queryset.values_list("pk", flat=True)[:2])  # type: ignore[attr-defined]
        if len(licensors) == 1 and not agreements.exists():
            fields["licensor"].initial = licensors[0]  # the only unit that may license it
        fields["inventors"].queryset = inventors  # type: ignore[attr-defined]
        fields["inventors"].error_messages["invalid_choice"] = (
            "“订立预先协议的成果完成人”只能从该成果的完成人中选择；所提交的人员不是该成果的完成人"
        )
        if kind == ContractKind.PRELIMINARY_AGREEMENT:
            for name in ("preliminary_agreement", "licensor_person", "licensee_credit_code", "agency_credit_code"):
                del fields[name]
        else:
            del fields["inventors"]
            if agreements.exists():
                fields["preliminary_agreement"].queryset = agreements  # type: ignore[attr-defined]
                fields["preliminary_agreement"].label_from_instance = (  # type: ignore[attr-defined]
                    lambda c: (
                        f"{c.number} {c.title}（{c.get_status_display()}"
                        + (f"，期限至 {c.term_end:%Y-%m-%d}）" if c.term_end else "）")
                    )
                )
                fields["licensor_person"].queryset = inventors.filter(pk__in=selectors.agreement_inventor_ids(agreements))  # type: ignore[attr-defined]
                fields["licensor_person"].error_messages["invalid_choice"] = (
                    "“作为许可方的成果完成人”须是该成果的完成人，并是所选预先协议的一方"
                )
            else:
                del fields["preliminary_agreement"], fields["licensor_person"]
        if not (kind == ContractKind.FREE_USE_LICENCE and mode == Mode.COOPERATE_LATER):
            del fields["inventor_grant"]
        if not another_contract:
            del fields["engagement_reason"]
        person = getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None
        self.actor_person = person

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        agreement = data.get("preliminary_agreement")
        if agreement is not None:
            offered = self.fields["licensor_person"].queryset  # type: ignore[attr-defined]
            if data.get("licensor_person") is None and self.actor_person is not None and self.actor_person in offered:
                data["licensor_person"] = self.actor_person
            if data.get("licensor_person") is None and "licensor_person" not in self.errors:
                self.add_error("licensor_person", "请选择“作为许可方的成果完成人”")
        elif data.get("licensor") is None and "licensor" not in self.errors:
            message = "请选择“许可方（成果单位）”" + (
                "，或选择预先协议由成果完成人作为许可方" if "preliminary_agreement" in self.fields else ""
            )
            self.add_error("licensor", message)
        return data

    def clean_licensee_credit_code(self) -> Organisation | None:
        code = (self.cleaned_data.get("licensee_credit_code") or "").strip().upper()
        org = Organisation.objects.filter(credit_code=code, status=OrganisationStatus.ACTIVE).first()
        if org is None:
            raise forms.ValidationError("“被许可方（企业）统一社会信用代码”：平台上没有该代码的有效机构")
        return org

    def clean_agency_credit_code(self) -> Organisation | None:
        code = (self.cleaned_data.get("agency_credit_code") or "").strip().upper()
        if not code:
            return None
        org = Organisation.objects.filter(credit_code=code, kind=OrganisationKind.AGENCY).first()
        if org is None:
            raise forms.ValidationError("“技术转移服务机构统一社会信用代码”：平台上没有该代码的技术转移服务机构")
        return org


class SignForm(forms.Form):
    password = forms.CharField(label="请重新输入登录密码以确认签署", widget=forms.PasswordInput, max_length=256)
    otp = forms.CharField(
        label="动态口令（身份验证器上显示的 6 位数字）",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}", "maxlength": "6"}
        ),
    )
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
    reason = ReasonField(label="终止理由", rows=2)


class VerifyForm(forms.Form):
    file = forms.FileField(label="合同 PDF 文件")


class TemplateForm(forms.Form):
    kind = forms.ChoiceField(label="合同类型", choices=ContractKind.choices)
    mode = forms.ChoiceField(label="模式（仅免费使用许可）", choices=[("", "—"), *USE_FIRST_MODE_CHOICES], required=False)
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
    reason = ReasonField(label="撤回说明（如撤回公告号）", rows=2)


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
