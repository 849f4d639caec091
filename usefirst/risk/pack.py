"""The underwriting pack (核保材料): what the platform knows of a contract, pre-filled for the
insurer, in the parts the insured consented to share when applying (choices.PackPart). The pack is
frozen on the application (`Policy.pack`), so the insurer reads what the insured agreed to share
then, as structured data (the API) and as a PDF typeset like the contracts (contracts.pdf, the
CJK font of core.fonts)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from usefirst.accounts.models import Organisation
from usefirst.catalog.models import Achievement, IpItem
from usefirst.contracts import selectors as contract_selectors
from usefirst.contracts.models import Contract
from usefirst.core.audit import audit
from usefirst.core.money import format_cny
from usefirst.finance import selectors as finance_selectors
from usefirst.performance import selectors as performance_selectors

from .choices import PackPart
from .models import Policy


def _money(value: Any) -> str | None:
    return None if value is None else str(value)


NOT_CONSENTED = "未获授权，未纳入"


def performance_part(contract: Contract, provider: Organisation | None, *, on: dt.date) -> dict[str, Any]:
    """The licensee's performance record (履约信用档案), only when the enterprise has consented to
    this insurer or guarantor reading it (performance.Consent); otherwise only the words
    未获授权，未纳入 and nothing of the record. Each inclusion is logged like a reading."""
    licensee = contract.licensee
    consent = (
        performance_selectors.consent_of_organisation(licensee, provider)
        if licensee is not None and provider is not None
        else None
    )
    if licensee is None or consent is None:
        return {"consented": False, "note": NOT_CONSENTED}
    record = performance_selectors.record(licensee, on=on)
    audit(
        actor=None,
        action="performance.record_view",
        obj=licensee,
        consent=consent.pk,
        grantee=consent.grantee_id,
        via="risk.pack",
    )
    s = record.summary
    return {
        "consented": True,
        "enterprise": licensee.name,
        "consent_granted_at": consent.granted_at.date().isoformat(),
        "grade": s.grade,
        "grade_display": s.grade_label,
        "summary": {
            "contracts": s.contracts,
            "on_time": s.on_time,
            "late": s.late,
            "missed": s.missed,
            "missed_amount": str(s.missed_amount),
            "disputes": s.disputes,
            "claims": s.claims,
            "claims_amount": str(s.claims_amount),
            "breaches": s.breaches,
        },
        "entries": [
            {
                "day": e.day.isoformat(),
                "kind": e.kind_label,
                "contract": e.contract_number,
                "label": e.label,
                "outcome": e.outcome_label,
                "amount": _money(e.amount),
            }
            for e in record.entries[:50]
        ],
    }


def build_pack(contract: Contract, parts: list[str], *, on: dt.date, provider: Organisation | None = None) -> dict[str, Any]:
    """The consented parts of the pack, as plain JSON (money as exact decimal strings); the
    licensee's performance record as `performance_part` allows."""
    pack: dict[str, Any] = {"prepared_on": on.isoformat(), "parts": sorted(parts)}
    pack["performance"] = performance_part(contract, provider, on=on)
    if PackPart.CONTRACT in parts:
        pack["contract"] = {
            "number": contract.number,
            "title": contract.title,
            "kind": contract.get_kind_display(),
            "mode": contract.get_mode_display() if contract.mode else "",
            "status": contract.get_status_display(),
            "licensor": contract.licensor.name if contract.licensor is not None else "",
            "licensee": contract.licensee.name if contract.licensee is not None else "",
            "free_use_start": contract.free_use_start.isoformat() if contract.free_use_start else None,
            "free_use_end": contract.free_use_end.isoformat() if contract.free_use_end else None,
            "term_end": contract.term_end.isoformat() if contract.term_end else None,
            "price": _money(contract.price),
            "payment_terms": contract.payment_terms,
        }
    if PackPart.ACHIEVEMENT in parts:
        ids = contract_selectors.achievement_ids_of_contract(contract.pk)
        items = []
        for achievement in Achievement.objects.filter(pk__in=ids).order_by("pk"):
            ip = IpItem.objects.filter(achievement=achievement).order_by("pk")
            items.append(
                {
                    "title": achievement.title,
                    "trl": achievement.trl,
                    "ip": [
                        {
                            "kind": i.get_kind_display(),
                            "number": i.number,
                            "title": i.title,
                            "legal_status": i.get_legal_status_display(),
                        }
                        for i in ip
                    ],
                }
            )
        pack["achievements"] = items
    if PackPart.PAYMENT_PLAN in parts:
        rows = finance_selectors.schedule(contract, on=on)
        pack["payment_plan"] = {
            "received": str(finance_selectors.received_for_contract(contract)),
            "lines": [
                {
                    "label": r.line.label,
                    "amount": _money(r.line.amount),
                    "due_date": r.line.due_date.isoformat() if r.line.due_date else None,
                    "state": r.state_label,
                }
                for r in rows
            ],
        }
    return pack


def pack_text(policy: Policy) -> str:
    """The pack as the PDF's body: one article per consented part."""
    pack = policy.pack
    blocks = [
        f"投保人：{policy.insured.name}。产品：{policy.product.name}（第 {policy.product.version} 版，{policy.provider.name}）。"
        f"申请期间：{policy.period_start} 至 {policy.period_end}。材料生成日：{pack.get('prepared_on', '')}。",
        "以下各部分均经投保人在投保时同意向保险（担保）机构提供；未经同意的部分不在本材料中。",
    ]
    contract = pack.get("contract")
    if contract:
        blocks.append("第一条　合同主要条款")
        blocks.append(
            f"合同编号 {contract['number']}，《{contract['title']}》，{contract['kind']}，{contract['mode'] or '未约定模式'}，"
            f"状态：{contract['status']}。许可方：{contract['licensor']}；被许可方：{contract['licensee']}。"
            f"免费使用期：{contract['free_use_start'] or '—'} 至 {contract['free_use_end'] or '—'}。"
            f"合同金额：{format_cny(contract['price']) if contract['price'] else '未约定'}。"
        )
        if contract.get("payment_terms"):
            blocks.append(f"付费条件：{contract['payment_terms']}")
    achievements = pack.get("achievements")
    if achievements is not None:
        blocks.append("第二条　成果的技术成熟度与知识产权")
        for a in achievements:
            ip = "；".join(f"{i['kind']} {i['number'] or ''} {i['title'] or ''}（{i['legal_status']}）".strip() for i in a["ip"])
            blocks.append(f"《{a['title']}》，技术成熟度 {a['trl']} 级。知识产权：{ip or '未登记'}。")
    plan = pack.get("payment_plan")
    if plan is not None:
        blocks.append("第三条　付款计划与到账情况")
        for line in plan["lines"]:
            amount = format_cny(line["amount"]) if line["amount"] else "按约定计算"
            blocks.append(f"{line['label']}：{amount}，应付日期 {line['due_date'] or '待定'}，{line['state']}。")
        blocks.append(f"已确认实际到账合计：{format_cny(plan['received'])}。")
    performance = pack.get("performance")
    if performance is not None:
        blocks.append("第四条　被许可方履约信用档案")
        if not performance.get("consented"):
            blocks.append(f"被许可方履约信用档案：{performance.get('note') or NOT_CONSENTED}。")
        else:
            s = performance["summary"]
            blocks.append(
                f"{performance['enterprise']}于 {performance['consent_granted_at']} 授权本机构查看。评价：{performance['grade_display']}。"
                f"涉及合同 {s['contracts']} 份；按期支付 {s['on_time']} 笔，逾期后支付 {s['late']} 笔，逾期未付 {s['missed']} 笔"
                f"（{format_cny(s['missed_amount'])}）；争议 {s['disputes']} 项；代偿 {s['claims']} 笔（{format_cny(s['claims_amount'])}）；"
                f"违约记录 {s['breaches']} 项。"
            )
            for e in performance["entries"]:
                amount = f"，{format_cny(e['amount'])}" if e["amount"] else ""
                blocks.append(f"{e['day']} {e['kind']}：合同 {e['contract']} {e['label']}{amount}，{e['outcome']}。")
    return "\n\n".join(blocks)


def pack_pdf(policy: Policy) -> bytes:
    from usefirst.contracts.pdf import render_pdf

    return render_pdf(
        title=f"{policy.noun}核保材料",
        number=policy.contract.number,
        body=pack_text(policy),
        draft_mark=f"投保申请第 {policy.pk} 号 · 经投保人同意提供",
    )
