"""Statuses of typical cases (典型案例)."""

from __future__ import annotations

from django.db import models


class CaseStatus(models.TextChoices):
    DRAFT = "draft", "草稿（征求双方同意）"
    SUBMITTED = "submitted", "待主管部门审核"
    PUBLISHED = "published", "已发布"
    RETURNED = "returned", "已退回"
    WITHDRAWN = "withdrawn", "已撤回"


class Side(models.TextChoices):
    LICENSOR = "licensor", "成果单位（许可方 / 转让方）"
    LICENSEE = "licensee", "企业（被许可方 / 受让方）"
