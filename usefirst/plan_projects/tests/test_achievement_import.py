import time

import pytest

from usefirst.accounts.models import Membership, OrganisationKind, UnitPerson
from usefirst.catalog.choices import AchievementStatus, IpKind, ProjectCategory
from usefirst.catalog.models import Achievement, AchievementEvent
from usefirst.core.errors import Forbidden
from usefirst.core.excel import ImportRowsInvalid
from usefirst.core.testing import make_org, make_user
from usefirst.notifications.models import Notification
from usefirst.plan_projects.imports import achievements
from usefirst.plan_projects.imports.achievements import achievements_import
from usefirst.plan_projects.models import ImportBatch, ImportOutcome
from usefirst.plan_projects.services import plan_projects_import

from .builders import achievement_file, achievement_row, list_inventor, plan_project_file, plan_project_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def inventors(unit, owner):
    return [list_inventor(unit, "张三", owner), list_inventor(unit, "李四", owner)]


def test_a_good_file_imports_every_row_as_a_draft_with_event_rows(owner, unit, inventors):
    rows = [achievement_row(title=f"成果{i}") for i in range(3)]
    batch, created = achievements_import(actor=owner, organisation=unit, file=achievement_file(rows))
    assert batch.created_count == 3
    assert Achievement.objects.filter(owner=unit, status=AchievementStatus.DRAFT).count() == 3
    achievement = created[0]
    assert achievement.field.code == "0101"
    assert achievement.trl == 6
    assert achievement.keywords == ["固态电池", "电解质"]
    assert [(i.person.full_name, str(i.share), i.is_leader) for i in achievement.inventors.all()] == [
        ("张三", "60.00", True),
        ("李四", "40.00", False),
    ]
    ip = achievement.ip_items.get()
    assert (ip.kind, ip.number) == (IpKind.INVENTION_PATENT, "202310123456.6")
    assert batch.detail["achievement_ids"] == [a.pk for a in created]
    for a in created:
        event = AchievementEvent.objects.get(subject=a)
        assert (event.from_status, event.to_status, event.actor) == ("", AchievementStatus.DRAFT, owner)


def test_one_bad_row_imports_nothing_and_reports_that_row_and_column(owner, unit, inventors):
    rows = [achievement_row(), achievement_row(trl=12), achievement_row()]
    with pytest.raises(ImportRowsInvalid) as exc:
        achievements_import(actor=owner, organisation=unit, file=achievement_file(rows))
    assert [(e.row, e.column) for e in exc.value.row_errors] == [(3, "技术成熟度（TRL）")]
    assert "1 到 9" in exc.value.row_errors[0].message
    assert Achievement.objects.count() == 0
    assert AchievementEvent.objects.count() == 0
    assert ImportBatch.objects.get().outcome == ImportOutcome.REFUSED


@pytest.mark.parametrize(
    ("overrides", "column", "fragment"),
    [
        ({"title": ""}, "成果名称", "必填"),
        ({"field": "量子玄学"}, "技术领域", "未知的技术领域"),
        ({"patents": "202310123456.5"}, "专利申请号", "校验位"),
        ({"inventors": "张三:60;李四:30"}, "完成人及贡献份额", "合计应为 100"),
        ({"inventors": "张三:60;王五:40"}, "完成人及贡献份额", "王五"),
        ({"inventors": "张三60"}, "完成人及贡献份额", "格式不正确"),
        (
            {"acceptance_date": "2023-13-01", "plan_project_number": "P1", "plan_project_category": "其他类"},
            "项目验收日期",
            "无效",
        ),
        ({"offers_pay_later": "否"}, "先使用后付费", "至少一项"),
        ({"offers_pay_later": "也许"}, "先使用后付费", "是"),
    ],
)
def test_each_kind_of_bad_cell_is_reported_in_chinese(owner, unit, inventors, overrides, column, fragment):
    with pytest.raises(ImportRowsInvalid) as exc:
        achievements_import(actor=owner, organisation=unit, file=achievement_file([achievement_row(**overrides)]))
    errors = [(e.row, e.column) for e in exc.value.row_errors]
    assert (2, column) in errors
    assert any(fragment in e.message for e in exc.value.row_errors if e.column == column)


def test_a_known_plan_project_fills_category_and_acceptance_date(owner, unit, inventors, provincial_reviewer):
    plan_projects_import(actor=provincial_reviewer, file=plan_project_file([plan_project_row("2021B0101010001")]))
    row = achievement_row(plan_project_number="2021b0101010001", provincial_funding="是")
    _, created = achievements_import(actor=owner, organisation=unit, file=achievement_file([row]))
    assert created[0].plan_project_category == ProjectCategory.KEY_TECHNOLOGY
    assert str(created[0].acceptance_date) == "2023-11-25"
    mismatch = achievement_row(plan_project_number="2021B0101010001", plan_project_category="其他类")
    with pytest.raises(ImportRowsInvalid) as exc:
        achievements_import(actor=owner, organisation=unit, file=achievement_file([mismatch]))
    assert exc.value.row_errors[0].column == "项目类别"


def test_a_unit_cannot_import_rows_of_another_unit(owner, unit, inventors, enterprise):
    with pytest.raises(ImportRowsInvalid) as exc:
        achievements_import(
            actor=owner, organisation=unit, file=achievement_file([achievement_row(owner_credit_code=enterprise.credit_code)])
        )
    assert exc.value.row_errors[0].column == "成果单位统一社会信用代码"


def test_an_outsider_cannot_import_in_the_name_of_another_unit(outsider, unit):
    with pytest.raises(Forbidden):
        achievements_import(actor=outsider, organisation=unit, file=achievement_file([achievement_row()]))
    assert ImportBatch.objects.count() == 0


def test_a_city_department_imports_for_units_of_its_city(city_officer, unit, owner, inventors):
    shantou = make_org(OrganisationKind.UNIVERSITY, city="汕头市", county="金平区")
    rows = [achievement_row(owner_credit_code=unit.credit_code), achievement_row(owner_credit_code=shantou.credit_code)]
    with pytest.raises(ImportRowsInvalid) as exc:
        achievements_import(
            actor=city_officer, organisation=city_officer.memberships.get().organisation, file=achievement_file(rows)
        )
    assert [(e.row, e.column) for e in exc.value.row_errors] == [(3, "成果单位统一社会信用代码")]
    _batch, created = achievements_import(
        actor=city_officer, organisation=city_officer.memberships.get().organisation, file=achievement_file(rows[:1])
    )
    assert created[0].owner == unit
    assert created[0].status == AchievementStatus.DRAFT
    event = AchievementEvent.objects.get(subject=created[0])
    assert event.payload["on_behalf_of"] == unit.pk


def test_a_thousand_rows_are_checked_at_once_then_imported_by_the_worker(
    owner, unit, inventors, django_capture_on_commit_callbacks
):
    rows = [achievement_row(title=f"成果{i}", patents="") for i in range(1000)]
    upload = achievement_file(rows)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch, created = achievements_import(actor=owner, organisation=unit, file=upload)
    checked = time.monotonic()
    assert (batch.outcome, batch.row_count, created) == (ImportOutcome.QUEUED, 1000, [])
    assert batch.progress_percent == 0
    assert Achievement.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    finished = time.monotonic()
    batch.refresh_from_db()
    print(
        f"\n1,000-row achievement import: checked in {checked - started:.2f} s, written by the worker in {finished - checked:.2f} s"
    )
    assert (batch.outcome, batch.created_count, batch.progress_percent) == (ImportOutcome.IMPORTED, 1000, 100)
    assert Achievement.objects.filter(owner=unit, status=AchievementStatus.DRAFT).count() == 1000
    assert AchievementEvent.objects.filter(subject__owner=unit).count() == 1000
    assert Notification.objects.filter(recipient=owner, kind="imports.achievements.finished").exists()


def test_a_queued_import_refuses_everything_if_a_row_went_stale_before_the_worker_ran(
    owner, unit, inventors, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(achievements, "SYNC_MAX_ROWS", 1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch, _ = achievements_import(
            actor=owner, organisation=unit, file=achievement_file([achievement_row(), achievement_row()])
        )
    UnitPerson.objects.filter(person=inventors[1]).delete()  # consent withdrawn meanwhile
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    batch.refresh_from_db()
    assert batch.outcome == ImportOutcome.REFUSED
    assert {(e["row"], e["column"]) for e in batch.detail["errors"]} == {(2, "完成人及贡献份额"), (3, "完成人及贡献份额")}
    assert Achievement.objects.count() == 0
    achievements.achievement_import_run(batch_id=batch.pk)  # running again changes nothing
    batch.refresh_from_db()
    assert batch.outcome == ImportOutcome.REFUSED


def test_a_staff_member_without_admin_role_may_import(unit, inventors):
    staff = make_user(unit, role=Membership.Role.STAFF)
    batch, _ = achievements_import(actor=staff, organisation=unit, file=achievement_file([achievement_row()]))
    assert batch.created_count == 1


def test_a_worker_crash_leaves_the_batch_refused_not_running(
    owner, unit, inventors, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(achievements, "SYNC_MAX_ROWS", 0)
    with django_capture_on_commit_callbacks(execute=False):
        batch, _ = achievements_import(actor=owner, organisation=unit, file=achievement_file([achievement_row()]))

    def boom(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(achievements, "_write_all", boom)
    with pytest.raises(RuntimeError):
        achievements.achievement_import_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.outcome == ImportOutcome.REFUSED
    assert "系统错误" in batch.detail["errors"][0]["message"]
    assert Achievement.objects.count() == 0
