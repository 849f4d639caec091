"""/health/live, /health/ready, /health/ (report) and /metrics: plain answers for machines.

The report and the metrics name internals, so they answer only MONITORING_NETWORKS (404 to anyone
else, as if they did not exist); live and ready say nothing but ok or not and answer everyone."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from usefirst.core.client import client_address

from . import health, metrics


def _monitoring_only(request: HttpRequest) -> None:
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        raise Http404 from None
    networks = [ipaddress.ip_network(n.strip(), strict=False) for n in settings.MONITORING_NETWORKS]
    if not any(address in network for network in networks):
        raise Http404


@never_cache
@require_GET
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    status, checks = health.readiness()
    body = {"status": status, "checks": [{"name": c.name, "status": c.status} for c in checks]}
    return JsonResponse(body, status=503 if status == "fail" else 200)


@never_cache
@require_GET
def report(request: HttpRequest) -> JsonResponse:
    _monitoring_only(request)
    status, checks = health.report()
    return JsonResponse(
        health.as_json(status, checks), status=503 if status == "fail" else 200, json_dumps_params={"ensure_ascii": False}
    )


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    _monitoring_only(request)
    return HttpResponse(metrics.exposition(), content_type=CONTENT_TYPE_LATEST)
