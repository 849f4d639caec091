"""One path for refusals on pages (usefirst.core.refusals): an error page with the right status
and the reason, a flash and a redirect for a refused action button, the reason on the form's
field for a form page."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import HttpRequest
from django.test import RequestFactory

from usefirst.core.errors import Conflict, DomainError, Forbidden, IllegalTransition, NotFound
from usefirst.core.refusals import RefusalPageMiddleware, apply_to_form, form_refusal, refusals_return_to

pytestmark = pytest.mark.django_db


def _request(method: str = "get", path: str = "/somewhere/", *, referer: str = "", user=None) -> HttpRequest:
    factory = RequestFactory()
    headers = {"HTTP_REFERER": referer} if referer else {}
    request = getattr(factory, method)(path, **headers)
    request.user = user or AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _handle(request: HttpRequest, error: Exception):
    return RefusalPageMiddleware(lambda r: None).process_exception(request, error)  # type: ignore[arg-type,return-value]


def test_a_forbidden_refusal_is_the_403_page_with_the_reason():
    response = _handle(_request(), Forbidden("只有本机构管理员可以执行此操作", code="not_org_admin"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "无权访问此页面" in html and "只有本机构管理员可以执行此操作" in html


def test_a_not_found_refusal_is_the_404_page_with_the_reason():
    response = _handle(_request(), NotFound("未找到该合同，或您无权查看"))
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html and "未找到该合同，或您无权查看" in html


def test_a_conflict_is_a_409_page_saying_what_was_refused_with_a_way_back_to_the_referring_page():
    request = _request(referer="http://testserver/contracts/7/")
    response = _handle(request, IllegalTransition("合同当前状态为“已签署”，不能撤回"))
    html = response.content.decode()
    assert response.status_code == 409
    assert "操作与当前状态不符" in html and "合同当前状态为“已签署”，不能撤回" in html
    assert 'href="http://testserver/contracts/7/"' in html


def test_the_way_back_from_another_site_is_the_home_page_or_the_workspace(outsider):
    html = _handle(_request(referer="https://elsewhere.example/"), DomainError("不行")).content.decode()
    assert "elsewhere.example" not in html and 'href="/"' in html
    html = _handle(_request(referer="https://elsewhere.example/", user=outsider), DomainError("不行")).content.decode()
    assert 'href="/accounts/workspace/">返回上一页' in html


def test_an_input_refusal_keeps_its_status():
    assert _handle(_request(), DomainError("请求无效")).status_code == 400
    assert _handle(_request(), DomainError("文件有误", status=422)).status_code == 422


def test_a_refused_action_button_goes_back_with_the_reason_as_a_flash():
    request = _request("post")
    refusals_return_to(request, "/contracts/7/")
    response = _handle(request, Conflict("该合同已有待对方答复的终止申请", code="ending_already_open"))
    assert response.status_code == 302 and response["Location"] == "/contracts/7/"
    assert [str(m) for m in get_messages(request)] == ["该合同已有待对方答复的终止申请"]


def test_a_forbidden_action_button_is_the_403_page_not_a_flash():
    request = _request("post")
    refusals_return_to(request, "/contracts/7/")
    response = _handle(request, Forbidden("您不是该合同任何一方的授权签署人", code="not_a_signer"))
    assert response.status_code == 403
    assert list(get_messages(request)) == []


def test_a_403_the_person_can_put_right_on_the_page_goes_back_when_the_view_names_it():
    request = _request("post")
    refusals_return_to(request, "contracts:list", naming="合同 HT-1：", keep=("password_incorrect",))
    response = _handle(request, Forbidden("密码不正确，签署前须重新输入登录密码", code="password_incorrect"))
    assert response.status_code == 302 and response["Location"] == "/contracts/"
    assert [str(m) for m in get_messages(request)] == ["合同 HT-1：密码不正确，签署前须重新输入登录密码"]


def test_a_refused_get_is_the_error_page_even_if_a_way_back_was_named():
    request = _request("get")
    refusals_return_to(request, "/contracts/7/")
    assert _handle(request, Forbidden("不允许")).status_code == 403


def test_errors_under_the_api_are_left_to_its_problem_json_handlers():
    assert _handle(_request(path="/api/v1/contracts/"), Conflict("x")) is None
    assert _handle(_request(), ValueError("not a refusal")) is None


class _Form(forms.Form):
    title = forms.CharField(label="名称")
    field = forms.CharField(label="技术领域")


def test_field_errors_land_on_their_fields_and_unknown_ones_on_the_form():
    form = _Form({"title": "x", "field": "y"})
    assert form.is_valid()
    apply_to_form(
        form,
        DomainError("输入有误", field_errors={"title": ["名称过短"], "field_id": ["领域无效"], "other": ["别的问题"]}),
        aliases={"field_id": "field"},
    )
    assert form.errors["title"] == ["名称过短"]
    assert form.errors["field"] == ["领域无效"]
    assert form.non_field_errors() == ["别的问题"]


def test_a_refusal_without_field_errors_is_a_non_field_error():
    form = _Form({"title": "x", "field": "y"})
    form.is_valid()
    with form_refusal(form) as refused:
        raise Conflict("该名称已被使用")
    assert refused and form.non_field_errors() == ["该名称已被使用"]


def test_a_form_page_keeps_only_refusals_it_can_show():
    form = _Form({"title": "x", "field": "y"})
    form.is_valid()
    with pytest.raises(Forbidden), form_refusal(form):
        raise Forbidden("不允许")
    with pytest.raises(ValueError), form_refusal(form):
        raise ValueError("a bug, not a refusal")
    with form_refusal(form) as refused:
        pass
    assert refused == [] and form.is_valid()
