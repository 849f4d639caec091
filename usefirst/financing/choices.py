"""Choice lists of bank financing in the use-first deal (先用后付贷, docs/financing.md): the three
loans Guangdong banks offer, the states of an application and of a pledge. A product's own states
are those of a risk product (risk.choices.ProductStatus): the same provincial review."""

from __future__ import annotations

from django.db import models

from usefirst.risk.choices import PRODUCT_EDITABLE, PackPart, ProductStatus

__all__ = ["PRODUCT_EDITABLE", "ApplicationStatus", "Borrower", "LoanKind", "PackPart", "PledgeStatus", "ProductStatus"]


class LoanKind(models.TextChoices):
    UPGRADE = "upgrade", "升级贷（被许可企业使用期技术改造）"
    PURCHASE = "purchase", "购买贷（被许可企业付费期购买技术）"
    REVENUE = "revenue", "收益权贷（许可方以合同未来收益融资）"


class Borrower(models.TextChoices):
    LICENSEE = "licensee", "被许可企业"
    LICENSOR = "licensor", "许可方（成果单位）"


BORROWER: dict[str, str] = {
    LoanKind.UPGRADE: Borrower.LICENSEE,
    LoanKind.PURCHASE: Borrower.LICENSEE,
    LoanKind.REVENUE: Borrower.LICENSOR,
}


class ApplicationStatus(models.TextChoices):
    """A loan application from the party's request to the loan's end (financing/workflows.py)."""

    APPLIED = "applied", "已申请待审批"
    INFO_REQUESTED = "info_requested", "待补充材料"
    APPROVED = "approved", "已批准"
    DECLINED = "declined", "未获批准"
    WITHDRAWN = "withdrawn", "已撤回"
    SETTLED = "settled", "已结清"


APPLICATION_OPEN = frozenset({ApplicationStatus.APPLIED, ApplicationStatus.INFO_REQUESTED})


class PledgeStatus(models.TextChoices):
    REGISTERED = "registered", "质押中"
    RELEASED = "released", "已解除质押"
