"""The 安心屋 (docs/domain.md, rule 10): a deal's dossier of decision records, append-only and
chained by hashes, the platform's signatures of its head, exemption applications and their
determinations; and the units' management systems and the departments' incentive support."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from usefirst.accounts.models import Organisation
from usefirst.contracts.models import Contract
from usefirst.core.models import AppendOnlyError, TransitionEvent
from usefirst.core.text import reject_control_characters

from .choices import ExemptionStatus, IncentiveKind, Step, SystemStatus


class Dossier(models.Model):
    """One per deal (a contract): the chain of its decision records."""

    contract = models.OneToOneField(Contract, verbose_name="合同", on_delete=models.PROTECT, related_name="safehouse_dossier")
    unit = models.ForeignKey(Organisation, verbose_name="成果单位", on_delete=models.PROTECT, related_name="safehouse_dossiers")
    ref = models.CharField("卷宗编号", max_length=48, unique=True)
    created_at = models.DateTimeField("建立时间", default=timezone.now)

    class Meta:
        verbose_name = "安心屋卷宗"
        verbose_name_plural = "安心屋卷宗"
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        # The audit office's read-only view (no organisation role gives it; granted per person).
        permissions = (("audit_readonly", "审计只读查阅安心屋卷宗、免责认定与管理制度"),)

    def __str__(self) -> str:
        return self.ref


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("安心屋存证条目只能追加，不能修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("安心屋存证条目只能追加，不能删除")


def entry_upload_path(instance: EvidenceEntry, filename: str) -> str:
    return f"safehouse/{instance.dossier.ref}/{instance.seq:04d}-{filename}"


class EvidenceEntry(models.Model):
    """One deposited record: a file and its structured fields, chained to the previous entry."""

    dossier = models.ForeignKey(Dossier, verbose_name="卷宗", on_delete=models.PROTECT, related_name="entries")
    seq = models.PositiveIntegerField("序号")
    step = models.CharField("决策步骤", max_length=16, choices=Step.choices)
    title = models.CharField("材料名称", max_length=200, validators=[reject_control_characters])
    fields = models.JSONField("登记事项", default=dict)
    file = models.FileField("文件", upload_to=entry_upload_path)
    file_name = models.CharField("文件名", max_length=120)
    file_sha256 = models.CharField("文件 SHA-256", max_length=64)
    file_size = models.PositiveIntegerField("文件大小（字节）")
    deposited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="存证人")
    deposited_by_name = models.CharField("存证人姓名", max_length=150)
    deposited_at = models.DateTimeField("存证时间")
    prev_hash = models.CharField("前一条目哈希", max_length=64)
    # two dossiers may open with the same record (same file, same minute): unique within a dossier
    entry_hash = models.CharField("本条目哈希", max_length=64, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "安心屋存证条目"
        verbose_name_plural = "安心屋存证条目"
        ordering: ClassVar[list[str]] = ["dossier", "seq"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["dossier", "seq"], name="safehouse_one_entry_per_seq"),
            models.UniqueConstraint(fields=["dossier", "prev_hash"], name="safehouse_one_successor_per_entry"),
            models.UniqueConstraint(fields=["dossier", "entry_hash"], name="safehouse_entry_hash_once_per_dossier"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier.ref} #{self.seq}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("安心屋存证条目只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("安心屋存证条目只能追加，不能删除")


class HeadSignature(models.Model):
    """The platform's signature of a dossier's head (the daily job), append-only."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="signatures")
    seq = models.PositiveIntegerField("签署至条目")
    head_hash = models.CharField("链头哈希", max_length=64)
    signature = models.TextField("签名（Base64）")
    certificate_pem = models.TextField("签名证书")
    root_pem = models.TextField("平台根证书")
    signed_at = models.DateTimeField("签署时间", default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "安心屋链头签名"
        verbose_name_plural = "安心屋链头签名"
        ordering: ClassVar[list[str]] = ["dossier", "seq"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["dossier", "seq"], name="safehouse_one_signature_per_head"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier.ref} 签署至 #{self.seq}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("链头签名只能追加")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("链头签名只能追加")


class ExemptionApplication(models.Model):
    """A member of staff asks for a due-diligence exemption on a deal (尽职免责认定)."""

    dossier = models.ForeignKey(Dossier, verbose_name="卷宗", on_delete=models.PROTECT, related_name="exemptions")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="申请人")
    applicant_name = models.CharField("申请人姓名", max_length=150)
    role = models.CharField("申请人身份", max_length=16)
    role_label = models.CharField("申请人身份（名称）", max_length=40)
    situations = models.JSONField("适用情形", default=list, help_text="申请时的情形代码与文字")
    statement = models.TextField("情况说明", max_length=4000, validators=[reject_control_characters])
    head_seq = models.PositiveIntegerField("申请时卷宗条目数")
    head_hash = models.CharField("申请时链头哈希", max_length=64)
    status = models.CharField(
        "状态", max_length=16, choices=ExemptionStatus.choices, default=ExemptionStatus.SUBMITTED, db_index=True
    )
    created_at = models.DateTimeField("申请时间", default=timezone.now)
    determined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="认定人"
    )
    determining_department = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="认定部门"
    )
    determined_at = models.DateTimeField("认定时间", null=True, blank=True)
    determination_reason = models.TextField("认定理由", blank=True)

    class Meta:
        verbose_name = "尽职免责申请"
        verbose_name_plural = "尽职免责申请"
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["dossier", "applicant"],
                condition=Q(status="submitted"),
                name="safehouse_one_open_exemption_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier.ref} {self.applicant_name}"


class ExemptionEvent(TransitionEvent):
    subject = models.ForeignKey(ExemptionApplication, on_delete=models.PROTECT, related_name="events")

    class Meta(TransitionEvent.Meta):
        verbose_name = "尽职免责申请事件"
        verbose_name_plural = "尽职免责申请事件"


def system_upload_path(instance: ManagementSystem, filename: str) -> str:
    return f"safehouse/systems/{timezone.now():%Y/%m}/{filename}"


class ManagementSystem(models.Model):
    """A unit's 先用后转 management system (配套管理制度), approved by its department."""

    unit = models.ForeignKey(Organisation, verbose_name="单位", on_delete=models.PROTECT, related_name="management_systems")
    title = models.CharField("制度名称", max_length=200, validators=[reject_control_characters])
    document = models.FileField("制度文件", upload_to=system_upload_path)
    document_sha256 = models.CharField("文件 SHA-256", max_length=64)
    effective_from = models.DateField("施行日期")
    status = models.CharField("状态", max_length=16, choices=SystemStatus.choices, default=SystemStatus.SUBMITTED, db_index=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="报送人")
    filed_at = models.DateTimeField("报送时间", default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="审核人"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_reason = models.TextField("审核意见", blank=True)

    class Meta:
        verbose_name = "先用后转配套管理制度"
        verbose_name_plural = "先用后转配套管理制度"
        ordering: ClassVar[list[str]] = ["-filed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.unit.name}：{self.title}"


class SystemEvent(TransitionEvent):
    subject = models.ForeignKey(ManagementSystem, on_delete=models.PROTECT, related_name="events")

    class Meta(TransitionEvent.Meta):
        verbose_name = "管理制度审核事件"
        verbose_name_plural = "管理制度审核事件"


class IncentiveSupport(models.Model):
    """Incentive support (激励支持) a department gave a unit or a person of it."""

    department = models.ForeignKey(Organisation, verbose_name="给予部门", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Organisation, verbose_name="受支持单位", on_delete=models.PROTECT, related_name="incentives")
    person_name = models.CharField("受支持个人（可空）", max_length=60, blank=True, validators=[reject_control_characters])
    kind = models.CharField("激励方式", max_length=16, choices=IncentiveKind.choices)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    year = models.PositiveIntegerField("年度", db_index=True)
    granted_on = models.DateField("给予日期")
    description = models.TextField("说明", max_length=2000, validators=[reject_control_characters])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人")
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "激励支持"
        verbose_name_plural = "激励支持"
        ordering: ClassVar[list[str]] = ["-granted_on", "-id"]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.year} {self.get_kind_display()}"
