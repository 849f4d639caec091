from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import platform_figures


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"figures": platform_figures()})
