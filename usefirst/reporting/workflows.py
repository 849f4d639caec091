"""The lifecycles of an annual report and of a rectification case, declared for the workflow
kernel (usefirst/core/workflow.py).

Annual report (年度数据填报): draft → submitted (by the reporting organisation, within the filing
window or a department's extension, with the signed cover and the undertaking uploaded and every
required figure filled) → accepted by the supervising department, or returned with reasons →
countersigned by the provincial department (省科学技术厅复核：accepted, or returned with reasons
to the organisation, which submits again to its department). A city's report has the province as
its department: the province's acceptance is its countersign too (docs/reporting.md).

Rectification case (整改): found → notified (the department sets the plan's deadline) → plan
submitted by the unit → verified and closed, or the plan returned → submitted again. A serious
case may be referred to the misconduct record (an event, not a move).
"""

from __future__ import annotations

from django.db import models

from usefirst.core import workflow
from usefirst.core.permissions import Action

from . import rules
from .choices import CaseStatus, ReportStatus
from .models import AnnualReport, CaseEvent, RectificationCase, ReportEvent

R = ReportStatus
C = CaseStatus


class ReportEventType(models.TextChoices):
    CREATE = "create", "开始填报（平台数据预填）"
    EDIT = "edit", "修改填报数据"
    IMPORT = "import", "Excel 导入填报数据"
    UPLOAD = "upload", "上传签章封面或承诺书"
    EXTEND = "extend", "主管部门准予延期"
    SUBMIT = "submit", "提交"
    ACCEPT = "accept", "主管部门审核通过"
    RETURN = "return", "主管部门退回修改"
    COUNTERSIGN = "countersign", "省科学技术厅复核通过"
    PROVINCE_RETURN = "province_return", "省科学技术厅退回修改"


NOT_REVIEWER = ("not_reviewing_department", "只有填报单位的主管部门可以审核年度数据报告")
NOT_PROVINCE = ("report_not_province", "只有省科学技术厅可以复核年度数据报告")

REPORT = workflow.register(
    workflow.Workflow(
        name="reporting.report",
        model=AnnualReport,
        states=ReportStatus,
        event_model=ReportEvent,
        event_types=ReportEventType,
        noun="年度数据报告",
        groups=(
            workflow.StateGroup("open", "填报中", frozenset({R.DRAFT, R.RETURNED})),
            workflow.StateGroup("in_review", "审核中", frozenset({R.SUBMITTED, R.DEPARTMENT_ACCEPTED})),
            workflow.StateGroup("done", "已通过", frozenset({R.ACCEPTED})),
        ),
        transitions=(
            workflow.Transition(
                "submit",
                {R.DRAFT, R.RETURNED},
                R.SUBMITTED,
                "提交",
                permission=Action.CHANGE,
                guards=(rules.WITHIN_WINDOW, rules.ATTACHMENTS, rules.COMPLETE),
            ),
            workflow.Transition(
                "accept", R.SUBMITTED, R.DEPARTMENT_ACCEPTED, "审核通过", permission=Action.REVIEW, forbidden=NOT_REVIEWER
            ),
            workflow.Transition("return", R.SUBMITTED, R.RETURNED, "退回", permission=Action.REVIEW, forbidden=NOT_REVIEWER),
            workflow.Transition(
                "countersign", R.DEPARTMENT_ACCEPTED, R.ACCEPTED, "复核通过", permission=Action.ADMINISTER, forbidden=NOT_PROVINCE
            ),
            workflow.Transition(
                "province_return",
                R.DEPARTMENT_ACCEPTED,
                R.RETURNED,
                "复核退回",
                permission=Action.ADMINISTER,
                forbidden=NOT_PROVINCE,
            ),
        ),
    )
)


class CaseEventType(models.TextChoices):
    OPEN = "open", "发现问题并立案"
    NOTIFY = "notify", "通知整改"
    SUBMIT_PLAN = "submit_plan", "提交整改方案"
    RETURN_PLAN = "return_plan", "退回整改方案"
    CLOSE = "close", "核验销号"
    REMIND = "remind", "整改期限提醒"
    REFER = "refer", "移交科研失信记录"


NOT_OPENER = ("not_case_department", "只有立案部门或省科学技术厅可以处理整改案件")

CASE = workflow.register(
    workflow.Workflow(
        name="reporting.case",
        model=RectificationCase,
        states=CaseStatus,
        event_model=CaseEvent,
        event_types=CaseEventType,
        noun="整改案件",
        groups=(
            workflow.StateGroup("open", "整改中", frozenset({C.FOUND, C.NOTIFIED, C.PLAN_SUBMITTED, C.PLAN_RETURNED})),
            workflow.StateGroup("closed", "已销号", frozenset({C.CLOSED})),
        ),
        transitions=(
            workflow.Transition("notify", C.FOUND, C.NOTIFIED, "通知整改", permission=Action.REVIEW, forbidden=NOT_OPENER),
            workflow.Transition(
                "submit_plan",
                {C.NOTIFIED, C.PLAN_RETURNED},
                C.PLAN_SUBMITTED,
                "提交整改方案",
                permission=Action.CHANGE,
                forbidden=("not_case_unit", "只有整改单位可以提交整改方案"),
            ),
            workflow.Transition(
                "return_plan", C.PLAN_SUBMITTED, C.PLAN_RETURNED, "退回整改方案", permission=Action.REVIEW, forbidden=NOT_OPENER
            ),
            workflow.Transition("close", C.PLAN_SUBMITTED, C.CLOSED, "核验销号", permission=Action.REVIEW, forbidden=NOT_OPENER),
        ),
    )
)
