from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from usefirst.core.permissions import Action, restrict

from .models import Achievement, Demand


def achievement_list(request: HttpRequest) -> HttpResponse:
    items = restrict(Achievement.objects.all(), request.user, Action.VIEW)[:20]
    return render(request, "catalog/achievement_list.html", {"items": items})


def demand_list(request: HttpRequest) -> HttpResponse:
    items = restrict(Demand.objects.all(), request.user, Action.VIEW)[:20]
    return render(request, "catalog/demand_list.html", {"items": items})
