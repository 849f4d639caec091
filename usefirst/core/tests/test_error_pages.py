"""Errors answer in Chinese, in the site's layout, with a way back."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_a_missing_page_says_so_in_chinese_with_a_way_back(client):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html and "返回首页" in html
    assert "Not Found" not in html


@pytest.mark.django_db
def test_a_refused_page_says_why(client, outsider):
    client.force_login(outsider)
    response = client.get("/review/achievements/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "无权访问此页面" in html and "返回工作台" in html
    assert "403 Forbidden" not in html


@pytest.mark.django_db
def test_an_expired_form_is_refused_in_chinese(outsider):
    client = Client(enforce_csrf_checks=True)
    client.force_login(outsider)
    response = client.post("/accounts/switch/", {"organisation": "1"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "页面已过期" in html and "CSRF" not in html


def test_the_server_error_page_needs_no_request_context():
    from django.template.loader import get_template

    html = get_template("500.html").render()
    assert "系统暂时出错" in html and "返回首页" in html


@pytest.mark.django_db
def test_a_request_for_a_host_the_site_does_not_serve_gets_the_400_page_not_a_server_error(settings):
    # Refused before the authentication middleware: the page is drawn without a user.
    settings.ALLOWED_HOSTS = ["usefirst.example.gov.cn"]
    response = Client().get("/", HTTP_HOST="elsewhere.example")
    html = response.content.decode()
    assert response.status_code == 400
    assert "请求无效" in html and "返回首页" in html
