"""The event form (the service cleans and refuses; this form draws the fields)."""

from __future__ import annotations

from django import forms

from usefirst.core.forms import DateField
from usefirst.core.regions import CITY_CHOICES

from .choices import EventKind, SignupMode, WhenFull


class EventForm(forms.Form):
    title = forms.CharField(label="活动名称", max_length=200)
    kind = forms.ChoiceField(label="活动类型", choices=[("", "请选择"), *EventKind.choices])
    co_organisers = forms.CharField(label="协办单位", max_length=500, required=False, help_text="多个单位用顿号分隔")
    city = forms.ChoiceField(label="举办地市", choices=[("", "请选择"), *CITY_CHOICES], required=False)
    place = forms.CharField(label="举办地点", max_length=300, required=False, help_text="线下活动的详细地址；线上活动可不填")
    online_url = forms.URLField(label="线上参与链接", max_length=500, required=False)
    starts_on = DateField(label="举办日期")
    ends_on = DateField(label="结束日期", required=False, help_text="一天的活动可不填")
    time_note = forms.CharField(label="时间安排", max_length=100, required=False, help_text="如 09:30–17:00")
    capacity = forms.IntegerField(label="名额", min_value=1, max_value=100_000)
    signup_deadline = DateField(label="报名截止日期（含当日）", required=False, help_text="不填则为举办日期")
    signup_mode = forms.ChoiceField(label="报名方式", choices=SignupMode.choices)
    when_full = forms.ChoiceField(label="额满后", choices=WhenFull.choices)
    outcome_window_days = forms.IntegerField(
        label="成效追踪期（天）",
        initial=365,
        min_value=30,
        max_value=1095,
        help_text="活动结束后该天数内签订的相关合同计入本次活动成效",
    )
    reminder_days = forms.IntegerField(label="提前提醒（天）", initial=1, min_value=0, max_value=30)
    description = forms.CharField(label="活动介绍", widget=forms.Textarea(attrs={"rows": 5}), max_length=5000, required=False)
