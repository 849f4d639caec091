from __future__ import annotations

from django import forms

from .models import Preference


class PreferenceForm(forms.ModelForm[Preference]):
    class Meta:
        model = Preference
        fields = ("email_enabled", "digest")
        help_texts = {
            "email_enabled": "关闭后仍会在站内收件箱收到通知",
            "digest": "匹配推荐等摘要邮件的发送频率",
        }
