"""A receipt and its bank slip in one multipart call, through the page's service: from
`receipt_slip_threshold` the slip is required, and a refused call leaves neither a receipt
row nor a stored file behind."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from usefirst.catalog.tests.factories import bearer_for
from usefirst.core.testing import make_org, make_user
from usefirst.finance import services
from usefirst.finance.demo import DEMO_SLIP
from usefirst.finance.models import Receipt
from usefirst.policy.selectors import parameter_value

from .helpers import slip

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    root = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}},
    }
    return root


def stored_files(root):
    """The bank slips kept (the contract's own signed PDFs live beside them, under contracts/)."""
    slips = root / "receipts"
    return sorted(p.name for p in slips.rglob("*") if p.is_file()) if slips.exists() else []


def above_threshold() -> str:
    return str(Decimal(str(parameter_value("receipt_slip_threshold"))) + Decimal("0.01"))


def form(**overrides):
    data = {
        "received_on": "2026-06-01",
        "amount": above_threshold(),
        "payer": "韶关测试科技有限公司",
        "voucher_number": "V-SLIP-1",
        "idempotency_key": "slip-1",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def pdf_slip():
    return SimpleUploadedFile("回单.pdf", DEMO_SLIP, content_type="application/pdf")


def post(client, contract, user, data):
    return client.post(f"/api/v1/contracts/{contract.pk}/receipts-with-slip", data, headers=bearer_for(user))


def assert_problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    assert response.json()["code"] == code and response.json()["detail"]
    return response.json()


def test_a_receipt_above_the_threshold_is_recorded_with_its_slip(client, contract, owner, storage):
    response = post(client, contract, owner, {**form(), "slip": pdf_slip()})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["has_slip"] is True and Decimal(body["amount"]) == Decimal(above_threshold())
    assert Receipt.objects.get(pk=body["id"]).slip.name.endswith(".pdf")
    assert len(stored_files(storage)) == 1
    again = post(client, contract, owner, {**form(), "slip": pdf_slip()})
    assert (again.status_code, again.json()["id"]) == (200, body["id"])
    assert Receipt.objects.count() == 1 and len(stored_files(storage)) == 1


def test_without_the_slip_above_the_threshold_nothing_is_saved(client, contract, owner, storage):
    problem = assert_problem(post(client, contract, owner, form()), 400, "receipt_slip_required")
    assert "slip" in problem["errors"]
    assert Receipt.objects.count() == 0 and stored_files(storage) == []


def test_a_file_that_is_not_a_slip_is_refused_and_nothing_is_saved(client, contract, owner, storage):
    exe = SimpleUploadedFile("回单.pdf", b"MZ\x90\x00 an executable" + b"\x00" * 64, content_type="application/pdf")
    assert_problem(post(client, contract, owner, {**form(), "slip": exe}), 400, "receipt_slip_invalid")
    assert Receipt.objects.count() == 0 and stored_files(storage) == []


def test_below_the_threshold_the_slip_may_be_left_out(client, contract, owner):
    response = post(client, contract, owner, form(amount="1000.00"))
    assert response.status_code == 201 and response.json()["has_slip"] is False


def test_a_missing_form_field_is_a_coded_validation_problem(client, contract, owner, storage):
    problem = assert_problem(
        post(client, contract, owner, {**form(voucher_number=None), "slip": pdf_slip()}), 422, "validation_failed"
    )
    assert list(problem["errors"]) == ["voucher_number"]
    assert Receipt.objects.count() == 0 and stored_files(storage) == []


def test_a_blank_payer_is_refused_under_its_field_name(client, contract, owner, storage):
    problem = assert_problem(post(client, contract, owner, {**form(payer="  "), "slip": pdf_slip()}), 400, "validation_failed")
    assert problem["errors"] == {"payer": ["请填写付款方"]}
    assert Receipt.objects.count() == 0


def test_another_organisation_cannot_record_on_the_contract(client, contract, storage):
    stranger = make_user(make_org())
    assert_problem(post(client, contract, stranger, {**form(), "slip": pdf_slip()}), 404, "not_found")
    assert Receipt.objects.count() == 0 and stored_files(storage) == []


def test_a_failure_after_the_slip_was_written_takes_the_file_away_too(contract, owner, storage, monkeypatch):
    def broken_event(*args, **kwargs):
        raise RuntimeError("the event row could not be written")

    monkeypatch.setattr(services.workflow, "record", broken_event)
    with pytest.raises(RuntimeError):
        services.receipt_record(actor=owner, contract=contract, slip=slip(), **form())
    assert Receipt.objects.count() == 0 and stored_files(storage) == []


def test_the_schema_lists_the_multipart_receipt_path(client):
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/contracts/{pk}/receipts-with-slip"]["post"]
    assert "银行回单" in operation["summary"]
    assert "multipart/form-data" in operation["requestBody"]["content"]
