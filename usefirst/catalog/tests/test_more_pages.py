import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from usefirst.catalog.choices import DemandStatus
from usefirst.catalog.models import AchievementRevision, Attachment, Demand
from usefirst.catalog.services.achievements import achievement_update
from usefirst.catalog.services.demands import demand_submit

from .factories import achievement_data, make_demand, make_published_achievement, make_published_demand
from .test_attachments import PDF

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode()


def test_the_owner_sees_a_demand_as_expired_the_day_after_its_deadline(client, enterprise, outsider, city_reviewer):
    with time_machine.travel(dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC), tick=False):
        demand = make_published_demand(enterprise, outsider, city_reviewer, title="六月需求", deadline=dt.date(2026, 6, 30))
    client.force_login(outsider)
    with time_machine.travel(dt.datetime(2026, 6, 30, 15, 59, tzinfo=dt.UTC), tick=False):
        assert "已发布" in text(client.get(reverse("catalog:demand_detail", args=[demand.pk])))
        assert "六月需求" in text(client.get(reverse("catalog:demand_list")))
    with time_machine.travel(dt.datetime(2026, 6, 30, 16, 1, tzinfo=dt.UTC), tick=False):
        assert "已过期" in text(client.get(reverse("catalog:demand_detail", args=[demand.pk])))
        assert "已过期" in text(client.get(reverse("catalog:my_demands")))
        assert "六月需求" not in text(client.get(reverse("catalog:demand_list")))
        client.logout()
        assert client.get(reverse("catalog:demand_detail", args=[demand.pk])).status_code == 404
    assert Demand.objects.get().status == DemandStatus.PUBLISHED


def test_the_revision_review_page_shows_what_changes(client, unit, owner, reviewer):
    achievement = make_published_achievement(unit, owner, reviewer, title="旧标题")
    achievement_update(actor=owner, achievement=achievement, data=achievement_data(unit, owner, title="<i>新标题</i>"))
    revision = AchievementRevision.objects.get()
    client.force_login(reviewer)
    page = text(client.get(reverse("catalog:review_revision", args=[revision.pk])))
    assert "旧标题" in page and "&lt;i&gt;新标题&lt;/i&gt;" in page
    response = client.post(reverse("catalog:review_revision", args=[revision.pk]), {"decision": "return"}, follow=True)
    assert "的修改：退回须填写理由" in text(response)
    client.post(reverse("catalog:review_revision", args=[revision.pk]), {"decision": "return", "reason": "不实"})
    revision.refresh_from_db()
    assert revision.status == "returned"


def test_an_outsider_cannot_open_a_revision(client, unit, owner, reviewer, outsider):
    achievement = make_published_achievement(unit, owner, reviewer)
    achievement_update(actor=owner, achievement=achievement, data=achievement_data(unit, owner, title="新"))
    client.force_login(outsider)
    assert client.get(reverse("catalog:review_revision", args=[AchievementRevision.objects.get().pk])).status_code == 403


def test_the_demand_edit_page_and_history(client, enterprise, outsider, city_reviewer):
    demand = make_demand(enterprise, outsider, title="原需求")
    client.force_login(outsider)
    page = text(client.get(reverse("catalog:demand_edit", args=[demand.pk])))
    assert "原需求" in page
    demand_submit(actor=outsider, demand=demand)
    response = client.get(reverse("catalog:demand_edit", args=[demand.pk]), follow=True)
    assert "不能修改" in text(response)
    client.post(reverse("catalog:demand_transition", args=[demand.pk, "withdraw"]))
    demand.refresh_from_db()
    assert demand.status == DemandStatus.DRAFT
    history = text(client.get(reverse("catalog:demand_history", args=[demand.pk])))
    assert "待审核" in history and "草稿" in history
    client.force_login(city_reviewer)
    assert client.get(reverse("catalog:demand_history", args=[demand.pk])).status_code == 200


def test_the_owner_uploads_an_attachment_through_the_page(client, unit, owner, reviewer):
    achievement = make_published_achievement(unit, owner, reviewer)
    client.force_login(owner)
    upload = SimpleUploadedFile("报告.pdf", PDF, content_type="application/pdf")
    response = client.post(reverse("catalog:attachment_upload", args=[achievement.pk]), {"file": upload}, follow=True)
    assert "附件已上传" in text(response)
    attachment = Attachment.objects.get()
    client.logout()
    assert "报告.pdf" in text(client.get(reverse("catalog:achievement_detail", args=[achievement.pk])))
    assert client.get(reverse("catalog:attachment_download", args=[achievement.pk, attachment.pk])).status_code == 200


def test_the_api_filters_demands_by_top_field(client, enterprise, outsider, city_reviewer):
    make_published_demand(enterprise, outsider, city_reviewer, title="能源需求")
    assert client.get("/api/v1/demands", {"field": "06"}).json()["count"] == 1
    assert client.get("/api/v1/demands", {"field": "01"}).json()["count"] == 0
    assert client.get("/api/v1/demands", {"region": "north"}).json()["count"] == 1


def test_a_second_edit_starts_from_the_edit_under_review(client, unit, owner, reviewer):
    achievement = make_published_achievement(unit, owner, reviewer, title="已发布标题")
    achievement_update(actor=owner, achievement=achievement, data=achievement_data(unit, owner, title="审核中的标题"))
    client.force_login(owner)
    page = text(client.get(reverse("catalog:achievement_edit", args=[achievement.pk])))
    assert 'value="审核中的标题"' in page


def test_the_city_department_exports_the_demands_it_handles(client, enterprise, outsider, city_reviewer, reviewer):
    from io import BytesIO

    from openpyxl import load_workbook

    make_published_demand(enterprise, outsider, city_reviewer, title="韶关需求")
    client.force_login(city_reviewer)
    sheet = load_workbook(BytesIO(client.get(reverse("catalog:review_demands_export")).content)).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["韶关需求"]
    client.force_login(reviewer)
    sheet = load_workbook(BytesIO(client.get(reverse("catalog:review_demands_export")).content)).active
    assert sheet.max_row == 1


def test_the_public_export_leaves_out_restricted_and_unpublished_achievements(client, unit, owner, reviewer):
    from io import BytesIO

    from openpyxl import load_workbook

    from usefirst.catalog.choices import RestrictionReason

    from .factories import make_achievement

    make_published_achievement(unit, owner, reviewer, title="公开成果")
    make_achievement(unit, owner, title="涉密成果", restriction=RestrictionReason.DEFENCE)
    make_achievement(unit, owner, title="草稿成果")
    client.force_login(owner)
    sheet = load_workbook(BytesIO(client.get(reverse("catalog:achievement_export")).content)).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["公开成果"]
