"""Who sees what (a unit only its own projects and declarations; the department its units'; the
province all) on the pages and in the API, and the declaration through both."""

import datetime as dt

import pytest

from usefirst.inclusion.choices import DeclarationStatus
from usefirst.inclusion.models import ConversionDeclaration
from usefirst.inclusion.services import declaration_submit

from .builders import make_project, pdf

pytestmark = pytest.mark.django_db
ON = "2026-10-01"


@pytest.fixture
def mine_and_theirs(provincial_reviewer, unit, other_unit):
    return (
        make_project(provincial_reviewer, unit, number="MINE", accepted=dt.date(2023, 11, 25)),
        make_project(provincial_reviewer, other_unit, number="THEIRS", accepted=dt.date(2023, 11, 25), city="汕头市"),
    )


def _numbers(response):
    return {item["number"] for item in response.json()["items"]}


def test_a_unit_sees_only_its_own_projects_in_the_dry_run(
    client, mine_and_theirs, owner, other_owner, outsider, provincial_reviewer
):
    for user, expected in (
        (owner, {"MINE"}),
        (other_owner, {"THEIRS"}),
        (outsider, set()),
        (provincial_reviewer, {"MINE", "THEIRS"}),
    ):
        client.force_login(user)
        assert _numbers(client.get("/api/v1/inclusion/sweep", {"on": ON})) == expected
        page = client.get("/inclusion/", {"on": ON}).content.decode()
        assert ("MINE" in page) == ("MINE" in expected)
        assert ("THEIRS" in page) == ("THEIRS" in expected)


def test_the_api_lists_with_reasons_filters_and_answers_bad_dates_as_problem_json(client, mine_and_theirs, provincial_reviewer):
    client.force_login(provincial_reviewer)
    body = client.get("/api/v1/inclusion/sweep", {"on": ON, "verdict": "due_soon", "city": "汕头市"}).json()
    assert body["count"] == 1 and body["on"] == ON and body["horizon"] == 90
    [item] = body["items"]
    assert (item["number"], item["due_on"], item["verdict_label"]) == ("THEIRS", "2026-11-26", "90 天内将纳入")
    assert "将于 2026-11-26 纳入" in item["reason"]
    refused = client.get("/api/v1/inclusion/sweep", {"on": "2025-12-31"})
    assert refused.status_code == 400
    assert refused["Content-Type"].startswith("application/problem+json")
    assert refused.json()["code"] == "sweep_date_outside_term"


def test_anonymous_clients_are_turned_away(client, mine_and_theirs):
    assert client.get("/api/v1/inclusion/sweep").status_code == 401
    assert client.get("/inclusion/").status_code == 302


def test_a_declaration_through_the_api_without_evidence_is_a_coded_problem_and_saves_nothing(client, mine_and_theirs, owner):
    mine, _ = mine_and_theirs
    client.force_login(owner)
    data = {"kind": "transfer", "counterparty": "广州某科技有限公司", "signed_on": "2025-06-30"}
    refused = client.post(f"/api/v1/plan-projects/{mine.pk}/conversion-declarations", data)
    assert refused.status_code == 400
    assert refused.json()["code"] == "declaration_evidence_required"
    assert ConversionDeclaration.objects.count() == 0
    made = client.post(f"/api/v1/plan-projects/{mine.pk}/conversion-declarations", {**data, "contract_file": pdf()})
    assert made.status_code == 201, made.content
    assert made.json()["status"] == "submitted" and made.json()["has_certificate"] is False


def test_the_department_accepts_through_the_api_and_the_other_unit_cannot_even_see_it(
    client, mine_and_theirs, owner, other_owner, provincial_reviewer
):
    mine, _ = mine_and_theirs
    declaration = declaration_submit(
        actor=owner, project=mine, kind="equity", counterparty="某创投", signed_on="2025-01-02", contract_file=pdf()
    )
    client.force_login(other_owner)
    assert client.get(f"/api/v1/conversion-declarations/{declaration.pk}").status_code == 404
    assert client.get(f"/inclusion/declarations/{declaration.pk}/").status_code == 404
    assert client.get(f"/inclusion/declarations/{declaration.pk}/evidence/contract/").status_code == 404
    full = {"kind": "transfer", "counterparty": "某公司", "signed_on": "2025-06-30", "contract_file": pdf()}
    assert client.post(f"/api/v1/plan-projects/{mine.pk}/conversion-declarations", full).status_code == 404
    client.force_login(owner)
    forbidden = client.post(f"/api/v1/conversion-declarations/{declaration.pk}/accept", {}, content_type="application/json")
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "not_reviewing_department"
    assert client.get(f"/inclusion/declarations/{declaration.pk}/evidence/contract/").status_code == 200
    client.force_login(provincial_reviewer)
    accepted = client.post(
        f"/api/v1/conversion-declarations/{declaration.pk}/accept", {"reason": "材料齐全"}, content_type="application/json"
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert client.get("/api/v1/conversion-declarations", {"status": "accepted"}).json()["count"] == 1


def test_the_declaration_page_shows_chinese_errors_and_keeps_nothing(client, mine_and_theirs, owner, provincial_reviewer):
    mine, _ = mine_and_theirs
    client.force_login(owner)
    form = client.get(f"/inclusion/projects/{mine.pk}/declare/")
    assert form.status_code == 200 and "申报平台外转化" in form.content.decode()
    refused = client.post(
        f"/inclusion/projects/{mine.pk}/declare/", {"kind": "transfer", "counterparty": "某公司", "signed_on": "2025-06-30"}
    )
    assert refused.status_code == 400
    assert "请上传转化合同（PDF、PNG 或 JPEG）作为平台外转化的证明" in refused.content.decode()
    assert ConversionDeclaration.objects.count() == 0
    done = client.post(
        f"/inclusion/projects/{mine.pk}/declare/",
        {"kind": "transfer", "counterparty": "某公司", "signed_on": "2025-06-30", "contract_file": pdf()},
    )
    declaration = ConversionDeclaration.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/inclusion/declarations/{declaration.pk}/"
    client.force_login(provincial_reviewer)
    detail = client.get(f"/inclusion/declarations/{declaration.pk}/").content.decode()
    assert "认可，不再自动纳入" in detail and "申报平台外转化" in detail
    back = client.post(f"/inclusion/declarations/{declaration.pk}/return/", {"reason": ""})
    assert back.status_code == 302
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.SUBMITTED
    client.post(f"/inclusion/declarations/{declaration.pk}/return/", {"reason": "合同缺少签字页"})
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.RETURNED


def test_the_workspace_lists_declarations_to_review_and_records_to_complete(client, mine_and_theirs, owner, provincial_reviewer):
    from usefirst.inclusion.services import sweep_include

    mine, _theirs = mine_and_theirs
    declaration_submit(
        actor=owner, project=mine, kind="transfer", counterparty="某公司", signed_on="2025-06-30", contract_file=pdf()
    )
    sweep_include(dt.date(2026, 11, 26))  # THEIRS is included; MINE is held by its declaration
    client.force_login(provincial_reviewer)
    desk = client.get("/accounts/workspace/").content.decode()
    assert "待审核的平台外转化申报" in desk and "自动纳入预览" in desk
    client.force_login(owner)
    assert "验收满三年自动纳入预览" in client.get("/accounts/workspace/").content.decode()


def test_only_the_projects_unit_is_offered_the_declaration(client, mine_and_theirs, owner, provincial_reviewer):
    mine, _theirs = mine_and_theirs
    link = f"/inclusion/projects/{mine.pk}/declare/"
    client.force_login(owner)
    assert link in client.get("/inclusion/", {"on": ON}).content.decode()
    client.force_login(provincial_reviewer)
    assert link not in client.get("/inclusion/", {"on": ON}).content.decode()


def test_a_sector_department_reviews_its_own_units_declarations_and_sees_no_others(client, provincial_reviewer):
    from usefirst.accounts.models import Membership, OrganisationKind
    from usefirst.core.testing import make_org, make_user
    from usefirst.inclusion.services import declaration_accept

    education = make_org(OrganisationKind.SECTOR_DEPARTMENT, name="广东省教育厅", sector="education")
    officer = make_user(education, role=Membership.Role.STAFF)
    guided = make_org(OrganisationKind.UNIVERSITY, name="教育厅主管的大学", sector="education")
    guided.reviewing_department = education
    guided.save()
    elsewhere = make_org(OrganisationKind.RESEARCH_INSTITUTE, name="省属研究院")
    elsewhere.reviewing_department = provincial_reviewer.memberships.get().organisation
    elsewhere.save()
    declarations = []
    for org in (guided, elsewhere):
        admin = make_user(org, role=Membership.Role.ADMIN)
        project = make_project(provincial_reviewer, org)
        declarations.append(
            declaration_submit(
                actor=admin, project=project, kind="licence", counterparty="某公司", signed_on="2025-01-02", contract_file=pdf()
            )
        )
    client.force_login(officer)
    assert [d["unit_id"] for d in client.get("/api/v1/conversion-declarations").json()["items"]] == [guided.pk]
    assert client.get(f"/api/v1/conversion-declarations/{declarations[1].pk}").status_code == 404
    declaration_accept(actor=officer, declaration=declarations[0])
    assert ConversionDeclaration.objects.get(pk=declarations[0].pk).status == DeclarationStatus.ACCEPTED


def test_the_dry_run_links_an_included_achievement_only_for_those_who_may_open_it(client, provincial_reviewer, unit, owner):
    """The unit opens its auto-included achievement from the dry run; a reviewer who may not
    open it (in the demo, the province for a university's) sees the row without a dead link."""
    from django.urls import reverse

    from usefirst.inclusion.models import AutoInclusion
    from usefirst.inclusion.services import sweep_include

    make_project(provincial_reviewer, unit, number="DONE", accepted=dt.date(2023, 11, 25))
    sweep_include(dt.date(2026, 11, 26))
    link = reverse("catalog:achievement_detail", args=[AutoInclusion.objects.get().achievement_id])
    for user in (owner, provincial_reviewer):
        client.force_login(user)
        page = client.get("/inclusion/", {"on": "2026-11-27"}).content.decode()
        assert "DONE" in page and "已自动纳入" in page
        opens = client.get(link).status_code == 200
        assert (f'href="{link}"' in page) == opens  # linked exactly when it opens: no dead link
        assert opens or user != owner
