"""The forms of the performance record: a consent to a named organisation, a statement on an entry."""

from __future__ import annotations

from typing import Any

from django import forms

from usefirst.accounts.models import Organisation
from usefirst.core.text import ReasonField


class ConsentForm(forms.Form):
    grantee = forms.ModelChoiceField(
        label="获授权机构",
        queryset=Organisation.objects.none(),
        help_text="成果单位、保险机构、担保机构或技术转移服务机构；授权后对方可查看本企业的履约信用档案，可随时撤回。",
        error_messages={"required": "请选择获授权机构", "invalid_choice": "请从列表中选择机构"},
    )
    purpose = forms.CharField(label="用途（可不填）", max_length=200, required=False, help_text="如：投保许可费履约保证保险")

    def __init__(self, *args: Any, choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["grantee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = choices
        field.label_from_instance = lambda org: f"{org.name}（{org.get_kind_display()}）"  # type: ignore[method-assign, assignment]


class StatementForm(forms.Form):
    entry_key = forms.CharField(widget=forms.HiddenInput)
    text = ReasonField(label="情况说明", rows=3)
