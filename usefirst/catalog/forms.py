"""Forms of the catalog pages: they parse input into service data; rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from usefirst.accounts.models import Organisation, Person
from usefirst.core.errors import DomainError
from usefirst.core.regions import CITY_CHOICES, OUTSIDE_PROVINCE

from .choices import CooperationForm, IpKind, IpLegalStatus, ProjectCategory, RestrictionReason
from .models import Demand, TechField
from .services.achievements import AchievementData, InventorData, IpItemData
from .services.demands import DemandData


def listed_people(unit: Organisation) -> QuerySet[Person]:
    """People the unit has listed with notice and consent: the only possible inventors."""
    return (
        Person.objects.filter(unit_listings__unit=unit, unit_listings__consent_at__isnull=False)
        .distinct()
        .order_by("full_name", "pk")
    )


class FieldChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj) if obj.parent_id else f"{obj.name}（大类）"


class DateInput(forms.DateInput):
    input_type = "date"


def apply_domain_error(form: forms.Form, exc: DomainError, *, aliases: dict[str, str] | None = None) -> None:
    """Show a service's refusal on the form, next to the field it concerns where possible."""
    aliases = aliases or {}
    if not exc.field_errors:
        form.add_error(None, exc.detail)
        return
    for name, messages in exc.field_errors.items():
        target = aliases.get(name, name)
        for message in messages:
            form.add_error(target if target in form.fields else None, message)


class AchievementForm(forms.Form):
    title = forms.CharField(label="成果名称", max_length=200)
    summary = forms.CharField(label="成果简介", max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    problem_solved = forms.CharField(
        label="解决的问题", max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    advantages = forms.CharField(
        label="相对现有技术的优势", max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    field = FieldChoice(
        label="技术领域", queryset=TechField.objects.select_related("parent").order_by("code"), empty_label="请选择技术领域"
    )
    discipline = forms.CharField(label="学科", max_length=64, required=False)
    keywords = forms.CharField(
        label="关键词", max_length=400, required=False, help_text="多个关键词用逗号、顿号或空格分隔，最多 10 个"
    )
    trl = forms.IntegerField(label="技术成熟度（TRL）", min_value=1, max_value=9, help_text="1–9 级")
    offers_pay_later = forms.BooleanField(label="先使用后付费", required=False)
    offers_cooperate_later = forms.BooleanField(label="先使用后合作", required=False)
    offers_open_licence = forms.BooleanField(label="专利开放许可", required=False)
    free_use_months = forms.IntegerField(label="拟免费使用期（月）", min_value=1, max_value=60, required=False)
    indicative_terms = forms.CharField(
        label="意向条件", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    plan_project_number = forms.CharField(label="省级科技计划项目编号", max_length=64, required=False)
    plan_project_category = forms.ChoiceField(
        label="项目类别", choices=[("", "不适用"), *ProjectCategory.choices], required=False
    )
    acceptance_date = forms.DateField(label="项目验收日期", required=False, widget=DateInput)
    provincial_funding = forms.BooleanField(label="由省级财政科技资金支持形成", required=False)
    restriction = forms.ChoiceField(label="涉密或限制情形", choices=RestrictionReason.choices, required=False)

    @classmethod
    def initial_from(cls, data: AchievementData) -> dict[str, Any]:
        initial = {name: getattr(data, name) for name in cls.base_fields if hasattr(data, name)}
        initial["field"] = data.field_id
        keywords = data.keywords
        initial["keywords"] = keywords if isinstance(keywords, str) else "，".join(keywords)
        return initial


class IpItemForm(forms.Form):
    kind = forms.ChoiceField(label="知识产权类型", choices=[("", "—"), *IpKind.choices], required=False)
    number = forms.CharField(label="号码", max_length=64, required=False, help_text="专利申请号如 202310123456.6")
    title = forms.CharField(label="名称", max_length=200, required=False)
    legal_status = forms.ChoiceField(label="法律状态", choices=IpLegalStatus.choices, initial=IpLegalStatus.PENDING)

    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not (data.get("kind") or data.get("number") or data.get("title"))


class InventorForm(forms.Form):
    person = forms.ModelChoiceField(label="成果完成人", queryset=Person.objects.none(), required=False, empty_label="请选择")
    share = forms.DecimalField(label="贡献份额（%）", max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False)
    is_leader = forms.BooleanField(label="项目负责人", required=False)

    def __init__(self, *args: Any, unit: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = listed_people(unit)  # type: ignore[attr-defined]
        self.fields["person"].label_from_instance = lambda p: p.full_name  # type: ignore[attr-defined]


IpItemFormSet = forms.formset_factory(IpItemForm, extra=2, max_num=50)
InventorFormSet = forms.formset_factory(InventorForm, extra=2, max_num=50)


def achievement_data_from(form: AchievementForm, ip_formset: Any, inventor_formset: Any) -> AchievementData:
    data = form.cleaned_data
    ip_items = [
        IpItemData(
            kind=f.cleaned_data.get("kind") or "",
            number=f.cleaned_data.get("number") or "",
            title=f.cleaned_data.get("title") or "",
            legal_status=f.cleaned_data.get("legal_status") or IpLegalStatus.PENDING,
        )
        for f in ip_formset.forms
        if f.cleaned_data and not f.is_blank()
    ]
    inventors = [
        InventorData(
            person_id=f.cleaned_data["person"].pk,
            share=f.cleaned_data.get("share") if f.cleaned_data.get("share") is not None else "",
            is_leader=bool(f.cleaned_data.get("is_leader")),
        )
        for f in inventor_formset.forms
        if f.cleaned_data and f.cleaned_data.get("person")
    ]
    return AchievementData(
        title=data["title"],
        summary=data["summary"],
        problem_solved=data["problem_solved"],
        advantages=data["advantages"],
        field_id=data["field"].pk,
        discipline=data["discipline"],
        keywords=data["keywords"],
        trl=data["trl"],
        offers_pay_later=data["offers_pay_later"],
        offers_cooperate_later=data["offers_cooperate_later"],
        offers_open_licence=data["offers_open_licence"],
        free_use_months=data["free_use_months"],
        indicative_terms=data["indicative_terms"],
        plan_project_number=data["plan_project_number"],
        plan_project_category=data["plan_project_category"],
        acceptance_date=data["acceptance_date"],
        provincial_funding=data["provincial_funding"],
        restriction=data["restriction"] or "",
        ip_items=ip_items,
        inventors=inventors,
    )


class DemandForm(forms.Form):
    title = forms.CharField(label="需求名称", max_length=200)
    description = forms.CharField(label="需求描述", max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    field = FieldChoice(
        label="技术领域", queryset=TechField.objects.select_related("parent").order_by("code"), empty_label="请选择技术领域"
    )
    keywords = forms.CharField(label="关键词", max_length=400, required=False, help_text="多个关键词用逗号、顿号或空格分隔")
    budget_min = forms.DecimalField(label="预算下限（元）", max_digits=14, decimal_places=2, min_value=0, required=False)
    budget_max = forms.DecimalField(label="预算上限（元）", max_digits=14, decimal_places=2, min_value=0, required=False)
    cooperation_forms = forms.MultipleChoiceField(
        label="期望合作方式", choices=CooperationForm.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    deadline = forms.DateField(label="截止日期", widget=DateInput)
    city = forms.ChoiceField(label="所在地市", choices=[*CITY_CHOICES, (OUTSIDE_PROVINCE, OUTSIDE_PROVINCE)])
    county = forms.CharField(label="所在区县", max_length=32, required=False)

    @classmethod
    def initial_from(cls, demand: Demand) -> dict[str, Any]:
        initial = {name: getattr(demand, name) for name in cls.base_fields if hasattr(demand, name)}
        initial["field"] = demand.field_id
        initial["keywords"] = "，".join(demand.keywords)
        return initial

    def to_data(self) -> DemandData:
        data = self.cleaned_data
        return DemandData(
            title=data["title"],
            description=data["description"],
            field_id=data["field"].pk,
            keywords=data["keywords"],
            budget_min=data["budget_min"],
            budget_max=data["budget_max"],
            cooperation_forms=list(data["cooperation_forms"]),
            deadline=data["deadline"],
            city=data["city"],
            county=data["county"],
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AttachmentForm(forms.Form):
    file = forms.FileField(label="附件（PDF、PNG 或 JPEG）")
