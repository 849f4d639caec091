"""Claim documents are uploaded files (PDF, PNG or JPEG judged by their bytes, size capped, kept
in private storage); a claim reaches 材料齐全 only when every document its product version
requires has a file, refused naming the missing ones. The platform pre-attaches what it holds as
generated PDFs. A party records a breach (违约记录) with its evidence: it offers a claim under the
recorder's policies whose product names breach as a trigger, and enters the licensee's
performance record. The underwriting pack holds the licensee's record only under the
enterprise's consent to that insurer. Every policy step tells the people concerned."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from usefirst.accounts.models import OrganisationKind
from usefirst.core.errors import DomainError, Forbidden
from usefirst.core.testing import make_org
from usefirst.notifications.models import Notification
from usefirst.performance import selectors as performance_selectors
from usefirst.performance import services as performance_services
from usefirst.performance.choices import EntryKind, Grade
from usefirst.risk import cover
from usefirst.risk.choices import BreachKind, ClaimOrigin, ClaimStatus, CoveredRisk
from usefirst.risk.claims import missing_documents
from usefirst.risk.models import Breach, Claim, ClaimDocument
from usefirst.risk.pack import NOT_CONSENTED, pack_text

from .cover_builders import PDF_BYTES, apply, bond_product, in_force, member, pdf, signed_licence

pytestmark = pytest.mark.django_db
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _frozen_day():
    with time_machine.travel(dt.datetime(2026, 6, 15, 2, 0, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture
def insured(unit, enterprise, owner):
    contract = signed_licence(unit, enterprise, owner)
    product, underwriter = bond_product()
    policy = in_force(apply(contract, product, owner), underwriter)
    return {"contract": contract, "policy": policy, "underwriter": underwriter, "owner": owner, "enterprise": enterprise}


def _offered(insured) -> Claim:
    cover.offer_claims(dt.date(2026, 7, 31))
    return Claim.objects.get()


# ---------------------------------------------------------------- documents as files


def test_an_automatic_claim_pre_attaches_the_overdue_statement_as_a_generated_pdf(insured):
    claim = _offered(insured)
    platform = {d.name: d for d in claim.documents.filter(by_platform=True)}
    assert set(platform) == {"合同文本", "平台到账记录"}
    statement = platform["平台到账记录"]
    with statement.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert statement.filename == "平台到账记录.pdf" and statement.size > 0
    assert "逾期事项" in statement.content
    assert missing_documents(claim) == ["催告函"]


def test_a_claim_reaches_documents_complete_only_when_every_required_document_has_a_file(insured):
    claim = _offered(insured)
    # A reference without a file (as documents were before) does not count.
    ClaimDocument.objects.create(claim=claim, name="催告函", content="EMS 1234 已签收")
    with pytest.raises(DomainError) as refused:
        cover.claim_complete_documents(actor=insured["owner"], claim=claim)
    assert refused.value.code == "claim_documents_missing"
    assert "尚缺：催告函" in refused.value.detail
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.OPENED
    cover.claim_add_document(actor=insured["owner"], claim=claim, name="催告函", file=pdf("催告函.pdf"))
    assert cover.claim_complete_documents(actor=insured["owner"], claim=claim).status == ClaimStatus.DOCUMENTS_COMPLETE


def test_an_upload_is_judged_by_its_bytes_and_its_size(insured):
    claim = _offered(insured)
    owner = insured["owner"]
    with pytest.raises(DomainError) as refused:
        cover.claim_add_document(
            actor=owner, claim=claim, name="催告函", file=SimpleUploadedFile("催告函.pdf", EXE, content_type="application/pdf")
        )
    assert refused.value.code == "file_type"
    with pytest.raises(DomainError) as refused:
        cover.claim_add_document(actor=owner, claim=claim, name="催告函", file=None)
    assert refused.value.code == "claim_document_file_required"
    with override_settings(ATTACHMENT_MAX_BYTES=len(PDF_BYTES) - 1), pytest.raises(DomainError) as refused:
        cover.claim_add_document(actor=owner, claim=claim, name="催告函", file=pdf())
    assert refused.value.code == "file_too_large"
    assert missing_documents(claim) == ["催告函"]
    # Only the insured uploads.
    with pytest.raises(Forbidden):
        cover.claim_add_document(actor=insured["underwriter"], claim=claim, name="催告函", file=pdf())


def test_the_pages_upload_a_document_and_serve_it_only_to_those_who_see_the_claim(client, insured):
    claim = _offered(insured)
    client.force_login(insured["owner"])
    refused = client.post(f"/risk/claims/{claim.pk}/do/complete_documents/", follow=True)
    assert "理赔材料不齐全，尚缺：催告函" in refused.content.decode()
    client.post(f"/risk/claims/{claim.pk}/do/document/", {"name": "催告函", "file": pdf("催告函-EMS.pdf")})
    document = claim.documents.get(name="催告函")
    assert document.filename == "催告函-EMS.pdf"
    page = client.get(f"/risk/claims/{claim.pk}/").content.decode()
    assert "催告函-EMS.pdf" in page and "材料已齐全" in page
    served = client.get(f"/risk/claims/{claim.pk}/documents/{document.pk}/")
    assert served.status_code == 200 and b"".join(served.streaming_content).startswith(b"%PDF")
    client.force_login(insured["underwriter"])
    assert client.get(f"/risk/claims/{claim.pk}/documents/{document.pk}/").status_code == 200
    client.force_login(member(make_org(OrganisationKind.ENTERPRISE)))
    assert client.get(f"/risk/claims/{claim.pk}/documents/{document.pk}/").status_code == 404


def test_the_api_names_the_missing_documents_in_problem_json_and_takes_a_multipart_upload(client, insured):
    claim = _offered(insured)
    client.force_login(insured["owner"])
    missing = client.post(f"/api/v1/risk/claims/{claim.pk}/complete-documents", {}, content_type="application/json")
    assert missing.status_code == 400 and missing["Content-Type"].startswith("application/problem+json")
    assert missing.json()["code"] == "claim_documents_missing" and "催告函" in missing.json()["detail"]
    bad = client.post(
        f"/api/v1/risk/claims/{claim.pk}/documents",
        {"name": "催告函", "file": SimpleUploadedFile("x.pdf", EXE, content_type="application/pdf")},
    )
    assert bad.status_code == 400 and bad.json()["code"] == "file_type"
    uploaded = client.post(f"/api/v1/risk/claims/{claim.pk}/documents", {"name": "催告函", "file": pdf()})
    assert uploaded.status_code == 201, uploaded.content
    assert uploaded.json()["missing_documents"] == []
    assert {d["name"] for d in uploaded.json()["documents"] if d["attached"]} == {"合同文本", "平台到账记录", "催告函"}
    done = client.post(f"/api/v1/risk/claims/{claim.pk}/complete-documents", {}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == ClaimStatus.DOCUMENTS_COMPLETE


# ---------------------------------------------------------------- breach records


@pytest.fixture
def breach_cover(unit, enterprise, owner):
    """Two policies of the unit on one contract: one whose product opens a claim on a breach record."""
    contract = signed_licence(unit, enterprise, owner)
    on_breach, underwriter = bond_product(breach_trigger=True, claim_documents="合同文本；违约记录及证据；催告函。")
    policy = in_force(apply(contract, on_breach, owner), underwriter)
    return {"contract": contract, "policy": policy, "underwriter": underwriter, "owner": owner, "enterprise": enterprise}


def _record(actor, contract, **kwargs):
    values = {
        "kind": BreachKind.PAYMENT_DEFAULT,
        "occurred_on": "2026-06-10",
        "description": "企业书面表示不再支付首期许可费",
        "evidence": pdf("企业来函.pdf"),
    }
    values.update(kwargs)
    return cover.breach_record(actor=actor, contract=contract, **values)


def test_a_breach_record_offers_a_claim_as_the_overdue_trigger_does(breach_cover):
    with time_machine.travel(dt.datetime(2026, 7, 20, 2, 0, tzinfo=dt.UTC), tick=True):
        breach, offered = _record(breach_cover["owner"], breach_cover["contract"], occurred_on="2026-07-16")
    assert offered == 1
    claim = Claim.objects.get()
    assert (claim.origin, claim.risk, claim.trigger_breach, claim.status) == (
        ClaimOrigin.BREACH,
        CoveredRisk.PAYMENT_DEFAULT,
        breach,
        ClaimStatus.OPENED,
    )
    assert claim.occurred_on == dt.date(2026, 7, 16) and claim.amount_claimed == breach_cover["policy"].cover
    # The breach record itself is pre-attached, as a generated file.
    assert set(claim.documents.filter(by_platform=True).values_list("name", flat=True)) == {"合同文本", "违约记录及证据"}
    assert missing_documents(claim) == ["催告函"]
    # Once per breach record.
    assert cover.offer_breach_claims(breach) == 0
    assert breach.against == breach_cover["enterprise"] and breach.recorded_for == breach_cover["contract"].licensor


def test_a_product_without_the_breach_trigger_offers_nothing(insured):
    _, offered = _record(insured["owner"], insured["contract"])
    assert offered == 0 and not Claim.objects.exists()
    assert Breach.objects.count() == 1


def test_a_breach_enters_the_licensees_performance_record(breach_cover):
    enterprise = breach_cover["enterprise"]
    assert performance_selectors.record(enterprise).summary.breaches == 0
    breach, _ = _record(breach_cover["owner"], breach_cover["contract"])
    record = performance_selectors.record(enterprise)
    entry = record.entry(f"breach:risk-breach-{breach.pk}")
    assert entry is not None and entry.kind == EntryKind.BREACH and entry.day == dt.date(2026, 6, 10)
    assert "未按约定付款" in entry.label and record.summary.breaches == 1
    assert record.summary.grade == Grade.POOR


def test_a_breach_on_a_contract_you_are_not_party_to_is_refused(breach_cover):
    stranger = member(make_org(OrganisationKind.UNIVERSITY))
    with pytest.raises(Forbidden) as refused:
        _record(stranger, breach_cover["contract"])
    assert refused.value.code == "breach_not_party"
    with pytest.raises(Forbidden):
        _record(breach_cover["underwriter"], breach_cover["contract"])  # the insurer is no party either
    assert not Breach.objects.exists()


def test_a_breach_dated_in_the_future_or_without_evidence_is_refused(breach_cover):
    with pytest.raises(DomainError) as refused:
        _record(breach_cover["owner"], breach_cover["contract"], occurred_on="2026-06-16")
    assert refused.value.code == "breach_date_future" and refused.value.field_errors == {"occurred_on": ["不能晚于今天"]}
    with pytest.raises(DomainError) as refused:
        _record(breach_cover["owner"], breach_cover["contract"], evidence=None)
    assert refused.value.code == "breach_evidence_required"
    with pytest.raises(DomainError) as refused:
        _record(
            breach_cover["owner"],
            breach_cover["contract"],
            evidence=SimpleUploadedFile("x.pdf", EXE, content_type="application/pdf"),
        )
    assert refused.value.code == "file_type"
    assert not Breach.objects.exists()


def test_the_page_and_the_api_record_a_breach(client, breach_cover):
    contract = breach_cover["contract"]
    client.force_login(breach_cover["owner"])
    page = client.post(
        f"/risk/contracts/{contract.pk}/cover/breaches/",
        {"kind": "payment_default", "occurred_on": "2026-06-20", "description": "未付款", "evidence": pdf()},
        follow=True,
    )
    assert "违约日期不能晚于今天" in page.content.decode()
    client.post(
        f"/risk/contracts/{contract.pk}/cover/breaches/",
        {"kind": "payment_default", "occurred_on": "2026-06-15", "description": "企业拒付首期", "evidence": pdf("来函.pdf")},
    )
    breach = Breach.objects.get()
    listing = client.get(f"/risk/contracts/{contract.pk}/cover/").content.decode()
    assert "企业拒付首期" in listing and "来函.pdf" in listing
    assert client.get(f"/risk/breaches/{breach.pk}/evidence/").status_code == 200
    api = client.post(
        f"/api/v1/contracts/{contract.pk}/risk-breaches",
        {"kind": "other", "occurred_on": "2027-01-01", "description": "x", "evidence": pdf()},
    )
    assert api.status_code == 400 and api.json()["code"] == "breach_date_future"
    client.force_login(member(breach_cover["enterprise"]))
    made = client.post(
        f"/api/v1/contracts/{contract.pk}/risk-breaches",
        {"kind": "other", "occurred_on": "2026-06-14", "description": "成果单位未按期交付技术资料", "evidence": pdf()},
    )
    assert made.status_code == 201, made.content
    assert made.json()["against"] == contract.licensor.name and made.json()["claims_offered"] == []
    client.force_login(member(make_org(OrganisationKind.ENTERPRISE)))
    assert client.get(f"/risk/breaches/{breach.pk}/evidence/").status_code == 404


# ---------------------------------------------------------------- the pack and the record


def test_the_pack_holds_the_licensees_record_only_under_the_enterprises_consent(unit, enterprise, owner):
    contract = signed_licence(unit, enterprise, owner)
    product, _ = bond_product()
    refused = apply(contract, product, owner)
    assert refused.pack["performance"] == {"consented": False, "note": NOT_CONSENTED}
    assert "未获授权，未纳入" in pack_text(refused)
    assert "按期支付" not in pack_text(refused)
    cover.policy_cancel(actor=owner, policy=refused, reason="改投")
    performance_services.consent_grant(actor=member(enterprise), enterprise=enterprise, grantee=product.provider)
    consented = apply(contract, product, owner)
    part = consented.pack["performance"]
    assert part["consented"] is True and part["enterprise"] == enterprise.name
    assert part["grade"] == Grade.NONE and part["summary"]["breaches"] == 0
    assert "未获授权" not in pack_text(consented) and "被许可方履约信用档案" in pack_text(consented)


def test_a_consent_to_another_insurer_does_not_open_the_record_to_this_one(unit, enterprise, owner):
    contract = signed_licence(unit, enterprise, owner)
    product, _ = bond_product()
    other, _ = bond_product()
    performance_services.consent_grant(actor=member(enterprise), enterprise=enterprise, grantee=other.provider)
    assert apply(contract, product, owner).pack["performance"] == {"consented": False, "note": NOT_CONSENTED}


# ---------------------------------------------------------------- notifications


def _kinds(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, kind__startswith="risk.").order_by("pk").values_list("kind", flat=True)
    )


def test_each_policy_step_tells_the_people_concerned(unit, enterprise, owner):
    contract = signed_licence(unit, enterprise, owner)
    product, underwriter = bond_product()
    asked = apply(contract, product, owner)
    cover.policy_request_info(actor=underwriter, policy=asked, reason="请补充检测报告")
    cover.policy_decline(actor=underwriter, policy=asked, reason="超出限额")
    policy = in_force(apply(contract, product, owner), underwriter)
    assert _kinds(owner) == ["risk.policy_info_requested", "risk.policy_declined", "risk.policy_issued"]
    cover.offer_claims(dt.date(2026, 7, 31))
    claim = Claim.objects.get()
    assert _kinds(underwriter)[-1] == "risk.claim_opened" and _kinds(owner)[-1] == "risk.claim_opened"
    cover.claim_add_document(actor=owner, claim=claim, name="催告函", file=pdf())
    cover.claim_complete_documents(actor=owner, claim=claim)
    cover.claim_assess(actor=underwriter, claim=claim, assessed_loss="100000.00")
    with time_machine.travel(dt.datetime(2026, 8, 10, 2, 0, tzinfo=dt.UTC), tick=True):
        cover.claim_pay(actor=underwriter, claim=claim, paid_on="2026-08-10")
        claim.refresh_from_db()
        licensee = member(enterprise)
        cover.claim_subrogate(actor=underwriter, claim=claim, amount="88000.00", note="已发追偿函")
    assert _kinds(owner)[-2:] == ["risk.claim_paid", "risk.subrogation_recorded"]
    assert _kinds(licensee) == ["risk.subrogation_recorded"]
    second = cover.claim_open(
        actor=owner,
        policy=policy,
        risk=CoveredRisk.PAYMENT_DEFAULT,
        occurred_on="2026-07-02",
        amount_claimed="1000.00",
        description="另一笔",
    )
    cover.claim_decline(actor=underwriter, claim=second, reason="不在责任范围")
    assert _kinds(owner)[-1] == "risk.claim_declined"
    assert Notification.objects.filter(recipient=underwriter, kind="risk.claim_opened").count() == 2
