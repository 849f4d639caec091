"""Organisations, the people who log in, and inventors as persons with one identity across units."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from usefirst.core import crypto
from usefirst.core.identifiers import IdKind, normalise_credit_code
from usefirst.core.models import TransitionEvent
from usefirst.core.platform_roles import PlatformRole
from usefirst.core.regions import CITY_CHOICES, OUTSIDE_PROVINCE, Region, is_valid_county, region_of
from usefirst.core.text import reject_control_characters


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        """`createsuperuser` makes a system administrator: no account holds every power
        (三员分立, usefirst/core/platform_roles.py); the other two roles are given by
        `manage.py platform_role`."""
        extra.setdefault("is_staff", True)
        extra.setdefault("platform_role", PlatformRole.SYSTEM)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in. One user may belong to several organisations (Membership)."""

    email = models.EmailField("电子邮箱", unique=True)
    full_name = models.CharField("姓名", max_length=64, validators=[reject_control_characters])
    phone = models.CharField("手机号码", max_length=20, blank=True)
    is_active = models.BooleanField("有效", default=True)
    is_staff = models.BooleanField("可进入后台", default=False)
    date_joined = models.DateTimeField("注册时间", default=timezone.now)
    email_verified_at = models.DateTimeField("邮箱验证时间", null=True, blank=True)
    # One value: an account holds at most one of the three administrator roles.
    platform_role = models.CharField("平台管理角色", max_length=16, choices=PlatformRole.choices, blank=True, default="")

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            # A superuser holds every power: never together with one of the three roles.
            models.CheckConstraint(
                condition=models.Q(platform_role="") | models.Q(is_superuser=False), name="platform_role_not_superuser"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"


class OrganisationKind(models.TextChoices):
    # Owner units: an open list; any organisation may own achievements, license them, or both.
    UNIVERSITY = "university", "高等学校"
    RESEARCH_INSTITUTE = "research_institute", "科研事业单位"
    MEDICAL_INSTITUTION = "medical_institution", "医疗卫生机构"
    ENTERPRISE = "enterprise", "企业"
    OUT_OF_PROVINCE_INSTITUTE = "out_of_province_institute", "省外高校院所"
    OTHER_UNIT = "other_unit", "其他单位"
    # Service organisations
    AGENCY = "agency", "技术转移转化服务机构"
    PROFESSIONAL_INSTITUTION = "professional_institution", "专业机构"
    INSURER = "insurer", "保险机构"
    GUARANTOR = "guarantor", "担保机构"
    BANK = "bank", "银行"
    INCUBATOR = "incubator", "孵化器"
    DEVELOPMENT_ZONE = "development_zone", "省级以上开发区"
    # Government departments
    CITY_DEPARTMENT = "city_department", "地市管理部门"
    SECTOR_DEPARTMENT = "sector_department", "行业主管部门"
    PROVINCIAL_DEPARTMENT = "provincial_department", "省科学技术厅"
    # The audit office: reads the 安心屋's dossiers, exemptions and systems (a person granted
    # safehouse.audit_readonly); reviews nothing, owns nothing, is not a department.
    AUDIT_OFFICE = "audit_office", "审计机关"


OWNER_UNIT_KINDS = frozenset(
    {
        OrganisationKind.UNIVERSITY,
        OrganisationKind.RESEARCH_INSTITUTE,
        OrganisationKind.MEDICAL_INSTITUTION,
        OrganisationKind.ENTERPRISE,
        OrganisationKind.OUT_OF_PROVINCE_INSTITUTE,
        OrganisationKind.OTHER_UNIT,
    }
)
DEPARTMENT_KINDS = frozenset(
    {OrganisationKind.CITY_DEPARTMENT, OrganisationKind.SECTOR_DEPARTMENT, OrganisationKind.PROVINCIAL_DEPARTMENT}
)


class Sector(models.TextChoices):
    EDUCATION = "education", "省教育厅"
    HEALTH = "health", "省卫生健康委"
    MARKET = "market", "省市场监管局（省知识产权局）"


class EnterpriseSize(models.TextChoices):
    LARGE = "large", "大型"
    MEDIUM = "medium", "中型"
    SMALL = "small", "小型"
    MICRO = "micro", "微型"


class OrganisationStatus(models.TextChoices):
    DRAFT = "draft", "待验证邮箱"
    SUBMITTED = "submitted", "待审核"
    ACTIVE = "active", "已认证"
    RETURNED = "returned", "已退回"
    SUSPENDED = "suspended", "已停用"


def licence_upload_path(instance: Organisation, filename: str) -> str:
    return f"licences/{instance.credit_code}/{filename}"


class Organisation(models.Model):
    name = models.CharField("机构名称", max_length=128, validators=[reject_control_characters])
    kind = models.CharField("机构类型", max_length=32, choices=OrganisationKind.choices)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    legal_representative = models.CharField("法定代表人", max_length=64, validators=[reject_control_characters])
    city = models.CharField("所在地市", max_length=16, choices=[*CITY_CHOICES, (OUTSIDE_PROVINCE, OUTSIDE_PROVINCE)])
    county = models.CharField("所在区县", max_length=32, blank=True)
    region = models.CharField("区域", max_length=8, choices=Region.choices, editable=False)
    enterprise_size = models.CharField("企业规模", max_length=8, choices=EnterpriseSize.choices, blank=True)
    sector = models.CharField(
        "所属行业主管部门",
        max_length=16,
        choices=Sector.choices,
        blank=True,
        help_text="行业主管部门填写其职能；高校、医疗机构等填写指导其的行业部门",
    )
    superior_department = models.ForeignKey(
        "self", verbose_name="上级业务主管部门", null=True, blank=True, on_delete=models.PROTECT, related_name="subordinates"
    )
    superior_department_name = models.CharField(
        "上级业务主管部门（平台外）", max_length=128, blank=True, help_text="如上级部门不在平台上（例如国家部委），填写名称"
    )
    reviewing_department = models.ForeignKey(
        "self",
        verbose_name="审核部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviewed_organisations",
        help_text="由审核路由规则计算（accounts.roles.reviewing_department），机构信息变更时重新计算",
    )
    licence = models.FileField("营业执照或法人证书", upload_to=licence_upload_path, blank=True)
    status = models.CharField("状态", max_length=16, choices=OrganisationStatus.choices, default=OrganisationStatus.DRAFT)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        ordering: ClassVar[list[str]] = ["name"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["kind", "status"]), models.Index(fields=["city"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.region = region_of(self.city)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        try:
            self.credit_code = normalise_credit_code(self.credit_code)
        except ValidationError as exc:
            errors["credit_code"] = exc.messages[0]
        if self.city != OUTSIDE_PROVINCE and not is_valid_county(self.city, self.county):
            errors["county"] = f"区县“{self.county}”不属于{self.city}"
        if self.kind == OrganisationKind.ENTERPRISE and not self.enterprise_size:
            errors["enterprise_size"] = "企业须填写企业规模"
        if self.kind == OrganisationKind.SECTOR_DEPARTMENT and not self.sector:
            errors["sector"] = "行业主管部门须选择职能"
        if self.superior_department_id and self.superior_department_id == self.pk:
            errors["superior_department"] = "上级主管部门不能是本机构"
        if errors:
            raise ValidationError(errors)

    @property
    def is_owner_unit_kind(self) -> bool:
        return self.kind in OWNER_UNIT_KINDS

    @property
    def is_department(self) -> bool:
        return self.kind in DEPARTMENT_KINDS

    @property
    def is_active(self) -> bool:
        return self.status == OrganisationStatus.ACTIVE


class OrganisationEvent(TransitionEvent):
    subject = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="events")

    class Meta(TransitionEvent.Meta):
        verbose_name = "机构事件"
        verbose_name_plural = "机构事件"


class Membership(models.Model):
    """A user's place in an organisation. Roles form a hierarchy: admin ⊃ staff."""

    class Role(models.TextChoices):
        ADMIN = "admin", "机构管理员"
        STAFF = "staff", "工作人员"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("角色", max_length=8, choices=Role.choices, default=Role.STAFF)
    can_sign = models.BooleanField("可代表机构签署合同", default=False)
    is_active = models.BooleanField("有效", default=True)
    invited_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("加入时间", default=timezone.now)

    class Meta:
        verbose_name = "机构成员"
        verbose_name_plural = "机构成员"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique_user_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN


class Invitation(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("受邀邮箱")
    role = models.CharField("角色", max_length=8, choices=Membership.Role.choices, default=Membership.Role.STAFF)
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "邀请"
        verbose_name_plural = "邀请"

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"


class Person(models.Model):
    """A natural person (inventor), recognised across units by a keyed hash of the ID number.

    The ID number and phone are stored encrypted and shown masked; unmasking is audited.
    """

    full_name = models.CharField("姓名", max_length=64, validators=[reject_control_characters])
    id_kind = models.CharField("证件类型", max_length=16, choices=IdKind.CHOICES, default=IdKind.MAINLAND)
    id_number_encrypted = models.TextField(editable=False)
    id_number_masked = models.CharField("证件号码", max_length=32, editable=False)
    identity_hash = models.CharField(max_length=64, unique=True, editable=False)
    phone_encrypted = models.TextField(blank=True, editable=False)
    phone_masked = models.CharField("手机号码", max_length=20, blank=True, editable=False)
    user = models.OneToOneField(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="person")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "成果完成人"
        verbose_name_plural = "成果完成人"

    def __str__(self) -> str:
        return f"{self.full_name}（{self.id_number_masked}）"

    def set_id_number(self, kind: str, normalised: str) -> None:
        self.id_kind = kind
        self.id_number_encrypted = crypto.encrypt(normalised)
        self.id_number_masked = crypto.mask(normalised, keep_start=3, keep_end=2)
        self.identity_hash = crypto.identity_hash(kind, normalised)

    def set_phone(self, phone: str) -> None:
        self.phone_encrypted = crypto.encrypt(phone)
        self.phone_masked = crypto.mask(phone, keep_start=3, keep_end=4) if phone else ""


class UnitPerson(models.Model):
    """A unit's listing of a person as one of its inventors, with the PIPL notice and consent."""

    unit = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="listed_people")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="unit_listings")
    notice_given_at = models.DateTimeField("告知时间")
    consent_at = models.DateTimeField("同意时间")
    consent_method = models.CharField("同意方式", max_length=64, help_text="如：书面同意书、平台内确认")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "单位完成人登记"
        verbose_name_plural = "单位完成人登记"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["unit", "person"], name="unitperson_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person.full_name} @ {self.unit}"
