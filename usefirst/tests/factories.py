"""Test data built through the services, as a user would leave it (factory_boy).

Every object here is made by the service that makes it in production, so a test never holds
a row in a state the platform cannot reach: an organisation registers, verifies its e-mail and
is approved by its routed department; a member accepts an invitation; an achievement lists
inventors with consent and is approved; a contract is drafted, signed by every party with the
platform's own CA (`signing.PlatformCa`, the local implementation), and enters its free-use
period; a receipt is recorded and confirmed by the payer; a distribution and a recognition
application are computed by finance and recognition.

They live beside the tests that span every app (`usefirst/tests/`) because they span every
app too: `core` stays free of the domain apps, and no app's tests reach into another's.

Two things only come from the persona builders of `usefirst.core.testing`, because no service
makes them: government departments (seeded by the platform), and the first signer of an
organisation that was seeded without any member (the `unit` and `enterprise` fixtures).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import factory
import time_machine
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from usefirst.accounts.models import Membership, Organisation, OrganisationKind, OrganisationStatus, Person, User
from usefirst.accounts.roles import reviewing_department
from usefirst.accounts.scripted_signing import signing_code
from usefirst.accounts.services.organisations import (
    organisation_approve,
    organisation_register,
    organisation_verify_email,
    verification_token,
)
from usefirst.accounts.services.people import person_register
from usefirst.accounts.services.staff import invitation_accept, invitation_create
from usefirst.catalog.choices import IpKind, ProjectCategory
from usefirst.catalog.models import Achievement, Demand, TechField
from usefirst.catalog.services.achievements import (
    AchievementData,
    InventorData,
    IpItemData,
    achievement_approve,
    achievement_create,
    achievement_submit,
)
from usefirst.catalog.services.demands import DemandData, demand_approve, demand_create, demand_submit
from usefirst.contracts import services as contract_services
from usefirst.contracts import signing
from usefirst.contracts.models import Contract, ContractKind, InventorGrant, Mode, PlatformRoot
from usefirst.core.dates import today
from usefirst.core.identifiers import resident_id_check_char
from usefirst.core.testing import make_credit_code, make_user
from usefirst.matchmaking.models import Engagement
from usefirst.matchmaking.services import engagement_accept, engagement_create

PASSWORD = "correct-horse-battery"  # every user's password here, as in usefirst.core.testing
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
LICENCE_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<<>>\n%%EOF\n"
VALID_PATENT = "202310123456.6"

_serial = itertools.count(1)
_root: tuple[Any, Any] | None = None


# ---------------------------------------------------------------- clock and signing authority


@contextmanager
def on_day(day: dt.date | None) -> Iterator[None]:
    """Run the services on a past business day (10:00 Asia/Shanghai), or now when `day` is None."""
    if day is None:
        yield
        return
    with time_machine.travel(dt.datetime.combine(day, dt.time(10, 0), tzinfo=SHANGHAI), tick=False):
        yield


def platform_ca() -> PlatformRoot:
    """The platform's signing root in this test's database (generated once per process)."""
    global _root
    current = PlatformRoot.objects.filter(is_current=True).first()
    if current is not None:
        return current
    if _root is None:
        _root = signing.build_root()
    return signing.store_root(*_root)


# ---------------------------------------------------------------- organisations and people


def signer_of(organisation: Organisation) -> User:
    """An active member who may sign for the organisation; one is added when it has none."""
    membership = (
        Membership.objects.filter(organisation=organisation, is_active=True, can_sign=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is not None:
        return membership.user
    return make_user(organisation, role=Membership.Role.ADMIN)


def reviewer_of(organisation: Organisation) -> User:
    """A member of the department the organisation's reviews are routed to."""
    department = organisation.reviewing_department or reviewing_department(organisation)
    if department is None:
        raise LookupError(f"{organisation.name} has no reviewing department: create the province (fixture `province`) first")
    membership = Membership.objects.filter(organisation=department, is_active=True).select_related("user").order_by("pk").first()
    return membership.user if membership is not None else make_user(department, role=Membership.Role.ADMIN)


class OrganisationFactory(factory.Factory):
    """An approved organisation: self-registered by its first administrator (who may sign),
    e-mail verified, approved by its routed department (which must exist: `province`)."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试机构{n}")
    kind = OrganisationKind.UNIVERSITY
    credit_code = factory.LazyFunction(make_credit_code)
    legal_representative = "张三"
    city = "广州市"
    county = "天河区"
    enterprise_size = factory.LazyAttribute(lambda o: "small" if o.kind == OrganisationKind.ENTERPRISE else "")
    admin_full_name = "机构管理员"
    admin_email = factory.Sequence(lambda n: f"org-admin{n}@example.com")

    @classmethod
    def _create(cls, model_class: type[Organisation], **kwargs: Any) -> Organisation:
        organisation = organisation_register(
            licence=SimpleUploadedFile("licence.pdf", LICENCE_PDF, content_type="application/pdf"),
            admin_password=PASSWORD,
            **kwargs,
        )
        admin = User.objects.get(email=kwargs["admin_email"])
        organisation = organisation_verify_email(token=verification_token(user=admin, organisation=organisation))
        organisation_approve(actor=reviewer_of(organisation), organisation=organisation)
        organisation.refresh_from_db()
        assert organisation.status == OrganisationStatus.ACTIVE
        return organisation


class EnterpriseFactory(OrganisationFactory):
    kind = OrganisationKind.ENTERPRISE
    name = factory.Sequence(lambda n: f"测试科技有限公司{n}")


def admin_of(organisation: Organisation) -> User:
    membership = (
        Membership.objects.filter(organisation=organisation, is_active=True, role=Membership.Role.ADMIN).order_by("pk").first()
    )
    return membership.user if membership is not None else make_user(organisation, role=Membership.Role.ADMIN)


class MemberFactory(factory.Factory):
    """A user who accepted an invitation from an administrator of `organisation`."""

    class Meta:
        model = User

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"member{n}@example.com")
    role = Membership.Role.STAFF
    full_name = "测试成员"

    @classmethod
    def _create(cls, model_class: type[User], *, organisation: Organisation, email: str, role: str, full_name: str) -> User:
        invitation = invitation_create(actor=admin_of(organisation), organisation=organisation, email=email, role=role)
        membership = invitation_accept(raw_token=invitation.raw_token, full_name=full_name, password=PASSWORD)  # type: ignore[attr-defined]
        return membership.user


def id_number() -> str:
    n = next(_serial)
    body = f"4401061990{n // 28 % 12 + 1:02d}{n % 28 + 1:02d}{n % 1000:03d}"
    return body + resident_id_check_char(body)


class InventorFactory(factory.Factory):
    """A person the unit lists as an inventor, with notice given and consent recorded."""

    class Meta:
        model = Person

    unit = factory.SubFactory(OrganisationFactory)
    actor = factory.LazyAttribute(lambda o: admin_of(o.unit))
    full_name = "李明"
    id_kind = "mainland"
    id_number = factory.LazyFunction(id_number)

    @classmethod
    def _create(cls, model_class: type[Person], **kwargs: Any) -> Person:
        now = timezone.now()
        return person_register(
            notice_given_at=now - dt.timedelta(minutes=1), consent_at=now, consent_method="书面同意书", **kwargs
        )


# ---------------------------------------------------------------- catalogue and matchmaking


def tech_field(code: str = "0101") -> TechField:
    return TechField.objects.get(code=code)


def inventors_of(unit: Organisation, actor: User, names: Sequence[str] = ("李明", "王芳")) -> list[InventorData]:
    """Listed inventors with equal shares (the cents left over go to the leader, the first)."""
    persons = [InventorFactory(unit=unit, actor=actor, full_name=name) for name in names]
    share = (Decimal("100.00") / len(persons)).quantize(Decimal("0.01"))
    rest = Decimal("100.00") - share * len(persons)
    return [InventorData(person_id=p.pk, share=share + (rest if i == 0 else 0), is_leader=i == 0) for i, p in enumerate(persons)]


class AchievementFactory(factory.Factory):
    """An achievement with its inventors (two by default), published through review unless
    `published=False` (then a draft)."""

    class Meta:
        model = Achievement

    unit = factory.SubFactory(OrganisationFactory)
    actor = factory.LazyAttribute(lambda o: admin_of(o.unit))
    published = True
    title = factory.Sequence(lambda n: f"测试成果{n}")
    inventor_names: Sequence[str] = ("李明", "王芳")
    plan_project_category = ProjectCategory.KEY_TECHNOLOGY
    plan_project_number = factory.Sequence(lambda n: f"GDKJ2099{n:04d}")  # in no project register
    provincial_funding = False

    @classmethod
    def _create(
        cls,
        model_class: type[Achievement],
        *,
        unit: Organisation,
        actor: User,
        published: bool,
        inventor_names: Sequence[str],
        **fields: Any,
    ) -> Achievement:
        data = AchievementData(
            summary="面向物联网终端的低功耗芯片设计方法。",
            field_id=tech_field().pk,
            trl=6,
            keywords="芯片，低功耗",
            offers_pay_later=True,
            offers_cooperate_later=True,
            free_use_months=12,
            ip_items=[IpItemData(kind=IpKind.INVENTION_PATENT, number=VALID_PATENT, title="低功耗芯片")],
            inventors=inventors_of(unit, actor, inventor_names),
            **fields,
        )
        achievement = achievement_create(actor=actor, owner=unit, data=data)
        if published:
            achievement_submit(actor=actor, achievement=achievement)
            achievement = achievement_approve(actor=reviewer_of(unit), achievement=achievement)
        return achievement


class DemandFactory(factory.Factory):
    """A demand of the enterprise, published through review."""

    class Meta:
        model = Demand

    enterprise = factory.SubFactory(EnterpriseFactory)
    actor = factory.LazyAttribute(lambda o: admin_of(o.enterprise))
    title = factory.Sequence(lambda n: f"寻求余热回收技术{n}")

    @classmethod
    def _create(cls, model_class: type[Demand], *, enterprise: Organisation, actor: User, title: str) -> Demand:
        data = DemandData(
            title=title,
            description="我司窑炉排烟温度高，希望引进余热回收方案。",
            field_id=tech_field("0604").pk,
            deadline=today() + dt.timedelta(days=30),
            city=enterprise.city,
            county=enterprise.county,
            keywords=["余热回收"],
            budget_min="100000",
            budget_max="500000.00",
            cooperation_forms=["licence", "use_first"],
        )
        demand = demand_create(actor=actor, enterprise=enterprise, data=data)
        demand_submit(actor=actor, demand=demand)
        return demand_approve(actor=reviewer_of(enterprise), demand=demand)


class EngagementFactory(factory.Factory):
    """An enterprise's intent on a published achievement, accepted by the unit (talking)."""

    class Meta:
        model = Engagement

    achievement = factory.SubFactory(AchievementFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    actor = factory.LazyAttribute(lambda o: admin_of(o.enterprise))

    @classmethod
    def _create(
        cls, model_class: type[Engagement], *, achievement: Achievement, enterprise: Organisation, actor: User
    ) -> Engagement:
        engagement = engagement_create(actor=actor, organisation=enterprise, achievement=achievement, message="希望洽谈")
        return engagement_accept(actor=admin_of(achievement.owner), engagement=engagement)


# ---------------------------------------------------------------- contracts


def sign_by_every_party(contract: Contract) -> Contract:
    """Each party's signer signs, in order, with the platform CA."""
    platform_ca()
    for party in contract.parties.select_related("organisation", "person").order_by("position"):
        if party.organisation is not None:
            user = signer_of(party.organisation)
        else:
            assert party.person is not None and party.person.user is not None, "an inventor party needs a user account"
            user = party.person.user
        with signing_code(user) as code:
            contract_services.contract_sign(actor=user, contract=contract, password=PASSWORD, code=code, party_id=party.pk)
    contract.refresh_from_db()
    return contract


class ContractFactory(factory.Factory):
    """A contract drafted by `actor` (a member of the licensor) and, unless `signed=False`,
    signed by every party on `signed_on` (today when None). A free-use licence starts its
    free-use period that day. Follow-ons name their `parent`, which must be in its free-use
    period (or after); they carry its mode and its grant to the inventors."""

    class Meta:
        model = Contract

    kind = ContractKind.FREE_USE_LICENCE
    mode = Mode.PAY_LATER
    licensor = factory.SubFactory(OrganisationFactory)
    licensee = factory.SubFactory(EnterpriseFactory)
    actor = factory.LazyAttribute(lambda o: admin_of(o.licensor))
    achievements = factory.LazyAttribute(lambda o: [(AchievementFactory(unit=o.licensor, actor=o.actor), Decimal("100"))])
    parent: Contract | None = None
    inventor_grant = InventorGrant.NONE
    signed = True
    signed_on: dt.date | None = None
    free_use_days = 364

    @classmethod
    def _create(
        cls,
        model_class: type[Contract],
        *,
        kind: str,
        mode: str,
        licensor: Organisation | None,
        licensee: Organisation | None,
        actor: User,
        achievements: Sequence[tuple[Achievement, Decimal | str]],
        parent: Contract | None,
        inventor_grant: str,
        signed: bool,
        signed_on: dt.date | None,
        free_use_days: int,
        **extra: Any,
    ) -> Contract:
        with on_day(signed_on):
            start = today()
            values: dict[str, Any] = {
                "kind": kind,
                "mode": mode,
                "licensor_id": licensor.pk if licensor is not None else None,
                "licensee_id": licensee.pk if licensee is not None else None,
                "achievements": [contract_services.AchievementShare(a.pk, Decimal(share)) for a, share in achievements],
                "scope": "在乙方生产线上使用该成果制造产品。",
                "field_of_use": "物联网终端",
                "territory": "广东省",
                "inventor_grant": inventor_grant,
                "parent_id": parent.pk if parent is not None else None,
                "payment_terms": "按合同约定支付。",
            }
            if kind == ContractKind.FREE_USE_LICENCE:
                values.update(free_use_start=start, free_use_end=start + dt.timedelta(days=free_use_days))
            elif kind == ContractKind.PRELIMINARY_AGREEMENT:
                values.update(mode="", term_end=start + dt.timedelta(days=365))
            else:
                values.setdefault("price", Decimal("500000.00"))
            if kind == ContractKind.DEVELOPMENT:
                values["development_kind"] = "cooperative"
            values.update(extra)
            contract = contract_services.contract_draft(actor=actor, data=contract_services.DraftData(**values))
            if signed:
                contract = sign_by_every_party(contract)
        return contract


def achievements_of(unit: Organisation, actor: User, *shares: str) -> list[tuple[Achievement, Decimal]]:
    """New published achievements of the unit with these price shares (in %), for one contract."""
    return [(AchievementFactory(unit=unit, actor=actor), Decimal(share)) for share in shares or ("100",)]


def free_use_and_follow_on(
    *,
    licensor: Organisation,
    licensee: Organisation,
    actor: User,
    achievements: Sequence[tuple[Achievement, Decimal | str]],
    mode: str = Mode.PAY_LATER,
    kind: str = ContractKind.LICENCE,
    inventor_grant: str = InventorGrant.NONE,
    signed_on: dt.date | None = None,
) -> tuple[Contract, Contract]:
    """A signed free-use licence and the follow-on contract signed under it (the same day)."""
    common = {"licensor": licensor, "licensee": licensee, "actor": actor, "achievements": achievements, "signed_on": signed_on}
    parent = ContractFactory(kind=ContractKind.FREE_USE_LICENCE, mode=mode, inventor_grant=inventor_grant, **common)
    follow_on = ContractFactory(kind=kind, mode=mode, parent=parent, **common)
    return parent, follow_on


def inventor_licensed(
    achievement: Achievement, *, licensee: Organisation, actor: User, inventor: User, signed_on: dt.date | None = None
) -> Contract:
    """A pay_later licence granted by the achievement's first inventor (given a user account,
    `inventor`) under a signed preliminary agreement with the unit (the simplified procedure).
    No service links a listed person to an account (the identity provider will), so that one
    field is set here."""
    person = achievement.inventors.order_by("position").first().person  # type: ignore[union-attr]
    person.user = inventor
    person.save(update_fields=["user"])
    shares = [(achievement, Decimal("100"))]
    agreement = ContractFactory(
        kind=ContractKind.PRELIMINARY_AGREEMENT,
        licensor=achievement.owner,
        licensee=None,
        actor=actor,
        achievements=shares,
        inventor_person_ids=[person.pk],
        signed_on=signed_on,
    )
    return ContractFactory(
        kind=ContractKind.LICENCE,
        licensor=None,
        licensee=licensee,
        actor=actor,
        achievements=shares,
        licensor_person_id=person.pk,
        preliminary_agreement_id=agreement.pk,
        signed_on=signed_on,
    )


# ---------------------------------------------------------------- money and recognition


def payer_of(contract: Contract) -> User:
    """A member of the paying organisation (the licensee), who confirms receipts."""
    assert contract.licensee is not None
    membership = Membership.objects.filter(organisation_id=contract.licensee_id, is_active=True).order_by("pk").first()
    return membership.user if membership is not None else make_user(contract.licensee, role=Membership.Role.ADMIN)


def bank_slip() -> ContentFile[bytes]:
    from usefirst.finance.demo import DEMO_SLIP

    return ContentFile(DEMO_SLIP, name="slip.pdf")


def receipt_confirmed(contract: Contract, amount: str | Decimal, *, on: dt.date, actor: User) -> Any:
    """A receipt recorded by the unit on `on` (with a bank slip) and confirmed by the payer."""
    from usefirst.finance import services as finance

    n = next(_serial)
    receipt, _created = finance.receipt_record(
        actor=actor,
        contract=contract,
        received_on=on,
        amount=amount,
        payer=contract.licensee.name if contract.licensee else "付款方",
        voucher_number=f"PZ{n:06d}",
        idempotency_key=f"factory-{n}",
        slip=bank_slip(),
    )
    if receipt.confirmed_at is None:
        receipt = finance.receipt_confirm(actor=payer_of(contract), receipt=receipt)
    return receipt


def receipt_reversed(original: Any, amount: str | Decimal, *, on: dt.date, actor: User) -> Any:
    """The unit's reversal of `amount` (positive) of a confirmed receipt, dated `on`."""
    from usefirst.finance import services as finance

    reversal, _created = finance.receipt_reverse(
        actor=actor, original=original, reason="冲销", idempotency_key=f"factory-{next(_serial)}", amount=amount, received_on=on
    )
    return reversal


def distribution_made(contract: Contract, *, actor: User, inventor_pct: str = "70", unit_pct: str = "30", **terms: Any) -> Any:
    """The unit's distribution of the receipts not yet distributed."""
    from usefirst.finance import services as finance

    return finance.distribution_create(actor=actor, contract=contract, inventor_pct=inventor_pct, unit_pct=unit_pct, **terms)


def application_drafted(achievement: Achievement, *, actor: User, statement: str = "") -> Any:
    """The unit's recognition application for an eligible achievement."""
    from usefirst.recognition.services import application_create

    return application_create(actor=actor, achievement=achievement, statement=statement)
