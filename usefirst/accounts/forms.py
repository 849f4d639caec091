"""Forms parse input and label every field (WCAG); the services decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from usefirst.core.identifiers import IdKind
from usefirst.core.regions import CITY_CHOICES, CITY_COUNTIES, OUTSIDE_PROVINCE
from usefirst.core.text import ReasonField

from .models import DEPARTMENT_KINDS, EnterpriseSize, Membership, Organisation, OrganisationStatus, Sector
from .services.organisations import SELF_REGISTRABLE_KINDS

ALL_COUNTIES = sorted({county for counties in CITY_COUNTIES.values() for county in counties})


class LoginForm(AuthenticationForm):
    username = forms.EmailField(label="电子邮箱", widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}))
    error_messages = {
        "invalid_login": "电子邮箱或密码不正确。请注意密码区分大小写。",
        "inactive": "该账户尚未启用：请先完成邮箱验证。",
    }


def _code_field(
    label: str = "动态验证码", help_text: str = "身份验证器上当前显示的 6 位数字", *, focus: bool = True
) -> forms.CharField:
    attrs: dict[str, Any] = {"autocomplete": "one-time-code", "inputmode": "text"}
    if focus:
        attrs["autofocus"] = True
    return forms.CharField(
        label=label,
        max_length=32,
        help_text=help_text,
        widget=forms.TextInput(attrs=attrs),
    )


class SecondStepForm(forms.Form):
    code = _code_field(
        "动态验证码或恢复码", "身份验证器上当前显示的 6 位数字；手机不在身边时，可输入一个恢复码（每个只能用一次）"
    )


class EnrolConfirmForm(forms.Form):
    code = _code_field()


class RecoveryRegenerateForm(forms.Form):
    code = _code_field("动态验证码或恢复码", "生成新的恢复码后，原有恢复码全部失效", focus=False)


class SecondFactorDisableForm(forms.Form):
    password = forms.CharField(label="登录密码", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    code = _code_field("动态验证码或恢复码", "", focus=False)


class SecondFactorResetForm(forms.Form):
    email = forms.EmailField(label="用户的电子邮箱", max_length=254)
    reason = forms.CharField(
        label="重置原因",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="写明如何核实了本人身份，例如：本人手机丢失，已电话回拨单位座机核实（工单号 …）",
    )
    code = _code_field("您本人的动态验证码", "您（安全管理员）身份验证器上当前显示的 6 位数字", focus=False)


class OrganisationFieldsForm(forms.Form):
    name = forms.CharField(label="机构名称", max_length=128)
    kind = forms.ChoiceField(label="机构类型", choices=[(k.value, k.label) for k in SELF_REGISTRABLE_KINDS])
    credit_code = forms.CharField(label="统一社会信用代码", max_length=32, help_text="18位，含校验位，例如 91440101MA5XXXXXXX")
    legal_representative = forms.CharField(label="法定代表人", max_length=64)
    city = forms.ChoiceField(
        label="所在地市", choices=[("", "请选择"), *CITY_CHOICES, (OUTSIDE_PROVINCE, "省外（仅省外高校院所）")]
    )
    county = forms.CharField(
        label="所在区县",
        max_length=32,
        required=False,
        help_text="须属于所选地市；东莞、中山请填“东莞市辖”“中山市辖”；省外机构可填写所在省市",
        widget=forms.TextInput(attrs={"list": "county-options"}),
    )
    enterprise_size = forms.ChoiceField(
        label="企业规模（企业填写）", choices=[("", "不适用"), *EnterpriseSize.choices], required=False
    )
    sector = forms.ChoiceField(
        label="行业主管部门",
        choices=[("", "无"), *Sector.choices],
        required=False,
        help_text="行业主管部门填写其职能；高校、医疗卫生机构等填写指导其的行业部门",
    )
    superior_department = forms.ModelChoiceField(
        label="上级业务主管部门（平台上）",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="无或不在平台上",
    )
    superior_department_name = forms.CharField(
        label="上级业务主管部门（平台外）", max_length=128, required=False, help_text="如国家部委，填写名称"
    )
    licence = forms.FileField(
        label="营业执照或法人证书",
        required=True,
        help_text="PDF、PNG 或 JPEG，不超过 10 MB",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["superior_department"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            kind__in=[k.value for k in DEPARTMENT_KINDS], status=OrganisationStatus.ACTIVE
        ).order_by("kind", "name")


class RegistrationForm(OrganisationFieldsForm):
    admin_full_name = forms.CharField(label="管理员姓名", max_length=64)
    admin_email = forms.EmailField(label="管理员电子邮箱", help_text="用于登录和接收验证邮件")
    admin_password = forms.CharField(
        label="密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="至少10位，不能全为数字，不能过于常见",
    )
    admin_password2 = forms.CharField(label="确认密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("admin_password") and data.get("admin_password") != data.get("admin_password2"):
            self.add_error("admin_password2", "两次输入的密码不一致")
        return data


class CorrectionForm(OrganisationFieldsForm):
    """The same fields, pre-filled, for correcting a returned registration; the licence is optional."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["licence"].required = False
        self.fields["licence"].help_text = "如需更换，请重新上传（PDF、PNG 或 JPEG，不超过 10 MB）"


class ResendVerificationForm(forms.Form):
    email = forms.EmailField(label="注册时填写的管理员电子邮箱")


class ReturnForm(forms.Form):
    reasons = ReasonField(label="退回理由")


class SuspendForm(forms.Form):
    reason = ReasonField(label="停用理由")


class InvitationForm(forms.Form):
    email = forms.EmailField(label="受邀人电子邮箱")
    role = forms.ChoiceField(label="角色", choices=Membership.Role.choices, initial=Membership.Role.STAFF)


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label="姓名", max_length=64)
    password = forms.CharField(label="设置密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label="确认密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", "两次输入的密码不一致")
        return data


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label="角色", choices=Membership.Role.choices)
    can_sign = forms.BooleanField(label="可代表机构签署合同", required=False)
    is_active = forms.BooleanField(label="有效（取消勾选即停用）", required=False)


class PersonForm(forms.Form):
    full_name = forms.CharField(label="姓名", max_length=64)
    id_kind = forms.ChoiceField(label="证件类型", choices=IdKind.CHOICES, initial=IdKind.MAINLAND)
    id_number = forms.CharField(label="证件号码", max_length=32, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    phone = forms.CharField(
        label="手机号码", max_length=20, required=False, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    notice_given_at = forms.DateTimeField(
        label="告知时间",
        help_text="已向本人告知处理其个人信息的目的、方式和范围的时间（个人信息保护法）",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    consent_at = forms.DateTimeField(
        label="同意时间",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    consent_method = forms.CharField(label="同意方式", max_length=64, help_text="如：书面同意书、平台内确认")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        self.fields["notice_given_at"].initial = now
        self.fields["consent_at"].initial = now


UNMASK_LABELS = {"id_number": "证件号码", "phone": "手机号码"}


class UnmaskForm(forms.Form):
    field = forms.ChoiceField(label="查看字段", choices=list(UNMASK_LABELS.items()))
