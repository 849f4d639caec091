"""Self-service registration of an organisation, e-mail verification and its first review routing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from usefirst.accounts.models import Membership, Organisation, OrganisationEvent, OrganisationKind, OrganisationStatus, User
from usefirst.accounts.services.organisations import organisation_register, organisation_verify_email
from usefirst.core.errors import DomainError
from usefirst.core.identifiers import credit_code_check_char
from usefirst.core.testing import make_credit_code
from usefirst.notifications.models import Notification

from .conftest import EXE_BYTES, PNG_BYTES, registration_data, service_kwargs

pytestmark = pytest.mark.django_db


def _verification_link() -> str:
    match = re.search(r"/accounts/verify/[^/\s]+/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0)


def _nothing_saved() -> None:
    assert not Organisation.objects.filter(name="广州示例科技有限公司").exists()
    assert not User.objects.filter(email="admin@shili.example.com").exists()


def test_the_registration_page_labels_every_input(client):
    response = client.get(reverse("accounts:register"))
    html = response.content.decode()
    assert response.status_code == 200
    for field_id in re.findall(r'<input[^>]+id="(id_[a-z_0-9]+)"', html) + re.findall(r'<select[^>]+id="(id_[a-z_0-9]+)"', html):
        assert f'for="{field_id}"' in html, field_id
    assert "省科学技术厅" not in re.search(r'<select name="kind".*?</select>', html, re.S).group(0)


def test_an_enterprise_registers_verifies_its_email_and_lands_in_its_city_departments_queue(
    client, guangzhou_department, guangzhou_reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:register"), registration_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    organisation = Organisation.objects.get(name="广州示例科技有限公司")
    admin = User.objects.get(email="admin@shili.example.com")
    assert organisation.status == OrganisationStatus.DRAFT
    assert not admin.is_active, "an unverified administrator cannot log in yet"
    assert Membership.objects.get(user=admin, organisation=organisation).is_admin
    assert organisation.licence.name.endswith(".pdf") and "licence" not in organisation.licence.name.rsplit("/", 1)[-1]
    assert len(mail.outbox) == 1 and "验证" in mail.outbox[0].subject

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(_verification_link())
    assert response.status_code == 200
    assert "已提交，由广州市科学技术局审核" in response.content.decode()
    organisation.refresh_from_db()
    admin.refresh_from_db()
    assert organisation.status == OrganisationStatus.SUBMITTED
    assert organisation.reviewing_department == guangzhou_department
    assert admin.is_active and admin.email_verified_at is not None
    assert list(OrganisationEvent.objects.filter(subject=organisation).values_list("from_status", "to_status")) == [
        ("", "draft"),
        ("draft", "submitted"),
    ]
    assert Notification.objects.filter(recipient=guangzhou_reviewer, kind="organisation.submitted").exists()
    assert any(guangzhou_reviewer.email in m.to for m in mail.outbox), "the reviewers are e-mailed after commit"


def test_opening_the_verification_link_twice_changes_nothing_the_second_time(
    client, province, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:register"), registration_data())
    link = _verification_link()
    client.get(link)
    assert client.get(link).status_code == 200
    assert OrganisationEvent.objects.filter(to_status=OrganisationStatus.SUBMITTED).count() == 1


def test_an_expired_verification_link_is_refused_and_can_be_sent_again(client, province, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:register"), registration_data())
    link = _verification_link()
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        response = client.get(link)
    assert response.status_code == 400
    assert "已过期" in response.content.decode()
    client.post(reverse("accounts:resend_verification"), {"email": "admin@shili.example.com"})
    assert len(mail.outbox) == 2


def test_a_tampered_verification_link_is_refused():
    with pytest.raises(DomainError) as info:
        organisation_verify_email(token="1:2:forged")
    assert info.value.code == "verification_invalid"


@pytest.mark.parametrize(
    ("credit_code", "message"),
    [
        ("12345", "应为18位"),
        ("91440101MA5ABCDEOI", "应为18位"),  # I and O are not in the alphabet
    ],
)
def test_a_malformed_credit_code_is_refused_in_chinese_and_nothing_is_saved(client, province, credit_code, message):
    response = client.post(reverse("accounts:register"), registration_data(credit_code=credit_code))
    assert response.status_code == 400
    assert message in response.content.decode()
    _nothing_saved()
    assert mail.outbox == []


def test_a_credit_code_with_a_wrong_check_character_is_refused(client, province):
    good = make_credit_code()
    wrong = good[:17] + next(c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY" if c != credit_code_check_char(good[:17]))
    response = client.post(reverse("accounts:register"), registration_data(credit_code=wrong))
    assert response.status_code == 400
    assert "校验位不正确" in response.content.decode()
    _nothing_saved()


def test_a_credit_code_already_registered_is_refused_with_a_clear_message(client, unit):
    response = client.post(reverse("accounts:register"), registration_data(credit_code=unit.credit_code.lower()))
    assert response.status_code == 400
    assert "该统一社会信用代码已注册" in response.content.decode()
    _nothing_saved()


def test_a_county_outside_the_chosen_city_is_refused(client, province):
    response = client.post(reverse("accounts:register"), registration_data(city="韶关市", county="天河区"))
    assert response.status_code == 400
    assert "不属于韶关市" in response.content.decode()
    _nothing_saved()


def test_only_out_of_province_institutes_may_be_outside_guangdong(province):
    with pytest.raises(DomainError) as info:
        organisation_register(**service_kwargs(city="省外", county="北京市海淀区"))
    assert "city" in info.value.field_errors
    organisation = organisation_register(
        **service_kwargs(kind=OrganisationKind.OUT_OF_PROVINCE_INSTITUTE, city="省外", county="北京市海淀区", enterprise_size="")
    )
    assert organisation.region == "outside"


def test_an_executable_renamed_pdf_is_refused_as_a_licence(client, province):
    fake = SimpleUploadedFile("licence.pdf", EXE_BYTES, content_type="application/pdf")
    response = client.post(reverse("accounts:register"), registration_data(licence=fake))
    assert response.status_code == 400
    assert "仅接受 PDF、PNG 或 JPEG" in response.content.decode()
    _nothing_saved()


def test_an_oversized_licence_is_refused(client, province, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("licence.png", PNG_BYTES + b"\x00" * (1024 * 1024), content_type="image/png")
    response = client.post(reverse("accounts:register"), registration_data(licence=big))
    assert response.status_code == 400
    assert "文件过大" in response.content.decode()
    _nothing_saved()


def test_a_png_licence_is_accepted_by_its_content(province):
    png = SimpleUploadedFile("scan.bin", PNG_BYTES, content_type="application/octet-stream")
    organisation = organisation_register(**service_kwargs(licence=png))
    assert organisation.licence.name.endswith(".png")


def test_a_weak_password_is_refused_with_djangos_chinese_messages(client, province):
    response = client.post(reverse("accounts:register"), registration_data(admin_password="12345678", admin_password2="12345678"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "此密码太短，至少要包含 10 个字符。" in html and "密码只包含数字。" in html
    _nothing_saved()


def test_an_email_already_registered_is_refused(client, owner):
    response = client.post(reverse("accounts:register"), registration_data(admin_email=owner.email))
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count("该邮箱已注册") == 1 and "已存在" not in html
    assert not Organisation.objects.filter(name="广州示例科技有限公司").exists()


def test_the_provincial_department_cannot_be_registered_by_self_service(province):
    with pytest.raises(DomainError) as info:
        organisation_register(**service_kwargs(kind=OrganisationKind.PROVINCIAL_DEPARTMENT))
    assert info.value.code == "kind_not_registrable"


def test_an_enterprise_must_give_its_size(client, province):
    response = client.post(reverse("accounts:register"), registration_data(enterprise_size=""))
    assert response.status_code == 400
    assert "企业须填写企业规模" in response.content.decode()


def test_control_characters_in_the_name_are_refused(province):
    with pytest.raises(DomainError) as info:
        organisation_register(**service_kwargs(name="示例\x07公司"))
    assert "控制字符" in str(info.value.field_errors)


def test_html_in_the_name_is_stored_as_typed_and_shown_escaped(
    client, province, provincial_reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        organisation = organisation_register(
            **service_kwargs(name="<script>alert(1)</script>研究院", kind=OrganisationKind.OTHER_UNIT, enterprise_size="")
        )
    organisation_verify_email(token=_verification_link().split("/")[-2])
    assert Organisation.objects.get(pk=organisation.pk).name == "<script>alert(1)</script>研究院"
    client.force_login(provincial_reviewer)
    html = client.get(reverse("accounts_review:queue")).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;研究院" in html and "<script>alert(1)" not in html


def test_a_superior_department_is_a_department_on_the_platform_or_a_named_outside_body(province, unit, education_department):
    with pytest.raises(DomainError) as info:
        organisation_register(**service_kwargs(superior_department=unit))
    assert "superior_department" in info.value.field_errors
    with pytest.raises(DomainError) as info:
        organisation_register(**service_kwargs(superior_department=education_department, superior_department_name="教育部"))
    assert "superior_department_name" in info.value.field_errors
    on_platform = organisation_register(**service_kwargs(superior_department=education_department))
    assert on_platform.superior_department == education_department
    outside = organisation_register(
        **service_kwargs(credit_code=make_credit_code(), admin_email="other@example.com", superior_department_name="教育部")
    )
    assert outside.superior_department is None and outside.superior_department_name == "教育部"
