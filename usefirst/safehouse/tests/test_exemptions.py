"""Due-diligence exemptions: refused listing the missing steps, determined by the sector department
with reasons, read by the audit office, kept with the dossier."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from usefirst.core.errors import Conflict, DomainError, Forbidden
from usefirst.core.permissions import Action, can
from usefirst.safehouse import services
from usefirst.safehouse.choices import ExemptionStatus
from usefirst.safehouse.models import Dossier, ExemptionApplication

from .builders import deposit_all


def _apply(actor, deal, role="manager", situations=("procedure_followed",)):
    return services.exemption_apply(
        actor=actor, dossier=Dossier.objects.get(contract=deal), role=role, situations=list(situations), statement="按制度办理"
    )


@pytest.mark.django_db
def test_it_refuses_an_application_listing_the_missing_steps(staff, deal):
    deposit_all(staff, deal, ("valuation", "decision"))
    with pytest.raises(Conflict) as refused:
        _apply(staff, deal)
    assert refused.value.code == "safehouse_steps_missing"
    assert "价格公示" in refused.value.detail and "利益冲突申报" in refused.value.detail
    assert "定价依据" not in refused.value.detail
    assert not ExemptionApplication.objects.exists()


@pytest.mark.django_db
def test_a_situation_needing_fewer_steps_may_be_claimed_with_those_steps(staff, deal):
    deposit_all(staff, deal, ("decision", "conflict"))
    application = _apply(staff, deal, role="researcher", situations=("exploratory_failure",))
    assert application.status == ExemptionStatus.SUBMITTED


@pytest.mark.django_db
def test_it_refuses_a_situation_of_another_role(staff, deal):
    deposit_all(staff, deal)
    with pytest.raises(DomainError) as refused:
        _apply(staff, deal, role="researcher", situations=("procedure_followed",))
    assert "situations" in refused.value.field_errors


@pytest.mark.django_db
def test_the_sector_department_determines_with_reasons_and_the_dossier_keeps_it(
    staff, deal, education, education_reviewer, platform_ca
):
    deposit_all(staff, deal)
    application = _apply(staff, deal)
    with pytest.raises(DomainError):
        services.exemption_determine(actor=education_reviewer, application=application, exempt=True, reason="")
    services.exemption_determine(
        actor=education_reviewer, application=application, exempt=True, reason="程序完备，未牟取非法利益"
    )
    application.refresh_from_db()
    assert application.status == ExemptionStatus.EXEMPTED
    assert application.determining_department == education
    data = services.dossier_export(actor=staff, dossier=application.dossier)
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("manifest.json"))
    assert manifest["exemptions"][0]["determination_reason"] == "程序完备，未牟取非法利益"
    assert manifest["exemptions"][0]["determining_department"] == "广东省教育厅"


@pytest.mark.django_db
def test_it_refuses_a_determination_by_the_unit_itself_or_another_department(staff, colleague, deal, enterprise):
    from usefirst.accounts.models import OrganisationKind
    from usefirst.core.testing import make_org, make_user

    deposit_all(staff, deal)
    application = _apply(staff, deal)
    health = make_user(make_org(OrganisationKind.SECTOR_DEPARTMENT, name="广东省卫生健康委", sector="health"))
    for actor in (colleague, health):
        with pytest.raises(Forbidden) as refused:
            services.exemption_determine(actor=actor, application=application, exempt=True, reason="同意")
        assert refused.value.code == "not_exemption_determiner"


@pytest.mark.django_db
def test_the_provincial_department_may_determine_too(staff, deal, provincial_reviewer):
    deposit_all(staff, deal)
    application = _apply(staff, deal)
    services.exemption_determine(actor=provincial_reviewer, application=application, exempt=False, reason="公示期不足")
    assert application.status == ExemptionStatus.NOT_EXEMPTED


@pytest.mark.django_db
def test_the_audit_office_reads_everything_and_changes_nothing(staff, deal, auditor):
    deposit_all(staff, deal)
    application = _apply(staff, deal)
    dossier = application.dossier
    assert can(auditor, Action.VIEW, dossier) and can(auditor, Action.HISTORY, dossier)
    assert can(auditor, Action.VIEW, application)
    assert not can(auditor, Action.CHANGE, dossier)
    assert not can(auditor, Action.REVIEW, application)
    with pytest.raises(Forbidden):
        services.exemption_determine(actor=auditor, application=application, exempt=True, reason="同意")


@pytest.mark.django_db
def test_one_pending_application_per_person_and_deal(staff, deal):
    deposit_all(staff, deal)
    _apply(staff, deal)
    with pytest.raises(Conflict) as refused:
        _apply(staff, deal)
    assert refused.value.code == "exemption_pending"
