"""The demo's bank financing (先用后付贷, docs/financing.md): a bank registered and approved like
the other demo organisations (with the demo login 银行), an upgrade loan and a purchase loan
(the purchased patent pledged) published through the same services as the pages, an approved
purchase loan with its pledge registered, and a declined upgrade loan. Added after the seeded
load, so that the rest of the demo stays as it was; deterministic (the lowest suitable contracts)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.contrib.auth.hashers import make_password

from usefirst.accounts.models import Membership, Organisation, OrganisationEvent, OrganisationKind, OrganisationStatus, User
from usefirst.accounts.roles import reviewing_department
from usefirst.catalog.choices import PATENT_KINDS
from usefirst.catalog.models import IpItem
from usefirst.contracts import selectors as contract_selectors
from usefirst.contracts.models import Contract, ContractStatus
from usefirst.core.dates import today
from usefirst.financing import loans, services
from usefirst.financing.choices import LoanKind, PackPart
from usefirst.financing.models import LoanProduct

from . import specs
from .logins import DEMO_LOGINS, DEMO_PASSWORD

BANK = specs.OrgSpec("bank", "广东南粤银行股份有限公司广州分行", OrganisationKind.BANK, "广州市", "天河区")
SIGNED = (ContractStatus.SIGNED, ContractStatus.FREE_USE, ContractStatus.AWAITING_NEXT_STEP, ContractStatus.NEXT_STEP_AGREED)

UPGRADE: dict[str, Any] = {
    "name": "先用后付·技改升级贷",
    "kind": LoanKind.UPGRADE,
    "summary": "被许可企业在免费使用期内实施成果、改造生产线的流动资金和技改贷款，按合同金额核定额度。",
    "modes": ["pay_later", "cooperate_later"],
    "amount_min": "50000.00",
    "amount_max": "3000000.00",
    "rate_min": "3.10",
    "rate_max": "4.20",
    "term_months_min": 6,
    "term_months_max": 36,
    "max_ratio_percent": "80",
    "pledge_required": False,
}
PURCHASE: dict[str, Any] = {
    "name": "先用后付·专利购买贷",
    "kind": LoanKind.PURCHASE,
    "summary": "被许可企业在付费期购买所许可的专利；放款时以所购专利向本行质押，贷款结清后解除。",
    "modes": ["pay_later"],
    "amount_min": "100000.00",
    "amount_max": "5000000.00",
    "rate_min": "3.30",
    "rate_max": "4.50",
    "term_months_min": 12,
    "term_months_max": 60,
    "max_ratio_percent": "70",
    "pledge_required": True,
}


def _login(local: str) -> User:
    return User.objects.get(email=next(lg.email for lg in DEMO_LOGINS if lg.email.startswith(f"{local}@")))


def _bank() -> tuple[Organisation, User]:
    """The demo bank and its administrator (the demo login 银行)."""
    from .loader import credit_code

    login = next(lg for lg in DEMO_LOGINS if lg.org_key == BANK.key)
    org = Organisation(
        name=BANK.name,
        kind=BANK.kind,
        credit_code=credit_code(BANK.kind, specs.CITY_AREA[BANK.city], 9101),
        legal_representative="何振邦",
        city=BANK.city,
        county=BANK.county,
        status=OrganisationStatus.ACTIVE,
    )
    org.full_clean()
    org.save()
    org.reviewing_department = reviewing_department(org)
    org.save(update_fields=["reviewing_department"])
    admin = User.objects.create(
        email=login.email, full_name=login.full_name, password=make_password(DEMO_PASSWORD), email_verified_at=org.created_at
    )
    Membership.objects.create(user=admin, organisation=org, role=Membership.Role.ADMIN, can_sign=True)
    OrganisationEvent.objects.create(
        subject=org,
        actor=admin,
        from_status=OrganisationStatus.DRAFT,
        to_status=OrganisationStatus.SUBMITTED,
        reason="提交机构注册申请",
    )
    OrganisationEvent.objects.create(
        subject=org, from_status=OrganisationStatus.SUBMITTED, to_status=OrganisationStatus.ACTIVE, reason="审核通过"
    )
    return org, admin


def _licensee_member(contract: Contract) -> User | None:
    if contract.licensee_id is None:
        return None
    membership = (
        Membership.objects.filter(organisation_id=contract.licensee_id, is_active=True, role=Membership.Role.ADMIN)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership is not None else None


def _candidates(product: LoanProduct) -> list[tuple[Contract, Decimal, IpItem | None]]:
    """Signed contracts the product fits, with the amount to ask for and a patent to pledge; the
    demo enterprise's own first, then by number."""
    enterprise = Membership.objects.filter(user=_login("enterprise-admin")).values_list("organisation_id", flat=True).first()
    found = []
    contracts = Contract.objects.filter(status__in=SIGNED, licensee__kind=OrganisationKind.ENTERPRISE).exclude(licensor=None)
    for contract in contracts.order_by("pk"):
        if loans.why_not(product, contract, loans.borrower_side(contract, contract.licensee)):  # type: ignore[arg-type]
            continue
        amount = loans._contract_amount(contract)
        if amount is None:
            continue
        cap = min(loans.ratio_cap(product, amount), product.amount_max or amount)
        ask = (cap / 2).quantize(Decimal("10000"), rounding=ROUND_DOWN)
        if product.amount_min is not None and ask < product.amount_min:
            continue
        ids = contract_selectors.achievement_ids_of_contract(contract.pk)
        patent = IpItem.objects.filter(achievement_id__in=ids, kind__in=list(PATENT_KINDS)).order_by("pk").first()
        found.append((contract, ask, patent))
    found.sort(key=lambda row: (row[0].licensee_id != enterprise, row[0].pk))
    return found


def load_demo_financing(*, log: Callable[[str], None] = print) -> int:
    """Publish the two products; apply on the demo's contracts (none when it has none). Returns how many applications."""
    reviewer = _login("province-reviewer")
    bank, banker = _bank()
    published = []
    for data in (UPGRADE, PURCHASE):
        product = services.product_create(actor=banker, bank=bank, data=data)
        services.product_submit(actor=banker, product=product)
        published.append(services.product_approve(actor=reviewer, product=product))
    upgrade, purchase = published
    made = 0
    pledged = next(((c, a, p) for c, a, p in _candidates(purchase) if p is not None), None)
    if pledged is not None and (member := _licensee_member(pledged[0])) is not None:
        contract, amount, patent = pledged
        application = loans.application_create(
            actor=member,
            contract=contract,
            product=purchase,
            applicant=contract.licensee,  # type: ignore[arg-type]
            amount=amount,
            term_months=36,
            parts=[PackPart.CONTRACT, PackPart.ACHIEVEMENT, PackPart.PAYMENT_PLAN],
            purpose="付费期购买所许可的专利",
        )
        loans.application_approve(actor=banker, application=application, amount=amount, rate="3.85", term_months=36)
        loans.pledge_register(
            actor=banker,
            application=application,
            ip_item=patent,
            registration_number="Y2026440000123",
            registered_on=today(),
        )
        made += 1
    declined = next(iter(_candidates(upgrade)), None)
    if declined is not None and (member := _licensee_member(declined[0])) is not None:
        contract, amount, _ = declined
        application = loans.application_create(
            actor=member,
            contract=contract,
            product=upgrade,
            applicant=contract.licensee,  # type: ignore[arg-type]
            amount=amount,
            term_months=24,
            parts=[PackPart.CONTRACT],
            purpose="免费使用期内改造生产线",
        )
        loans.application_decline(
            actor=banker, application=application, reason="企业近两年经营性现金流为负，暂不符合本行授信条件；可在付费期申请购买贷"
        )
        made += 1
    log(f"银行融资：已发布产品 2 个，融资申请 {made} 份（批准并质押 1 份、不予批准 1 份）")
    return made
