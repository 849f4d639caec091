from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from usefirst.catalog.tests.factories import make_achievement
from usefirst.contracts import services
from usefirst.contracts.models import ContractEvent, ContractKind, ContractStatus, ContractTemplate, Exclusivity
from usefirst.contracts.rendering import render_text
from usefirst.core.dates import today
from usefirst.core.errors import DomainError, Forbidden

from .conftest import draft


def test_every_standard_text_ships_published_and_marked_as_a_draft_for_the_departments(db):
    kinds = set(ContractTemplate.objects.filter(status="published").values_list("kind", "mode"))
    assert ("free_use_licence", "pay_later") in kinds
    assert ("free_use_licence", "cooperate_later") in kinds
    for kind in ("preliminary_agreement", "open_licence_record", "licence", "transfer", "development", "equity"):
        assert (kind, "") in kinds
    assert all("示范文本（待主管部门审定）" in t.body for t in ContractTemplate.objects.all())


def test_a_drafted_contract_records_its_template_version_and_an_event(owner, unit, enterprise, achievement):
    contract = draft(owner, unit, enterprise, achievement)
    assert contract.status == ContractStatus.DRAFTED
    assert contract.template.version == 1
    assert contract.number.startswith("XYHZ")
    assert ContractEvent.objects.filter(subject=contract, to_status="drafted").count() == 1
    assert contract.parties.count() == 2


def test_the_text_shows_the_inclusive_start_and_end_of_the_free_use_period(owner, unit, enterprise, achievement):
    start = today() + dt.timedelta(days=1)
    contract = draft(owner, unit, enterprise, achievement, free_use_start=start, free_use_end=start + dt.timedelta(days=89))
    text = render_text(contract)
    assert f"免费使用期自 {start.year}年{start.month}月{start.day}日 起" in text
    assert "起止日均含当日，共 90 日" in text
    assert "民法典" in text
    assert "保密" in text and "后续改进" in text and "停止实施" in text


def test_it_refuses_a_free_use_period_that_ends_before_it_starts(owner, unit, enterprise, achievement):
    with pytest.raises(DomainError) as exc:
        draft(owner, unit, enterprise, achievement, free_use_end=today() - dt.timedelta(days=1), free_use_start=today())
    assert exc.value.code == "dates_out_of_order"


def test_a_one_day_free_use_period_is_allowed(owner, unit, enterprise, achievement):
    contract = draft(owner, unit, enterprise, achievement, free_use_start=today(), free_use_end=today())
    assert "共 1 日" in render_text(contract)


def test_it_refuses_shares_that_do_not_sum_to_100(owner, unit, enterprise, achievement):
    other = make_achievement(unit, owner, title="另一项成果")
    with pytest.raises(DomainError) as exc:
        draft(
            owner,
            unit,
            enterprise,
            achievement,
            achievements=[
                services.AchievementShare(achievement.pk, Decimal("60")),
                services.AchievementShare(other.pk, Decimal("30")),
            ],
        )
    assert exc.value.code == "shares_not_100"


def test_several_achievements_state_each_share_of_the_price(owner, unit, enterprise, achievement):
    other = make_achievement(unit, owner, title="另一项成果")
    contract = draft(
        owner,
        unit,
        enterprise,
        achievement,
        achievements=[
            services.AchievementShare(achievement.pk, Decimal("60")),
            services.AchievementShare(other.pk, Decimal("40")),
        ],
    )
    assert "占合同价款的 60.00%" in render_text(contract)


def test_an_outsider_cannot_draft_for_the_parties(outsider, unit, achievement, owner):
    from usefirst.core.testing import make_org

    other_enterprise = make_org("enterprise", name="另一家企业")
    with pytest.raises(Forbidden):
        draft(outsider, unit, other_enterprise, achievement)


def test_an_achievement_under_open_licence_cannot_be_licensed_exclusively(owner, unit, enterprise, achievement):
    services.open_licence_record(
        actor=owner, achievement=achievement, announcement_number="KF2026-001", announced_on=today(), fee_terms="每年 1 万元"
    )
    with pytest.raises(DomainError) as exc:
        draft(owner, unit, enterprise, achievement, exclusivity=Exclusivity.EXCLUSIVE)
    assert exc.value.code == "open_licence_exclusive"
    assert draft(owner, unit, enterprise, achievement, exclusivity=Exclusivity.NON_EXCLUSIVE)


def test_an_open_licence_take_up_is_recorded_from_its_template(owner, unit, enterprise, achievement):
    record = services.open_licence_record(
        actor=owner, achievement=achievement, announcement_number="KF2026-002", announced_on=today(), fee_terms="每年 1 万元"
    )
    contract = draft(
        owner, unit, enterprise, achievement, kind=ContractKind.OPEN_LICENCE_RECORD, mode="", open_licence_id=record.pk
    )
    assert "KF2026-002" in render_text(contract)


def test_the_pdf_embeds_a_cjk_font_and_its_sha256_is_registered(owner, unit, enterprise, achievement):
    contract = draft(owner, unit, enterprise, achievement)
    document = contract.documents.get()
    data = document.file.read()
    import hashlib

    assert hashlib.sha256(data).hexdigest() == document.sha256
    reader = PdfReader(io.BytesIO(data))
    embedded = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    embedded.append(str(font["/BaseFont"]))
    assert any("CJK" in name for name in embedded)
    assert "免费使用许可合同" in reader.pages[0].extract_text().replace("\x00", "")


def test_the_free_use_end_is_computed_from_the_term_unless_the_contract_states_it(
    platform_ca, owner, unit, enterprise, achievement
):
    import time_machine

    with time_machine.travel(dt.datetime(2026, 6, 1, 2, tzinfo=dt.UTC), tick=False):
        computed = draft(
            owner, unit, enterprise, achievement,
            free_use_start=dt.date(2026, 9, 2), free_use_end=None, free_use_term=1, free_use_term_unit="month",
        )  # fmt: skip
        assert computed.free_use_end == dt.date(2026, 10, 8)  # 1 October is National Day: the next working day
        stated = draft(
            owner, unit, enterprise, achievement,
            free_use_start=dt.date(2026, 9, 2), free_use_end=dt.date(2026, 9, 30), free_use_term=1,
        )  # fmt: skip
        assert stated.free_use_end == dt.date(2026, 9, 30)
        with pytest.raises(DomainError) as refused:
            draft(owner, unit, enterprise, achievement, free_use_start=None, free_use_end=None, free_use_term=6)
        assert "free_use_start" in refused.value.field_errors
