"""Use-first contracts: standard templates as versioned data, contracts and their parties,
achievements with price shares, signatures, the register of issued documents, the next-step
negotiation after the free-use period, and open patent licence records.

Names here are a contract with other apps (finance builds on Contract and ContractAchievement);
`Mode` is the catalog's enumeration, imported here for them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils import timezone

from usefirst.accounts.models import Organisation, Person
from usefirst.catalog.choices import USE_FIRST_MODE_CHOICES, Mode
from usefirst.catalog.models import Achievement
from usefirst.core.hash_chain import ChainedRow, canonical_time
from usefirst.core.models import TransitionEvent
from usefirst.core.text import reject_control_characters


class ContractKind(models.TextChoices):
    FREE_USE_LICENCE = "free_use_licence", "免费使用许可合同"
    LICENCE = "licence", "技术许可合同"
    TRANSFER = "transfer", "技术转让合同"
    DEVELOPMENT = "development", "技术开发合同"
    EQUITY = "equity", "作价投资（入股）协议"
    PRELIMINARY_AGREEMENT = "preliminary_agreement", "简约程序预先协议"
    OPEN_LICENCE_RECORD = "open_licence_record", "专利开放许可实施备案"


FOLLOW_ON_KINDS = (ContractKind.LICENCE, ContractKind.TRANSFER, ContractKind.DEVELOPMENT, ContractKind.EQUITY)


class ContractStatus(models.TextChoices):
    DRAFTED = "drafted", "草拟"
    SIGNING = "signing", "签署中"
    SIGNED = "signed", "已签署"
    FREE_USE = "free_use", "免费使用期内"
    AWAITING_NEXT_STEP = "awaiting_next_step", "待商定后续安排"
    NEXT_STEP_AGREED = "next_step_agreed", "已商定后续安排"
    ENDED = "ended", "已终止"
    CANCELLED = "cancelled", "已撤销"


class Exclusivity(models.TextChoices):
    EXCLUSIVE = "exclusive", "独占许可"
    SOLE = "sole", "排他许可"
    NON_EXCLUSIVE = "non_exclusive", "普通许可"


class InventorGrant(models.TextChoices):
    """What a cooperate_later contract grants the inventors' side (docs/domain.md, rule 1): a contract
    term chosen at drafting. With ownership or a long-term use right granted, the inventors'
    share of every distribution under the contract has the 70 % floor."""

    NONE = "none", "未赋予"
    OWNERSHIP = "ownership", "赋予所有权"
    LONG_TERM_USE = "long_term_use", "赋予长期使用权"


class DevelopmentKind(models.TextChoices):
    COMMISSIONED = "commissioned", "委托开发"
    COOPERATIVE = "cooperative", "合作开发"


class TemplateStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    RETIRED = "retired", "已停用"


class ContractTemplate(models.Model):
    """A standard contract text (规范合同文本) held as versioned data.

    `body` is a Django template (placeholders such as {{ contract.licensee.name }}); a published
    version is never edited: a change is a new version.
    """

    kind = models.CharField("合同类型", max_length=32, choices=ContractKind.choices)
    mode = models.CharField("模式", max_length=16, choices=USE_FIRST_MODE_CHOICES, blank=True)
    version = models.PositiveIntegerField("版本")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    status = models.CharField("状态", max_length=16, choices=TemplateStatus.choices, default=TemplateStatus.DRAFT)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "合同示范文本"
        verbose_name_plural = "合同示范文本"
        ordering: ClassVar[list[str]] = ["kind", "mode", "-version"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["kind", "mode", "version"], name="contract_template_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版）"


class Contract(models.Model):
    number = models.CharField("合同编号", max_length=32, unique=True)
    mode = models.CharField("模式", max_length=16, choices=USE_FIRST_MODE_CHOICES, blank=True)
    kind = models.CharField("合同类型", max_length=32, choices=ContractKind.choices)
    status = models.CharField(
        "状态", max_length=24, choices=ContractStatus.choices, default=ContractStatus.DRAFTED, db_index=True
    )
    template = models.ForeignKey(
        ContractTemplate, verbose_name="示范文本版本", on_delete=models.PROTECT, related_name="contracts"
    )
    title = models.CharField("合同名称", max_length=200, validators=[reject_control_characters])
    # Parties. The licensor is an owner unit, or an inventor under a preliminary agreement.
    licensor = models.ForeignKey(
        Organisation,
        verbose_name="许可方（成果单位）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts_as_licensor",
    )
    co_licensors = models.ManyToManyField(
        Organisation, verbose_name="共有单位", blank=True, related_name="contracts_as_co_licensor"
    )
    licensor_person = models.ForeignKey(
        Person,
        verbose_name="许可方（成果完成人）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts_as_licensor",
    )
    preliminary_agreement = models.ForeignKey(
        "self",
        verbose_name="所依据的预先协议",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts_under_agreement",
    )
    licensee = models.ForeignKey(
        Organisation,
        verbose_name="被许可方（企业）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts_as_licensee",
    )
    agency = models.ForeignKey(
        Organisation,
        verbose_name="技术转移服务机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts_as_agency",
    )
    # The agreed engagement (对接) this contract was drafted from; the engagement finds its
    # contracts through it (`engagement.contracts`, read through contracts' selectors).
    engagement = models.ForeignKey(
        "matchmaking.Engagement",
        verbose_name="对接记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    open_licence = models.ForeignKey(
        "OpenLicence",
        verbose_name="所实施的开放许可",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="take_ups",
    )
    # Terms.
    scope = models.TextField("许可范围", max_length=3000, blank=True, validators=[reject_control_characters])
    field_of_use = models.CharField("实施领域", max_length=200, blank=True, validators=[reject_control_characters])
    territory = models.CharField("实施地域", max_length=200, blank=True, validators=[reject_control_characters])
    exclusivity = models.CharField("许可方式", max_length=16, choices=Exclusivity.choices, default=Exclusivity.NON_EXCLUSIVE)
    development_kind = models.CharField("开发方式", max_length=16, choices=DevelopmentKind.choices, blank=True)
    inventor_grant = models.CharField(
        "对成果完成人的赋权", max_length=16, choices=InventorGrant.choices, default=InventorGrant.NONE
    )
    free_use_start = models.DateField("免费使用期起始日（含）", null=True, blank=True)
    free_use_end = models.DateField("免费使用期届满日（含）", null=True, blank=True)
    term_end = models.DateField("协议期限届满日（含）", null=True, blank=True)
    price = models.DecimalField(
        "合同金额（元）",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    payment_terms = models.TextField("免费使用期后付费条件", max_length=3000, blank=True, validators=[reject_control_characters])
    extra_terms = models.TextField("其他约定", max_length=5000, blank=True, validators=[reject_control_characters])
    # Lifecycle.
    parent = models.ForeignKey(
        "self", verbose_name="原合同", null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ons"
    )
    is_first_cooperation = models.BooleanField("首个合作项目", default=False)
    signed_at = models.DateTimeField("签署完成时间", null=True, blank=True)
    ended_at = models.DateTimeField("终止时间", null=True, blank=True)
    escalated_at = models.DateTimeField("升级提醒时间", null=True, blank=True)
    reminders_sent = models.JSONField("已发送的到期提醒（天）", default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = "合同"
        verbose_name_plural = "合同"
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["status", "free_use_end"], name="contract_status_end_idx"),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=models.Q(free_use_start__isnull=True)
                | models.Q(free_use_end__isnull=True)
                | models.Q(free_use_end__gte=models.F("free_use_start")),
                name="contract_free_use_dates_in_order",
            ),
            models.UniqueConstraint(
                fields=["parent"],
                condition=models.Q(is_first_cooperation=True),
                name="contract_one_first_cooperation_per_parent",
            ),
            # Rule 1 knows a grant to the inventors only under use first, cooperate later.
            models.CheckConstraint(
                condition=models.Q(inventor_grant=InventorGrant.NONE) | models.Q(mode=Mode.COOPERATE_LATER),
                name="contract_grant_only_cooperate_later",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def has_free_use_period(self) -> bool:
        return self.kind == ContractKind.FREE_USE_LICENCE

    @property
    def is_cooperate_later(self) -> bool:
        """先使用后合作: the inventors' grant and its floor apply (docs/domain.md, "Modes and procedures")."""
        return self.mode == Mode.COOPERATE_LATER

    @property
    def grant_binds_floor(self) -> bool:
        """Whether the grant puts the 70 % floor on the inventors' share (rule 1)."""
        return self.mode == Mode.COOPERATE_LATER and self.inventor_grant != InventorGrant.NONE

    @property
    def licensor_name(self) -> str:
        if self.licensor_person_id is not None and self.licensor_person is not None:
            return self.licensor_person.full_name
        return self.licensor.name if self.licensor is not None else ""


class ContractAchievement(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="achievements")
    achievement = models.ForeignKey(Achievement, verbose_name="成果", on_delete=models.PROTECT, related_name="contract_links")
    price_share = models.DecimalField(
        "价款份额（%）",
        max_digits=5,
        decimal_places=2,
        default=Decimal("100.00"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100.00"))],
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "合同所涉成果"
        verbose_name_plural = "合同所涉成果"
        ordering: ClassVar[list[str]] = ["contract", "position", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["contract", "achievement"], name="contract_achievement_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id}:{self.achievement_id} {self.price_share}%"


class ContractParty(models.Model):
    """A party that must sign: an organisation (signed by a member with can_sign) or a person."""

    class Role(models.TextChoices):
        LICENSOR = "licensor", "许可方"
        CO_LICENSOR = "co_licensor", "共有方"
        LICENSEE = "licensee", "被许可方"
        UNIT = "unit", "成果单位"
        INVENTOR = "inventor", "成果完成人"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField("身份", max_length=16, choices=Role.choices)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "合同当事人"
        verbose_name_plural = "合同当事人"
        ordering: ClassVar[list[str]] = ["contract", "position", "id"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.organisation is not None:
            return self.organisation.name
        return self.person.full_name if self.person is not None else ""


class IssuedDocument(ChainedRow):
    """Register of every PDF the platform issued, with its SHA-256. Append-only and hash-chained
    (usefirst/core/hash_chain.py): a row whose hash was replaced no longer verifies (signing.verify_pdf)."""

    chain_label = "出具文件登记册"

    class Kind(models.TextChoices):
        DRAFT = "draft", "待签署文本"
        SIGNED = "signed", "签署版本"

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    size = models.PositiveIntegerField("大小（字节）")
    file = models.FileField(upload_to="contracts/%Y/%m/")
    signature_count = models.PositiveSmallIntegerField("签名数", default=0)
    issued_at = models.DateTimeField("出具时间", default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "出具文件登记"
        verbose_name_plural = "出具文件登记"
        ordering: ClassVar[list[str]] = ["contract", "issued_at", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["prev_hash"], name="issued_document_chain_one_successor"),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.sha256[:12]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("issued documents are append-only")
        with transaction.atomic(using=kwargs.get("using")):
            self.chain_link(kwargs.get("using"))
            super().save(*args, **kwargs)

    def chain_content(self) -> dict[str, Any]:
        return {
            "contract": self.contract_id,
            "kind": self.kind,
            "sha256": self.sha256,
            "size": self.size,
            "file": self.file.name or "",
            "signatures": self.signature_count,
            "issued_at": canonical_time(self.issued_at),
            "issued_by": self.issued_by_id,
        }


class Signature(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="signatures")
    party = models.ForeignKey(ContractParty, on_delete=models.PROTECT, related_name="signatures")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField("签署时间", default=timezone.now)
    certificate_serial = models.CharField("证书序列号", max_length=64)
    certificate_fingerprint = models.CharField("证书指纹（SHA-256）", max_length=64)
    document = models.ForeignKey(IssuedDocument, on_delete=models.PROTECT, related_name="+")
    # empty for signatures made before will-confirmation was required
    will_confirmation = models.OneToOneField(
        "WillConfirmation", null=True, blank=True, on_delete=models.PROTECT, related_name="signature", verbose_name="意愿认证"
    )

    class Meta:
        verbose_name = "签名"
        verbose_name_plural = "签名"
        ordering: ClassVar[list[str]] = ["contract", "signed_at", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["party"], name="signature_one_per_party"),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.party_id} {self.signed_at:%Y-%m-%d %H:%M}"


class EndingRequest(models.Model):
    """Ending a contract whose formal terms apply (docs/domain.md, "Ending a contract"): by agreement
    (one side proposes with grounds, the other accepts or declines) or by a notice with its
    grounds and period, which the other side may accept at once or object to; an unanswered
    notice takes effect the day after its period (a daily job). Never one side in one step."""

    class Kind(models.TextChoices):
        AGREEMENT = "agreement", "协商一致终止"
        NOTICE = "notice", "通知终止"

    class Status(models.TextChoices):
        OPEN = "open", "待对方答复"
        ACCEPTED = "accepted", "对方同意，合同已终止"
        DECLINED = "declined", "对方不同意"
        OBJECTED = "objected", "对方提出异议，通知未生效"
        EFFECTIVE = "effective", "通知期届满，合同已终止"
        WITHDRAWN = "withdrawn", "已撤回"

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="ending_requests")
    kind = models.CharField("终止方式", max_length=16, choices=Kind.choices)
    proposed_by_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    grounds = models.TextField("终止理由", max_length=2000, validators=[reject_control_characters])
    effective_on = models.DateField("通知期届满后生效日", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField("对方答复", max_length=2000, blank=True, validators=[reject_control_characters])
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "合同终止申请"
        verbose_name_plural = "合同终止申请"
        ordering: ClassVar[list[str]] = ["contract", "created_at", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["contract"], condition=models.Q(status="open"), name="one_open_ending_per_contract"),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.kind} {self.status}"


class NextStepProposal(models.Model):
    """A proposal for the step after the free-use period; the other side accepts or counters."""

    class Status(models.TextChoices):
        OPEN = "open", "待答复"
        ACCEPTED = "accepted", "已接受"
        COUNTERED = "countered", "已还价"
        WITHDRAWN = "withdrawn", "已撤回"

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="next_step_proposals")
    proposed_by_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("后续合同类型", max_length=32, choices=ContractKind.choices)
    achievement = models.ForeignKey(Achievement, verbose_name="后续合作成果", on_delete=models.PROTECT, related_name="+")
    development_kind = models.CharField("开发方式", max_length=16, choices=DevelopmentKind.choices, blank=True)
    price = models.DecimalField("拟定金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    terms = models.TextField("主要条件", max_length=3000, blank=True, validators=[reject_control_characters])
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "后续安排提议"
        verbose_name_plural = "后续安排提议"
        ordering: ClassVar[list[str]] = ["contract", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.kind} {self.status}"


class OpenLicence(models.Model):
    """An open patent licence announced by CNIPA (专利法第50–52条); while it stands no exclusive or
    sole licence of the achievement may be granted."""

    achievement = models.ForeignKey(Achievement, on_delete=models.PROTECT, related_name="open_licences")
    announcement_number = models.CharField("公告号", max_length=64, validators=[reject_control_characters])
    announced_on = models.DateField("公告日")
    fee_terms = models.TextField("许可使用费条件", max_length=3000, validators=[reject_control_characters])
    valid_until = models.DateField("开放许可期限届满日（含）", null=True, blank=True)
    withdrawn_on = models.DateField("撤回生效日", null=True, blank=True)
    withdrawal_reason = models.TextField("撤回说明", max_length=2000, blank=True, validators=[reject_control_characters])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "专利开放许可"
        verbose_name_plural = "专利开放许可"
        ordering: ClassVar[list[str]] = ["-announced_on", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("announced_on")),
                name="open_licence_period_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_on__isnull=True) | models.Q(withdrawn_on__gte=models.F("announced_on")),
                name="open_licence_withdrawal_after_announcement",
            ),
        ]

    def __str__(self) -> str:
        return self.announcement_number

    def in_force_on(self, day: dt.date) -> bool:
        return (
            self.announced_on <= day
            and (self.valid_until is None or day <= self.valid_until)
            and (self.withdrawn_on is None or day < self.withdrawn_on)
        )


class ContractEvent(TransitionEvent):
    subject = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="events")

    class Meta(TransitionEvent.Meta):
        verbose_name = "合同事件"
        verbose_name_plural = "合同事件"


class PlatformRoot(models.Model):
    """A root certificate of the platform CA. Every root the deployment ever had is kept: the
    verifier trusts them all, and only the current one issues signer certificates. The private
    key is stored encrypted with the field-encryption keys (usefirst.core.crypto)."""

    certificate_pem = models.TextField("根证书（PEM）")
    key_encrypted = models.TextField("私钥（加密）", blank=True)
    fingerprint = models.CharField("证书指纹（SHA-256）", max_length=64, unique=True)
    is_current = models.BooleanField("当前签发用", default=False)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "平台根证书"
        verbose_name_plural = "平台根证书"
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["is_current"], condition=models.Q(is_current=True), name="one_current_root"),
        ]

    def __str__(self) -> str:
        return self.fingerprint[:16]


class WillConfirmation(models.Model):
    """The signer's confirmation of their will to sign (意愿认证): the login password and a
    current one-time code of their authenticator, given for this document of this contract
    just before the signature was made. Saved in the transaction that saves the signature."""

    class Method(models.TextChoices):
        PASSWORD_TOTP = "password+totp", "登录密码＋身份验证器动态口令"

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="will_confirmations")
    party = models.ForeignKey(ContractParty, on_delete=models.PROTECT, related_name="will_confirmations")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    document_sha256 = models.CharField("所签文件 SHA-256", max_length=64)
    document_size = models.PositiveIntegerField("所签文件大小（字节）")
    method = models.CharField("认证方式", max_length=32, choices=Method.choices, default=Method.PASSWORD_TOTP)
    confirmed_at = models.DateTimeField("认证时间", default=timezone.now)
    client_address = models.CharField("客户端地址", max_length=64, blank=True)
    user_agent = models.CharField("浏览器标识", max_length=512, blank=True)

    class Meta:
        verbose_name = "意愿认证记录"
        verbose_name_plural = "意愿认证记录"
        ordering: ClassVar[list[str]] = ["contract", "confirmed_at", "id"]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.party_id} {self.confirmed_at:%Y-%m-%d %H:%M:%S}"


class LocalTsaKey(models.Model):
    """The local timestamping authority's key and certificate (issued by a platform root with the
    critical id-kp-timeStamping usage), one per root; the key is stored encrypted like the root's."""

    root_fingerprint = models.CharField("签发根证书指纹", max_length=64, unique=True)
    certificate_pem = models.TextField("时间戳证书（PEM）")
    key_encrypted = models.TextField("私钥（加密）")
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "本地时间戳服务证书"
        verbose_name_plural = "本地时间戳服务证书"

    def __str__(self) -> str:
        return self.root_fingerprint[:16]
