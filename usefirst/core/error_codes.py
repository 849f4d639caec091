"""Every error code the project raises: its HTTP status, the domain that owns it and a Chinese
default message. A code is a stable machine identifier that API clients may rely on (the
problem+json `code`); the `detail` a service gives is the Chinese text a person reads, usually
more precise than the default here ("…" stands for the figures the raising site fills in).

Rules (enforced by `usefirst/core/tests/test_error_codes.py`):
- every code raised in the source (`code="…"`, a class's `default_code`, or a code given through
  a helper or table) is registered here, with the status it is normally raised with (a few
  codes are raised with another status where the meaning allows it, e.g. `validation_failed`
  is 422 for a malformed API request);
- every registered code is named somewhere in the source, or is listed in `RESERVED` with the
  reason;
- `FIELD_CODES` are the codes of Django `ValidationError`s raised by validators: they never
  reach a client as a `code`, only as a field's message inside `validation_failed`.

The OpenAPI schema lists the codes (`x-error-codes`, and the `Problem` schema's `code` enum):
see `usefirst.api.urls`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorCode:
    code: str
    status: int
    domain: str
    message: str


E = ErrorCode

CODES: tuple[ErrorCode, ...] = (
    # core
    E("already_confirmed", 409, "core", "该事项已确认"),
    E("cjk_font_missing", 503, "core", "服务器缺少中文字体，暂时无法生成 PDF"),
    E("conflict", 409, "core", "操作与当前状态冲突"),
    E("stale_state", 409, "core", "状态已变更，请刷新后再操作"),
    E("daily_job_date_outside", 400, "core", "业务日期须在 … 至 … 之间（今天及之前 … 天）"),
    E("daily_job_not_yet_due", 400, "core", "“…”每日 …（北京时间）起才运行，… 的运行时间还未到"),
    E("daily_job_running", 409, "core", "“…”… 正在运行，请稍后刷新查看结果"),
    E("daily_job_unknown", 404, "core", "未知的每日任务：…"),
    E("dates_out_of_order", 400, "core", "结束日期不能早于起始日期"),
    E("file_empty", 400, "core", "上传的文件为空"),
    E("file_headers", 400, "core", "表头缺少必需的列：…。请使用平台下载的模板，不要修改第 1 行表头"),
    E("file_macro", 400, "core", "不接受含宏的 Excel 文件（.xlsm），请另存为“Excel 工作簿（.xlsx）”后上传"),
    E("file_missing", 400, "core", "请选择要上传的 Excel 文件（.xlsx）"),
    E("file_no_header", 400, "core", "工作表是空的：第 1 行应为表头"),
    E(
        "file_not_xlsx",
        400,
        "core",
        "文件内容不是有效的 Excel 工作簿（.xlsx）：请勿把 CSV、WPS 或旧版 .xls 文件改名上传，请用 Excel 另存为 .xlsx",
    ),
    E("file_too_large", 413, "core", "文件解压后过大，已拒绝"),
    E("file_type", 400, "core", "只接受 Excel 工作簿（.xlsx）文件，请使用下载的模板填写"),
    E("file_unreadable", 400, "core", "无法读取该 Excel 文件，文件可能已损坏"),
    E("forbidden", 403, "core", "您没有执行此操作的权限"),
    E("illegal_transition", 409, "core", "当前状态不允许此操作"),
    E("import_rows_invalid", 422, "core", "文件中有行存在错误，未导入任何数据。请修改后重新上传"),
    E("invalid", 400, "core", "请求无效"),
    E("invalid_filter", 400, "core", "筛选条件无效"),
    E("invalid_page", 400, "core", "页码应为正整数"),
    E("invalid_page_size", 400, "core", "每页条数应为整数"),
    E("not_an_enterprise", 403, "core", "只有已认证的企业可以执行此操作"),
    E("not_editable", 409, "core", "当前状态不能修改"),
    E("not_found", 404, "core", "未找到该对象，或您无权查看"),
    E("not_provincial_admin", 403, "core", "只有省科技厅管理员可以执行此操作"),
    E("page_out_of_range", 404, "core", "页码超出范围：共 … 页"),
    E("reason_invalid", 400, "core", "理由过于简略或过长"),
    E("reason_required", 400, "core", "须写明理由"),
    E("too_many_rows", 400, "core", "数据行数超过上限：单个文件最多 … 行，请拆分后分批导入"),
    E("unauthenticated", 401, "core", "请先登录或提供有效的接口令牌"),
    E("upload_refused", 400, "core", "上传的文件未被接受"),
    E("validation_failed", 400, "core", "输入有误"),
    # api
    E("bad_request", 400, "api", "请求有误"),
    E("error", 400, "api", "请求失败"),
    E("method_not_allowed", 405, "api", "该接口不支持此请求方法"),
    E("payload_too_large", 413, "api", "请求内容过大"),
    E("rate_limited", 429, "api", "请求过于频繁，请稍后再试"),
    E("repeated_parameter", 400, "api", "查询参数只能出现一次"),
    E("server_error", 500, "api", "服务器内部错误，请稍后再试"),
    E("unsupported_media_type", 415, "api", "不支持的请求内容类型"),
    # accounts
    E("account_locked", 403, "accounts", "登录失败次数过多，账户已暂时锁定，请稍后再试"),
    E("already_member", 409, "accounts", "该邮箱的用户已是本机构成员"),
    E("credit_code_taken", 409, "accounts", "该统一社会信用代码已注册"),
    E("email_taken", 409, "accounts", "该邮箱已注册"),
    E("field_not_editable", 400, "accounts", "不能修改：…"),
    E("id_kind", 400, "accounts", "证件类型无效"),
    E("invalid_credentials", 401, "accounts", "电子邮箱或密码不正确"),
    E("invalid_email", 400, "accounts", "请输入有效的电子邮箱"),
    E("invalid_field", 400, "accounts", "不支持查看该字段"),
    E("invalid_id_number", 400, "accounts", "证件号码不正确"),
    E("invalid_phone", 400, "accounts", "手机号码格式不正确"),
    E("invalid_role", 400, "accounts", "角色无效"),
    E("invitation_expired", 400, "accounts", "邀请已过期，请联系机构管理员重新邀请"),
    E("invitation_invalid", 404, "accounts", "邀请链接无效"),
    E("invitation_used", 409, "accounts", "该邀请已被接受"),
    E("invitation_wrong_user", 403, "accounts", "该邀请发给 …，请使用该邮箱登录后再接受"),
    E("kind_not_registrable", 400, "accounts", "该机构类型不能自助注册"),
    E("last_admin", 409, "accounts", "机构至少需要一名有效的管理员：请先指定另一名管理员"),
    E("login_required", 400, "accounts", "该邮箱已有账户，请先登录后再接受邀请"),
    E("not_member", 403, "accounts", "您不是该机构的成员"),
    E("not_org_admin", 403, "accounts", "只有本机构管理员可以执行此操作"),
    E("not_reviewer", 403, "accounts", "您所在部门不负责审核该机构"),
    E("own_organisation", 403, "accounts", "不能停用本人所在的机构"),
    E("person_not_listed", 409, "accounts", "本单位尚未登记该完成人（或其同意已撤回），请按证件号码重新登记"),
    E("verification_expired", 400, "accounts", "验证链接已过期，请重新发送验证邮件"),
    E("verification_invalid", 400, "accounts", "验证链接无效，请检查链接是否完整"),
    E("weak_password", 400, "accounts", "密码不符合要求：…"),
    # catalog
    E("attachment_empty", 400, "catalog", "附件为空文件"),
    E("attachment_limit", 400, "catalog", "每项成果最多 … 个附件"),
    E("attachment_name", 400, "catalog", "文件名包含不可见的控制字符"),
    E("attachment_too_large", 400, "catalog", "附件不能超过 … MB"),
    E("attachment_type", 400, "catalog", "附件只能是 PDF、PNG 或 JPEG 文件（按文件内容识别）"),
    E("deadline_passed", 400, "catalog", "截止日期已过，请修改截止日期后再提交"),
    E("invalid_keywords", 400, "catalog", "关键词应为文本"),
    E("not_an_owner_unit", 403, "catalog", "只有已认证的成果单位可以登记成果"),
    E("restricted_not_publishable", 409, "catalog", "该成果涉及国防、国家安全、国家利益或重大社会公共利益，不得公开发布"),
    E("tech_fields_missing", 503, "catalog", "技术领域尚未配置，不能创建自动纳入的成果"),
    # plan_projects
    E("import_conflict", 409, "plan_projects", "另一次导入正在写入相同的项目编号，请稍后重试"),
    # inclusion (rule 4)
    E("declaration_evidence_invalid", 400, "inclusion", "…应为 PDF、PNG 或 JPEG 文件，且不超过 10 MB"),
    E("declaration_evidence_required", 400, "inclusion", "请上传转化合同（PDF、PNG 或 JPEG）作为平台外转化的证明"),
    E("declaration_exists", 409, "inclusion", "该项目已有审核中或已认可的平台外转化申报，不能重复申报"),
    E("not_project_unit", 403, "inclusion", "只有项目承担单位可以申报平台外转化"),
    E("not_reviewing_department", 403, "inclusion", "只有申报单位的主管部门可以审核平台外转化申报"),
    E("sweep_date_outside_term", 400, "inclusion", "统计日期须在政策有效期（…至…）内"),
    # matchmaking
    E("agreement_pending", 409, "matchmaking", "已有一方提出达成一致，等待另一方确认"),
    E("both_sides", 403, "matchmaking", "您同时属于对接双方机构，不能独自…"),
    E("decline_instead", 409, "matchmaking", "尚未答复的对接意向请选择“婉拒”并说明原因"),
    E("duplicate_intent", 409, "matchmaking", "本机构已就该…提出对接意向且尚未结束，请在原对接中继续洽谈"),
    E("item_not_published", 400, "matchmaking", "该成果或需求尚未发布或已撤回、下架，不能提出对接意向"),
    E("item_required", 400, "matchmaking", "请指明 achievement_id 或 demand_id"),
    E("item_restricted", 400, "matchmaking", "该成果涉及国防、国家安全等限制情形，不公开，不能对接"),
    E("not_a_unit", 403, "matchmaking", "只有成果单位可以对需求提出对接意向"),
    E("not_an_agency", 400, "matchmaking", "请选择已认证的技术转移转化服务机构"),
    E("not_own_achievement", 400, "matchmaking", "只能关联本单位的成果"),
    E("not_own_demand", 400, "matchmaking", "只能关联本企业发布的需求"),
    E("organisation_not_active", 403, "matchmaking", "机构尚未通过认证，暂不能提出对接意向"),
    E("own_item", 400, "matchmaking", "不能对本机构的成果或需求提出对接意向"),
    E("wrong_side", 403, "matchmaking", "达成一致须由另一方确认"),
    # contracts
    E("contract_changed", 409, "contracts", "签署期间合同已被他人更新，本次签署未保存，请刷新页面后重新签署"),
    E("achievement_not_in_agreement", 400, "contracts", "成果“…”不在预先协议 … 的范围内，成果完成人不能作为其许可方"),
    E("achievement_not_owned", 400, "contracts", "成果“…”不属于许可方（或共有单位）"),
    E("agreement_ended", 400, "contracts", "预先协议 … 已…，成果完成人不能再依据它作为许可方"),
    E("agreement_expired", 400, "contracts", "预先协议 … 的期限已于 … 届满，成果完成人不能再依据它作为许可方"),
    E("agreement_not_signed", 400, "contracts", "预先协议 … 尚未经各方签署，不能依据它订立合同"),
    E("announced_in_future", 400, "contracts", "公告日不能晚于今天：只能登记已公告的开放许可"),
    E("ending_already_answered", 409, "contracts", "该终止申请已答复，不能撤回"),
    E("ending_already_open", 409, "contracts", "该合同已有待对方答复的终止申请，请等待答复或先撤回"),
    E("ending_kind_invalid", 409, "contracts", "终止方式无效"),
    E(
        "ending_needs_agreement_or_notice",
        409,
        "contracts",
        "合同“…”已有正式条款或付款计划，不能由一方直接终止：请提出协商终止，或发出终止通知（通知期 … 日，对方可提出异议）",
    ),
    E("ending_same_side", 403, "contracts", "终止申请须由合同另一方答复"),
    E("engagement_contract_exists", 400, "contracts", "本对接已有合同；如确需另起一份合同，请说明理由"),
    E("exclusive_licence_exists", 409, "contracts", "该成果存在有效的独占或排他许可，不能实行开放许可"),
    E("follow_on_kind", 400, "contracts", "先使用后付费合同期满后的后续合同应为正式许可或转让合同"),
    E("grant_differs_from_parent", 400, "contracts", "后续合同沿用原合同 … 的赋权约定（…），不能另行约定"),
    E("grant_not_applicable", 400, "contracts", "赋予成果完成人所有权或长期使用权只适用于先使用后合作的免费使用许可合同"),
    E("no_agreement", 400, "contracts", "成果完成人作为许可方，须选择其与成果单位签署的简约程序预先协议"),
    E("no_common_inventor", 400, "contracts", "该成果与原合同成果没有共同的成果完成人"),
    E("no_document", 409, "contracts", "该合同尚未生成文本"),
    E("no_inventor_licensor", 400, "contracts", "请选择作为许可方的成果完成人"),
    E("no_patent", 400, "contracts", "成果“…”没有登记专利，不能实行专利开放许可"),
    E("no_published_template", 400, "contracts", "该类合同尚无已发布的示范文本"),
    E("not_a_signer", 403, "contracts", "您不是该合同任何一方的授权签署人（须在该机构具有“可代表机构签署合同”权限）"),
    E("not_in_agreement", 400, "contracts", "… 不是预先协议 … 的一方"),
    E("open_licence_exclusive", 400, "contracts", "开放许可的实施只能是普通许可"),
    E("open_licence_exists", 409, "contracts", "公告号 … 的开放许可已登记"),
    E("open_licence_not_in_force", 400, "contracts", "开放许可（公告号 …）已届满或已撤回，不能再登记实施"),
    E("parent_not_open", 400, "contracts", "原合同尚未进入免费使用期或已终止，不能订立后续合同"),
    E("password_incorrect", 403, "contracts", "密码不正确，签署前须重新输入登录密码"),
    E("same_side", 403, "contracts", "后续安排须由另一方接受"),
    E("shares_not_100", 400, "contracts", "各成果价款份额之和应为 100%，现为 …%"),
    E("start_in_past", 400, "contracts", "免费使用期起始日不能早于今天（起止日须在签署前载明）"),
    # finance
    E("already_reported", 409, "finance", "该期已报告，如需更正请联系许可方"),
    E("already_waived", 409, "finance", "该事项已豁免"),
    E("amount_invalid", 400, "finance", "…“…”不是有效的金额"),
    E("amount_negative", 400, "finance", "…不能为负数"),
    E("amount_not_exact", 400, "finance", "…必须以精确的十进制数提交"),
    E("amount_not_positive", 400, "finance", "…必须大于零"),
    E("amount_too_large", 400, "finance", "…超出上限"),
    E("amount_too_precise", 400, "finance", "…最多保留两位小数（精确到分），“…”过于精确，平台不会替您四舍五入"),
    E("below_inventor_floor", 400, "finance", "成果完成人所得低于政策规定的下限，不能分配"),
    E("contract_not_signed", 400, "finance", "合同尚未签署完成，不能登记到账或付款计划"),
    E("date_invalid", 400, "finance", "…“…”不是有效日期（如 2026-06-30）"),
    E("distribution_conflict", 409, "finance", "另一项收益分配同时在核算，请刷新后重试"),
    E("fund_insufficient", 400, "finance", "引导资金余额 … 元不足以支出 … 元"),
    E("grant_is_a_contract_term", 400, "finance", "对成果完成人的赋权是合同条款（本合同：…），不能在收益分配时另行选择"),
    E(
        "idempotency_key_reused",
        409,
        "finance",
        "该幂等键已用于内容不同的另一笔到账：同一笔到账请重复提交相同内容，新的到账请使用新的幂等键",
    ),
    E("installments_empty", 400, "finance", "分期支付至少需要一期"),
    E("milestone_name", 400, "finance", "第…个里程碑需要名称（不超过100字）"),
    E("milestones_empty", 400, "finance", "里程碑支付至少需要一个里程碑"),
    E("no_inventors", 400, "finance", "该合同的成果没有登记成果完成人及其份额，无法分配"),
    E("not_a_milestone", 400, "finance", "只有里程碑需要双方确认"),
    E("not_a_royalty_period", 400, "finance", "该事项不是提成期"),
    E("nothing_to_distribute", 400, "finance", "没有尚未分配的到账：收益分配以实际到账为基础"),
    E("payment_days", 400, "finance", "里程碑确认后的付款期限应在 0 到 365 天之间"),
    E("percent_invalid", 400, "finance", "股权或所有权比例无效"),
    E("percent_out_of_range", 400, "finance", "比例超出允许范围"),
    E("percentages_not_100", 400, "finance", "成果完成人、单位与引导资金的比例之和应为 100%，现为 …%"),
    E("period_not_ended", 400, "finance", "提成期至 … 结束，期满后才能报告"),
    E("plan_empty", 400, "finance", "付款计划至少需要一种付款方式"),
    E("plan_exists", 409, "finance", "该合同已有付款计划"),
    E("receipt_already_answered", 409, "finance", "该到账已确认或已有异议"),
    E(
        "receipt_awaits_confirmation",
        409,
        "finance",
        "到账须经付款单位确认（或审核部门核实）后才计入实际到账并参与收益分配；请先登记到账，确认后再核算分配",
    ),
    E("receipt_before_signing", 400, "finance", "到账日期 … 早于合同签署日 …：签署前的款项不能计入本合同"),
    E("receipt_disputed", 409, "finance", "付款方已对该到账提出异议，不能确认；请许可方核实后冲正或重新登记"),
    E("receipt_in_future", 400, "finance", "日期不能晚于今天"),
    E("receipt_in_unpaid_distribution", 409, "finance", "该到账已计入尚未发放的第…批收益分配，请先撤销该分配再冲销"),
    E("receipt_not_confirmed", 400, "finance", "未确认的到账不计入金额，无需冲销"),
    E("receipt_not_payer", 403, "finance", "只有付款单位可以对到账提出异议"),
    E("receipt_slip_invalid", 400, "finance", "银行回单不超过 10 MB"),
    E("receipt_slip_required", 400, "finance", "单笔到账达到规定金额须上传银行回单（PDF 或图片）"),
    E("reversal_exceeds_original", 400, "finance", "该笔到账已全额冲销"),
    E("reversal_of_reversal", 400, "finance", "冲销记录本身不能再冲销"),
    E("royalty_base", 400, "finance", "提成基数应为净销售额或利润"),
    E("royalty_min_above_cap", 400, "finance", "保底金额不能高于封顶金额"),
    E("royalty_scope", 400, "finance", "…应为每期或累计"),
    E("royalty_terms", 400, "finance", "提成期数应为 1–120，期长为 1、3、6 或 12 个月"),
    E("unknown_item_type", 400, "finance", "未知的付款方式“…”"),
    E("voucher_number_used", 400, "finance", "凭证号已被使用"),
    # recognition
    E("misconduct_not_subject", 403, "recognition", "只有记录的主体可以申诉"),
    E("misconduct_period_invalid", 400, "recognition", "记录期止不能早于记录期起"),
    E("misconduct_subject_not_found", 400, "recognition", "未找到该失信主体"),
    E("misconduct_subject_required", 400, "recognition", "请指定一个失信主体（机构或个人）"),
    E("recognition_already_established", 409, "recognition", "该成果转化已作为省级科技计划项目立项，不能认定（规则3）"),
    E("recognition_already_recognised", 409, "recognition", "该成果已获认定，不能重复认定（规则3）"),
    E("recognition_application_exists", 409, "recognition", "该成果已有进行中的认定申请"),
    E("recognition_below_threshold", 409, "recognition", "实际到账金额未达到认定门槛（规则2：累计实际到账≥50万元，含本数）"),
    E("recognition_cap_not_raised", 400, "recognition", "新上限应大于当前上限 …"),
    E("recognition_misconduct_in_force", 409, "recognition", "单位或成果完成人有在记录期内的科研失信记录，不予认定"),
    E("recognition_not_in_notice", 409, "recognition", "该项目不在公示期内"),
    E("recognition_not_key_technology", 409, "recognition", "未确认为科研攻关类项目，不能进入公示；如不符合请作出不予认定决定"),
    E("recognition_not_owner_unit", 403, "recognition", "只有成果单位可以起草认定申请"),
    E("recognition_not_provincial_admin", 403, "recognition", "只有省科学技术厅管理员可以调整年度名额"),
    E("recognition_not_provincial_reviewer", 403, "recognition", "只有省科学技术厅可以执行此操作"),
    E("recognition_not_superior_department", 403, "recognition", "推荐单位不是该成果单位的上级业务主管部门"),
    E("recognition_notice_running", 409, "recognition", "公示期至 …，期满后方可认定"),
    E("recognition_objection_answered", 409, "recognition", "该异议已答复"),
    E("recognition_objection_upheld", 409, "recognition", "公示异议成立，不能认定；请作出不予认定决定"),
    E("recognition_objections_unanswered", 409, "recognition", "公示异议尚未全部答复"),
    E("recognition_person_already_recognised", 409, "recognition", "成果完成人本年度已有项目获认定（规则3：每人每年限一项）"),
    E("recognition_quota_exhausted", 409, "recognition", "本年度认定名额已满（规则3：原则上每年不超过200项）"),
    E("recognition_reason_required", 400, "recognition", "请填写…"),
    # policy
    E("parameter_invalid", 400, "policy", "“…”的取值无效"),
    E("parameter_outside_term", 400, "policy", "生效日期须在政策有效期（…至…）内"),
    E("parameter_unknown", 400, "policy", "未知的政策参数"),
    # risk
    E("not_a_provider", 403, "risk", "只有保险机构和担保机构的成员可以发布产品"),
    E("product_rule_inconsistent", 400, "risk", "产品规则前后矛盾：…"),
    E("product_version_open", 409, "risk", "该产品已有一个正在修改或审核中的新版本，请先完成它"),
    E("quote_not_party", 403, "risk", "只有合同当事方和省科技厅可以查看该合同的保险与担保报价"),
)

REGISTRY: dict[str, ErrorCode] = {entry.code: entry for entry in CODES}

# Registered codes that no source line names yet, each with the reason it is kept.
RESERVED: dict[str, str] = {}

FIELD_CODES: frozenset[str] = frozenset(
    {
        "control_characters",
        "credit_code_area",
        "credit_code_check",
        "credit_code_format",
        "id_birthdate",
        "id_check",
        "id_format",
        "invalid_choice",
        "patent_check",
        "patent_format",
    }
)


def lookup(code: str) -> ErrorCode | None:
    return REGISTRY.get(code)
