"""Journey: from an enterprise's intent to a signed contract whose PDF the public verification
page accepts, drafting in steps.

An enterprise finds a pay-later achievement of a unit, expresses its intent; the unit accepts,
proposes agreement and the enterprise confirms; the unit drafts the contract through the four
drafting steps (going back once, and meeting the error summary once); both sides sign with their
password and the code of their authenticator (意愿认证; the demo gives each an authenticator whose
key the test holds, as a phone would); the enterprise downloads the signed PDF and the
verification page says 验证通过, then downloads the evidence package, which verifies offline.

Demo rows: 潮州陶瓷职业学院 (admin-czcy@) and 佛山德美陶瓷有限公司 (admin-ent15@), two
organisations the demo gives no engagement or contract and no other journey uses. The steps run
at 1,366 px; the drafting steps are looked at again at 375 px.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys

from django.conf import settings

from usefirst.core.dates import today
from usefirst.core.layout_check import BROWSER_MARKS

from .conftest import PHONE, login, shot

pytestmark = BROWSER_MARKS

UNIT = "潮州陶瓷职业学院"
UNIT_LOGIN = "admin-czcy@usefirst.example"
ENTERPRISE = "佛山德美陶瓷有限公司"
ENTERPRISE_LOGIN = "admin-ent15@usefirst.example"
PASSWORD_LABEL = "请重新输入登录密码以确认签署"
CODE_LABEL = "动态口令（身份验证器上显示的 6 位数字）"


def _as(browser, demo_url, email, viewport=None):
    page = browser.new_context(
        viewport=viewport or {"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True
    ).new_page()
    page.context.set_default_timeout(30_000)
    login(page, demo_url, email)
    return page


def _act(page, button: str) -> None:
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state("load")


def _authenticator(demo_time_passes, email: str) -> str:
    """The key of an authenticator the demo gives `email` (what the person's phone would hold)."""
    out = demo_time_passes(f"from usefirst.demo.authenticators import give_authenticator; give_authenticator({email!r})")
    return out.strip().splitlines()[-1]


def _sign(page, contract_url: str, key: str) -> None:
    from usefirst.accounts.second_factor import current_code
    from usefirst.demo.logins import DEMO_PASSWORD

    page.goto(contract_url)
    page.get_by_label(PASSWORD_LABEL).fill(DEMO_PASSWORD)
    page.get_by_label(CODE_LABEL).fill(current_code(key))
    page.locator("form[action$='/sign/'] button[type=submit]").click()
    page.wait_for_load_state("load")
    assert "已签署；签署后的 PDF 已登记" in page.inner_text("main"), page.inner_text("main")[:400]


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide at {PHONE['width']} px"


def test_an_intent_becomes_a_contract_drafted_in_steps_signed_by_both_and_verified(
    demo_url, page, browser, tmp_path, demo_time_passes
):
    # 1. The enterprise finds a pay-later achievement of the unit and expresses its intent.
    login(page, demo_url, ENTERPRISE_LOGIN)
    page.goto(demo_url + "/achievements/?city=潮州市&mode=pay_later")
    card = page.locator("main .card", has_text=UNIT).first
    title = card.locator("h3 a").inner_text()
    card.locator("h3 a").click()
    page.wait_for_load_state("load")
    page.get_by_role("link", name="提出对接意向").first.click()
    page.wait_for_load_state("load")
    page.fill("#id_message", "我司拟在釉料生产线上先行试用该成果，期满后按销售额提成付费。")
    _act(page, "提交对接意向")
    engagement_url = page.url
    assert re.search(r"/matchmaking/\d+/$", engagement_url), engagement_url
    shot(page, "intent-enterprise-1366")

    # 2. The unit accepts and proposes agreement; the enterprise confirms it.
    unit = _as(browser, demo_url, UNIT_LOGIN)
    try:
        unit.goto(engagement_url)
        _act(unit, "接受，进入洽谈")
        _act(unit, "提出达成一致")
        page.goto(engagement_url)
        _act(page, "确认达成一致")
        assert "双方已于" in page.inner_text("main")

        # 3. The unit drafts the contract in steps, from the engagement.
        unit.goto(engagement_url)
        unit.get_by_role("link", name="起草合同").click()
        unit.wait_for_load_state("load")
        assert "第 1 步 合同类型与成果" in unit.inner_text("main")
        assert unit.locator("#id_achievement option:checked").inner_text().startswith(title)  # preselected
        unit.get_by_label("免费使用许可合同").check()
        unit.get_by_label("先使用后付费").check()
        shot(unit, "draft-1-kind-unit-1366")
        _act(unit, "下一步：合同条款")

        assert "第 2 步 合同条款" in unit.inner_text("main")
        unit.fill("#id_scope", "在乙方釉料生产线上试用该成果制备陶瓷釉料")
        unit.fill("#id_field_of_use", "日用陶瓷釉料")
        start = today() + dt.timedelta(days=7)
        unit.fill("#id_free_use_start", start.isoformat())
        unit.fill("#id_free_use_term", "6")
        unit.select_option("#id_free_use_term_unit", "month")
        unit.fill("#id_payment_terms", "免费使用期满后，按含该成果产品销售额的 3% 按季度提成。")
        _act(unit, "下一步：当事方与成果完成人")

        # Going back keeps what was entered on the step left.
        _act(unit, "上一步")
        assert unit.input_value("#id_free_use_term") == "6"
        assert unit.input_value("#id_field_of_use") == "日用陶瓷釉料"
        _act(unit, "下一步：当事方与成果完成人")

        assert "第 3 步 当事方与成果完成人" in unit.inner_text("main")
        assert unit.input_value("#id_licensee_credit_code")  # from the engagement
        assert "贡献份额" in unit.inner_text("main")
        licensee_code = unit.input_value("#id_licensee_credit_code")
        unit.fill("#id_licensee_credit_code", "")
        _act(unit, "下一步：核对")
        summary = unit.locator(".error-summary")
        assert "请填写“被许可方（企业）统一社会信用代码”" in summary.inner_text()
        shot(unit, "draft-3-parties-error-unit-1366")
        summary.get_by_role("link").first.click()
        assert unit.evaluate("document.activeElement.id") == "id_licensee_credit_code"
        unit.fill("#id_licensee_credit_code", licensee_code)
        _act(unit, "下一步：核对")

        review = unit.inner_text("main")
        assert "第 4 步 核对并保存" in review and ENTERPRISE in review and title in review
        period = unit.inner_text("#free-use-period")
        assert period.startswith(start.isoformat()) and "起止日均含当日" in period and "依民法典" in period
        shot(unit, "draft-4-review-unit-1366")
        _act(unit, "保存草稿")
        assert "合同草稿已保存" in unit.inner_text("main")
        contract_url = unit.url
        number = re.search(r"XYHZ\d{11}", unit.inner_text("main")).group(0)

        # 4. Both sides sign with their password and their authenticator's code.
        _sign(unit, contract_url, _authenticator(demo_time_passes, UNIT_LOGIN))
        _sign(page, contract_url, _authenticator(demo_time_passes, ENTERPRISE_LOGIN))
        assert "已签署" in page.inner_text("main")
        shot(page, "contract-signed-enterprise-1366")
    finally:
        unit.context.close()

    # 5. The enterprise downloads the signed PDF; the public verification page accepts it.
    with page.expect_download() as download:
        page.get_by_role("link", name="下载最新 PDF").click()
    pdf = tmp_path / f"{number}.pdf"
    download.value.save_as(pdf)
    visitor = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()
    try:
        visitor.goto(demo_url + "/contracts/verify/")
        visitor.set_input_files("input[type=file]", str(pdf))
        _act(visitor, "验证")
        assert "验证通过" in visitor.inner_text("main")
        shot(visitor, "verify-signed-pdf-1366")
    finally:
        visitor.context.close()

    # 6. The enterprise downloads the evidence package; it verifies offline (its own process, as
    # a recipient would run it).
    with page.expect_download() as download:
        page.get_by_role("link", name="下载证据包").click()
    package = tmp_path / "evidence.zip"
    download.value.save_as(package)
    checked = subprocess.run(
        [sys.executable, "-m", "usefirst.contracts.evidence_verify", str(package)],
        capture_output=True,
        text=True,
        check=False,
        cwd=settings.BASE_DIR,
    )
    assert checked.returncode == 0 and checked.stdout.startswith("通过"), checked.stdout + checked.stderr
