"""The contract text: a published template version rendered with the contract's data.

Placeholders: licensor_name, licensor_code, co_licensors, licensee_name, licensee_code,
agency_name, inventor_names, achievements (title, ip, share), several, scope, field_of_use,
territory, exclusivity, open_licence, open_licence_number, open_licence_fee_terms,
free_use_start, free_use_end, free_use_days, term_end, price, payment_terms, extra_terms,
development_kind, parent_number, parent_title, inventor_grant (empty when nothing is granted),
signature_block.

The text is plain (no HTML); the HTML preview escapes it like any user text. In the text a PDF
is made from, signature_block marks where the signing boxes go (pdf.SIGNATURE_PANEL).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template import Context, Engine

from usefirst.core.money import cny_number

from . import pdf
from .models import Contract, ContractParty, ContractTemplate, InventorGrant

_ENGINE = Engine(autoescape=False)
DRAFT_MARK = "示范文本（待主管部门审定）"

# The blanks of a model contract as a reader sees the standard text: every placeholder marked
# 【…】 where the contract's own data will stand, every optional clause shown.
SPECIMEN: dict[str, Any] = {
    "licensor_name": "【许可方名称】",
    "licensor_code": "【许可方统一社会信用代码】",
    "co_licensors": ["【共有方名称】"],
    "licensee_name": "【被许可方名称】",
    "licensee_code": "【被许可方统一社会信用代码】",
    "agency_name": "【技术转移服务机构名称】",
    "inventor_names": "【成果完成人姓名】",
    "achievements": [{"title": "【科技成果名称】", "ip": "【知识产权类型及编号】", "share": "【份额】"}],
    "several": True,
    "scope": "【实施范围或开发内容】",
    "field_of_use": "【实施领域】",
    "territory": "【实施地域】",
    "exclusivity": "【许可方式（独占、排他或普通）】",
    "open_licence": True,
    "open_licence_number": "【开放许可公告编号】",
    "open_licence_fee_terms": "【开放许可使用费标准】",
    "free_use_start": "【免费使用期首日】",
    "free_use_end": "【免费使用期末日】",
    "free_use_days": "【天数】",
    "term_end": "【合同期限届满日】",
    "price": "【金额】",
    "payment_terms": "【付款方式与期限】",
    "extra_terms": "【双方约定的其他事项】",
    "development_kind": "【开发方式】",
    "parent_number": "【原合同编号】",
    "parent_title": "【原合同名称】",
    "inventor_grant": "【对成果完成人的赋权】",
    "signature_block": "甲方：【名称】    授权代表（电子签名）：＿＿＿＿＿＿＿＿\n"
    "乙方：【名称】    授权代表（电子签名）：＿＿＿＿＿＿＿＿",
}
_SPECIMEN_ENGINE = Engine(autoescape=False, string_if_invalid="【待填写】")


def chinese_date(value: dt.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "（未填写）"


def free_use_days(contract: Contract) -> int | None:
    if contract.free_use_start and contract.free_use_end:
        return (contract.free_use_end - contract.free_use_start).days + 1
    return None


def _signing_parties(contract: Contract) -> list[ContractParty]:
    return list(contract.parties.select_related("organisation", "person").order_by("position", "pk"))


def signature_slots(contract: Contract) -> list[pdf.SignatureSlot]:
    """One signing box per party, in the parties' order."""
    return [
        pdf.SignatureSlot(pdf.field_name(i), p.get_role_display(), p.display_name)
        for i, p in enumerate(_signing_parties(contract))
    ]


def signature_field(contract: Contract, party: ContractParty) -> str:
    """The name of the signature field (signing box) of `party` in the contract's PDF."""
    ids = [p.pk for p in _signing_parties(contract)]
    return pdf.field_name(ids.index(party.pk))


def context_for(contract: Contract, *, for_pdf: bool = False) -> dict[str, Any]:
    links = list(contract.achievements.select_related("achievement").prefetch_related("achievement__ip_items"))
    parties = list(contract.parties.select_related("organisation", "person"))
    licensor = contract.licensor
    licensee = contract.licensee
    open_licence = contract.open_licence
    signature_lines = []
    for party in parties:
        signature_lines.append(f"{party.get_role_display()}：{party.display_name}    授权代表（电子签名）：＿＿＿＿＿＿＿＿")
    return {
        "licensor_name": contract.licensor_name,
        "licensor_code": licensor.credit_code if licensor else "",
        "co_licensors": [o.name for o in contract.co_licensors.all()],
        "licensee_name": licensee.name if licensee else "",
        "licensee_code": licensee.credit_code if licensee else "",
        "agency_name": contract.agency.name if contract.agency else "",
        "inventor_names": "、".join(p.display_name for p in parties if p.role == ContractParty.Role.INVENTOR),
        "achievements": [
            {
                "title": link.achievement.title,
                "ip": "；".join(f"{i.get_kind_display()} {i.number}".strip() for i in link.achievement.ip_items.all()),
                "share": f"{link.price_share:.2f}",
            }
            for link in links
        ],
        "several": len(links) > 1,
        "scope": contract.scope or "（未填写）",
        "field_of_use": contract.field_of_use or "不限",
        "territory": contract.territory or "中华人民共和国境内",
        "exclusivity": contract.get_exclusivity_display(),
        "open_licence": open_licence is not None or any(link.achievement.offers_open_licence for link in links),
        "open_licence_number": open_licence.announcement_number if open_licence else "",
        "open_licence_fee_terms": open_licence.fee_terms if open_licence else "",
        "free_use_start": chinese_date(contract.free_use_start),
        "free_use_end": chinese_date(contract.free_use_end),
        "free_use_days": free_use_days(contract) or "",
        "term_end": chinese_date(contract.term_end),
        "price": cny_number(contract.price) if contract.price is not None else "（未约定）",  # the text adds 元
        "payment_terms": contract.payment_terms or "由双方在免费使用期届满后另行协商确定。",
        "extra_terms": contract.extra_terms or "无。",
        "development_kind": contract.get_development_kind_display() if contract.development_kind else "",
        "parent_number": contract.parent.number if contract.parent else "",
        "parent_title": contract.parent.title if contract.parent else "",
        "inventor_grant": contract.get_inventor_grant_display() if contract.inventor_grant != InventorGrant.NONE else "",
        "signature_block": pdf.SIGNATURE_PANEL if for_pdf else "\n".join(signature_lines),
    }


def render_text(contract: Contract, *, for_pdf: bool = False) -> str:
    template = _ENGINE.from_string(contract.template.body)
    return template.render(Context(context_for(contract, for_pdf=for_pdf), autoescape=False))


def specimen_text(template: ContractTemplate) -> str:
    """The standard text as a model contract: its blanks marked 【许可方名称】 and the like, never
    the template's own placeholders."""
    return _SPECIMEN_ENGINE.from_string(template.body).render(Context(SPECIMEN, autoescape=False))
