"""Statuses and kinds of the performance record (履约信用档案)."""

from __future__ import annotations

from django.db import models


class ConsentStatus(models.TextChoices):
    ACTIVE = "active", "授权有效"
    REVOKED = "revoked", "已撤回授权"


class EntryKind(models.TextChoices):
    PAYMENT = "payment", "付款"
    DISPUTE = "dispute", "争议"
    CLAIM = "claim", "代偿"
    BREACH = "breach", "违约"


class Outcome(models.TextChoices):
    """What a payment entry, a dispute or a claim came to."""

    ON_TIME = "on_time", "按期支付"
    LATE = "late", "逾期后支付"
    MISSED = "missed", "逾期未付"
    RECEIPT_DISPUTED = "receipt_disputed", "对到账记录提出异议，未计入到账"
    ENDING_DECLINED = "ending_declined", "终止合同的提议被拒绝"
    ENDING_OBJECTED = "ending_objected", "对终止通知提出异议，通知未生效"
    CLAIM_PAID = "claim_paid", "保险或担保机构已代为赔付"
    BREACH_RECORDED = "breach_recorded", "合同相对方登记了违约记录"


class Grade(models.TextChoices):
    """The record in one word; the values are those of risk's premium loading
    (usefirst.risk.choices.PerformanceRecord), so a quote can read it as it is."""

    GOOD = "good", "履约良好"
    NONE = "none", "暂无履约记录"
    POOR = "poor", "有逾期未付、代偿或违约记录"
