"""The demo loader: a small load (--limit) checked once per module, rolled back afterwards."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import zoneinfo
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Sum
from django.test import override_settings

from usefirst.accounts.models import Membership, Organisation, OrganisationKind, Person, UnitPerson, User
from usefirst.accounts.roles import reviewing_department
from usefirst.catalog.choices import PATENT_KINDS, AchievementStatus, DemandStatus
from usefirst.catalog.models import Achievement, AchievementEvent, AchievementInventor, Demand, IpItem
from usefirst.core.identifiers import normalise_credit_code, normalise_id_number, normalise_patent_number
from usefirst.core.regions import Region
from usefirst.demo.corpus import read_records
from usefirst.demo.logins import DEMO_LOGINS, DEMO_PASSWORD
from usefirst.demo.specs import CITY_AREA, DISCIPLINE_FIELD, DISCIPLINE_SUBFIELD
from usefirst.demo.statistics import STATISTICS_SCOPE


def _load(*args: str) -> str:
    out = io.StringIO()
    with override_settings(DEMO_MODE=True):
        call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[str]:
    """One small load shared by the module, inside a transaction rolled back at the end. The
    clock runs from noon of today in Guangdong, so a run that would cross midnight does not see
    the loaded dates (free use ending in 7 days) move by one under it."""
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    noon = dt.datetime.now(shanghai).replace(hour=12, minute=0, second=0, microsecond=0)
    with django_db_blocker.unblock(), time_machine.travel(noon, tick=True):  # type: ignore[attr-defined]
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _load("--limit", "40", "--demand-limit", "10")
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


pytestmark = pytest.mark.django_db


def test_every_demo_organisation_passes_full_clean(demo: str) -> None:
    for org in Organisation.objects.all():
        org.full_clean()


def test_credit_codes_are_valid_and_carry_the_area_of_the_city(demo: str) -> None:
    for org in Organisation.objects.all():
        assert normalise_credit_code(org.credit_code) == org.credit_code
        if org.region != Region.OUTSIDE and org.kind not in (
            OrganisationKind.PROVINCIAL_DEPARTMENT,
            OrganisationKind.SECTOR_DEPARTMENT,
        ):
            assert org.credit_code[2:8] == CITY_AREA[org.city], org.name


def test_the_cast_covers_every_role_and_all_four_regions(demo: str) -> None:
    orgs = Organisation.objects.all()
    owner_units = orgs.filter(
        kind__in=[
            OrganisationKind.UNIVERSITY,
            OrganisationKind.RESEARCH_INSTITUTE,
            OrganisationKind.MEDICAL_INSTITUTION,
            OrganisationKind.OUT_OF_PROVINCE_INSTITUTE,
        ]
    )
    assert owner_units.count() >= 30
    assert owner_units.values("city").distinct().count() >= 10
    assert set(owner_units.values_list("region", flat=True)) >= {"prd", "east", "west", "north", "outside"}
    enterprises = orgs.filter(kind=OrganisationKind.ENTERPRISE)
    assert enterprises.count() >= 50
    assert set(enterprises.values_list("enterprise_size", flat=True)) == {"large", "medium", "small", "micro"}
    assert set(enterprises.values_list("region", flat=True)) == {"prd", "east", "west", "north"}
    assert orgs.filter(kind=OrganisationKind.CITY_DEPARTMENT).count() >= 10
    assert orgs.filter(kind=OrganisationKind.SECTOR_DEPARTMENT).values("sector").distinct().count() == 3
    for kind, least in [
        (OrganisationKind.PROVINCIAL_DEPARTMENT, 1),
        (OrganisationKind.AGENCY, 2),
        (OrganisationKind.INSURER, 1),
        (OrganisationKind.GUARANTOR, 1),
        (OrganisationKind.INCUBATOR, 1),
        (OrganisationKind.PROFESSIONAL_INSTITUTION, 1),
    ]:
        assert orgs.filter(kind=kind).count() >= least, kind
    assert not orgs.exclude(status="active").exists()


def test_each_organisation_is_routed_to_its_reviewing_department(demo: str) -> None:
    for org in Organisation.objects.all():
        assert org.reviewing_department == reviewing_department(org), org.name
    university = Organisation.objects.get(name="岭南理工大学")
    assert university.reviewing_department is not None
    assert university.reviewing_department.name == "广东省教育厅"
    enterprise = Organisation.objects.get(name="韶关华韵新材料科技有限公司")
    assert enterprise.reviewing_department is not None
    assert enterprise.reviewing_department.name == "韶关市科学技术局"


def test_restricted_records_are_never_published(demo: str) -> None:
    restricted = Achievement.objects.exclude(restriction="")
    assert restricted.exists()
    assert not restricted.filter(status=AchievementStatus.PUBLISHED).exists()
    assert set(restricted.values_list("status", flat=True)) <= {AchievementStatus.DRAFT, AchievementStatus.SUBMITTED}
    assert set(restricted.values_list("discipline", flat=True)) <= {"军事学", "兵器科学与技术"}
    assert not Achievement.objects.filter(restriction="", discipline__in=["军事学", "兵器科学与技术"]).exists()


def test_achievements_have_inventors_summing_to_100_and_valid_patent_numbers(demo: str) -> None:
    # Besides the 40 of the corpus: one record the auto-inclusion sweep created for its unit to
    # complete, and the drafts accepted recommendations made (the unit adds their inventors).
    recommended = Achievement.objects.filter(source_record__isnull=False)
    corpus = Achievement.objects.exclude(status=AchievementStatus.AUTO_INCLUDED).exclude(pk__in=recommended)
    assert corpus.count() == 40
    assert recommended.exists() and set(recommended.values_list("status", flat=True)) == {AchievementStatus.DRAFT}
    assert Achievement.objects.filter(status=AchievementStatus.AUTO_INCLUDED).count() == 1
    assert Achievement.objects.filter(status=AchievementStatus.PUBLISHED).count() >= 20
    for row in corpus.annotate(total=Sum("inventors__share")):
        assert row.total == Decimal("100.00"), row.title
    assert AchievementInventor.objects.filter(is_leader=True).count() == 40
    for inventor in AchievementInventor.objects.select_related("achievement", "person"):
        assert UnitPerson.objects.filter(unit=inventor.achievement.owner, person=inventor.person).exists()
    for ip in IpItem.objects.filter(kind__in=list(PATENT_KINDS)):
        assert normalise_patent_number(ip.number) == ip.number


def test_published_items_have_a_history_ending_with_the_reviewer(demo: str) -> None:
    for achievement in Achievement.objects.filter(status=AchievementStatus.PUBLISHED).select_related("owner"):
        events = list(achievement.events.all())
        assert [(e.from_status, e.to_status) for e in events] == [
            ("", "draft"),
            ("draft", "submitted"),
            ("submitted", "published"),
        ]
        assert events[-1].at == achievement.published_at
        reviewer = events[-1].actor
        assert reviewer is not None
        assert reviewer.memberships.filter(organisation=achievement.owner.reviewing_department).exists()
    for demand in Demand.objects.filter(status=DemandStatus.PUBLISHED):
        assert [e.to_status for e in demand.events.all()] == ["draft", "submitted", "published"]
    assert AchievementEvent.objects.filter(payload__has_key="demo_source").count() == 40


def test_demands_are_published_with_future_deadlines_and_decimal_budgets(demo: str) -> None:
    demands = Demand.objects.all()
    assert demands.count() == 10
    assert demands.filter(status=DemandStatus.SUBMITTED).exists()
    for demand in demands:
        demand.full_clean()
        assert demand.enterprise.kind == OrganisationKind.ENTERPRISE
        assert demand.region == demand.enterprise.region
        assert demand.budget_max is None or isinstance(demand.budget_max, Decimal)


def test_inventors_have_obviously_fictitious_valid_id_numbers(demo: str) -> None:
    from usefirst.core import crypto

    for person in Person.objects.all()[:50]:
        number = crypto.decrypt(person.id_number_encrypted)
        assert normalise_id_number(number) == number
        assert number.startswith("440000190")
        assert crypto.decrypt(person.phone_encrypted).startswith("13800")


def test_one_login_per_role_with_the_shared_password(demo: str) -> None:
    for login in DEMO_LOGINS:
        user = User.objects.get(email=login.email)
        assert user.check_password(DEMO_PASSWORD), login.email
        assert user.is_active
        assert Membership.objects.filter(user=user, role=login.membership_role).exists()


def test_every_demo_login_has_an_authenticator_with_the_demo_key(demo: str) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from usefirst.accounts import second_factor
    from usefirst.demo.logins import DEMO_TOTP_KEY_BASE32, DEMO_TOTP_KEY_HEX

    assert second_factor.secret_base32(TOTPDevice(key=DEMO_TOTP_KEY_HEX)).replace(" ", "") == DEMO_TOTP_KEY_BASE32
    for login in DEMO_LOGINS:
        devices = TOTPDevice.objects.filter(user__email=login.email, confirmed=True)
        assert [d.key for d in devices] == [DEMO_TOTP_KEY_HEX], login.email


def test_demo_logins_prints_the_table(demo: str) -> None:
    out = io.StringIO()
    with override_settings(DEMO_MODE=True):
        call_command("demo_logins", stdout=out)
    assert DEMO_PASSWORD in out.getvalue()
    assert "university-admin@usefirst.example" in out.getvalue()
    assert "岭南理工大学" in out.getvalue()


def test_a_second_run_with_if_empty_keeps_the_data(demo: str) -> None:
    before = (Organisation.objects.count(), Achievement.objects.count(), Demand.objects.count())
    assert "跳过" in _load("--if-empty")
    assert (Organisation.objects.count(), Achievement.objects.count(), Demand.objects.count()) == before


def test_without_if_empty_it_refuses_a_database_that_has_data(demo: str) -> None:
    with pytest.raises(CommandError, match="已有机构数据"):
        _load("--limit", "5")


def test_it_refuses_to_run_outside_demo_mode(db: None) -> None:
    with override_settings(DEMO_MODE=False), pytest.raises(CommandError, match="演示环境"):
        call_command("load_demo", "--if-empty", stdout=io.StringIO())
    with override_settings(DEMO_MODE=False), pytest.raises(CommandError, match="演示环境"):
        call_command("demo_logins", stdout=io.StringIO())


def test_every_corpus_discipline_maps_to_a_field() -> None:
    for record in read_records():
        assert record.label in DISCIPLINE_FIELD, record.label
    assert set(DISCIPLINE_SUBFIELD) <= set(DISCIPLINE_FIELD)


def test_the_readme_lists_every_demo_login() -> None:
    from django.conf import settings

    from usefirst.demo.specs import OWNER_UNITS, SERVICE_ORGANISATIONS, enterprise_specs

    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    names = {spec.key: spec.name for spec in [*OWNER_UNITS, *SERVICE_ORGANISATIONS]}
    names.update({spec.key: spec.name for spec, _ in enterprise_specs()})
    assert DEMO_PASSWORD in readme
    from usefirst.demo.logins import DEMO_TOTP_KEY_BASE32

    assert DEMO_TOTP_KEY_BASE32 in readme and "仅用于演示" in readme
    for login in DEMO_LOGINS:
        assert f"| {login.role} | {login.email} |" in readme, login.email
        if login.org_key in names:
            assert names[login.org_key] in readme


# -- contracts, finance and recognition -----------------------------------------------------------


def _user(local: str) -> User:
    return User.objects.get(email=next(lg.email for lg in DEMO_LOGINS if lg.email.startswith(f"{local}@")))


def test_there_is_a_demo_contract_in_every_state_each_reached_through_its_events(demo: str) -> None:
    from usefirst.contracts.models import Contract, ContractStatus

    contracts = Contract.objects.exclude(scope=STATISTICS_SCOPE)  # the statistics stage's deals aside
    assert set(contracts.values_list("status", flat=True)) == set(ContractStatus.values)
    for contract in contracts:
        events = list(contract.events.order_by("at", "pk"))
        assert events[0].from_status == "" and events[0].to_status == ContractStatus.DRAFTED, contract.number
        assert events[-1].to_status == contract.status, contract.number
        for before, after in itertools.pairwise(events):
            assert after.from_status == before.to_status, (contract.number, before.reason, after.reason)
    university = Membership.objects.get(user=_user("university-admin")).organisation
    enterprise = Membership.objects.get(user=_user("enterprise-admin")).organisation
    assert contracts.filter(licensor=university, licensee=enterprise).count() >= 4
    # Signing is slow: six contracts signed by both sides, one by the unit only; the log times each stage.
    assert "签名 13 个" in demo and demo.count("本阶段") >= 6
    assert contracts.filter(signed_at__isnull=False).count() <= 6
    partly = contracts.get(status=ContractStatus.SIGNING)
    assert partly.licensee == enterprise
    assert list(partly.signatures.values_list("party__organisation", flat=True)) == [university.pk]


def test_the_free_use_stories_end_soon_ended_and_await_a_proposal(demo: str) -> None:
    from usefirst.contracts.models import Contract, ContractStatus, NextStepProposal
    from usefirst.core.dates import today
    from usefirst.notifications.models import Notification

    soon = Contract.objects.exclude(scope=STATISTICS_SCOPE).get(status=ContractStatus.FREE_USE)
    assert soon.free_use_end is not None
    assert (soon.free_use_end - today()).days == 7
    assert sorted(soon.reminders_sent) == [7, 30]
    assert Notification.objects.filter(kind="contracts.free_use_reminder", title__contains=soon.title).exists()
    awaiting = Contract.objects.get(status=ContractStatus.AWAITING_NEXT_STEP)
    assert awaiting.free_use_end is not None and awaiting.free_use_end < today()
    proposal = awaiting.next_step_proposals.get(status=NextStepProposal.Status.OPEN)
    assert proposal.proposed_by_organisation == awaiting.licensor
    assert awaiting.events.filter(to_status=ContractStatus.AWAITING_NEXT_STEP, actor__isnull=True).exists()


def test_one_contract_comes_from_an_agreed_engagement_and_one_cooperates_later(demo: str) -> None:
    from usefirst.contracts.models import Contract, ContractStatus, Mode
    from usefirst.matchmaking.models import Engagement

    drafted = Contract.objects.get(status=ContractStatus.DRAFTED)
    engagement = drafted.engagement
    assert engagement is not None and engagement in Engagement.objects.filter(contracts=drafted)
    assert engagement.status == "agreed"
    assert (engagement.unit, engagement.enterprise) == (drafted.licensor, drafted.licensee)
    first = Contract.objects.get(is_first_cooperation=True)
    assert first.parent is not None and first.parent.mode == Mode.COOPERATE_LATER
    assert first.status == ContractStatus.SIGNED
    assert first.agency is not None and first.agency.memberships.filter(user=_user("agency")).exists()


def test_the_follow_on_licence_has_a_plan_receipts_a_reversal_and_a_paid_distribution(demo: str) -> None:
    from usefirst.contracts.models import Contract, ContractKind, ContractStatus
    from usefirst.finance.models import Distribution, PaymentPlan, Receipt

    licence = Contract.objects.get(kind=ContractKind.LICENCE, status=ContractStatus.SIGNED)
    assert licence.parent is not None and licence.parent.status == ContractStatus.NEXT_STEP_AGREED
    plan = PaymentPlan.objects.get(contract=licence)
    assert {"lump_sum", "installment", "milestone", "royalty"} <= set(plan.items.values_list("kind", flat=True))
    receipts = Receipt.objects.filter(contract=licence)
    assert receipts.filter(reverses__isnull=False).count() == 1
    confirmed = receipts.filter(confirmed_at__isnull=False)
    assert confirmed.aggregate(total=Sum("amount"))["total"] == Decimal("3200000.00")
    assert set(confirmed.filter(reverses__isnull=True).values_list("confirmed_as", flat=True)) == {"payer"}
    # One royalty payment waits for the enterprise-admin@ login to confirm it.
    assert list(receipts.filter(confirmed_at__isnull=True).values_list("amount", flat=True)) == [Decimal("36000.00")]
    assert Distribution.objects.filter(contract=licence, status="paid").count() == 1


def test_a_demo_signed_pdf_verifies_as_on_the_public_page(demo: str, client: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from usefirst.contracts import signing
    from usefirst.contracts.models import Contract, ContractKind, IssuedDocument

    licence = Contract.objects.get(kind=ContractKind.LICENCE, signed_at__isnull=False)
    document = licence.documents.filter(kind=IssuedDocument.Kind.SIGNED).order_by("-signature_count").first()
    assert document is not None and document.signature_count == 2
    with document.file.open("rb") as handle:
        data = handle.read()
    report = signing.verify_pdf(data)
    assert report.ok, report.message
    assert report.registered_contract_number == licence.number
    assert len(report.signatures) == 2
    response = client.post("/contracts/verify/", {"file": SimpleUploadedFile("c.pdf", data, "application/pdf")})
    assert "验证通过" in response.content.decode()


def test_the_eligible_achievement_of_the_demo_university_has_received_half_a_million(demo: str) -> None:
    from usefirst.catalog.models import Achievement
    from usefirst.core.dates import today
    from usefirst.finance.selectors import received_for_achievement
    from usefirst.notifications.models import Notification
    from usefirst.recognition.eligibility import evaluate
    from usefirst.recognition.models import EligibilityNotice

    university = Membership.objects.get(user=_user("university-admin")).organisation
    noticed = EligibilityNotice.objects.values_list("achievement_id", flat=True)
    achievement = Achievement.objects.get(owner=university, pk__in=noticed, recognition_applications=None)
    assert received_for_achievement(achievement.pk) >= Decimal("500000.00")
    result = evaluate(achievement, year=today().year, on=today())
    assert result.eligible, result.failed_codes
    assert result.amount >= Decimal("500000.00")
    assert Notification.objects.filter(
        recipient=_user("university-admin"), kind="recognition.eligible", url=f"/recognition/apply/{achievement.pk}/"
    ).exists()


def test_recognition_has_every_later_stage_and_a_public_list_with_its_pdf(demo: str, client: Any) -> None:
    from usefirst.recognition.models import Recognition, RecognitionApplication

    statuses = set(RecognitionApplication.objects.values_list("status", flat=True))
    assert statuses == {"recommended", "public_notice", "recognised", "rejected"}
    for application in RecognitionApplication.objects.all():
        assert application.amount_received >= Decimal("500000.00")
        assert application.events.first() is not None
    recognition = Recognition.objects.order_by("number").first()
    assert recognition is not None
    page = client.get("/recognition/").content.decode()
    assert recognition.number in page
    pdf = client.get(f"/recognition/{recognition.pk}/notice.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    notices = client.get("/recognition/notices/").content.decode()
    in_notice = RecognitionApplication.objects.get(status="public_notice")
    assert in_notice.achievement.title[:20] in notices


def test_the_sweep_shows_projects_falling_due_one_included_and_one_declared_converted(demo: str) -> None:
    from usefirst.core.dates import today
    from usefirst.inclusion.choices import Verdict
    from usefirst.inclusion.selectors import SweepFilters, sweep_report

    province = User.objects.get(email="province-reviewer@usefirst.example")
    rows = sweep_report(province, SweepFilters(on=today()))
    verdicts = {r.project.number: r.verdict for r in rows}
    assert [n for n, v in verdicts.items() if v == Verdict.DUE_SOON] == ["GDKJ2023-0101", "GDKJ2023-0102", "GDKJ2023-0103"]
    assert verdicts["GDKJ2023-0090"] == Verdict.INCLUDED
    assert verdicts["GDKJ2023-0104"] == Verdict.CONVERTED_OFF_PLATFORM
    assert verdicts["GDKJ2023-0105"] == Verdict.DECLARATION_PENDING
    assert verdicts["GDKJ2023-0501"] == Verdict.AWAITING_UNIT
    assert {Verdict.NOT_KEY_TECHNOLOGY, Verdict.NOT_PROVINCIALLY_FUNDED, Verdict.LATER, Verdict.NOT_ACCEPTED} <= set(
        verdicts.values()
    )
    included = next(r for r in rows if r.verdict == Verdict.INCLUDED)
    assert included.inclusion is not None and included.inclusion.achievement.status == AchievementStatus.AUTO_INCLUDED


def test_insurers_and_the_guarantor_have_published_products_and_the_licence_shows_quotes_with_the_subsidy(
    demo: str, client: Any
) -> None:
    from usefirst.contracts.models import Contract, ContractKind, ContractStatus
    from usefirst.risk.models import Product

    published = Product.objects.filter(status="published")
    assert set(published.values_list("provider__kind", flat=True)) == {"insurer", "guarantor"}
    assert published.filter(provider__kind="insurer").values("provider").distinct().count() == 2
    assert Product.objects.filter(status="submitted").count() == 1
    licence = Contract.objects.get(kind=ContractKind.LICENCE, status=ContractStatus.SIGNED)
    client.force_login(User.objects.get(email="enterprise-admin@usefirst.example"))
    html = client.get(f"/risk/contracts/{licence.pk}/quotes/").content.decode()
    assert "保费补贴" in html and "补贴后实付" in html and "粤北" in html
    assert "不适用的产品" in html and "没有适用于该产品的保费补贴" in html  # the guarantee is not subsidised


def test_the_safehouse_has_a_complete_signed_dossier_a_determination_and_systems_both_ways(demo: str) -> None:
    from usefirst.safehouse.models import Dossier, ExemptionApplication, ManagementSystem
    from usefirst.safehouse.selectors import chain_problems, missing_steps

    complete, partial = Dossier.objects.order_by("pk")[:2]
    assert missing_steps(complete) == [] and chain_problems(complete) == []
    assert complete.signatures.get().seq == 4
    assert missing_steps(partial) == ["价格公示", "利益冲突申报"]
    assert ExemptionApplication.objects.get().status == "exempted"
    assert sorted(ManagementSystem.objects.values_list("status", flat=True)) == ["approved", "returned"]


def test_the_demo_enterprise_shares_its_performance_record_with_the_insurer_and_not_the_guarantor(demo: str) -> None:
    from usefirst.performance import selectors
    from usefirst.performance.models import Consent

    enterprise_user = User.objects.get(email="enterprise-admin@usefirst.example")
    insurer_user = User.objects.get(email="insurer@usefirst.example")
    guarantor_user = User.objects.get(email="guarantor@usefirst.example")
    enterprise = Membership.objects.get(user=enterprise_user).organisation
    assert {c.status for c in Consent.objects.filter(enterprise=enterprise)} == {"active", "revoked"}
    assert selectors.may_view_record(insurer_user, enterprise)
    assert not selectors.may_view_record(guarantor_user, enterprise)


def test_policies_in_every_state_an_automatic_claim_and_a_guarantee_paid_with_recourse(demo: str, client: Any) -> None:
    from usefirst.risk.models import Claim, CoverPayment, Policy

    assert set(Policy.objects.values_list("status", flat=True)) == {
        "applied",
        "info_requested",
        "issued",
        "declined",
        "in_force",
        "expired",
        "cancelled",
    }
    offered = Claim.objects.get(origin="automatic", status="opened")
    assert offered.trigger_line is not None and offered.documents.filter(by_platform=True).exists()
    called = Claim.objects.get(status="subrogated")
    assert called.policy.provider.kind == "guarantor" and called.recourse_amount == called.payout
    payment = CoverPayment.objects.get(claim=called)
    assert payment.line == called.trigger_line and payment.counts_as_received is False
    assert payment.recourse_against_id == called.policy.contract.licensee_id
    client.force_login(User.objects.get(email="guarantor@usefirst.example"))
    assert "代为支付的付款事项" in client.get(f"/risk/claims/{called.pk}/").content.decode()
    # Claim documents are files: the unit's uploads and the platform's generated statements.
    assert all(d.file for d in called.documents.all()) and called.documents.filter(by_platform=False).count() == 2
    # A breach recorded with its evidence offered a claim under the bond, and entered the record.
    by_breach = Claim.objects.get(origin="breach")
    breach = by_breach.trigger_breach
    assert breach is not None and breach.evidence and by_breach.documents.filter(by_platform=True).exists()
    from usefirst.performance.selectors import record

    assert record(breach.against).summary.breaches == 1


def test_the_demo_has_a_reviewed_recommendation_a_pending_one_and_measures_in_force(demo: str) -> None:
    from usefirst.measures.selectors import applicable_to
    from usefirst.sources.models import RecommendationBatch
    from usefirst.sources.selectors import source_counts

    assert set(RecommendationBatch.objects.values_list("status", flat=True)) == {"reviewed", "submitted"}
    assert source_counts()["by_source"]["recommended"] >= 1
    enterprise = User.objects.get(email="enterprise-admin@usefirst.example").memberships.get().organisation
    assert applicable_to(enterprise).exists()


def test_the_demo_pool_has_a_placed_entry_or_a_proposal(demo: str) -> None:
    from usefirst.pools.models import Pool

    pool = Pool.objects.get(name="新能源与储能产业成果池")
    assert pool.members.exists() and pool.entries.exists()


def test_the_dashboards_have_deals_from_engagements_and_the_open_statistics_show_figures(demo: str) -> None:
    from usefirst.contracts.models import Contract
    from usefirst.statistics import dashboards, selectors
    from usefirst.statistics.selectors import Scope

    signed = Contract.objects.filter(scope=STATISTICS_SCOPE, signed_at__isnull=False)
    assert signed.count() >= 3 and all(c.engagement_id for c in signed)
    intents, agreed, contracted, _paid = dashboards.funnel(Scope()).series[0].values
    assert intents and agreed and contracted
    assert not selectors.open_total("contract_signed").withheld


def test_the_bank_has_two_products_an_approved_loan_with_a_pledge_and_a_declined_one(demo: str, client: Any) -> None:
    from usefirst.financing.models import LoanApplication, LoanProduct, Pledge

    bank = _user("bank")
    assert LoanProduct.objects.filter(status="published", bank__memberships__user=bank).count() == 2
    assert set(LoanApplication.objects.values_list("status", flat=True)) == {"approved", "declined"}
    pledge = Pledge.objects.get(status="registered")
    assert pledge.application.status == "approved" and pledge.application.product.pledge_required
    url = f"/achievements/{pledge.ip_item.achievement_id}/"
    owner = Membership.objects.filter(organisation_id=pledge.ip_item.achievement.owner_id).first()
    assert owner is not None
    for user in (bank, owner.user):
        client.force_login(user)
        assert "质押中" in client.get(url).content.decode()
    client.force_login(bank)
    for path in (
        "/financing/workspace/products/",
        "/financing/applications/",
        f"/financing/applications/{pledge.application_id}/",
    ):
        assert client.get(path).status_code == 200, path
