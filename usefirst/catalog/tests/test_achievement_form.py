"""The owner's achievement form: rows added and removed, errors named by row, help, attachments at creation."""

import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from usefirst.catalog.models import Achievement, AchievementEvent, Attachment, IpItem
from usefirst.catalog.services import achievements as achievement_services
from usefirst.catalog.services.achievements import AchievementInvalid, InventorData, achievement_create
from usefirst.catalog.services.attachments import Upload

from .factories import VALID_PATENT, achievement_data, make_achievement, person_register, sub_field
from .test_attachments import EXE, PDF, PNG

pytestmark = pytest.mark.django_db

CREATE = reverse("catalog:achievement_create")


def text(response):
    return response.content.decode()


def stored_files(folder):
    return [p for p in folder.rglob("*") if p.is_file()]


def three_inventors(unit, owner):
    return [person_register(unit, actor=owner, name=name) for name in ("赵一", "钱二", "孙三")]


def form_data(people, *, inventors=None, ip_rows=None, **overrides):
    """What the browser posts once the person has added rows with the buttons (or used the spare rows)."""
    inventors = inventors if inventors is not None else [(people[0], "50.00", True), (people[1], "30.00"), (people[2], "20")]
    ip_rows = (
        ip_rows
        if ip_rows is not None
        else [
            {"kind": "invention_patent", "number": VALID_PATENT, "title": "催化剂制备方法"},
            {"kind": "software_copyright", "number": "2023SR0123456", "title": "催化过程控制软件"},
            {"kind": "know_how", "title": "烧结工艺参数"},
        ]
    )
    data = {
        "title": "一种新型催化剂",
        "summary": "简介",
        "field": sub_field("0405").pk,
        "trl": "5",
        "keywords": "催化，环保",
        "offers_pay_later": "on",
        "free_use_months": "12",
        "restriction": "",
        "ip-TOTAL_FORMS": str(len(ip_rows)),
        "ip-INITIAL_FORMS": "0",
        "inv-TOTAL_FORMS": str(len(inventors)),
        "inv-INITIAL_FORMS": "0",
    }
    for i, row in enumerate(ip_rows):
        data.update({f"ip-{i}-{k}": v for k, v in row.items()})
        data.setdefault(f"ip-{i}-legal_status", "pending")
    for i, row in enumerate(inventors):
        if row is None:  # a row left empty
            continue
        person, share, *leader = row
        data[f"inv-{i}-person"] = person.pk if person else ""
        data[f"inv-{i}-share"] = share
        if leader:
            data[f"inv-{i}-is_leader"] = "on"
    data.update(overrides)
    return data


class TestRowsAtCreation:
    def test_the_empty_form_offers_spare_rows_delete_boxes_and_the_add_buttons(self, client, unit, owner):
        client.force_login(owner)
        page = text(client.get(CREATE))
        # Without script: two empty rows each, each with its 删除 box.
        assert 'name="inv-TOTAL_FORMS" value="2"' in page and 'name="ip-TOTAL_FORMS" value="2"' in page
        assert 'name="inv-1-DELETE"' in page and 'name="ip-1-DELETE"' in page
        assert "第 2 位完成人" in page and "第 2 项知识产权" in page
        # With script: the buttons' labels and the empty row they copy.
        assert 'data-add-label="添加一位完成人"' in page and 'data-add-label="添加一项知识产权"' in page
        assert 'name="inv-__prefix__-person"' in page
        assert re.search(r'<script src="[^"]*js/formset\.js" defer>', page)

    def test_three_inventors_and_three_ip_rows_are_saved_in_order(self, client, unit, owner):
        client.force_login(owner)
        people = three_inventors(unit, owner)
        response = client.post(CREATE, form_data(people))
        assert response.status_code == 302
        achievement = Achievement.objects.get()
        inventors = list(achievement.inventors.order_by("position"))
        assert [(i.person.full_name, i.share, i.is_leader) for i in inventors] == [
            ("赵一", Decimal("50.00"), True),
            ("钱二", Decimal("30.00"), False),
            ("孙三", Decimal("20.00"), False),
        ]
        assert sorted(achievement.ip_items.values_list("kind", flat=True)) == [
            "invention_patent",
            "know_how",
            "software_copyright",
        ]

    def test_rows_left_empty_or_ticked_for_deletion_are_not_saved(self, client, unit, owner):
        client.force_login(owner)
        people = three_inventors(unit, owner)
        data = form_data(people, inventors=[(people[0], "60"), None, (people[1], "40"), (people[2], "99")])
        data["inv-3-DELETE"] = "on"
        assert client.post(CREATE, data).status_code == 302
        assert [i.person.full_name for i in Achievement.objects.get().inventors.all()] == ["赵一", "钱二"]


class TestRowErrors:
    def test_an_invalid_third_inventor_is_named_by_its_row_and_nothing_is_saved(self, client, unit, owner):
        client.force_login(owner)
        people = three_inventors(unit, owner)
        response = client.post(CREATE, form_data(people, inventors=[(people[0], "50"), (people[1], "30"), (None, "20")]))
        assert response.status_code == 400
        page = text(response)
        assert 'id="error-summary"' in page and "请更正以下 1 处问题" in page and "成果尚未保存" in page
        assert "第 3 位完成人：请选择完成人姓名" in page
        assert '<a href="#id_inv-2-person">' in page
        assert not Achievement.objects.exists() and not IpItem.objects.exists()

    def test_a_refusal_by_the_service_lands_on_the_row_the_person_sees(self, client, unit, owner):
        # Row 2 is left empty, so the service sees the third row as its second: the page must still say 第 3 位.
        client.force_login(owner)
        people = three_inventors(unit, owner)
        response = client.post(CREATE, form_data(people, inventors=[(people[0], "50"), None, (people[0], "50")]))
        assert response.status_code == 400
        page = text(response)
        assert "第 3 位完成人：同一完成人不能重复填写" in page
        assert "第 2 位完成人：同一完成人不能重复填写" not in page
        assert not Achievement.objects.exists()

    def test_a_row_ticked_for_deletion_does_not_count_in_the_numbering(self, client, unit, owner):
        client.force_login(owner)
        people = three_inventors(unit, owner)
        rows = [
            {"kind": "invention_patent", "number": VALID_PATENT},
            {"kind": "know_how", "title": "将删除的一项"},
            {"kind": "invention_patent", "number": "202310123456.5"},
        ]
        response = client.post(CREATE, form_data(people, ip_rows=rows, **{"ip-1-DELETE": "on"}))
        assert response.status_code == 400
        page = text(response)
        assert "第 2 项知识产权：专利申请号校验位不正确" in page
        assert "已标记删除（保存后生效）" in page
        assert not Achievement.objects.exists()

    def test_shares_not_adding_up_are_reported_for_the_list(self, client, unit, owner):
        client.force_login(owner)
        people = three_inventors(unit, owner)
        response = client.post(CREATE, form_data(people, inventors=[(people[0], "50"), (people[1], "30"), (people[2], "19.99")]))
        assert response.status_code == 400
        assert "完成人贡献份额合计应为 100.00%，当前为 99.99%" in text(response)
        assert not Achievement.objects.exists()

    def test_the_api_keeps_row_named_messages(self, unit, owner):
        a = person_register(unit, actor=owner, name="甲")
        data = achievement_data(unit, owner, inventors=[InventorData(person_id=a.pk, share="60"), InventorData(a.pk, "40")])
        with pytest.raises(AchievementInvalid) as exc:
            achievement_create(actor=owner, owner=unit, data=data)
        assert exc.value.field_errors["inventors"] == ["第 2 位完成人：同一完成人不能重复填写"]
        assert exc.value.rows == {"inventors": {2: ["同一完成人不能重复填写"]}}


class TestEditingRows:
    def test_removing_one_inventor_and_adding_an_ip_row_on_edit(self, client, unit, owner):
        client.force_login(owner)
        people = three_inventors(unit, owner)
        client.post(CREATE, form_data(people))
        achievement = Achievement.objects.get()
        url = reverse("catalog:achievement_edit", args=[achievement.pk])
        page = text(client.get(url))
        # The existing rows come back, plus the spare ones.
        assert 'name="inv-INITIAL_FORMS" value="3"' in page and 'name="inv-TOTAL_FORMS" value="5"' in page
        data = form_data(
            people,
            inventors=[(people[0], "70.00", True), (people[1], "30.00"), (people[2], "20.00")],
            ip_rows=[
                {"kind": "invention_patent", "number": VALID_PATENT, "title": "催化剂制备方法"},
                {"kind": "software_copyright", "number": "2023SR0123456", "title": "催化过程控制软件"},
                {"kind": "know_how", "title": "烧结工艺参数"},
                {"kind": "know_how", "title": "新增的配方"},
            ],
            **{"inv-INITIAL_FORMS": "3", "ip-INITIAL_FORMS": "3", "inv-2-DELETE": "on"},
        )
        events_before = AchievementEvent.objects.filter(subject=achievement).count()
        response = client.post(url, data)
        assert response.status_code == 302
        assert [(i.person.full_name, i.share) for i in achievement.inventors.order_by("position")] == [
            ("赵一", Decimal("70.00")),
            ("钱二", Decimal("30.00")),
        ]
        assert achievement.ip_items.count() == 4
        event = AchievementEvent.objects.filter(subject=achievement).latest("pk")
        assert AchievementEvent.objects.filter(subject=achievement).count() == events_before + 1
        assert event.reason == "修改成果信息"


class TestHelp:
    def test_the_trl_select_explains_each_level_and_the_modes_are_explained(self, client, unit, owner):
        client.force_login(owner)
        page = text(client.get(CREATE))
        assert '<select name="trl"' in page
        assert '<option value="1">1 级：基本原理被发现和报告</option>' in page
        assert '<option value="9">9 级：实际系统通过任务运行的成功考验</option>' in page
        assert "技术就绪水平（TRL）共 9 级" in page
        assert "分期支付、延期支付、收益提成支付、里程碑支付" in page  # 先使用后付费
        assert "技术转让、技术许可、技术开发或作价投资" in page  # 先使用后合作
        assert "不得授予独占或排他许可" in page  # 专利开放许可

    def test_the_edit_form_selects_the_saved_level(self, client, unit, owner):
        achievement = make_achievement(unit, owner, trl=7)
        client.force_login(owner)
        page = text(client.get(reverse("catalog:achievement_edit", args=[achievement.pk])))
        assert '<option value="7" selected>7 级：系统样机在实际使用环境中得到演示</option>' in page


class TestAttachmentsAtCreation:
    def test_a_pdf_given_with_the_new_achievement_is_stored_and_the_owner_downloads_it(self, client, unit, owner):
        client.force_login(owner)
        people = three_inventors(unit, owner)
        data = form_data(people)
        data["attachments"] = [
            SimpleUploadedFile("说明书.pdf", PDF, content_type="application/pdf"),
            SimpleUploadedFile("样品照片.png", PNG, content_type="image/png"),
        ]
        response = client.post(CREATE, data, follow=True)
        assert "附件 2 个已上传" in text(response)
        achievement = Achievement.objects.get()
        attachment = achievement.attachments.get(original_name="说明书.pdf")
        assert attachment.content_type == "application/pdf"
        download = client.get(reverse("catalog:attachment_download", args=[achievement.pk, attachment.pk]))
        assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
        created = AchievementEvent.objects.get(subject=achievement)
        assert sorted(created.payload["attachments"]) == ["样品照片.png", "说明书.pdf"]

    def test_an_executable_is_refused_by_name_and_no_achievement_is_created(self, client, unit, owner, tmp_path):
        client.force_login(owner)
        people = three_inventors(unit, owner)
        data = form_data(people)
        data["attachments"] = [
            SimpleUploadedFile("说明书.pdf", PDF, content_type="application/pdf"),
            SimpleUploadedFile("工具.pdf", EXE, content_type="application/pdf"),
        ]
        response = client.post(CREATE, data)
        assert response.status_code == 400
        page = text(response)
        assert "附件“工具.pdf”：附件只能是 PDF、PNG 或 JPEG 文件（按文件内容识别）" in page
        assert "已选择的附件也没有保存" in page
        assert not Achievement.objects.exists() and not Attachment.objects.exists()
        assert stored_files(tmp_path) == []

    def test_an_oversized_file_is_refused_with_the_limit(self, client, unit, owner, settings):
        settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
        client.force_login(owner)
        data = form_data(three_inventors(unit, owner))
        data["attachments"] = [SimpleUploadedFile("大.pdf", PDF + b"0" * (1024 * 1024), content_type="application/pdf")]
        response = client.post(CREATE, data)
        assert response.status_code == 400
        assert "附件“大.pdf”：附件不能超过 1 MB" in text(response)
        assert not Achievement.objects.exists()

    def test_files_already_written_are_removed_when_the_creation_fails_late(self, unit, owner, tmp_path, monkeypatch):
        def fail(*args, **kwargs):
            raise RuntimeError("event row could not be written")

        monkeypatch.setattr(achievement_services, "_event", fail)
        with pytest.raises(RuntimeError):
            achievement_create(
                actor=owner,
                owner=unit,
                data=achievement_data(unit, owner),
                attachments=[Upload(io.BytesIO(PDF), "说明书.pdf")],
            )
        assert not Achievement.objects.exists() and not Attachment.objects.exists()
        assert stored_files(tmp_path) == []
