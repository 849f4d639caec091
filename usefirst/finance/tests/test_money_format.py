"""The same amount reads 1,234,567.89 元 on the page and in the PDF, and is a number formatted
#,##0.00 under a （元） header in the Excel download."""

import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from usefirst.finance.tests.helpers import record_confirmed


def receive(contract, owner, amount):
    record_confirmed(
        actor=owner,
        contract=contract,
        received_on="2026-06-01",
        amount=amount,
        payer="企业",
        voucher_number="V1",
        idempotency_key="v-1",
    )


def test_the_finance_page_writes_the_amount_received_with_grouped_thousands_and_yuan(client, contract, owner):
    receive(contract, owner, "1234567.89")
    client.force_login(owner)
    body = client.get(reverse("finance:contract", args=[contract.pk])).content.decode()
    assert "<strong>1,234,567.89 元</strong>" in body
    assert "1234567.89" not in body


def test_the_registration_pdf_writes_the_amount_received_the_same_way(client, contract, owner):
    pytest.importorskip("fpdf")
    from pypdf import PdfReader

    receive(contract, owner, "1234567.89")
    client.force_login(owner)
    pdf = client.get(reverse("finance:registration_pdf", args=[contract.pk]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).replace("\x00", "")
    assert "1,234,567.89元" in re.sub(r"\s+", "", text)


def test_the_registration_excel_holds_the_amount_as_a_number_formatted_in_yuan(client, contract, owner):
    from openpyxl import load_workbook

    receive(contract, owner, "1234567.89")
    client.force_login(owner)
    xlsx = client.get(reverse("finance:registration_xlsx", args=[contract.pk]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    column = headers.index("截至目前实际到账（元）") + 1
    cell = sheet.cell(row=2, column=column)
    assert cell.value == pytest.approx(1234567.89) and not isinstance(cell.value, str)
    assert Decimal(str(cell.value)) == Decimal("1234567.89")
    assert cell.number_format == "#,##0.00"
