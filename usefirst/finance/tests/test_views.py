import pytest
from django.urls import reverse

from usefirst.core.testing import make_org, make_user
from usefirst.finance import services
from usefirst.finance.models import Receipt
from usefirst.finance.tests.helpers import record_confirmed


def receive(contract, owner):
    record_confirmed(
        actor=owner,
        contract=contract,
        received_on="2026-06-01",
        amount="1000.00",
        payer="企业",
        voucher_number="V1",
        idempotency_key="v-1",
    )


def test_the_finance_page_shows_the_amount_received(client, contract, owner):
    receive(contract, owner)
    client.force_login(owner)
    response = client.get(reverse("finance:contract", args=[contract.pk]))
    assert response.status_code == 200
    assert "1,000.00 元" in response.content.decode()
    assert "登记到账" in response.content.decode()


@pytest.mark.parametrize(
    "name", ["contract", "receipt_create", "plan_create", "distribution_create", "registration_xlsx", "registration_pdf"]
)
def test_an_outsider_gets_404_on_every_contract_page(client, contract, name):
    client.force_login(make_user(make_org()))
    assert client.get(reverse(f"finance:{name}", args=[contract.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, contract):
    response = client.get(reverse("finance:contract", args=[contract.pk]))
    assert response.status_code == 302


def test_the_receipt_form_records_once_even_when_submitted_twice(client, contract, owner):
    client.force_login(owner)
    data = {"received_on": "2026-06-01", "amount": "500.00", "payer": "企业", "voucher_number": "V2", "idempotency_key": "form-1"}
    url = reverse("finance:receipt_create", args=[contract.pk])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Receipt.objects.count() == 1


def test_the_receipt_form_names_the_rule_for_an_over_precise_amount(client, contract, owner):
    client.force_login(owner)
    url = reverse("finance:receipt_create", args=[contract.pk])
    response = client.post(
        url, {"received_on": "2026-06-01", "amount": "5.005", "payer": "企业", "voucher_number": "V", "idempotency_key": "x"}
    )
    assert response.status_code == 400
    assert "两位小数" in response.content.decode()


def test_the_distribution_form_shows_the_floor_refusal_in_the_preview(client, contract, owner):
    receive(contract, owner)
    client.force_login(owner)
    url = reverse("finance:distribution_create", args=[contract.pk])
    data = {
        "variant": "cash",
        "inventor_pct": "69.99",
        "unit_pct": "30.01",
        "fund_pct": "0",
        "taxes": "0",
        "fees": "0",
        "conversion_costs": "0",
        "action": "preview",
    }
    body = client.post(url, data).content.decode()
    assert "低于规则下限" in body
    assert 'value="save"' not in body


def test_the_distribution_form_shows_the_grant_the_contract_made_and_applies_its_floor(client, unit, enterprise, owner):
    from .helpers import under_cooperate_later

    contract = under_cooperate_later(unit, enterprise, owner, grant="long_term_use")
    receive(contract, owner)
    client.force_login(owner)
    url = reverse("finance:distribution_create", args=[contract.pk])
    page = client.get(url).content.decode()
    assert "赋予长期使用权" in page and 'name="grant"' not in page
    data = {"variant": "cash", "inventor_pct": "60", "unit_pct": "40", "fund_pct": "0", "action": "save"}
    data.update(taxes="0", fees="0", conversion_costs="0")
    body = client.post(url, data).content.decode()
    assert "低于规则下限" in body
    assert not contract.distributions.exists()


def test_the_registration_pack_downloads_as_excel_and_as_pdf_with_a_cjk_font(client, contract, owner):
    client.force_login(owner)
    xlsx = client.get(reverse("finance:registration_xlsx", args=[contract.pk]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    pytest.importorskip("fpdf")  # pinned in requirements.txt by the contracts work (fpdf2)
    pdf = client.get(reverse("finance:registration_pdf", args=[contract.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert b"FontFile2" in pdf.content or b"FontFile3" in pdf.content  # the font is embedded


def test_an_inventor_sees_their_distributions_page(client, contract, owner):
    receive(contract, owner)
    user = make_user()
    person = contract.achievements.get().achievement.inventors.first().person
    person.user = user
    person.save()
    services.distribution_create(actor=owner, contract=contract, inventor_pct="70", unit_pct="30")
    client.force_login(user)
    body = client.get(reverse("finance:my_distributions")).content.decode()
    assert contract.title in body


def test_the_registration_pack_wraps_long_values_inside_their_cells_by_chinese_line_breaking(contract):
    from usefirst.contracts.tests.pdf_reading import page_chars, page_lines, page_size
    from usefirst.core.typesetting import NO_LINE_END, NO_LINE_START
    from usefirst.finance.registration import registration_pdf

    contract.title = "关于“一种低功耗边缘计算芯片（改进型）”的技术许可合同，" * 4 + "【附件】。"
    contract.save()
    data = registration_pdf(contract)
    lines = page_lines(data)
    assert [line for line in lines if line[0] in NO_LINE_START] == []
    assert [line for line in lines if line[-1] in NO_LINE_END] == []
    width, _ = page_size(data)
    margin = 20 * 72 / 25.4
    assert all(margin <= c.left and c.right <= width - margin for page in page_chars(data) for c in page)
