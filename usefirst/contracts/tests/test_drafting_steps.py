"""Drafting in steps: the kind and a published, unrestricted achievement of the unit; the terms of
that kind only; the parties with that achievement's inventors only; a review, then 保存草稿.
Crafted answers are refused with the reason and nothing is saved; an error summary links each
field; going back keeps what was entered."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from usefirst.catalog.choices import AchievementStatus, RestrictionReason
from usefirst.catalog.models import Achievement
from usefirst.catalog.tests.factories import make_achievement, person_register
from usefirst.contracts.models import Contract, ContractKind, ContractParty, ContractStatus
from usefirst.core.dates import today
from usefirst.core.testing import make_org, make_user

from .conftest import DraftPages, free_use_terms, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(client, owner):
    client.force_login(owner)
    return DraftPages(client)


def _parties(unit, enterprise, **extra):
    return {"licensor": unit.pk, "licensee_credit_code": enterprise.credit_code, **extra}


# ---------------------------------------------------------------- step flow per kind


def test_a_pay_later_free_use_licence_is_drafted_in_four_steps_with_the_computed_end_shown_before_saving(
    pages, platform_ca, unit, enterprise, published
):
    with time_machine.travel(dt.datetime(2026, 6, 1, 2, tzinfo=dt.UTC), tick=False):
        kind_page = pages.get("kind").content.decode()
        assert "第 1 步 合同类型与成果" in kind_page and "企业在约定期限内免费使用成果" in kind_page
        assert (
            pages.post("kind", {"kind": "free_use_licence", "mode": "pay_later", "achievement": published.pk}).status_code == 302
        )
        terms_page = pages.get("terms").content.decode()
        assert "免费使用期限" in terms_page and "免费使用期满后的付费条件" in terms_page
        assert 'name="price"' not in terms_page and 'name="term_end"' not in terms_page  # not this kind's terms
        terms = free_use_terms(free_use_start="2026-09-02", free_use_end="", free_use_term="1", free_use_term_unit="month")
        assert pages.post("terms", terms).status_code == 302
        assert pages.post("parties", _parties(unit, enterprise)).status_code == 302
        review = pages.get("review").content.decode()
        # 1 October is National Day: the last day moves to the next working day.
        assert "2026-09-02 至 <strong>2026-10-08</strong>（起止日均含当日，共 37 日）" in review
        assert "届满日按期限 1 个月依民法典" in review and "保存草稿" in review
        assert not Contract.objects.exists()  # nothing is written before 保存草稿
        saved = pages.post("review", {}, action="save")
    contract = Contract.objects.get()
    assert saved.status_code == 302 and saved["Location"] == reverse("contracts:detail", args=[contract.pk])
    assert contract.free_use_end == dt.date(2026, 10, 8) and contract.status == ContractStatus.DRAFTED
    assert pages.get("review").status_code == 302  # the finished draft cannot be saved twice


def test_a_transfer_asks_for_its_price_and_the_review_shows_it_in_cny(pages, platform_ca, unit, enterprise, published):
    pages.post("kind", {"kind": "transfer", "achievement": published.pk})
    terms_page = pages.get("terms").content.decode()
    assert "转让价款（元）" in terms_page and "免费使用期" not in terms_page and 'name="exclusivity"' not in terms_page
    missing = pages.post("terms", {"payment_terms": "分两期支付"})
    assert missing.status_code == 400 and "请填写“转让价款（元）”" in missing.content.decode()
    pages.post("terms", {"price": "1234567.5", "payment_terms": "分两期支付"})
    pages.post("parties", _parties(unit, enterprise))
    review = pages.get("review").content.decode()
    assert "1,234,567.50 元" in review and "技术转让合同" in review
    assert pages.post("review", {}, action="save").status_code == 302
    contract = Contract.objects.get()
    assert contract.kind == ContractKind.TRANSFER and contract.price == Decimal("1234567.50") and contract.mode == ""


def test_a_preliminary_agreement_offers_only_that_achievements_inventors(pages, platform_ca, owner, unit, published):
    stranger = person_register(unit, actor=owner, name="赵六")  # the unit's inventor, not on this achievement
    pages.post("kind", {"kind": "preliminary_agreement", "achievement": published.pk})
    pages.post("terms", {"term_end": (today() + dt.timedelta(days=365)).isoformat()})
    parties_page = pages.get("parties").content.decode()
    listed = [i.person for i in published.inventors.all()]
    assert all(p.full_name in parties_page for p in listed) and "赵六" not in parties_page
    assert "60.00%" in parties_page  # each inventor's share on the achievement
    assert 'name="licensee_credit_code"' not in parties_page
    crafted = pages.post("parties", {"licensor": unit.pk, "inventors": [listed[0].pk, stranger.pk]})
    assert crafted.status_code == 400 and "不是该成果的完成人" in crafted.content.decode()
    assert pages.post("review", {}, action="save").status_code == 302  # sent back to the step
    assert not Contract.objects.exists()
    pages.post("parties", {"licensor": unit.pk, "inventors": [listed[0].pk]})
    assert pages.post("review", {}, action="save").status_code == 302
    agreement = Contract.objects.get()
    assert [p.person_id for p in agreement.parties.filter(role=ContractParty.Role.INVENTOR)] == [listed[0].pk]


# ---------------------------------------------------------------- what is offered, what is refused


def test_only_the_units_published_unrestricted_achievements_are_offered(pages, owner, unit, published, provincial_admin):
    draft = make_achievement(unit, owner, title="本单位的草稿成果")
    restricted = make_achievement(unit, owner, title="本单位的涉密成果")
    Achievement.objects.filter(pk=restricted.pk).update(restriction=RestrictionReason.DEFENCE)
    elsewhere = make_org("university", name="另一所大学")
    theirs = publish(make_achievement(elsewhere, make_user(elsewhere), title="别的单位的成果"))
    page = pages.get("kind").content.decode()
    assert published.title in page
    for hidden in (draft, restricted, theirs):
        assert hidden.title not in page


@pytest.mark.parametrize(
    ("which", "says"),
    [
        ("draft", "尚未发布（当前状态：草稿），只有已发布的成果可以起草合同"),
        ("restricted", "属于涉密或限制情形"),
        ("other_unit", "不是本单位的成果"),
    ],
)
def test_a_crafted_achievement_is_refused_with_the_reason_and_nothing_is_saved(
    pages, platform_ca, owner, unit, enterprise, which, says
):
    if which == "other_unit":
        elsewhere = make_org("university", name="另一所大学")
        achievement = publish(make_achievement(elsewhere, make_user(elsewhere), title="别的单位的成果"))
    else:
        achievement = make_achievement(unit, owner, title="本单位的成果")
        if which == "restricted":
            Achievement.objects.filter(pk=achievement.pk).update(restriction=RestrictionReason.DEFENCE)
    refused = pages.post("kind", {"kind": "free_use_licence", "mode": "pay_later", "achievement": achievement.pk})
    text = refused.content.decode()
    assert refused.status_code == 400 and says in text
    if which == "other_unit":
        assert "别的单位的成果" not in text  # nothing told about another unit's achievement
    assert pages.get("terms").status_code == 302  # the next step is not reachable
    assert not Contract.objects.exists()


def test_an_achievement_withdrawn_after_it_was_chosen_is_refused_at_the_save(pages, platform_ca, unit, enterprise, published):
    pages.post("kind", {"kind": "free_use_licence", "mode": "pay_later", "achievement": published.pk})
    pages.post("terms", free_use_terms())
    pages.post("parties", _parties(unit, enterprise))
    Achievement.objects.filter(pk=published.pk).update(status=AchievementStatus.WITHDRAWN)
    response = pages.post("review", {}, action="save")
    assert response.status_code == 302 and response["Location"].endswith("/kind/?check=1")
    assert "尚未发布" in pages.client.get(response["Location"]).content.decode()
    assert not Contract.objects.exists()


def test_an_inventor_licensor_not_on_the_achievement_is_refused(client, platform_ca, owner, unit, enterprise, published):
    from .conftest import draft, sign_all

    inventor = published.inventors.first().person
    inventor.user = make_user(None)
    inventor.save()
    agreement = draft(
        owner, unit, enterprise, published, kind=ContractKind.PRELIMINARY_AGREEMENT, mode="", licensee_id=None,
        inventor_person_ids=[inventor.pk], term_end=today() + dt.timedelta(days=180),
    )  # fmt: skip
    sign_all(agreement, owner, inventor.user)
    other = publish(make_achievement(unit, owner, title="另一项成果"))
    client.force_login(inventor.user)
    pages = DraftPages(client, f"?agreement={agreement.pk}")
    # The agreement covers one achievement; the other one is not offered to the inventor.
    assert other.title not in pages.get("kind").content.decode()
    pages.post("kind", {"kind": "free_use_licence", "mode": "pay_later", "achievement": published.pk})
    pages.post("terms", free_use_terms())
    outsider_person = person_register(unit, actor=owner, name="钱七")
    crafted = pages.post(
        "parties",
        {"preliminary_agreement": agreement.pk, "licensor_person": outsider_person.pk,
         "licensee_credit_code": enterprise.credit_code},
    )  # fmt: skip
    assert crafted.status_code == 400 and "须是该成果的完成人" in crafted.content.decode()
    assert (
        pages.post("parties", {"preliminary_agreement": agreement.pk, "licensee_credit_code": enterprise.credit_code}).status_code
        == 302
    )
    assert pages.post("review", {}, action="save").status_code == 302
    contract = Contract.objects.get(kind=ContractKind.FREE_USE_LICENCE)
    assert contract.licensor_person == inventor and contract.preliminary_agreement == agreement


# ---------------------------------------------------------------- errors and going back


def test_each_step_lists_its_errors_at_the_top_with_links_to_the_fields(pages, unit, enterprise, published):
    pages.post("kind", {"kind": "free_use_licence", "mode": "pay_later", "achievement": published.pk})
    response = pages.post("terms", {"scope": "", "exclusivity": "exclusive", "free_use_start": "2026-02-30"})
    text = response.content.decode()
    assert response.status_code == 400
    summary = text[text.index('class="error-summary"') : text.index("</div>", text.index('class="error-summary"'))]
    assert text.index('class="error-summary"') < text.index('class="draft-form"')
    assert '<a href="#id_scope">请填写“许可范围”</a>' in summary
    assert '<a href="#id_free_use_start">“免费使用期起始日（含）”应为有效日期' in summary
    kind_missing = pages.post("kind", {"kind": "free_use_licence", "achievement": published.pk}).content.decode()
    assert '<a href="#id_mode_0">免费使用许可合同请选择“转化模式”' in kind_missing


def test_the_services_refusal_is_shown_on_the_step_that_owns_the_field(pages, platform_ca, unit, enterprise, published):
    pages.post("kind", {"kind": "free_use_licence", "mode": "pay_later", "achievement": published.pk})
    later = today() + dt.timedelta(days=30)
    pages.post("terms", free_use_terms(free_use_start=later.isoformat(), free_use_end=today().isoformat()))
    pages.post("parties", _parties(unit, enterprise))
    refused = pages.post("review", {}, action="save")
    text = refused.content.decode()
    assert refused.status_code == 400 and '<li aria-current="step" class="current">第 2 步 合同条款</li>' in text
    assert '<a href="#id_free_use_end">“免费使用期届满日（含）”：免费使用期届满日不能早于起始日</a>' in text
    assert f'value="{later.isoformat()}"' in text  # what was entered is still there
    assert not Contract.objects.exists()


def test_going_back_keeps_what_was_entered_on_every_step(pages, unit, enterprise, published):
    pages.post("kind", {"kind": "free_use_licence", "mode": "cooperate_later", "achievement": published.pk})
    # Back from an incomplete step keeps the half-filled input too.
    back = pages.post("terms", {"scope": "在乙方东莞工厂试用", "field_of_use": "智能电表"}, action="back")
    assert back.status_code == 302 and back["Location"].endswith("/kind/")
    kind_page = pages.get("kind").content.decode()
    assert re.search(r'value="cooperate_later"[^>]*checked', kind_page)
    terms_page = pages.get("terms").content.decode()
    assert "在乙方东莞工厂试用" in terms_page and 'value="智能电表"' in terms_page
    pages.post("terms", free_use_terms(scope="在乙方东莞工厂试用"))
    pages.post("parties", _parties(unit, enterprise, inventor_grant="ownership"))
    assert pages.post("review", {}, action="back")["Location"].endswith("/parties/")
    parties_page = pages.get("parties").content.decode()
    assert f'value="{enterprise.credit_code}"' in parties_page
    assert re.search(r'value="ownership"[^>]*checked', parties_page)


def test_steps_answer_no_cache_so_the_browser_back_button_reloads_what_was_saved(pages, published):
    response = pages.get("kind")
    assert "no-store" in response["Cache-Control"]


def test_two_drafts_in_two_tabs_do_not_mix(client, owner, published):
    client.force_login(owner)
    first, second = DraftPages(client), DraftPages(client)
    first.post("kind", {"kind": "transfer", "achievement": published.pk})
    second.post("kind", {"kind": "equity", "achievement": published.pk})
    assert "转让价款（元）" in first.get("terms").content.decode()
    assert "成果作价金额（元）" in second.get("terms").content.decode()


def test_an_unknown_or_finished_draft_starts_again(client, owner):
    client.force_login(owner)
    response = client.get(reverse("contracts:draft_step", args=["nope", "terms"]), follow=True)
    assert "这份起草已保存或已过期" in response.content.decode()
