"""The pages and the API: who sees what, deposits and applications through them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from usefirst.safehouse.models import Dossier

from .builders import deposit_all, pdf_upload


@pytest.mark.django_db
def test_unit_staff_deposit_through_the_page_and_see_the_missing_steps(client, staff, deal):
    client.force_login(staff)
    page = client.get(reverse("safehouse:dossier", args=[deal.pk]))
    assert page.status_code == 200 and "尚缺" in page.content.decode()
    response = client.post(
        reverse("safehouse:deposit", args=[deal.pk, "valuation"]),
        {"title": "评估报告", "method": "资产评估", "price": "800000", "basis": "评估", "file": pdf_upload()},
    )
    assert response.status_code == 302
    body = client.get(reverse("safehouse:dossier", args=[deal.pk])).content.decode()
    assert "评估报告" in body and "价格公示" in body


@pytest.mark.django_db
def test_an_outsider_cannot_see_a_dossier(client, staff, deal, outsider):
    deposit_all(staff, deal, ("valuation",))
    client.force_login(outsider)
    assert client.get(reverse("safehouse:dossier", args=[deal.pk])).status_code == 404
    assert client.get(reverse("safehouse:export", args=[deal.pk])).status_code == 404


@pytest.mark.django_db
def test_the_application_page_refuses_listing_the_missing_steps(client, staff, deal):
    deposit_all(staff, deal, ("valuation",))
    client.force_login(staff)
    response = client.post(
        reverse("safehouse:exemption_new", args=[deal.pk]),
        {"role": "manager", "situations": ["manager:procedure_followed"], "statement": "按制度办理"},
    )
    assert response.status_code == 409
    assert "价格公示、内部决策（会议纪要）、利益冲突申报" in response.content.decode()


@pytest.mark.django_db
def test_the_api_refuses_an_application_with_problem_json(client, staff, deal):
    deposit_all(staff, deal, ("decision",))
    client.force_login(staff)
    response = client.post(
        f"/api/v1/safehouse/contracts/{deal.pk}/exemptions",
        {"role": "manager", "situations": ["procedure_followed"], "statement": "按制度办理"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "safehouse_steps_missing"
    dossier = client.get(f"/api/v1/safehouse/contracts/{deal.pk}").json()
    assert dossier["missing_steps"] == ["定价依据（评估或协议定价）", "价格公示", "利益冲突申报"]


@pytest.mark.django_db
def test_the_auditor_reads_the_dossier_page_without_deposit_links(client, staff, deal, auditor):
    deposit_all(staff, deal)
    client.force_login(auditor)
    body = client.get(reverse("safehouse:dossier", args=[deal.pk])).content.decode()
    assert Dossier.objects.get().ref in body
    assert reverse("safehouse:deposit", args=[deal.pk, "valuation"]) not in body
    # the audit office reads the dossier, not the contract: its number is shown, not linked
    assert deal.number in body
    assert f'href="{reverse("contracts:detail", args=[deal.pk])}"' not in body
    client.force_login(staff)
    assert (
        f'href="{reverse("contracts:detail", args=[deal.pk])}"'
        in client.get(reverse("safehouse:dossier", args=[deal.pk])).content.decode()
    )


@pytest.mark.django_db
def test_the_department_files_an_incentive_through_the_page(client, university, education_reviewer):
    client.force_login(education_reviewer)
    response = client.post(
        reverse("safehouse:incentives"),
        {
            "unit": university.pk,
            "kind": "funding",
            "year": "2026",
            "granted_on": "2026-05-01",
            "description": "转化专项",
            "amount": "1000",
        },
    )
    assert response.status_code == 302
    assert "转化专项" in client.get(reverse("safehouse:incentives")).content.decode()


@pytest.mark.django_db
def test_the_index_lists_a_deal_without_dossier_only_to_its_unit(client, staff, deal, enterprise):
    from usefirst.core.testing import make_user

    client.force_login(staff)
    assert deal.number in client.get(reverse("safehouse:index")).content.decode()
    client.force_login(make_user(enterprise))
    assert deal.number not in client.get(reverse("safehouse:index")).content.decode()
