"""Typical cases: drafted from a signed contract with both parties' consent, reviewed, published
with rounded figures, searchable, on the home page, marked exemplary by the province."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.cases import services
from usefirst.cases.choices import CaseStatus
from usefirst.cases.models import Case
from usefirst.contracts.models import ContractKind
from usefirst.core.errors import DomainError, Forbidden
from usefirst.core.testing import make_org, make_user
from usefirst.tests.factories import ContractFactory, admin_of, reviewer_of

pytestmark = pytest.mark.django_db

STORY = {"title": "芯片成果先用后转落地", "summary": "高校芯片成果先许可企业免费试用。", "story": "企业试用一年后签订许可合同。"}


@pytest.fixture
def contract(province):
    return ContractFactory(kind=ContractKind.LICENCE, price=Decimal("1234567.00"))


def _published(contract, *, exact=(False, False)):
    licensor, licensee = admin_of(contract.licensor), admin_of(contract.licensee)
    case = services.case_create(actor=licensor, contract=contract, **STORY)
    services.case_consent(actor=licensor, case=case, allows_exact_amount=exact[0])
    services.case_consent(actor=licensee, case=case, allows_exact_amount=exact[1])
    services.case_submit(actor=licensor, case=case)
    return services.case_publish(actor=reviewer_of(contract.licensor), case=case)


def test_it_refuses_to_submit_a_case_without_the_other_partys_consent(contract):
    licensor = admin_of(contract.licensor)
    case = services.case_create(actor=licensor, contract=contract, **STORY)
    services.case_consent(actor=licensor, case=case)
    with pytest.raises(DomainError) as exc:
        services.case_submit(actor=licensor, case=case)
    assert exc.value.code == "case_consent_missing"
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT
    assert admin_of(contract.licensee).notifications.filter(kind="cases.consent_requested").exists()


def test_a_published_case_shows_mode_field_region_and_a_rounded_amount(contract):
    case = _published(contract)
    assert case.status == CaseStatus.PUBLISHED
    assert case.amount_shown == "约 120 万元"  # 123.4567 万元, never the exact figure without consent
    assert case.mode_label and case.region == "珠三角" and case.city == "广州市"


def test_the_exact_amount_is_shown_only_when_both_parties_allowed_it(contract, province):
    assert "123.46" in _published(contract, exact=(True, True)).amount_shown
    other = ContractFactory(kind=ContractKind.LICENCE, price=Decimal("1234567.00"))
    assert _published(other, exact=(True, False)).amount_shown == "约 120 万元"


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (None, "未披露"),
        ("99999.99", "10 万元以下"),
        ("100000", "约 10 万元"),
        ("555000", "约 56 万元"),
        ("12345678", "约 1200 万元"),
    ],
)
def test_amounts_are_rounded_to_two_significant_figures_in_wan(amount, shown):
    assert services.rounded_amount(Decimal(amount) if amount else None) == shown


def test_it_refuses_a_case_by_someone_not_party_to_the_contract(contract):
    outsider = make_user(make_org(OrganisationKind.ENTERPRISE))
    with pytest.raises(Forbidden) as exc:
        services.case_create(actor=outsider, contract=contract, **STORY)
    assert exc.value.code == "case_not_party"


def test_it_refuses_a_case_on_an_unsigned_contract(province):
    draft = ContractFactory(signed=False)
    with pytest.raises(DomainError) as exc:
        services.case_create(actor=admin_of(draft.licensor), contract=draft, **STORY)
    assert exc.value.code == "case_contract_not_signed"


def test_only_the_authors_department_reviews(contract):
    licensor, licensee = admin_of(contract.licensor), admin_of(contract.licensee)
    case = services.case_create(actor=licensor, contract=contract, **STORY)
    services.case_consent(actor=licensor, case=case)
    services.case_consent(actor=licensee, case=case)
    services.case_submit(actor=licensor, case=case)
    with pytest.raises(Forbidden) as exc:
        services.case_publish(actor=licensee, case=case)
    assert exc.value.code == "not_case_reviewer"


def test_the_province_marks_an_exemplary_case_and_nobody_else_may(contract, province):
    case = _published(contract)
    with pytest.raises(Forbidden):
        services.case_mark_exemplary(actor=admin_of(contract.licensor), case=case)
    staff = make_user(province, role=Membership.Role.STAFF)
    assert services.case_mark_exemplary(actor=staff, case=case).exemplary is True


def test_a_case_not_yet_published_cannot_be_exemplary(contract, province):
    case = services.case_create(actor=admin_of(contract.licensor), contract=contract, **STORY)
    with pytest.raises(DomainError) as exc:
        services.case_mark_exemplary(actor=make_user(province), case=case)
    assert exc.value.code == "case_not_published"


def test_published_cases_are_searchable_and_on_the_home_page_drafts_are_not(client, contract):
    case = _published(contract)
    draft = services.case_create(
        actor=admin_of(contract.licensee),
        contract=ContractFactory(licensee=contract.licensee),
        **(STORY | {"title": "尚未发布的案例"}),
    )
    listing = client.get(reverse("cases:list"), {"q": "芯片"}).content.decode()
    assert case.title in listing and draft.title not in listing
    assert client.get(reverse("cases:list"), {"q": "不存在的词"}).content.decode().count(case.title) == 0
    cache.clear()
    assert case.title in client.get("/").content.decode()
    assert client.get(reverse("cases:detail", args=[draft.pk])).status_code == 404
    assert client.get("/api/v1/cases?q=芯片").json()["count"] == 1


def test_the_pages_carry_a_case_from_draft_to_publication(client, contract):
    licensor, licensee = admin_of(contract.licensor), admin_of(contract.licensee)
    client.force_login(licensor)
    assert client.get(reverse("cases:mine")).status_code == 200
    client.post(reverse("cases:new") + f"?contract={contract.pk}", STORY | {"contract": contract.pk})
    case = Case.objects.get()
    client.post(reverse("cases:action", args=[case.pk, "consent"]))
    refused = client.post(reverse("cases:action", args=[case.pk, "submit"]), follow=True)
    assert "尚未取得合同双方" in refused.content.decode()
    client.force_login(licensee)
    client.post(reverse("cases:action", args=[case.pk, "consent"]), {"exact": "1"})
    client.force_login(licensor)
    client.post(reverse("cases:action", args=[case.pk, "submit"]))
    client.force_login(reviewer_of(contract.licensor))
    client.post(reverse("cases:action", args=[case.pk, "publish"]), {"reason": ""})
    case.refresh_from_db()
    assert case.status == CaseStatus.PUBLISHED and case.amount_shown == "约 120 万元"
