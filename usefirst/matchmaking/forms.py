from __future__ import annotations

from typing import Any

from django import forms

from usefirst.accounts.models import Organisation
from usefirst.catalog.models import Achievement

from .choices import DeclineReason, EngagementStatus
from .models import MAX_MESSAGE_LENGTH
from .services import MAX_DECLINE_DETAIL, MAX_REASON


class IntentForm(forms.Form):
    message = forms.CharField(
        label="留言（可选）",
        required=False,
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="简要说明合作设想，对方接受后可在对接页面继续沟通",
    )
    achievement = forms.ModelChoiceField(
        label="关联本单位的成果（可选）", queryset=Achievement.objects.none(), required=False, empty_label="不关联"
    )

    def __init__(self, *args: Any, achievements: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if achievements is None:
            del self.fields["achievement"]
        else:
            field = self.fields["achievement"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = achievements


class DeclineForm(forms.Form):
    prefix = "decline"

    reason = forms.ChoiceField(label="婉拒原因", choices=DeclineReason.choices, widget=forms.RadioSelect)
    detail = forms.CharField(
        label="补充说明（选择“其他”时必填）",
        required=False,
        max_length=MAX_DECLINE_DETAIL,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CloseForm(forms.Form):
    prefix = "close"

    reason = forms.CharField(
        label="说明（可选）", required=False, max_length=MAX_REASON, widget=forms.Textarea(attrs={"rows": 2})
    )


class MessageForm(forms.Form):
    prefix = "message"

    body = forms.CharField(label="留言内容", max_length=MAX_MESSAGE_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))


class FacilitatorForm(forms.Form):
    prefix = "facilitator"

    agency = forms.ModelChoiceField(label="技术转移转化服务机构", queryset=Organisation.objects.none())

    def __init__(self, *args: Any, agencies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = agencies if agencies is not None else Organisation.objects.none()


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *EngagementStatus.choices])
