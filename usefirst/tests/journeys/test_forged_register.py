"""Journey: anyone verifies a signed contract PDF of the demo at /contracts/verify/ (验证通过, at
1,366 px); then a forger with write access to the database moves the file's hash to another
register row; the same file now gives 验证不通过 naming the tampered register (at 375 px), because
the register is hash-chained (docs/security.md, "Hash chains")."""

from __future__ import annotations

from usefirst.core.layout_check import BROWSER_MARKS

from .conftest import shot

pytestmark = BROWSER_MARKS


def _verify(page, demo_url, path):
    page.goto(demo_url + "/contracts/verify/")
    page.set_input_files("input[type=file]", path)
    page.get_by_role("button", name="验证").click()
    page.wait_for_load_state("load")
    return page.locator(".verdict").inner_text()


def test_a_file_vouched_for_by_a_forged_register_row_does_not_verify(demo_url, page, phone_page, demo_time_passes, tmp_path):
    path = str(tmp_path / "contract.pdf")
    printed = demo_time_passes(f"from usefirst.demo.integrity import copy_signed_document\nprint(copy_signed_document({path!r}))")
    document_id = int(printed.strip().splitlines()[-1])  # after the shell's own banner
    verdict = _verify(page, demo_url, path)
    shot(page, "verify-genuine-1366")
    assert "验证通过" in verdict and "验证不通过" not in verdict, verdict

    demo_time_passes(f"from usefirst.demo.integrity import forge_register_row\nforge_register_row({document_id})")
    verdict = _verify(phone_page, demo_url, path)
    shot(phone_page, "verify-forged-375")
    assert "验证不通过" in verdict and "被篡改" in verdict, verdict
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
