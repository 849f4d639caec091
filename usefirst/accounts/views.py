from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def register(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/register.html")


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/workspace.html")
