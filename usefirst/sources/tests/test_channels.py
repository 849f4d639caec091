"""Recommendation channels: the entry gates, the de-duplication that names what is already on the
platform, all-or-nothing batches, row-level review by the city or the province, and the source
of every achievement counted."""

from __future__ import annotations

import pytest

from usefirst.accounts.models import Membership
from usefirst.catalog.models import Achievement
from usefirst.catalog.tests.factories import make_achievement
from usefirst.core.errors import DomainError, Forbidden
from usefirst.core.excel import ImportRowsInvalid
from usefirst.core.testing import make_user
from usefirst.notifications.models import Notification
from usefirst.sources import selectors, services
from usefirst.sources.choices import BatchStatus, Channel, RowOutcome, SourceKind
from usefirst.sources.models import AchievementSource, RecommendationBatch, RecommendationRow

from .builders import letter, patent, row

pytestmark = pytest.mark.django_db


def submit(user, rows, **kwargs):
    org = user.memberships.first().organisation
    return services.batch_submit(
        actor=user,
        recommender=org,
        title=kwargs.pop("title", "2026 年第一批推荐成果"),
        rows=rows,
        signed_recommendation=kwargs.pop("signed_recommendation", letter()),
        **kwargs,
    )


def test_an_enterprises_batch_goes_to_its_citys_department_which_is_told(recommender, city_department, city_reviewer):
    batch = submit(recommender, [row(1), row(2, title="一种锂电池回收工艺", ip_number="")])
    assert batch.channel == Channel.ENTERPRISE
    assert batch.reviewer == city_department
    assert batch.status == BatchStatus.SUBMITTED
    assert [r.position for r in batch.rows.order_by("position")] == [1, 2]
    assert Notification.objects.filter(recipient=city_reviewer, kind="sources.batch_submitted").exists()


def test_a_city_departments_and_an_out_of_province_institutes_batches_go_to_the_province(
    province, city_department, outside_institute
):
    city_user = make_user(city_department, role=Membership.Role.ADMIN)
    assert submit(city_user, [row()]).reviewer == province
    institute_user = make_user(outside_institute, role=Membership.Role.ADMIN)
    batch = submit(institute_user, [row(title="一种稀土永磁材料", ip_number=patent(9), outside="是")])
    assert batch.channel == Channel.OUT_OF_PROVINCE
    assert batch.reviewer == province


@pytest.mark.parametrize(
    ("values", "column", "words"),
    [
        ({"consent": "否"}, "完成人是否同意推荐", "须取得成果完成人同意"),
        ({"maturity": "实验室阶段"}, "成熟度", "至少完成小试"),
        ({"scenario": ""}, "应用场景说明", "应用场景说明是推荐的必备材料"),
        ({"maturity": "量产"}, "成熟度", "成熟度应为"),
        ({"field": "不存在的领域"}, "技术领域", "不存在"),
        ({"ip_kind": ""}, "知识产权类型", "请选择知识产权类型"),
        ({"ip_number": "ZL202210000001.X"}, "知识产权号", "校验位不正确"),
    ],
)
def test_each_entry_gate_refuses_its_row_by_column_and_saves_nothing(recommender, values, column, words):
    with pytest.raises(ImportRowsInvalid) as refused:
        submit(recommender, [row(1, title="合格的成果", ip_number=patent(11)), row(2, **values)])
    errors = refused.value.row_errors
    assert [(e.row, e.column) for e in errors] == [(2, column)]
    assert words in errors[0].message
    assert "未保存任何推荐" in refused.value.detail
    assert not RecommendationBatch.objects.exists()
    assert not RecommendationRow.objects.exists()


def test_a_row_for_an_achievement_on_the_platform_is_refused_naming_it(recommender, unit, owner):
    existing = make_achievement(unit, owner, title="一种海水淡化膜材料")
    with pytest.raises(ImportRowsInvalid) as refused:
        submit(recommender, [row(1, ip_number="")])
    message = refused.value.row_errors[0].message
    assert f"编号 {existing.pk}" in message and "华南测试大学" in message and "同名" in message
    assert "其中 1 项成果已在平台上" in refused.value.detail


def test_the_ip_number_is_matched_whatever_its_spacing_and_case(recommender, unit, owner):
    existing = make_achievement(unit, owner, title="另一个名称")
    number = existing.ip_items.first().number
    spaced = " ".join(number[i : i + 4] for i in range(0, len(number), 4)).lower()
    with pytest.raises(ImportRowsInvalid) as refused:
        submit(recommender, [row(1, ip_number=spaced)])
    assert f"知识产权号 {number}" in refused.value.row_errors[0].message


def test_rows_repeating_each_other_or_a_pending_batch_are_refused(recommender, city_department):
    with pytest.raises(ImportRowsInvalid) as refused:
        submit(recommender, [row(1), row(2, ip_number=patent(12))])
    assert refused.value.row_errors[0].message == "与本批第 1 行重复"
    first = submit(recommender, [row(1)])
    with pytest.raises(ImportRowsInvalid) as again:
        submit(recommender, [row(1, title="新名称")])
    assert f"推荐批次“{first.title}”（编号 {first.pk}）第 1 行" in again.value.row_errors[0].message
    assert "正在审核" in again.value.row_errors[0].message


def test_without_the_signed_letter_or_with_a_disguised_one_nothing_is_saved(recommender):
    with pytest.raises(DomainError) as missing:
        submit(recommender, [row()], signed_recommendation=None)
    assert missing.value.code == "recommendation_letter_required"
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("推荐函.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    with pytest.raises(DomainError) as invalid:
        submit(recommender, [row()], signed_recommendation=fake)
    assert invalid.value.code == "recommendation_letter_invalid"
    assert not RecommendationBatch.objects.exists()


def test_insurers_may_not_recommend(province):
    from usefirst.accounts.models import OrganisationKind
    from usefirst.core.testing import make_org

    insurer = make_user(make_org(OrganisationKind.INSURER), role=Membership.Role.ADMIN)
    with pytest.raises(Forbidden):
        submit(insurer, [row()])


def test_the_city_reviews_row_by_row_and_an_accepted_row_of_a_registered_unit_becomes_its_draft(
    recommender, city_reviewer, unit, owner
):
    batch = submit(recommender, [row(1), row(2, title="一种旧工艺", ip_number="", owner_name="未注册的研究所")])
    first, second = batch.rows.order_by("position")
    services.batch_review(
        actor=city_reviewer,
        batch=batch,
        decisions={first.pk: services.Decision(True), second.pk: services.Decision(False, "与本市产业方向不符")},
    )
    first.refresh_from_db()
    second.refresh_from_db()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.REVIEWED
    assert (first.outcome, second.outcome) == (RowOutcome.ACCEPTED, RowOutcome.REFUSED)
    assert second.outcome_reason == "与本市产业方向不符" and second.achievement is None
    draft = first.achievement
    assert draft.owner == unit and draft.status == "draft" and draft.trl == 6
    assert draft.ip_items.get().number == patent(1).removeprefix("ZL")
    assert AchievementSource.objects.get(achievement=draft).kind == SourceKind.RECOMMENDED
    assert selectors.source_of(draft)["source_label"] == "推荐渠道"
    assert selectors.source_of(draft)["channel_label"] == "企业推荐"
    assert Notification.objects.filter(recipient=owner, kind="sources.recommended_draft").exists()
    assert Notification.objects.filter(recipient=recommender, kind="sources.batch_reviewed").exists()
    # The same achievement cannot come in twice.
    with pytest.raises(ImportRowsInvalid):
        submit(recommender, [row(1, title="一种海水淡化膜材料（改进）")])


def test_a_review_missing_a_row_or_refusing_without_reason_saves_nothing(recommender, city_reviewer):
    batch = submit(recommender, [row(1), row(2, title="第二项", ip_number="")])
    first = batch.rows.order_by("position").first()
    with pytest.raises(ImportRowsInvalid) as refused:
        services.batch_review(actor=city_reviewer, batch=batch, decisions={first.pk: services.Decision(False, "")})
    assert {(e.row, e.column) for e in refused.value.row_errors} == {(1, "审核意见"), (2, "审核结果")}
    batch.refresh_from_db()
    assert batch.status == BatchStatus.SUBMITTED
    assert set(batch.rows.values_list("outcome", flat=True)) == {RowOutcome.PENDING}


def test_only_the_reviewing_department_reviews_and_the_recommender_may_withdraw(recommender, city_reviewer, provincial_reviewer):
    batch = submit(recommender, [row()])
    decisions = {batch.rows.get().pk: services.Decision(True)}
    for someone in (recommender, provincial_reviewer):
        with pytest.raises(Forbidden) as refused:
            services.batch_review(actor=someone, batch=batch, decisions=decisions)
        assert refused.value.code == "not_batch_reviewer"
    services.batch_withdraw(actor=recommender, batch=batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.WITHDRAWN
    # A withdrawn batch no longer holds its titles.
    assert submit(recommender, [row()]).rows.count() == 1


def test_source_counts_cover_every_source_and_channel(recommender, city_reviewer, unit, owner):
    make_achievement(unit, owner, title="自行登记的成果")
    batch = submit(recommender, [row()])
    services.batch_review(actor=city_reviewer, batch=batch, decisions={batch.rows.get().pk: services.Decision(True)})
    counts = selectors.source_counts()
    assert counts["by_source"] == {"self": 1, "imported": 0, "auto_included": 0, "recommended": 1, "survey": 0}
    assert counts["by_channel"]["enterprise"] == 1 and counts["by_channel"]["city"] == 0
    assert Achievement.objects.count() == 2
