"""Statuses and choice lists of annual data reporting (年度数据填报) and rectification (整改)."""

from __future__ import annotations

from django.db import models


class FormKind(models.TextChoices):
    UNIT = "unit", "单位年度报告"
    CITY = "city", "地市年度报告"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "填报中"
    SUBMITTED = "submitted", "待主管部门审核"
    DEPARTMENT_ACCEPTED = "department_accepted", "主管部门已通过，待省科学技术厅复核"
    RETURNED = "returned", "已退回修改"
    ACCEPTED = "accepted", "省科学技术厅复核通过"


class AnnexKind(models.TextChoices):
    CONVERSION = "conversion", "科技成果转化清单"
    TYPICAL = "typical", "典型科技成果清单"
    SERVICE = "service", "技术开发/咨询/服务项目清单"


class CaseStatus(models.TextChoices):
    FOUND = "found", "已发现问题"
    NOTIFIED = "notified", "已通知整改"
    PLAN_SUBMITTED = "plan_submitted", "整改方案待核验"
    PLAN_RETURNED = "plan_returned", "整改方案被退回"
    CLOSED = "closed", "已核验销号"


class CaseSeverity(models.TextChoices):
    GENERAL = "general", "一般"
    SERIOUS = "serious", "严重"
