import datetime as dt

import pytest
from django.urls import reverse

from usefirst.catalog.choices import AchievementStatus, RestrictionReason
from usefirst.catalog.models import Achievement, AchievementRevision, IpItem
from usefirst.catalog.services.achievements import achievement_submit
from usefirst.core.dates import today

from .factories import (
    make_achievement,
    make_demand,
    make_published_achievement,
    make_published_demand,
    person_register,
    sub_field,
)

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode()


class TestBrowsing:
    def test_the_list_shows_published_achievements_with_filters(self, client, unit, owner, reviewer):
        make_published_achievement(unit, owner, reviewer, title="石墨烯导热膜")
        make_achievement(unit, owner, title="尚未提交的草稿")
        response = client.get(reverse("catalog:achievement_list"))
        assert response.status_code == 200
        assert "石墨烯导热膜" in text(response)
        assert "尚未提交的草稿" not in text(response)
        assert 'name="field"' in text(response) and 'name="q"' in text(response)

    def test_a_top_field_filter_includes_its_sub_fields(self, client, unit, owner, reviewer):
        make_published_achievement(unit, owner, reviewer, title="软件成果", field_id=sub_field("0101").pk)
        make_published_achievement(unit, owner, reviewer, title="材料成果", field_id=sub_field("0401").pk)
        response = client.get(reverse("catalog:achievement_list"), {"field": "01"})
        assert "软件成果" in text(response) and "材料成果" not in text(response)

    def test_keyword_trl_and_mode_filters(self, client, unit, owner, reviewer):
        make_published_achievement(unit, owner, reviewer, title="高成熟度", trl=8)
        make_published_achievement(
            unit, owner, reviewer, title="合作型", trl=3, offers_pay_later=False, offers_cooperate_later=True
        )
        page = text(client.get(reverse("catalog:achievement_list"), {"trl_min": "7"}))
        assert "高成熟度" in page and "合作型" not in page
        page = text(client.get(reverse("catalog:achievement_list"), {"mode": "cooperate_later"}))
        assert "合作型" in page and "高成熟度" not in page
        page = text(client.get(reverse("catalog:achievement_list"), {"q": "成熟"}))
        assert "高成熟度" in page and "合作型" not in page

    def test_an_unknown_filter_value_gets_a_chinese_message_and_400(self, client, db):
        response = client.get(reverse("catalog:achievement_list"), {"mode": "free_lunch"})
        assert response.status_code == 400
        assert "筛选条件“转化方式”的取值无效" in text(response)

    def test_a_page_past_the_end_gets_a_clear_message(self, client, db):
        response = client.get(reverse("catalog:achievement_list"), {"page": "9"})
        assert response.status_code == 404
        assert "页码超出范围" in text(response)

    def test_an_empty_result_shows_the_empty_state(self, client, db):
        assert "没有符合条件的成果" in text(client.get(reverse("catalog:achievement_list")))

    def test_html_in_user_text_is_shown_escaped(self, client, unit, owner, reviewer):
        achievement = make_published_achievement(
            unit, owner, reviewer, title="<script>alert(1)</script>疗效", summary="显著性 P<0.05"
        )
        for url in (reverse("catalog:achievement_list"), reverse("catalog:achievement_detail", args=[achievement.pk])):
            page = text(client.get(url))
            assert "<script>alert(1)</script>" not in page
            assert "&lt;script&gt;alert(1)&lt;/script&gt;疗效" in page
            assert "P&lt;0.05" in page
        assert Achievement.objects.get(pk=achievement.pk).summary == "显著性 P<0.05"

    def test_the_detail_shows_modes_ip_funding_and_inventor_names_only(self, client, unit, owner, reviewer):
        a = person_register(unit, actor=owner, name="陈一")
        from usefirst.catalog.services.achievements import InventorData

        achievement = make_published_achievement(
            unit,
            owner,
            reviewer,
            inventors=[InventorData(person_id=a.pk, share="100")],
            plan_project_number="2020B010101001",
            plan_project_category="key_technology",
            acceptance_date=dt.date(2023, 11, 25),
        )
        page = text(client.get(reverse("catalog:achievement_detail", args=[achievement.pk])))
        assert "先使用后付费" in page and "202310123456.6" in page and "2020B010101001" in page
        assert "陈一" in page
        assert a.id_number_masked not in page

    def test_the_demand_list_and_detail(self, client, enterprise, outsider, city_reviewer):
        demand = make_published_demand(enterprise, outsider, city_reviewer, title="需要<b>粗体</b>方案")
        page = text(client.get(reverse("catalog:demand_list")))
        assert "需要&lt;b&gt;粗体&lt;/b&gt;方案" in page
        page = text(client.get(reverse("catalog:demand_detail", args=[demand.pk])))
        assert "已发布" in page

    def test_an_unknown_enterprise_size_is_refused_on_the_demand_list(self, client, db):
        response = client.get(reverse("catalog:demand_list"), {"enterprise_size": "giant"})
        assert response.status_code == 400
        assert "企业规模" in text(response)


class TestRestricted:
    def test_a_restricted_achievement_is_invisible_to_outsiders_but_visible_to_its_owner(self, client, unit, owner, outsider):
        achievement = make_achievement(unit, owner, title="涉密雷达成果", restriction=RestrictionReason.DEFENCE)
        url = reverse("catalog:achievement_detail", args=[achievement.pk])
        assert client.get(url).status_code == 404
        assert "涉密雷达成果" not in text(client.get(reverse("catalog:achievement_list")))
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert "涉密雷达成果" not in text(client.get(reverse("catalog:achievement_list"), {"q": "雷达"}))
        client.force_login(owner)
        assert client.get(url).status_code == 200
        assert "涉密雷达成果" in text(client.get(reverse("catalog:my_achievements")))
        # Even its owner's staff do not see it in the public listing.
        assert "涉密雷达成果" not in text(client.get(reverse("catalog:achievement_list")))


class TestWorkspace:
    def form_data(self, unit, owner, **overrides):
        a = person_register(unit, actor=owner, name="赵一")
        b = person_register(unit, actor=owner, name="钱二")
        data = {
            "title": "一种新型催化剂",
            "summary": "简介",
            "field": sub_field("0405").pk,
            "trl": "5",
            "keywords": "催化，环保",
            "offers_pay_later": "on",
            "free_use_months": "12",
            "restriction": "",
            "ip-TOTAL_FORMS": "1",
            "ip-INITIAL_FORMS": "0",
            "ip-0-kind": "invention_patent",
            "ip-0-number": "202310123456.6",
            "ip-0-legal_status": "pending",
            "inv-TOTAL_FORMS": "2",
            "inv-INITIAL_FORMS": "0",
            "inv-0-person": a.pk,
            "inv-0-share": "50.00",
            "inv-1-person": b.pk,
            "inv-1-share": "50.00",
        }
        data.update(overrides)
        return data

    def test_the_owner_creates_a_draft_through_the_form(self, client, unit, owner):
        client.force_login(owner)
        assert client.get(reverse("catalog:achievement_create")).status_code == 200
        response = client.post(reverse("catalog:achievement_create"), self.form_data(unit, owner))
        achievement = Achievement.objects.get()
        assert response.status_code == 302
        assert achievement.keywords == ["催化", "环保"]
        assert achievement.inventors.count() == 2

    def test_shares_of_99_99_are_refused_on_the_form_and_nothing_is_saved(self, client, unit, owner):
        client.force_login(owner)
        response = client.post(reverse("catalog:achievement_create"), self.form_data(unit, owner, **{"inv-1-share": "49.99"}))
        assert response.status_code == 400
        assert "合计应为 100.00%" in text(response)
        assert not Achievement.objects.exists() and not IpItem.objects.exists()

    def test_trl_10_is_refused_on_the_form_in_chinese(self, client, unit, owner):
        client.force_login(owner)
        response = client.post(reverse("catalog:achievement_create"), self.form_data(unit, owner, trl="10"))
        assert response.status_code == 400
        assert "9" in text(response) and "确保" in text(response)

    def test_a_bad_patent_number_is_refused_on_the_form(self, client, unit, owner):
        client.force_login(owner)
        response = client.post(
            reverse("catalog:achievement_create"), self.form_data(unit, owner, **{"ip-0-number": "202310123456.5"})
        )
        assert response.status_code == 400
        assert "专利申请号校验位不正确" in text(response)

    def test_submit_and_withdraw_buttons(self, client, unit, owner):
        achievement = make_achievement(unit, owner)
        client.force_login(owner)
        page = text(client.get(reverse("catalog:achievement_detail", args=[achievement.pk])))
        assert "提交审核" in page
        client.post(reverse("catalog:achievement_transition", args=[achievement.pk, "submit"]))
        achievement.refresh_from_db()
        assert achievement.status == AchievementStatus.SUBMITTED
        client.post(reverse("catalog:achievement_transition", args=[achievement.pk, "withdraw"]))
        achievement.refresh_from_db()
        assert achievement.status == AchievementStatus.DRAFT

    def test_an_illegal_transition_shows_a_message(self, client, unit, owner):
        achievement = make_achievement(unit, owner)
        client.force_login(owner)
        response = client.post(reverse("catalog:achievement_transition", args=[achievement.pk, "reopen"]), follow=True)
        assert "不能重新编辑" in text(response)

    def test_an_outsider_cannot_submit_someone_elses_draft(self, client, unit, owner, outsider):
        achievement = make_achievement(unit, owner)
        client.force_login(outsider)
        response = client.post(reverse("catalog:achievement_transition", args=[achievement.pk, "submit"]))
        assert response.status_code == 404

    def test_editing_a_published_achievement_keeps_the_published_version_visible(self, client, unit, owner, reviewer):
        achievement = make_published_achievement(unit, owner, reviewer, title="原标题")
        client.force_login(owner)
        data = self.form_data(unit, owner, title="新标题")
        response = client.post(reverse("catalog:achievement_edit", args=[achievement.pk]), data)
        assert response.status_code == 302
        client.logout()
        page = text(client.get(reverse("catalog:achievement_detail", args=[achievement.pk])))
        assert "原标题" in page and "新标题" not in page
        revision = AchievementRevision.objects.get()
        client.force_login(reviewer)
        assert "原标题" in text(client.get(reverse("catalog:review_achievements")))
        client.post(reverse("catalog:review_revision", args=[revision.pk]), {"decision": "approve", "checked": "yes"})
        client.logout()
        assert "新标题" in text(client.get(reverse("catalog:achievement_detail", args=[achievement.pk])))

    def test_the_demand_workspace(self, client, enterprise, outsider):
        client.force_login(outsider)
        data = {
            "title": "寻求废水处理方案",
            "description": "描述",
            "field": sub_field("0701").pk,
            "deadline": (today() + dt.timedelta(days=40)).isoformat(),
            "city": "韶关市",
            "county": "浈江区",
            "budget_min": "10000",
            "budget_max": "5000",
        }
        response = client.post(reverse("catalog:demand_create"), data)
        assert response.status_code == 400 and "预算上限不能低于预算下限" in text(response)
        data["budget_max"] = "50000"
        assert client.post(reverse("catalog:demand_create"), data).status_code == 302
        assert "寻求废水处理方案" in text(client.get(reverse("catalog:my_demands")))


class TestReviewDesk:
    def test_the_reviewer_approves_from_the_queue(self, client, unit, owner, reviewer):
        achievement = make_achievement(unit, owner, title="待审成果")
        achievement_submit(actor=owner, achievement=achievement)
        client.force_login(reviewer)
        assert "待审成果" in text(client.get(reverse("catalog:review_achievements")))
        url = reverse("catalog:review_achievement_decide", args=[achievement.pk])
        # Without ticking the confirmation, approval is refused, naming the item; nothing changes.
        refused = client.post(url, {"decision": "approve"})
        assert refused.status_code == 400
        assert "成果《待审成果》：通过前请勾选" in text(refused)
        achievement.refresh_from_db()
        assert achievement.status == AchievementStatus.SUBMITTED
        done = client.post(url, {"decision": "approve", "checked": "yes"}, follow=True)
        assert "成果《待审成果》已审核通过并发布" in text(done)
        achievement.refresh_from_db()
        assert achievement.status == AchievementStatus.PUBLISHED

    def test_returning_without_reasons_is_refused_with_a_message(self, client, unit, owner, reviewer):
        achievement = make_achievement(unit, owner, title="缺理由的成果")
        achievement_submit(actor=owner, achievement=achievement)
        client.force_login(reviewer)
        for blank in ("", "  \n "):
            response = client.post(
                reverse("catalog:review_achievement_decide", args=[achievement.pk]), {"decision": "return", "reason": blank}
            )
            assert response.status_code == 400
            assert "成果《缺理由的成果》：退回须填写理由" in text(response)  # in the summary at the top
            assert 'id="reason-error"' in text(response)  # and by the field
        achievement.refresh_from_db()
        assert achievement.status == AchievementStatus.SUBMITTED

    def test_another_department_does_not_see_the_queue_item(self, client, unit, owner, city_reviewer):
        achievement = make_achievement(unit, owner, title="待审成果")
        achievement_submit(actor=owner, achievement=achievement)
        client.force_login(city_reviewer)
        assert "待审成果" not in text(client.get(reverse("catalog:review_achievements")))
        response = client.post(reverse("catalog:review_achievement_decide", args=[achievement.pk]), {"decision": "approve"})
        assert response.status_code == 404

    def test_the_demand_queue_of_the_city_department(self, client, enterprise, outsider, city_reviewer):
        from usefirst.catalog.services.demands import demand_submit

        demand = make_demand(enterprise, outsider, title="城市需求")
        demand_submit(actor=outsider, demand=demand)
        client.force_login(city_reviewer)
        assert "城市需求" in text(client.get(reverse("catalog:review_demands")))
        client.post(reverse("catalog:review_demand_decide", args=[demand.pk]), {"decision": "return", "reason": "补充"})
        demand.refresh_from_db()
        assert demand.status == "returned"

    def test_history_is_for_owner_and_reviewer(self, client, unit, owner, reviewer, outsider):
        achievement = make_published_achievement(unit, owner, reviewer)
        url = reverse("catalog:achievement_history", args=[achievement.pk])
        assert client.get(url).status_code == 403
        client.force_login(outsider)
        assert client.get(url).status_code == 403
        client.force_login(owner)
        page = text(client.get(url))
        assert "待审核" in page and "已发布" in page
        client.force_login(reviewer)
        assert client.get(url).status_code == 200

    def test_the_review_export_is_an_xlsx_of_the_departments_items(self, client, unit, owner, reviewer):
        from io import BytesIO

        from openpyxl import load_workbook

        make_published_achievement(unit, owner, reviewer, title="=HYPERLINK(1)")
        client.force_login(reviewer)
        response = client.get(reverse("catalog:review_achievements_export"))
        assert response.status_code == 200
        sheet = load_workbook(BytesIO(response.content)).active
        assert sheet.cell(row=2, column=2).value == "'=HYPERLINK(1)"

    def test_the_public_listing_exports_to_excel(self, client, unit, owner, reviewer):
        make_published_achievement(unit, owner, reviewer)
        response = client.get(reverse("catalog:achievement_export"))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
