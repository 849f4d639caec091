"""The technology-contract registration pack (技术合同认定登记): the fields the registration
form needs — parties, contract type, amount, technical income — as Excel and as a PDF with an
embedded CJK font, set by the rules of printed Chinese."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from usefirst.contracts.models import Contract
from usefirst.core.excel import SheetSpec, write_workbook
from usefirst.core.fonts import SERIF, pdf_font  # one prepared face for every issued document
from usefirst.core.money import format_cny
from usefirst.core.typesetting import Typesetter

from . import selectors
from .models import PaymentPlan

# The registration categories of the national technology-contract registration rules.
REGISTRATION_TYPE = {
    "licence": "技术许可合同（专利实施许可/技术秘密使用许可）",
    "transfer": "技术转让合同",
    "development": "技术开发合同",
    "free_use_licence": "技术许可合同（先用后转免费使用许可）",
    "equity": "技术转让合同（作价投资）",
}


@dataclass(frozen=True)
class RegistrationPack:
    number: str
    title: str
    contract_type: str
    licensor: str
    licensor_credit_code: str
    licensee: str
    licensee_credit_code: str
    signed_on: str
    amount: Decimal
    technical_income: Decimal
    received: Decimal
    achievements: str

    def rows(self) -> list[tuple[str, Any]]:
        return [
            ("合同编号", self.number),
            ("合同名称", self.title),
            ("合同类型（登记类别）", self.contract_type),
            ("卖方（技术供方）", self.licensor),
            ("卖方统一社会信用代码", self.licensor_credit_code),
            ("买方（技术需方）", self.licensee),
            ("买方统一社会信用代码", self.licensee_credit_code),
            ("签订日期", self.signed_on),
            ("合同成交金额（元）", self.amount),
            ("技术交易额（技术性收入，元）", self.technical_income),
            ("截至目前实际到账（元）", self.received),
            ("所涉成果", self.achievements),
        ]


def _plan_total(plan: PaymentPlan | None) -> Decimal:
    if plan is None:
        return Decimal("0.00")
    return sum((line.amount or Decimal(0) for line in plan.lines.all() if line.waived_at is None), Decimal("0.00"))


def registration_pack(contract: Contract) -> RegistrationPack:
    """Amount: the contract's stated price, or else the sum of the payment plan's scheduled
    amounts. Technical income: the amount less the non-technical costs the plan declares."""
    plan = PaymentPlan.objects.filter(contract=contract).first()
    amount = contract.price if contract.price is not None else _plan_total(plan)
    costs = plan.non_technical_costs if plan is not None else Decimal(0)
    licensor = contract.licensor_name
    return RegistrationPack(
        number=contract.number,
        title=contract.title,
        contract_type=REGISTRATION_TYPE.get(contract.kind, contract.get_kind_display()),
        licensor=licensor,
        licensor_credit_code=contract.licensor.credit_code if contract.licensor is not None else "",
        licensee=contract.licensee.name if contract.licensee is not None else "",
        licensee_credit_code=contract.licensee.credit_code if contract.licensee is not None else "",
        signed_on=f"{contract.signed_at:%Y-%m-%d}" if contract.signed_at else "未签署",
        amount=amount,
        technical_income=max(Decimal("0.00"), amount - costs),
        received=selectors.received_for_contract(contract),
        achievements="；".join(link.achievement.title for link in contract.achievements.select_related("achievement")),
    )


def registration_xlsx(contract: Contract) -> bytes:
    pack = registration_pack(contract)
    rows = pack.rows()
    return write_workbook([SheetSpec("技术合同认定登记", [label for label, _ in rows], [[value for _, value in rows]], 22)])


def registration_pdf(contract: Contract) -> bytes:
    """The pack as a two-column table; long values wrap inside their cell by the rules of
    printed Chinese (usefirst.core.typesetting)."""
    from fpdf import FPDF

    pack = registration_pack(contract)
    cells = [(label, format_cny(value) if isinstance(value, Decimal) else str(value or "—")) for label, value in pack.rows()]
    title = "技术合同认定登记信息表"
    subtitle = "（由平台根据合同与到账记录生成，供登记机构审核）"
    # The deployment's prepared font when it holds every character (FontMissing is a 503 DomainError).
    path, index = pdf_font(SERIF, text="".join([title, subtitle, pack.number, *(label + text for label, text in cells)]))
    pdf = FPDF(format="A4")
    pdf.set_title(f"技术合同认定登记信息 {pack.number}")
    pdf.add_font("cjk", fname=path, collection_font_number=index)
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(auto=True, margin=20)
    setter = Typesetter(pdf)
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    setter.centred(title, line_height=12)
    pdf.set_font("cjk", size=10)
    setter.centred(subtitle, line_height=8)
    pdf.ln(4)
    pdf.set_font("cjk", size=11)
    label_width = 55.0
    value_width = pdf.w - pdf.l_margin - pdf.r_margin - label_width
    for label, text in cells:
        setter.row([(label, label_width), (text, value_width)], line_height=6.5)
    return bytes(pdf.output())
