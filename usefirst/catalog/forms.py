"""Forms of the catalog pages: they parse input into service data; rules live in the services."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.db.models import QuerySet

from usefirst.accounts.models import Organisation, Person
from usefirst.core.errors import DomainError
from usefirst.core.forms import DateInput
from usefirst.core.refusals import apply_to_form
from usefirst.core.regions import CITY_CHOICES, OUTSIDE_PROVINCE
from usefirst.core.text import ReasonField

from .choices import (
    MODE_EXPLANATIONS,
    CooperationForm,
    IpKind,
    IpLegalStatus,
    Mode,
    ProjectCategory,
    RestrictionReason,
    Trl,
)
from .models import Demand, TechField
from .services.achievements import (
    MAX_INVENTORS,
    MAX_IP_ITEMS,
    AchievementData,
    AchievementInvalid,
    InventorData,
    IpItemData,
)
from .services.attachments import MAX_ATTACHMENTS, Upload, attachment_check
from .services.demands import DemandData


def listed_people(unit: Organisation) -> QuerySet[Person]:
    """People the unit has listed with notice and consent: the only possible inventors."""
    return (
        Person.objects.filter(unit_listings__unit=unit, unit_listings__consent_at__isnull=False)
        .distinct()
        .order_by("full_name", "pk")
    )


if TYPE_CHECKING:
    _ModelChoiceField = forms.ModelChoiceField[TechField]
else:
    _ModelChoiceField = forms.ModelChoiceField


class FieldChoice(_ModelChoiceField):
    def label_from_instance(self, obj: TechField) -> str:
        return str(obj) if obj.parent_id else f"{obj.name}（大类）"


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
    trl = forms.IntegerField(
        label="技术成熟度（TRL）",
        min_value=1,
        max_value=9,
        widget=forms.Select(choices=[("", "请选择成熟度等级"), *((n, f"{n} 级：{label}") for n, label in Trl.choices)]),
        help_text=(
            "技术就绪水平（TRL）共 9 级，请选择成果目前已达到的最高一级：1–3 级为原理和概念研究，"
            "4–6 级为实验室和相关环境中的验证与演示，7–9 级为实际使用环境中的样机、定型和成功应用。"
        ),
    )
    offers_pay_later = forms.BooleanField(label=Mode.PAY_LATER.label, required=False, help_text=MODE_EXPLANATIONS[Mode.PAY_LATER])
    offers_cooperate_later = forms.BooleanField(
        label=Mode.COOPERATE_LATER.label, required=False, help_text=MODE_EXPLANATIONS[Mode.COOPERATE_LATER]
    )
    offers_open_licence = forms.BooleanField(
        label=Mode.OPEN_LICENCE.label, required=False, help_text=MODE_EXPLANATIONS[Mode.OPEN_LICENCE]
    )
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

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.is_blank() and not data.get("kind"):
            self.add_error("kind", "请选择知识产权类型")
        return data


class InventorForm(forms.Form):
    person = forms.ModelChoiceField(label="姓名", queryset=Person.objects.none(), required=False, empty_label="请选择")
    share = forms.DecimalField(label="贡献份额（%）", max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False)
    is_leader = forms.BooleanField(label="项目负责人", required=False)

    def __init__(self, *args: Any, unit: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = listed_people(unit)  # type: ignore[attr-defined]
        self.fields["person"].label_from_instance = lambda p: p.full_name  # type: ignore[attr-defined]

    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not (data.get("person") or data.get("share") is not None or data.get("is_leader"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_blank() or self.errors:
            return data
        if not data.get("person"):
            self.add_error("person", "请选择完成人姓名")
        if data.get("share") is None:
            self.add_error("share", "请填写贡献份额")
        return data


class RowFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """Rows a person adds and removes (inventors, IP items). Rows are numbered as the person sees
    them: every row not marked for deletion counts, blank or not."""

    row_name = "第 {n} 行"

    def numbered(self) -> list[tuple[int | None, Any]]:
        rows: list[tuple[int | None, Any]] = []
        n = 0
        for form in self.forms:
            if self.is_bound and self.can_delete and form[forms.formsets.DELETION_FIELD_NAME].data:
                rows.append((None, form))
            else:
                n += 1
                rows.append((n, form))
        return rows

    def filled_forms(self) -> list[Any]:
        """The rows that carry data, in order: what the service receives."""
        return [f for n, f in self.numbered() if n is not None and getattr(f, "cleaned_data", None) and not f.is_blank()]

    def add_row_errors(self, rows: dict[int, list[str]]) -> None:
        """Put a service's refusal of its n-th row (1-based, as in `filled_forms`) on that row."""
        filled = self.filled_forms()
        for n, messages in rows.items():
            for message in messages:
                if 0 < n <= len(filled):
                    filled[n - 1].add_error(None, message)
                else:
                    self.non_form_errors().append(message)

    def row_label(self, n: int) -> str:
        return self.row_name.format(n=n)

    def labelled(self) -> list[tuple[str, Any]]:
        """(legend, form) per row for the page; a row marked for deletion has no number."""
        return [(self.row_label(n) if n is not None else "", f) for n, f in self.numbered()]


class IpItemRows(RowFormSet):
    row_name = "第 {n} 项知识产权"
    default_error_messages = {
        "too_many_forms": f"知识产权最多 {MAX_IP_ITEMS} 项",
        "too_few_forms": "",
        "missing_management_form": "表单数据不完整，请刷新页面后重新填写",
    }


class InventorRows(RowFormSet):
    row_name = "第 {n} 位完成人"
    default_error_messages = {
        "too_many_forms": f"成果完成人最多 {MAX_INVENTORS} 位",
        "too_few_forms": "",
        "missing_management_form": "表单数据不完整，请刷新页面后重新填写",
    }


# Without script a person still has a few empty rows (and deletion boxes); with it, buttons add more.
ROW_EXTRA = 2
IpItemFormSet = cast(
    type[IpItemRows],
    forms.formset_factory(
        IpItemForm, formset=IpItemRows, extra=ROW_EXTRA, can_delete=True, max_num=MAX_IP_ITEMS, validate_max=True
    ),
)
InventorFormSet = cast(
    type[InventorRows],
    forms.formset_factory(
        InventorForm, formset=InventorRows, extra=ROW_EXTRA, can_delete=True, max_num=MAX_INVENTORS, validate_max=True
    ),
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class NewAttachmentsForm(forms.Form):
    """Files given with a new achievement; judged by the same check as any later upload."""

    attachments = forms.Field(
        label="附件（可选，可多选）",
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
        help_text=(
            f"PDF、PNG 或 JPEG，每个不超过 {settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)} MB，"
            f"最多 {MAX_ATTACHMENTS} 个；保存后也可在成果页面继续上传。"
        ),
    )

    def clean_attachments(self) -> list[Upload]:
        files = [f for f in self.files.getlist(self.add_prefix("attachments")) if f]
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(f"每项成果最多 {MAX_ATTACHMENTS} 个附件")
        uploads = [Upload(f, f.name or "") for f in files]
        messages = []
        for upload in uploads:
            try:
                attachment_check(upload)
            except DomainError as exc:
                messages.append(f"附件“{upload.name}”：{exc.detail}")
            upload.file.seek(0)
        if messages:
            raise forms.ValidationError(messages)
        return uploads


def apply_achievement_error(
    exc: DomainError,
    form: forms.Form,
    ip_formset: RowFormSet,
    inventor_formset: RowFormSet,
    files_form: forms.Form | None = None,
) -> None:
    """Show the service's refusal where the person filled it in: fields, rows, lists, files."""
    row_sets = {"ip_items": ip_formset, "inventors": inventor_formset}
    if not isinstance(exc, AchievementInvalid):
        apply_to_form(form, exc, aliases={"modes": "offers_pay_later", "field_id": "field"})
        return
    for name, formset in row_sets.items():
        formset.add_row_errors(exc.rows.get(name, {}))
        formset.non_form_errors().extend(exc.lists.get(name, []))
    for message in exc.field_errors.get("attachments", []):
        if files_form is not None:
            files_form.add_error("attachments", message)
        else:
            form.add_error(None, message)
    rest = {k: v for k, v in exc.field_errors.items() if k not in (*row_sets, "attachments")}
    if rest:
        apply_to_form(
            form,
            DomainError(exc.detail, field_errors=rest),
            aliases={"modes": "offers_pay_later", "field_id": "field"},
        )


def error_summary(form: forms.Form, *others: Any) -> list[dict[str, str]]:
    """Every error of the page once, for the shared summary snippet (core/_error_summary.html):
    a link to its field and a text naming the field, and the row for inventors and IP items."""
    items: list[dict[str, str]] = []

    def of_form(f: forms.Form, row: str = "", anchor: str = "") -> None:
        for message in f.non_field_errors():
            items.append({"href": f"#{anchor}" if anchor else "", "text": f"{row}{message}"})
        for field in f:
            label = str(field.label)
            for error in field.errors:
                text = str(error)
                named = text if label in text else f"“{label}”：{text}"
                items.append({"href": f"#{field.id_for_label}", "text": f"{row}{named}"})

    of_form(form)
    for other in others:
        if other is None:
            continue
        if isinstance(other, RowFormSet):
            for message in other.non_form_errors():
                items.append({"href": f"#{other.prefix}-rows", "text": str(message)})
            for n, row in other.numbered():
                if n is not None:
                    of_form(row, other.row_label(n) + "：", f"{row.prefix}-row")
        else:
            of_form(other)
    return items


def achievement_data_from(form: AchievementForm, ip_formset: RowFormSet, inventor_formset: RowFormSet) -> AchievementData:
    data = form.cleaned_data
    ip_items = [
        IpItemData(
            kind=f.cleaned_data.get("kind") or "",
            number=f.cleaned_data.get("number") or "",
            title=f.cleaned_data.get("title") or "",
            legal_status=f.cleaned_data.get("legal_status") or IpLegalStatus.PENDING,
        )
        for f in ip_formset.filled_forms()
    ]
    inventors = [
        InventorData(
            person_id=f.cleaned_data["person"].pk,
            share=f.cleaned_data["share"],
            is_leader=bool(f.cleaned_data.get("is_leader")),
        )
        for f in inventor_formset.filled_forms()
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
    reason = ReasonField(required=False)


class AttachmentForm(forms.Form):
    file = forms.FileField(label="附件（PDF、PNG 或 JPEG）")
