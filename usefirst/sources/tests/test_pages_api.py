"""The recommendation pages and API as people and clients use them: the Excel template and an
upload, refused rows listed in Chinese, the city's review form, the workspace to-do, problem+json."""

from __future__ import annotations

import json

import pytest

from usefirst.sources.choices import BatchStatus, RowOutcome
from usefirst.sources.models import RecommendationBatch

from .builders import letter, patent, workbook

pytestmark = pytest.mark.django_db

GOOD = {
    "title": "一种海水淡化膜材料",
    "owner_name": "华南测试大学",
    "ip_kind": "发明专利",
    "ip_number": patent(1),
    "field": "0101",
    "maturity": "小试",
    "scenario": "沿海工业园区海水淡化",
    "consent": "是",
}


def test_the_template_downloads_and_an_excel_batch_is_submitted(client, recommender, city_department):
    client.force_login(recommender)
    template = client.get("/sources/recommend/template.xlsx")
    assert template.status_code == 200
    assert "成果推荐模板" in template["Content-Disposition"] or "filename*" in template["Content-Disposition"]
    response = client.post(
        "/sources/recommend/",
        {
            "mode": "excel",
            "title": "第一批",
            "file": workbook([GOOD, {**GOOD, "title": "第二项成果", "ip_number": patent(2)}]),
            "signed_recommendation": letter(),
        },
    )
    batch = RecommendationBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/sources/batches/{batch.pk}/"
    assert batch.via_excel and batch.rows.count() == 2
    page = client.get(response["Location"])
    assert "待审核" in page.content.decode() and "广州市科学技术局" in page.content.decode()


def test_refused_excel_rows_are_listed_by_row_and_column_and_nothing_is_kept(client, recommender, city_department):
    client.force_login(recommender)
    response = client.post(
        "/sources/recommend/",
        {
            "mode": "excel",
            "title": "第一批",
            "file": workbook([GOOD, {**GOOD, "title": "另一项", "ip_number": patent(3), "maturity": "实验室阶段"}]),
            "signed_recommendation": letter(),
        },
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "第 3 行" in text and "至少完成小试" in text and "未保存任何推荐" in text
    assert not RecommendationBatch.objects.exists()


def test_the_form_recommends_one_item_and_the_city_reviews_it_on_the_page(client, recommender, city_reviewer, unit, owner):
    client.force_login(recommender)
    response = client.post(
        "/sources/recommend/",
        {
            "mode": "form",
            "title": "单项推荐",
            "row-0-title": "一种固态电池电解质",
            "row-0-owner_name": "华南测试大学",
            "row-0-field": "0101",
            "row-0-maturity": "pilot",
            "row-0-scenario": "新能源汽车电池厂",
            "row-0-consent": "1",
            "signed_recommendation": letter(),
        },
    )
    assert response.status_code == 302
    batch = RecommendationBatch.objects.get()
    row = batch.rows.get()
    client.force_login(city_reviewer)
    page = client.get(f"/sources/batches/{batch.pk}/")
    assert "保存审核结果" in page.content.decode()
    refused = client.post(f"/sources/batches/{batch.pk}/", {f"row-{row.pk}-decision": "refuse"})
    assert refused.status_code == 422 and "不采纳时请写明理由" in refused.content.decode()
    done = client.post(f"/sources/batches/{batch.pk}/", {f"row-{row.pk}-decision": "accept"})
    assert done.status_code == 302
    row.refresh_from_db()
    assert row.outcome == RowOutcome.ACCEPTED and row.achievement is not None
    client.force_login(recommender)
    shown = client.get(f"/sources/batches/{batch.pk}/").content.decode()
    assert "已采纳" in shown and "成果草稿" in shown


def test_the_recommender_cannot_review_and_a_stranger_cannot_see(client, recommender, city_reviewer, other_user):
    client.force_login(recommender)
    client.post(
        "/sources/recommend/",
        {"mode": "excel", "title": "第一批", "file": workbook([GOOD]), "signed_recommendation": letter()},
    )
    batch = RecommendationBatch.objects.get()
    row = batch.rows.get()
    assert "保存审核结果" not in client.get(f"/sources/batches/{batch.pk}/").content.decode()
    response = client.post(f"/sources/batches/{batch.pk}/", {f"row-{row.pk}-decision": "accept"})
    assert response.status_code == 403
    client.force_login(other_user)
    assert client.get(f"/sources/batches/{batch.pk}/").status_code == 404


def test_the_api_submits_json_rows_refuses_duplicates_as_problem_json_and_reviews(
    client, recommender, city_reviewer, city_department
):
    client.force_login(recommender)
    org = recommender.memberships.first().organisation
    body = {"organisation_id": org.pk, "title": "接口推荐", "rows": json.dumps([GOOD]), "signed_recommendation": letter()}
    created = client.post("/api/v1/recommendation-batches", body)
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["channel_label"] == "企业推荐" and data["rows"][0]["outcome_label"] == "待审核"
    again = client.post(
        "/api/v1/recommendation-batches",
        {**body, "rows": json.dumps([{**GOOD, "title": "换个名字"}]), "signed_recommendation": letter()},
    )
    assert again.status_code == 422
    problem = again.json()
    assert problem["code"] == "import_rows_invalid"
    assert problem["errors"][0]["row"] == 1 and f"编号 {data['id']}" in problem["errors"][0]["message"]
    client.force_login(city_reviewer)
    review = client.post(
        f"/api/v1/recommendation-batches/{data['id']}/review",
        {"decisions": [{"row_id": data["rows"][0]["id"], "accept": False, "reason": "成熟度不足"}]},
        content_type="application/json",
    )
    assert review.status_code == 200
    assert review.json()["status"] == BatchStatus.REVIEWED
    assert review.json()["rows"][0]["outcome"] == "refused"


def test_the_workspace_shows_batches_to_review_and_the_counts_page_is_for_departments(client, recommender, city_reviewer):
    client.force_login(recommender)
    client.post(
        "/sources/recommend/", {"mode": "excel", "title": "第一批", "file": workbook([GOOD]), "signed_recommendation": letter()}
    )
    client.force_login(city_reviewer)
    home = client.get("/accounts/workspace/").content.decode()
    assert "待审核的成果推荐" in home
    counts = client.get("/sources/counts/")
    assert counts.status_code == 200 and "推荐渠道" in counts.content.decode()
    client.force_login(recommender)
    assert client.get("/sources/counts/").status_code == 403
