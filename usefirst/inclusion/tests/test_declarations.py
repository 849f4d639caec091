"""Off-platform conversion declarations: a unit declares with evidence, its department accepts
(the project leaves the sweep) or returns it with reasons; bad input saves nothing."""

import datetime as dt

import pytest

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.core.dates import today
from usefirst.core.errors import DomainError
from usefirst.core.testing import make_org, make_user
from usefirst.inclusion.choices import DeclarationStatus, Verdict
from usefirst.inclusion.models import AutoInclusion, ConversionDeclaration, DeclarationEvent
from usefirst.inclusion.selectors import verdicts
from usefirst.inclusion.services import (
    declaration_accept,
    declaration_return,
    declaration_submit,
    declaration_withdraw,
    sweep_include,
)
from usefirst.notifications.models import Notification

from .builders import fake_pdf, make_project, pdf

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def project(provincial_reviewer, unit):
    return make_project(provincial_reviewer, unit, number="K1")


def _submit(owner, project, **overrides):
    values = {
        "kind": "licence",
        "counterparty": "东莞某电子有限公司",
        "signed_on": "2025-03-18",
        "amount": "800000.00",
        "contract_file": pdf(),
        "certificate_file": pdf("登记证明.pdf"),
    }
    values.update(overrides)
    return declaration_submit(actor=owner, project=project, **values)


def test_an_accepted_declaration_takes_the_project_out_of_the_sweep(project, owner, provincial_reviewer):
    declaration = _submit(owner, project)
    assert Notification.objects.filter(recipient=provincial_reviewer, kind="inclusion.declaration_submitted").exists()
    [row] = verdicts([project], on=D(2026, 11, 26))
    assert row.verdict == Verdict.DECLARATION_PENDING
    declaration_accept(actor=provincial_reviewer, declaration=declaration, reason="合同与登记证明一致")
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.ACCEPTED and declaration.reviewed_by == provincial_reviewer
    assert Notification.objects.filter(recipient=owner, kind="inclusion.declaration_accepted").exists()
    assert sweep_include(D(2026, 11, 26))["included"] == 0
    assert AutoInclusion.objects.count() == 0
    events = list(DeclarationEvent.objects.filter(subject=declaration).values_list("event_type", "from_status", "to_status"))
    assert events == [("submit", "", "submitted"), ("accept", "submitted", "accepted")]


def test_a_returned_declaration_leaves_the_project_in_the_sweep_and_the_unit_may_declare_again(
    project, owner, provincial_reviewer
):
    declaration = _submit(owner, project)
    with pytest.raises(DomainError) as exc:
        declaration_return(actor=provincial_reviewer, declaration=declaration, reason="")
    assert exc.value.code == "reason_required"
    declaration_return(actor=provincial_reviewer, declaration=declaration, reason="合同未盖章，请补充")
    assert Notification.objects.get(recipient=owner, kind="inclusion.declaration_returned").body.startswith(
        "退回理由：合同未盖章"
    )
    assert sweep_include(D(2026, 11, 26))["included"] == 1
    again = _submit(owner, project)
    assert again.status == DeclarationStatus.SUBMITTED


def test_the_unit_may_withdraw_while_under_review_but_not_after(project, owner, provincial_reviewer):
    declaration = _submit(owner, project)
    declaration_withdraw(actor=owner, declaration=declaration)
    assert ConversionDeclaration.objects.get().status == DeclarationStatus.WITHDRAWN
    with pytest.raises(DomainError) as exc:
        declaration_accept(actor=provincial_reviewer, declaration=declaration)
    assert exc.value.code in ("illegal_transition", "stale_state")


def test_it_refuses_a_second_live_declaration_for_the_same_project(project, owner):
    _submit(owner, project)
    with pytest.raises(DomainError) as exc:
        _submit(owner, project)
    assert exc.value.code == "declaration_exists"
    assert ConversionDeclaration.objects.count() == 1


def test_it_refuses_a_declaration_without_evidence_and_saves_nothing(project, owner, tmp_path):
    with pytest.raises(DomainError) as exc:
        _submit(owner, project, contract_file=None)
    assert exc.value.code == "declaration_evidence_required"
    assert "请上传转化合同" in exc.value.field_errors["contract_file"][0]
    assert ConversionDeclaration.objects.count() == 0 and DeclarationEvent.objects.count() == 0
    assert not any(tmp_path.rglob("*.pdf"))


def test_it_refuses_evidence_that_is_not_a_pdf_or_image_by_its_bytes(project, owner, tmp_path):
    with pytest.raises(DomainError) as exc:
        _submit(owner, project, certificate_file=fake_pdf())
    assert exc.value.code == "validation_failed"
    assert exc.value.field_errors["certificate_file"] == ["技术合同认定登记证明应为 PDF、PNG 或 JPEG 文件"]
    assert ConversionDeclaration.objects.count() == 0
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_it_refuses_a_contract_signed_in_the_future_and_names_every_wrong_field(project, owner):
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    with pytest.raises(DomainError) as exc:
        _submit(owner, project, signed_on=tomorrow, kind="gift", counterparty="", amount="12.345")
    fields = exc.value.field_errors
    assert fields["signed_on"] == ["合同签订日期不能晚于今天"]
    assert fields["kind"] == ["请选择转化方式"]
    assert fields["counterparty"] == ["请填写受让方 / 被许可方"]
    assert "最多保留两位小数" in fields["amount"][0]
    assert ConversionDeclaration.objects.count() == 0


def test_it_refuses_a_declaration_by_anyone_but_the_projects_unit(project, other_owner, outsider):
    for actor in (other_owner, outsider):
        with pytest.raises(DomainError) as exc:
            _submit(actor, project)
        assert exc.value.code == "not_project_unit"


def test_only_the_units_reviewing_department_reviews_never_the_unit_itself(project, owner, province):
    declaration = _submit(owner, project)
    sector = make_org(OrganisationKind.SECTOR_DEPARTMENT, name="广东省教育厅", sector="education")
    stranger = make_user(sector, role=Membership.Role.ADMIN)
    for actor in (owner, stranger):
        with pytest.raises(DomainError) as exc:
            declaration_accept(actor=actor, declaration=declaration)
        assert exc.value.code in ("not_reviewing_department", "not_found")
    assert ConversionDeclaration.objects.get().status == DeclarationStatus.SUBMITTED
