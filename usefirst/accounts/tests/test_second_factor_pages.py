"""The second factor as a person meets it (docs/security.md, "Second factor"): enrolment with a
QR code and a first code, recovery codes, signing in in two steps, the enrolment gate for the
posts that require it, turning it off, and the token endpoint of the API."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from usefirst.accounts import second_factor
from usefirst.accounts.models import OrganisationKind
from usefirst.core.models import AuditEntry
from usefirst.core.platform_roles import PlatformRole
from usefirst.core.testing import make_org, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def wrong(code: str) -> str:
    return f"{(int(code) + 500_000) % 1_000_000:06d}"


def sign_in(client: Any, email: str, password: str = PASSWORD) -> Any:
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def second_step(client: Any, code: str) -> Any:
    return client.post(reverse("accounts:login_second_step"), {"code": code})


def signed_in(client: Any) -> bool:
    return "_auth_user_id" in client.session


def actions(name: str, **filters: Any) -> list[str]:
    return list(AuditEntry.objects.filter(action=name, **filters).values_list("outcome", flat=True))


# --- enrolment ---------------------------------------------------------------------------


def test_the_enrolment_page_shows_a_qr_code_and_the_key_and_is_not_enabled_until_the_first_code(
    client: Any, outsider: Any
) -> None:
    client.force_login(outsider)
    html = client.get(reverse("accounts:second_factor")).content.decode()
    device = TOTPDevice.objects.get(user=outsider)
    assert not device.confirmed and not second_factor.is_enrolled(outsider)
    assert 'src="data:image/svg+xml;base64,' in html
    assert second_factor.secret_base32(device) in html
    assert "未启用" in html and "确认并启用" in html
    assert "otpauth://totp/" in second_factor.provisioning_uri(device) and "issuer=" in second_factor.provisioning_uri(device)
    # a reload shows the same key: the authenticator already scanned still fits
    client.get(reverse("accounts:second_factor"))
    assert TOTPDevice.objects.filter(user=outsider).count() == 1


def test_a_wrong_first_code_is_refused_in_chinese_and_enables_nothing(client: Any, outsider: Any) -> None:
    client.force_login(outsider)
    client.get(reverse("accounts:second_factor"))
    device = TOTPDevice.objects.get(user=outsider)
    response = client.post(reverse("accounts:second_factor"), {"code": wrong(second_factor.current_code(device.key))})
    assert response.status_code == 400
    assert "验证码不正确" in response.content.decode()
    assert not second_factor.is_enrolled(outsider)
    assert actions("second_factor.enrol") == ["refused"]


def test_the_right_first_code_enables_it_and_shows_ten_recovery_codes_once(client: Any, outsider: Any) -> None:
    client.force_login(outsider)
    client.get(reverse("accounts:second_factor"))
    device = TOTPDevice.objects.get(user=outsider)
    response = client.post(reverse("accounts:second_factor"), {"code": second_factor.current_code(device.key)})
    html = response.content.decode()
    assert response.status_code == 200 and second_factor.is_enrolled(outsider)
    codes = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", html)
    assert len(codes) == 10
    assert 'download="恢复码.txt"' in html and response["Cache-Control"] == "no-store"
    assert actions("second_factor.enrol") == ["success"]
    later = client.get(reverse("accounts:second_factor")).content.decode()
    assert "已启用" in later and "剩余恢复码" in later and codes[0] not in later


# --- signing in in two steps ---------------------------------------------------------------


def test_with_an_authenticator_the_password_alone_does_not_sign_in_and_other_pages_stay_closed(
    client: Any, outsider: Any
) -> None:
    second_factor.enrol_confirmed(outsider)
    response = sign_in(client, outsider.email)
    assert response.status_code == 302 and response.url == reverse("accounts:login_second_step")
    assert not signed_in(client)
    workspace = client.get(reverse("accounts:workspace"))
    assert workspace.status_code == 302 and reverse("accounts:login") in workspace.url
    assert "账户" in client.get(reverse("accounts:login_second_step")).content.decode()


def test_the_right_code_signs_in(client: Any, outsider: Any) -> None:
    key = second_factor.enrol_confirmed(outsider)
    sign_in(client, outsider.email)
    response = second_step(client, second_factor.current_code(key))
    assert response.status_code == 302 and response.url == reverse("accounts:workspace")
    assert signed_in(client)
    assert AuditEntry.objects.filter(action="auth.login", actor=outsider).exists()


def test_a_wrong_code_is_refused_in_chinese_and_five_send_the_person_back_to_the_password(client: Any, outsider: Any) -> None:
    key = second_factor.enrol_confirmed(outsider)
    sign_in(client, outsider.email)
    response = second_step(client, wrong(second_factor.current_code(key)))
    assert response.status_code in (400, 429) and not signed_in(client)
    assert "验证码" in response.content.decode()
    assert actions("auth.second_factor") == ["refused"]
    for _ in range(4):
        response = second_step(client, "000000")
    assert response.status_code == 302 and response.url == reverse("accounts:login")
    assert second_step(client, second_factor.current_code(key)).url == reverse("accounts:login")
    assert not signed_in(client)


def test_after_a_wrong_code_the_throttle_holds_even_the_right_one_back(client: Any, outsider: Any) -> None:
    key = second_factor.enrol_confirmed(outsider)
    sign_in(client, outsider.email)
    second_step(client, wrong(second_factor.current_code(key)))
    response = second_step(client, second_factor.current_code(key))
    assert response.status_code == 429 and "秒后再试" in response.content.decode()
    assert not signed_in(client)


def test_a_recovery_code_signs_in_once(client: Any, outsider: Any) -> None:
    second_factor.enrol_confirmed(outsider)
    code = second_factor.display_code(second_factor.recovery_codes_issue(outsider)[0])
    sign_in(client, outsider.email)
    response = second_step(client, code.upper())
    assert response.status_code == 302 and signed_in(client)
    assert actions("second_factor.recovery_code_used") == ["success"]
    client.logout()
    sign_in(client, outsider.email)
    response = second_step(client, code)
    assert response.status_code == 400 and not signed_in(client)


def test_without_an_authenticator_the_password_signs_in_as_before(client: Any, outsider: Any) -> None:
    response = sign_in(client, outsider.email)
    assert response.status_code == 302 and response.url == reverse("accounts:workspace") and signed_in(client)


def test_the_second_step_without_a_password_step_goes_back_to_the_login(client: Any) -> None:
    response = second_step(client, "123456")
    assert response.status_code == 302 and response.url == reverse("accounts:login")


# --- the enrolment gate ------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["guangzhou_reviewer", "education_reviewer", "provincial_reviewer", "security_admin", "audit_office_staff"]
)
def test_with_the_setting_on_department_staff_and_administrators_without_one_are_sent_to_enrol(
    client: Any, settings: Any, request: Any, who: str
) -> None:
    settings.USEFIRST_SECOND_FACTOR_REQUIRED = True
    if who == "security_admin":
        user = make_user(platform_role=PlatformRole.SECURITY)
    elif who == "audit_office_staff":
        user = make_user(make_org(OrganisationKind.AUDIT_OFFICE))
    else:
        user = request.getfixturevalue(who)
    client.force_login(user)
    response = client.get(reverse("accounts:workspace"))
    assert response.status_code == 302 and response.url == reverse("accounts:second_factor")
    page = client.get(reverse("accounts:second_factor")).content.decode()
    assert "须启用双因素认证" in page
    assert client.get("/help/").status_code == 200
    api = client.get("/api/v1/me")
    assert api.status_code == 403 and api.json()["code"] == "second_factor_enrolment_required"
    client.post(reverse("accounts:logout"))
    assert not signed_in(client)


def test_with_the_setting_on_enrolled_staff_and_enterprises_go_on(
    client: Any, settings: Any, guangzhou_reviewer: Any, outsider: Any
) -> None:
    settings.USEFIRST_SECOND_FACTOR_REQUIRED = True
    second_factor.enrol_confirmed(guangzhou_reviewer)
    client.force_login(guangzhou_reviewer)
    assert client.get(reverse("accounts:workspace")).status_code == 200
    client.force_login(outsider)  # an enterprise: offered, not required
    assert client.get(reverse("accounts:workspace")).status_code == 200


def test_with_the_setting_off_department_staff_go_on(client: Any, settings: Any, guangzhou_reviewer: Any) -> None:
    settings.USEFIRST_SECOND_FACTOR_REQUIRED = False
    client.force_login(guangzhou_reviewer)
    assert client.get(reverse("accounts:workspace")).status_code == 200


def test_production_requires_the_second_factor() -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "usefirst.settings.production",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "example.org",
        "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/none",
        "USEFIRST_FIELD_ENCRYPTION_KEYS": "k",
        "USEFIRST_IDENTITY_HASH_KEY": "k",
        "USEFIRST_SITE_URL": "https://example.org",
    }
    code = "from django.conf import settings; print(settings.USEFIRST_SECOND_FACTOR_REQUIRED)"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=django_settings.BASE_DIR, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "True", result.stderr[-2000:]


# --- recovery codes and turning it off ---------------------------------------------------


def test_new_recovery_codes_replace_the_old_ones(client: Any, outsider: Any) -> None:
    key = second_factor.enrol_confirmed(outsider)
    old = second_factor.recovery_codes_issue(outsider)
    client.force_login(outsider)
    response = client.post(reverse("accounts:second_factor_recovery"), {"code": second_factor.current_code(key)})
    assert response.status_code == 200 and len(re.findall(r"<li><code>", response.content.decode())) == 10
    assert actions("second_factor.recovery_regenerate") == ["success"]
    assert not second_factor.check_sign_in_code(outsider, old[0]).ok


def test_a_person_not_required_turns_it_off_with_password_and_code(client: Any, outsider: Any) -> None:
    key = second_factor.enrol_confirmed(outsider)
    client.force_login(outsider)
    refused = client.post(
        reverse("accounts:second_factor_disable"), {"password": "wrong", "code": second_factor.current_code(key)}
    )
    assert refused.status_code == 400 and "密码不正确" in refused.content.decode() and second_factor.is_enrolled(outsider)
    response = client.post(
        reverse("accounts:second_factor_disable"), {"password": PASSWORD, "code": second_factor.current_code(key)}
    )
    assert response.status_code == 302 and not second_factor.is_enrolled(outsider)
    assert sorted(actions("second_factor.disable")) == ["refused", "success"]


def test_department_staff_cannot_turn_it_off(client: Any, guangzhou_reviewer: Any) -> None:
    key = second_factor.enrol_confirmed(guangzhou_reviewer)
    client.force_login(guangzhou_reviewer)
    page = client.get(reverse("accounts:second_factor")).content.decode()
    assert "不能关闭" in page and reverse("accounts:second_factor_disable") not in page
    response = client.post(
        reverse("accounts:second_factor_disable"), {"password": PASSWORD, "code": second_factor.current_code(key)}
    )
    assert response.status_code == 403 and second_factor.is_enrolled(guangzhou_reviewer)
    assert actions("second_factor.disable") == ["refused"]


# --- the API's tokens --------------------------------------------------------------------


def token(client: Any, email: str, **extra: str) -> Any:
    return client.post("/api/v1/tokens", {"email": email, "password": PASSWORD, **extra}, content_type="application/json")


def test_a_token_for_a_person_with_an_authenticator_needs_the_right_otp(client: Any, outsider: Any) -> None:
    key = second_factor.enrol_confirmed(outsider)
    missing = token(client, outsider.email)
    assert missing.status_code == 400 and missing.json()["code"] == "second_factor_required"
    assert missing["Content-Type"].startswith("application/problem+json")
    wrong_one = token(client, outsider.email, otp=wrong(second_factor.current_code(key)))
    assert wrong_one.status_code == 401 and wrong_one.json()["code"] == "second_factor_incorrect"


def test_a_token_is_issued_with_the_right_otp(client: Any, outsider: Any) -> None:
    key = second_factor.enrol_confirmed(outsider)
    response = token(client, outsider.email, otp=second_factor.current_code(key))
    assert response.status_code == 201 and response.json()["token"].startswith("uf_")


def test_a_token_for_a_person_without_an_authenticator_needs_no_otp_unless_their_post_requires_it(
    client: Any, settings: Any, outsider: Any, guangzhou_reviewer: Any
) -> None:
    settings.USEFIRST_SECOND_FACTOR_REQUIRED = True
    assert token(client, outsider.email).status_code == 201
    refused = token(client, guangzhou_reviewer.email)
    assert refused.status_code == 403 and refused.json()["code"] == "second_factor_enrolment_required"


# --- reset by the security administrator --------------------------------------------------


def _security_admin() -> tuple[Any, str]:
    admin = make_user(platform_role=PlatformRole.SECURITY)
    return admin, second_factor.enrol_confirmed(admin)


def test_the_security_administrator_resets_a_lost_phone_with_a_reason_and_the_person_enrols_again(
    client: Any, outsider: Any
) -> None:
    admin, admin_key = _security_admin()
    second_factor.enrol_confirmed(outsider)
    second_factor.recovery_codes_issue(outsider)
    client.force_login(admin)
    page = client.get(reverse("accounts:second_factor_reset"))
    assert page.status_code == 200 and "重置双因素认证" in page.content.decode()
    response = client.post(
        reverse("accounts:second_factor_reset"),
        {
            "email": outsider.email.upper(),
            "reason": "本人手机丢失，已电话回拨单位座机核实",
            "code": second_factor.current_code(admin_key),
        },
    )
    assert response.status_code == 302
    assert not second_factor.is_enrolled(outsider) and second_factor.status(outsider).recovery_codes_left == 0
    entry = AuditEntry.objects.get(action="second_factor.reset")
    assert entry.actor == admin and entry.detail["reason"] == "本人手机丢失，已电话回拨单位座机核实"
    assert sign_in(client, outsider.email).status_code == 302 and signed_in(client)  # the password alone again


def test_a_reset_needs_the_administrators_own_right_code_and_changes_nothing_without_it(client: Any, outsider: Any) -> None:
    admin, admin_key = _security_admin()
    second_factor.enrol_confirmed(outsider)
    client.force_login(admin)
    response = client.post(
        reverse("accounts:second_factor_reset"),
        {"email": outsider.email, "reason": "核实", "code": wrong(second_factor.current_code(admin_key))},
    )
    assert response.status_code == 400 and "验证码或恢复码不正确" in response.content.decode()
    assert second_factor.is_enrolled(outsider)


def test_only_the_security_administrator_may_reset_and_never_their_own(client: Any, outsider: Any, provincial_admin: Any) -> None:
    for someone in (provincial_admin, make_user(platform_role=PlatformRole.SYSTEM)):
        client.force_login(someone)
        assert client.get(reverse("accounts:second_factor_reset")).status_code == 403
    admin, admin_key = _security_admin()
    client.force_login(admin)
    response = client.post(
        reverse("accounts:second_factor_reset"),
        {"email": admin.email, "reason": "自己重置", "code": second_factor.current_code(admin_key)},
    )
    assert response.status_code == 403 and "请由另一位安全管理员办理" in response.content.decode()
    assert second_factor.is_enrolled(admin)
    response = client.post(
        reverse("accounts:second_factor_reset"), {"email": "nobody@example.com", "reason": "x", "code": "123456"}
    )
    assert response.status_code == 404 and "未找到该电子邮箱的账户" in response.content.decode()
