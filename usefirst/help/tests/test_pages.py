"""The help and policy pages: public, in Chinese, and reading the figures and labels the rest of
the platform applies (the policy's parameters, the catalog's TRL labels), never copies of them."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from usefirst.accounts.models import User
from usefirst.catalog.choices import MODE_EXPLANATIONS, Mode, Trl
from usefirst.core.money import format_cny, format_wan
from usefirst.help.views import FAQ_ROLES
from usefirst.policy.services import parameter_set

pytestmark = pytest.mark.django_db

HELP_PAGES = ["index", "policy", "guide", "trl", "faq", "contact", "sitemap", "accessibility"]


@pytest.mark.parametrize("name", HELP_PAGES)
def test_every_help_page_is_open_to_the_public(client: Client, name: str) -> None:
    response = client.get(reverse(f"help:{name}"))
    assert response.status_code == 200
    assert "<h1>" in response.content.decode()


def test_the_header_and_the_footer_link_the_help_pages(client: Client) -> None:
    page = client.get("/").content.decode()
    header, footer = page.split("</header>")[0], page.split("<footer")[1]
    assert f'href="{reverse("help:index")}"' in header
    for name in ("policy", "guide", "faq", "contact", "sitemap", "accessibility"):
        assert f'href="{reverse(f"help:{name}")}"' in footer, name


def test_the_policy_page_names_the_document_its_date_and_its_figures(client: Client) -> None:
    page = client.get(reverse("help:policy")).content.decode()
    assert "《广东省推进职务科技成果“先用后转”改革的若干政策措施》" in page
    assert "2026年2月1日" in page and "2031年1月31日" in page
    assert "不低于 <strong>70%</strong>" in page
    threshold = Decimal("500000.00")
    assert format_wan(threshold) in page and format_cny(threshold) in page  # the project's one way to write money
    assert "不超过 200 项" in page


def test_the_policy_page_shows_the_figures_in_force_after_an_administrator_changes_them(
    client: Client, provincial_admin: User
) -> None:
    parameter_set(
        actor=provincial_admin,
        key="recognition_yearly_cap",
        value="250",
        effective_from=dt.date(2026, 2, 1),
        reason="年度名额调整",
    )
    assert "不超过 250 项" in client.get(reverse("help:policy")).content.decode()


def test_the_guide_explains_both_modes_the_open_licence_and_the_simplified_procedure(client: Client) -> None:
    page = client.get(reverse("help:guide")).content.decode()
    for heading in ("先使用后付费", "先使用后合作", "专利开放许可", "简约程序"):
        assert heading in page
    for mode in (Mode.PAY_LATER, Mode.COOPERATE_LATER, Mode.OPEN_LICENCE):
        assert MODE_EXPLANATIONS[mode] in page  # the catalog's own words, not a second copy


def test_the_trl_page_lists_the_nine_levels_with_the_labels_the_achievement_form_offers(client: Client) -> None:
    page = client.get(reverse("help:trl")).content.decode()
    rows = re.findall(r'<tr id="trl-(\d)">', page)
    assert rows == [str(n) for n in range(1, 10)]
    for level in Trl:
        assert str(level.label) in page


def test_the_faq_answers_every_role(client: Client) -> None:
    page = client.get(reverse("help:faq")).content.decode()
    for anchor, heading in FAQ_ROLES:
        assert f'<section id="{anchor}"' in page and f'href="#{anchor}"' in page, heading
    assert {a for a, _ in FAQ_ROLES} >= {"unit", "inventor", "enterprise", "agency", "insurer", "reviewer", "province"}


@override_settings(
    CONTACT_PHONE="020-12345678",
    CONTACT_EMAIL="help@example.invalid",
    CONTACT_ADDRESS="广州市某路 1 号",
    CONTACT_POSTCODE="510000",
)
def test_the_contact_page_shows_the_contact_details_from_the_settings(client: Client) -> None:
    page = client.get(reverse("help:contact")).content.decode()
    assert "020-12345678" in page and 'href="mailto:help@example.invalid"' in page
    assert "广州市某路 1 号（邮编 510000）" in page


@override_settings(CONTACT_PHONE="", CONTACT_ADDRESS="")
def test_the_contact_page_leaves_out_details_that_are_not_set(client: Client) -> None:
    page = client.get(reverse("help:contact")).content.decode()
    assert "咨询电话" not in page and "通信地址" not in page


def test_the_share_floor_reads_as_a_percent_without_trailing_zeros(provincial_admin: User) -> None:
    from usefirst.help.selectors import policy_figures

    parameter_set(
        actor=provincial_admin,
        key="inventor_share_floor",
        value=str(Decimal("0.755")),
        effective_from=dt.date(2026, 2, 1),
        reason="测试",
    )
    assert policy_figures()["inventor_share_floor"] == "75.5%"


def test_the_site_map_shows_a_visitor_the_public_and_every_role_section(client: Client) -> None:
    page = client.get(reverse("help:sitemap")).content.decode()
    for label in ("公开栏目（无需登录）", "成果单位与成果完成人", "企业", "审核部门（省、行业、地市）", "省科技厅"):
        assert f">{label}</h2>" in page
    assert f'href="{reverse("catalog:achievement_list")}"' in page
    assert f'href="{reverse("catalog:review_achievements")}"' in page


def test_the_site_map_shows_a_signed_in_person_only_the_pages_of_their_role(client: Client, outsider: User) -> None:
    client.force_login(outsider)  # an enterprise's member
    page = client.get(reverse("help:sitemap")).content.decode()
    assert f'href="{reverse("catalog:my_demands")}"' in page
    assert f'href="{reverse("catalog:review_achievements")}"' not in page  # a reviewer's desk
    assert f'href="{reverse("recognition:quota")}"' not in page  # the province's
    assert f'href="{reverse("catalog:achievement_list")}"' in page


def test_the_footer_names_the_organiser_and_the_contact(client: Client) -> None:
    footer = client.get(reverse("help:faq")).content.decode().split("<footer")[1]
    assert "主办单位：广东省科学技术厅" in footer
    assert 'href="mailto:service@usefirst.invalid"' in footer
    for link in ("contracts:verify", "recognition:statistics", "api-v1:openapi-view"):
        assert f'href="{reverse(link)}"' in footer, link  # the links it had before


@override_settings(SITE_GOV_CODE="4400000000", SITE_ICP_RECORD="粤ICP备00000000号", SITE_PSB_RECORD="粤公网安备00000000000000号")
def test_the_footer_shows_the_registration_numbers_from_the_settings_as_text(client: Client) -> None:
    footer = client.get("/").content.decode().split("<footer")[1]
    assert "网站标识码：4400000000" in footer
    assert "ICP 备案号：粤ICP备00000000号" in footer and "公安备案号：粤公网安备00000000000000号" in footer
    assert "beian" not in footer  # no link to the registries' sites


@override_settings(SITE_GOV_CODE="", SITE_ICP_RECORD="", SITE_PSB_RECORD="")
def test_the_footer_leaves_out_registration_numbers_that_are_not_set(client: Client) -> None:
    footer = client.get("/").content.decode().split("<footer")[1]
    assert "备案号" not in footer and "网站标识码" not in footer


@pytest.mark.parametrize("name", HELP_PAGES)
def test_the_help_pages_only_read(client: Client, name: str) -> None:
    assert client.post(reverse(f"help:{name}")).status_code == 405
