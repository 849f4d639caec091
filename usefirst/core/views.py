from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import platform_figures


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"figures": platform_figures()})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form submission (the page had expired, or cookies are off) explained in Chinese
    on the site's 403 page, instead of Django's English one."""
    message = "页面已过期或浏览器禁用了 Cookie，提交未被处理。请刷新页面后重新提交；如仍不行，请允许本站使用 Cookie。"
    return render(request, "403.html", {"exception": message}, status=403)
