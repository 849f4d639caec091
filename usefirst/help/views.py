"""The help, policy and footer pages: public, read-only, rendered from templates."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from usefirst.accounts import workspace
from usefirst.accounts.context_processors import current_membership

from . import navigation, selectors
from .context_processors import contact_details

# The roles the FAQ answers, in the order a visitor looks for them: (anchor, heading).
FAQ_ROLES: list[tuple[str, str]] = [
    ("unit", "成果单位"),
    ("inventor", "成果完成人与单位工作人员"),
    ("enterprise", "企业"),
    ("agency", "技术转移转化服务机构"),
    ("insurer", "保险机构与担保机构"),
    ("reviewer", "地市与行业主管部门审核人员"),
    ("province", "省科技厅"),
]


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "help/index.html")


@require_safe
def policy(request: HttpRequest) -> HttpResponse:
    return render(request, "help/policy.html", {"figures": selectors.policy_figures()})


@require_safe
def guide(request: HttpRequest) -> HttpResponse:
    return render(request, "help/guide.html", {"figures": selectors.policy_figures(), "modes": selectors.use_first_modes()})


@require_safe
def trl(request: HttpRequest) -> HttpResponse:
    return render(request, "help/trl.html", {"levels": selectors.trl_levels()})


@require_safe
def faq(request: HttpRequest) -> HttpResponse:
    return render(request, "help/faq.html", {"figures": selectors.policy_figures(), "roles": FAQ_ROLES})


@require_safe
def contact(request: HttpRequest) -> HttpResponse:
    return render(request, "help/contact.html", {"contact": contact_details()})


@require_safe
def sitemap(request: HttpRequest) -> HttpResponse:
    signed_in = None
    if request.user.is_authenticated:
        menu = workspace.menu(request.user, current_membership(request))
        signed_in = [
            navigation.SiteGroup("我的工作台", [navigation.SiteLink("工作台", reverse("accounts:workspace"), "待办事项")]),
            *(
                navigation.SiteGroup(f"我的工作台 · {m.title}", [navigation.SiteLink(x.label, x.url, x.hint) for x in m.links])
                for m in menu
            ),
        ]
    return render(request, "help/sitemap.html", {"groups": navigation.sitemap(signed_in)})


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "help/accessibility.html", {"contact": contact_details()})
