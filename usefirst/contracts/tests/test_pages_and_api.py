from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from usefirst.accounts.second_factor import current_code, enrol_confirmed
from usefirst.contracts import services

from .conftest import PASSWORD, draft, sign_all


def test_the_public_verification_page_accepts_a_signed_pdf_and_rejects_garbage(
    client, platform_ca, owner, unit, enterprise, achievement, licensee_signer
):
    contract = sign_all(draft(owner, unit, enterprise, achievement), owner, licensee_signer)
    data = services.current_document(contract).file.read()
    ok = client.post(reverse("contracts:verify"), {"file": SimpleUploadedFile("c.pdf", data, "application/pdf")})
    assert ok.status_code == 200
    assert "验证通过" in ok.content.decode()
    assert "每个签名均带有 RFC 3161 可信时间戳" in ok.content.decode()
    assert ok.content.decode().count("时间戳服务：先用后转平台时间戳服务") == 2
    bad = client.post(reverse("contracts:verify"), {"file": SimpleUploadedFile("c.pdf", data[:500], "application/pdf")})
    assert bad.status_code == 200 and "无法验证" in bad.content.decode()


def test_the_verify_api_reports_each_signature(client, platform_ca, owner, unit, enterprise, achievement, licensee_signer):
    contract = sign_all(draft(owner, unit, enterprise, achievement), owner, licensee_signer)
    data = services.current_document(contract).file.read()
    response = client.post("/api/v1/contracts/verify", {"file": SimpleUploadedFile("c.pdf", data, "application/pdf")})
    body = response.json()
    assert response.status_code == 200 and body["ok"] and body["registered"]
    assert len(body["signatures"]) == 2 and all(s["intact"] and s["timestamp_valid"] for s in body["signatures"])
    garbage = client.post("/api/v1/contracts/verify", {"file": SimpleUploadedFile("x.pdf", b"\x00garbage", "application/pdf")})
    assert garbage.status_code == 200 and garbage.json()["verifiable"] is False


def test_a_party_drafts_previews_and_signs_through_the_pages(client, platform_ca, owner, unit, enterprise, achievement):
    client.force_login(owner)
    page = client.get(reverse("contracts:new"), follow=True)
    assert page.status_code == 200 and "第 1 步 合同类型与成果" in page.content.decode()
    contract = draft(owner, unit, enterprise, achievement)
    detail = client.get(reverse("contracts:detail", args=[contract.pk]))
    text = detail.content.decode()
    assert "起止日均含当日" in text and contract.documents.get().sha256 in text
    key = enrol_confirmed(owner)
    signed = client.post(reverse("contracts:sign", args=[contract.pk]), {"password": PASSWORD, "otp": current_code(key)})
    assert signed.status_code == 302
    assert contract.signatures.count() == 1
    pdf = client.get(reverse("contracts:pdf", args=[contract.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_an_outsider_cannot_open_or_sign_a_contract(client, platform_ca, owner, unit, enterprise, achievement, outsider):
    from usefirst.core.testing import make_org

    contract = draft(owner, unit, enterprise, achievement)
    stranger_org = make_org("enterprise", name="无关企业")
    from usefirst.core.testing import make_user

    stranger = make_user(stranger_org, role="admin")
    client.force_login(stranger)
    assert client.get(reverse("contracts:detail", args=[contract.pk])).status_code == 404
    assert client.post(reverse("contracts:sign", args=[contract.pk]), {"password": PASSWORD, "otp": "000000"}).status_code == 404
    assert client.get(f"/api/v1/contracts/{contract.pk}").status_code == 404


def test_the_api_drafts_a_contract_and_refuses_dates_out_of_order(client, platform_ca, owner, unit, enterprise, achievement):
    import datetime as dt

    from usefirst.core.dates import today

    client.force_login(owner)
    payload = {
        "kind": "free_use_licence",
        "mode": "pay_later",
        "licensor_id": unit.pk,
        "licensee_id": enterprise.pk,
        "achievements": [{"achievement_id": achievement.pk, "price_share": "100"}],
        "scope": "生产使用",
        "free_use_start": str(today() + dt.timedelta(days=10)),
        "free_use_end": str(today() + dt.timedelta(days=5)),
    }
    refused = client.post("/api/v1/contracts", payload, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "dates_out_of_order"
    payload["free_use_end"] = str(today() + dt.timedelta(days=100))
    created = client.post("/api/v1/contracts", payload, content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert body["free_use_inclusive"] and body["documents"][0]["sha256"]


def test_a_signed_contract_links_to_its_payments_and_a_draft_does_not(
    client, platform_ca, owner, unit, enterprise, achievement, licensee_signer
):
    client.force_login(owner)
    drafted = draft(owner, unit, enterprise, achievement)
    money = reverse("finance:contract", args=[drafted.pk])
    assert money not in client.get(reverse("contracts:detail", args=[drafted.pk])).content.decode()
    sign_all(drafted, owner, licensee_signer)
    page = client.get(reverse("contracts:detail", args=[drafted.pk])).content.decode()
    assert money in page and "付款计划、到账与收益分配" in page
    assert client.get(money).status_code == 200


def test_the_grant_line_states_the_floor_in_force(client, platform_ca, owner, unit, enterprise, achievement, provincial_admin):
    from usefirst.core.dates import today
    from usefirst.policy.services import parameter_set

    client.force_login(owner)
    contract = draft(owner, unit, enterprise, achievement, mode="cooperate_later", inventor_grant="ownership")
    assert "不低于 70%" in client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    parameter_set(actor=provincial_admin, key="inventor_share_floor", value="0.75", effective_from=today(), reason="测试")
    assert "不低于 75%" in client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()


def test_every_standard_text_reads_as_a_model_contract_with_its_blanks_marked(client, owner):
    from usefirst.contracts.models import ContractTemplate
    from usefirst.tests.screen_text import visible_text

    client.force_login(owner)
    templates = list(ContractTemplate.objects.all())
    assert templates
    for template in templates:
        assert "{{" in template.body  # the stored source has placeholders …
        text = visible_text(client.get(reverse("contracts:template_detail", args=[template.pk])).content.decode())
        assert "{{" not in text and "{%" not in text and "_name" not in text  # … the page never shows them
        assert "【许可方名称】" in text or "【被许可方名称】" in text, template.title
        assert "示范文本（待主管部门审定）" in text and f"第 {template.version} 版" in text
        assert "【待填写】" not in text, f"{template.title}: a placeholder without a marked blank"
