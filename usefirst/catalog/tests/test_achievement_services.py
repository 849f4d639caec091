from decimal import Decimal

import pytest

from usefirst.catalog.choices import AchievementStatus, IpKind, RestrictionReason
from usefirst.catalog.models import Achievement, AchievementEvent, AchievementInventor, AchievementRevision, IpItem
from usefirst.catalog.services.achievements import (
    InventorData,
    IpItemData,
    achievement_approve,
    achievement_reopen,
    achievement_return,
    achievement_revision_approve,
    achievement_revision_return,
    achievement_submit,
    achievement_take_down,
    achievement_update,
    achievement_withdraw,
)
from usefirst.core.errors import DomainError, Forbidden, IllegalTransition
from usefirst.notifications.models import Notification

from .factories import achievement_data, make_achievement, make_published_achievement, person_register

pytestmark = pytest.mark.django_db


def errors_of(exc_info):
    return " ".join(m for ms in exc_info.value.field_errors.values() for m in ms)


class TestDrafts:
    def test_it_creates_a_draft_with_normalised_keywords_and_patent_number(self, unit, owner):
        achievement = make_achievement(
            unit,
            owner,
            keywords="芯片，低功耗、 芯片 ;物联网",
            ip_items=[IpItemData(kind=IpKind.INVENTION_PATENT, number="CN 202310123456.6")],
        )
        assert achievement.status == AchievementStatus.DRAFT
        assert achievement.keywords == ["芯片", "低功耗", "物联网"]
        assert achievement.ip_items.get().number == "202310123456.6"
        event = achievement.events.get()
        assert (event.actor, event.from_status, event.to_status) == (owner, "", "draft")

    @pytest.mark.parametrize("trl", [0, 10])
    def test_it_refuses_a_trl_outside_1_to_9(self, unit, owner, trl):
        with pytest.raises(DomainError) as exc:
            make_achievement(unit, owner, trl=trl)
        assert "trl" in exc.value.field_errors

    def test_it_refuses_shares_summing_to_99_99(self, unit, owner):
        a = person_register(unit, actor=owner)
        b = person_register(unit, actor=owner)
        inventors = [InventorData(person_id=a.pk, share="59.99"), InventorData(person_id=b.pk, share="40.00")]
        with pytest.raises(DomainError) as exc:
            make_achievement(unit, owner, inventors=inventors)
        assert "合计应为 100.00%" in errors_of(exc)

    def test_it_accepts_shares_summing_to_exactly_100_00(self, unit, owner):
        a = person_register(unit, actor=owner)
        b = person_register(unit, actor=owner)
        c = person_register(unit, actor=owner)
        inventors = [
            InventorData(person_id=a.pk, share="33.34"),
            InventorData(person_id=b.pk, share="33.33"),
            InventorData(person_id=c.pk, share="33.33"),
        ]
        achievement = make_achievement(unit, owner, inventors=inventors)
        assert sum(i.share for i in achievement.inventors.all()) == Decimal("100.00")

    def test_it_refuses_a_share_with_three_decimals(self, unit, owner):
        a = person_register(unit, actor=owner)
        with pytest.raises(DomainError) as exc:
            make_achievement(unit, owner, inventors=[InventorData(person_id=a.pk, share="100.000")])
        assert "两位小数" in errors_of(exc)

    @pytest.mark.parametrize("number", ["202310123456.5", "20231012345", "ZL2023101234X6.6", "abc"])
    def test_it_refuses_a_bad_patent_number(self, unit, owner, number):
        with pytest.raises(DomainError) as exc:
            make_achievement(unit, owner, ip_items=[IpItemData(kind=IpKind.INVENTION_PATENT, number=number)])
        assert "专利申请号" in errors_of(exc)

    def test_it_accepts_a_software_copyright_without_check_character(self, unit, owner):
        achievement = make_achievement(unit, owner, ip_items=[IpItemData(kind=IpKind.SOFTWARE_COPYRIGHT, number="2023SR0123456")])
        assert achievement.ip_items.get().number == "2023SR0123456"

    def test_it_refuses_an_inventor_the_unit_has_not_listed_with_consent(self, unit, owner, enterprise, outsider):
        stranger = person_register(enterprise, actor=outsider)
        with pytest.raises(DomainError) as exc:
            make_achievement(unit, owner, inventors=[InventorData(person_id=stranger.pk, share="100")])
        assert "告知同意" in errors_of(exc)

    def test_it_refuses_control_characters_in_the_title(self, unit, owner):
        with pytest.raises(DomainError) as exc:
            make_achievement(unit, owner, title="芯片\x07设计")
        assert "控制字符" in errors_of(exc)

    def test_it_refuses_an_over_long_title(self, unit, owner):
        with pytest.raises(DomainError) as exc:
            make_achievement(unit, owner, title="长" * 201)
        assert "title" in exc.value.field_errors

    def test_it_requires_at_least_one_mode(self, unit, owner):
        with pytest.raises(DomainError) as exc:
            make_achievement(unit, owner, offers_pay_later=False)
        assert "modes" in exc.value.field_errors

    def test_it_requires_a_project_number_with_a_funding_category(self, unit, owner):
        with pytest.raises(DomainError) as exc:
            make_achievement(unit, owner, plan_project_category="key_technology")
        assert "plan_project_number" in exc.value.field_errors

    def test_nothing_is_half_saved_when_a_create_fails(self, unit, owner):
        a = person_register(unit, actor=owner)
        counts = (Achievement.objects.count(), IpItem.objects.count(), AchievementInventor.objects.count())
        with pytest.raises(DomainError):
            make_achievement(unit, owner, inventors=[InventorData(person_id=a.pk, share="99.99")])
        assert (Achievement.objects.count(), IpItem.objects.count(), AchievementInventor.objects.count()) == counts
        assert AchievementEvent.objects.count() == 0

    def test_a_stranger_cannot_create_for_the_unit(self, unit, owner, outsider):
        data = achievement_data(unit, owner)
        from usefirst.catalog.services.achievements import achievement_create

        with pytest.raises(Forbidden):
            achievement_create(actor=outsider, owner=unit, data=data)


class TestLifecycle:
    def test_submit_approve_writes_events_with_who_from_and_to(self, unit, owner, reviewer):
        achievement = make_achievement(unit, owner)
        achievement_submit(actor=owner, achievement=achievement)
        achievement = achievement_approve(actor=reviewer, achievement=achievement)
        assert achievement.status == AchievementStatus.PUBLISHED
        assert achievement.published_at is not None
        rows = list(achievement.events.values_list("actor_id", "from_status", "to_status"))
        assert rows[1:] == [(owner.pk, "draft", "submitted"), (reviewer.pk, "submitted", "published")]

    def test_approval_notifies_the_owner_members(self, unit, owner, reviewer):
        make_published_achievement(unit, owner, reviewer)
        assert Notification.objects.filter(recipient=owner, kind="catalog.achievement.published").exists()
        assert Notification.objects.filter(recipient=reviewer, kind="catalog.achievement.submitted").exists()

    def test_returning_needs_a_reason_and_records_it(self, unit, owner, reviewer):
        achievement = make_achievement(unit, owner)
        achievement_submit(actor=owner, achievement=achievement)
        with pytest.raises(DomainError) as exc:
            achievement_return(actor=reviewer, achievement=achievement, reason="  ")
        assert exc.value.code == "reason_required"
        achievement = achievement_return(actor=reviewer, achievement=achievement, reason="请补充专利证书")
        assert achievement.status == AchievementStatus.RETURNED
        assert achievement.events.last().reason == "请补充专利证书"

    def test_a_return_reason_typed_on_two_lines_is_accepted(self, unit, owner, reviewer):
        achievement = make_achievement(unit, owner)
        achievement_submit(actor=owner, achievement=achievement)
        achievement = achievement_return(actor=reviewer, achievement=achievement, reason="第一行：材料不全\r\n第二行：请补充证明")
        assert achievement.events.last().reason == "第一行：材料不全\n第二行：请补充证明"

    def test_a_draft_cannot_be_approved(self, unit, owner, reviewer):
        achievement = make_achievement(unit, owner)
        with pytest.raises(IllegalTransition) as exc:
            achievement_approve(actor=reviewer, achievement=achievement)
        assert exc.value.code == "illegal_transition"
        assert achievement.events.count() == 1

    def test_the_owner_cannot_approve_its_own_achievement(self, unit, owner):
        achievement = make_achievement(unit, owner)
        achievement_submit(actor=owner, achievement=achievement)
        with pytest.raises(Forbidden):
            achievement_approve(actor=owner, achievement=achievement)

    def test_a_restricted_achievement_can_never_be_submitted(self, unit, owner):
        achievement = make_achievement(unit, owner, restriction=RestrictionReason.DEFENCE)
        with pytest.raises(IllegalTransition) as exc:
            achievement_submit(actor=owner, achievement=achievement)
        assert exc.value.code == "restricted_not_publishable"

    def test_withdraw_then_reopen_returns_to_draft(self, unit, owner, reviewer):
        achievement = make_published_achievement(unit, owner, reviewer)
        achievement = achievement_withdraw(actor=owner, achievement=achievement, reason="拟重新评估")
        assert achievement.status == AchievementStatus.WITHDRAWN
        achievement = achievement_reopen(actor=owner, achievement=achievement)
        assert achievement.status == AchievementStatus.DRAFT

    def test_withdrawing_a_submission_returns_it_to_draft(self, unit, owner):
        achievement = make_achievement(unit, owner)
        achievement_submit(actor=owner, achievement=achievement)
        assert achievement_withdraw(actor=owner, achievement=achievement).status == AchievementStatus.DRAFT

    def test_take_down_is_the_reviewers_with_a_reason_and_final(self, unit, owner, reviewer):
        achievement = make_published_achievement(unit, owner, reviewer)
        with pytest.raises(Forbidden):
            achievement_take_down(actor=owner, achievement=achievement, reason="x")
        with pytest.raises(DomainError):
            achievement_take_down(actor=reviewer, achievement=achievement, reason="")
        achievement = achievement_take_down(actor=reviewer, achievement=achievement, reason="信息不实")
        assert achievement.status == AchievementStatus.TAKEN_DOWN
        with pytest.raises(IllegalTransition):
            achievement_reopen(actor=owner, achievement=achievement)
        event = achievement.events.last()
        assert (event.actor, event.from_status, event.to_status, event.reason) == (
            reviewer,
            "published",
            "taken_down",
            "信息不实",
        )

    def test_a_submitted_achievement_cannot_be_edited(self, unit, owner):
        achievement = make_achievement(unit, owner)
        achievement_submit(actor=owner, achievement=achievement)
        with pytest.raises(IllegalTransition) as exc:
            achievement_update(actor=owner, achievement=achievement, data=achievement_data(unit, owner))
        assert exc.value.code == "not_editable"


class TestRevisions:
    def test_an_edit_of_a_published_achievement_waits_for_review_while_the_published_version_stays(self, unit, owner, reviewer):
        achievement = make_published_achievement(unit, owner, reviewer)
        achievement_update(actor=owner, achievement=achievement, data=achievement_data(unit, owner, title="新标题"))
        achievement.refresh_from_db()
        assert achievement.title == "一种低功耗边缘计算芯片"
        assert achievement.status == AchievementStatus.PUBLISHED
        revision = achievement.revisions.get()
        assert revision.status == AchievementRevision.Status.PENDING

        achievement_revision_approve(actor=reviewer, revision=revision)
        achievement.refresh_from_db()
        assert achievement.title == "新标题"
        assert achievement.status == AchievementStatus.PUBLISHED
        assert achievement.events.last().payload == {"revision": revision.pk}

    def test_a_second_edit_replaces_the_pending_revision(self, unit, owner, reviewer):
        achievement = make_published_achievement(unit, owner, reviewer)
        achievement_update(actor=owner, achievement=achievement, data=achievement_data(unit, owner, title="甲"))
        achievement_update(actor=owner, achievement=achievement, data=achievement_data(unit, owner, title="乙"))
        assert achievement.revisions.get().data["title"] == "乙"

    def test_a_returned_revision_leaves_the_achievement_unchanged(self, unit, owner, reviewer):
        achievement = make_published_achievement(unit, owner, reviewer)
        achievement_update(actor=owner, achievement=achievement, data=achievement_data(unit, owner, title="新"))
        revision = achievement.revisions.get()
        achievement_revision_return(actor=reviewer, revision=revision, reason="标题夸大")
        achievement.refresh_from_db()
        assert achievement.title == "一种低功耗边缘计算芯片"
        revision.refresh_from_db()
        assert (revision.status, revision.review_reason) == ("returned", "标题夸大")
        with pytest.raises(IllegalTransition):
            achievement_revision_approve(actor=reviewer, revision=revision)

    def test_an_invalid_revision_is_refused_before_it_is_stored(self, unit, owner, reviewer):
        achievement = make_published_achievement(unit, owner, reviewer)
        with pytest.raises(DomainError):
            achievement_update(actor=owner, achievement=achievement, data=achievement_data(unit, owner, trl=10))
        assert not achievement.revisions.exists()

    def test_a_revision_cannot_make_a_published_achievement_restricted(self, unit, owner, reviewer):
        achievement = make_published_achievement(unit, owner, reviewer)
        with pytest.raises(DomainError) as exc:
            achievement_update(
                actor=owner,
                achievement=achievement,
                data=achievement_data(unit, owner, restriction=RestrictionReason.NATIONAL_SECURITY),
            )
        assert "restriction" in exc.value.field_errors
        assert not achievement.revisions.exists()


class TestAtomicity:
    def test_a_failure_while_saving_children_leaves_nothing_behind(self, unit, owner, monkeypatch):
        data = achievement_data(unit, owner)

        def explode(*args, **kwargs):
            raise RuntimeError("disk full")

        monkeypatch.setattr(AchievementInventor.objects, "bulk_create", explode)
        from usefirst.catalog.services.achievements import achievement_create

        with pytest.raises(RuntimeError):
            achievement_create(actor=owner, owner=unit, data=data)
        assert not Achievement.objects.exists()
        assert not IpItem.objects.exists()
        assert not AchievementEvent.objects.exists()

    def test_the_owner_is_mailed_after_the_approval_commits(
        self, unit, owner, reviewer, mailoutbox, django_capture_on_commit_callbacks
    ):
        achievement = make_achievement(unit, owner, title="待发布成果")
        achievement_submit(actor=owner, achievement=achievement)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            achievement_approve(actor=reviewer, achievement=achievement)
        assert not any("待发布成果" in m.subject and owner.email in m.to for m in mailoutbox)
        for callback in callbacks:
            callback()
        assert any("待发布成果" in m.subject and owner.email in m.to for m in mailoutbox)
