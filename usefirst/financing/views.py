"""Pages of bank financing (thin views over services, loans and selectors): the banks' products,
the provincial review, the published products, a contract's financing, applications and pledges."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from usefirst.accounts import roles
from usefirst.accounts.context_processors import current_membership
from usefirst.accounts.models import Organisation
from usefirst.catalog.models import IpItem
from usefirst.contracts import selectors as contract_selectors
from usefirst.core import workflow
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.errors import NotFound
from usefirst.core.pagination import paginate
from usefirst.core.permissions import Action, can, get_for_user
from usefirst.core.refusals import button_action, form_refusal
from usefirst.risk.choices import PackPart
from usefirst.risk.product_pages import ProductPages

from . import loans, policies, selectors, services
from .choices import BORROWER, ApplicationStatus, Borrower
from .forms import ApplyForm, PledgeForm, ProductForm
from .models import LoanApplication, LoanProduct
from .workflows import APPLICATION


def _bank(request: AuthenticatedHttpRequest) -> Organisation:
    """The bank the person works for: the one chosen in the header's switcher, else the first."""
    ids = policies.bank_ids(request.user)
    if not ids:
        raise PermissionDenied("只有银行的成员可以管理融资产品")
    membership = current_membership(request)
    chosen = membership.organisation_id if membership is not None and membership.organisation_id in ids else min(ids)
    return Organisation.objects.get(pk=chosen)


def _product(request: HttpRequest, pk: int, action: Action) -> LoanProduct:
    return get_for_user(LoanProduct.objects.select_related("bank"), request.user, action, pk=pk)


# The lifecycle's pages are risk's (risk/product_pages.py), in financing's words.
PAGES = ProductPages(
    lifecycle=services.LIFECYCLE,
    namespace="financing",
    noun="融资产品",
    owner="银行",
    new_version_done="已创建新版本草稿；发布前，已受理的申请仍按原版本办理",
    get_product=_product,
    versions_of=selectors.versions_of,
    history_of=selectors.product_history,
)


def _paged(request: HttpRequest, template: str, items: Any, extra: dict[str, Any] | None = None) -> HttpResponse:
    context = dict(extra or {})
    with form_refusal(apply=lambda exc: messages.error(request, exc.detail), any_status=True) as refused:
        context["page"] = paginate(items, page=request.GET.get("page", 1))
    if refused:
        context["page"] = None
        return render(request, template, context, status=refused[0].status)
    return render(request, template, context)


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    return _paged(request, "financing/catalogue.html", selectors.published_products(request.user))


@login_required
@require_GET
def my_products(request: AuthenticatedHttpRequest) -> HttpResponse:
    bank = _bank(request)
    return _paged(request, "financing/my_products.html", selectors.products_of_bank(request.user, {bank.pk}), {"org": bank})


def _form_page(request: AuthenticatedHttpRequest, bank: Organisation, product: LoanProduct | None) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = ProductForm(request.POST)
        if form.is_valid():
            with form_refusal(form):
                data = dict(form.cleaned_data)
                if product is None:
                    product = services.product_create(actor=request.user, bank=bank, data=data)
                else:
                    product = services.product_update(actor=request.user, product=product, data=data)
                messages.success(request, "融资产品已保存")
                return redirect("financing:product_detail", pk=product.pk)
        status = 400
    else:
        form = ProductForm(initial=ProductForm.initial_from(product) if product else None)
    return render(request, "financing/product_form.html", {"form": form, "product": product, "org": bank}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def product_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _form_page(request, _bank(request), None)


@login_required
@require_http_methods(["GET", "POST"])
def product_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    product = _product(request, pk, Action.CHANGE)
    if not product.is_editable:
        messages.error(request, f"产品当前状态为“{product.get_status_display()}”，不能直接修改；已发布的产品请创建新版本")
        return redirect("financing:product_detail", pk=pk)
    return _form_page(request, product.bank, product)


@require_GET
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    product = _product(request, pk, Action.VIEW)
    context: dict[str, Any] = {
        "product": product,
        "borrower": Borrower(BORROWER[product.kind]).label if product.kind in BORROWER else "",
        **PAGES.detail_context(request, product),
    }
    return render(request, "financing/product_detail.html", context)


@login_required
@require_POST
def product_transition(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    return PAGES.transition(request, pk, action)


def _require_province(request: HttpRequest) -> None:
    if not roles.is_provincial_staff(request.user):
        raise PermissionDenied("只有省科技厅的工作人员可以审核融资产品")


@login_required
@require_GET
def review_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_province(request)
    return _paged(request, "financing/review_queue.html", selectors.products_waiting_review(request.user))


@login_required
@require_POST
def review_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return PAGES.review_decide(request, pk)


# ---------------------------------------------------------------- applications


@login_required
@require_GET
def contract_financing(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A contract's loan applications and the published products that fit it, for its parties."""
    contract = policies.party_contract(request.user, pk)
    own = roles.organisation_ids(request.user)
    sides = {loans.borrower_side(contract, o) for o in policies.contract_parties(contract) if o.pk in own} - {None}
    fitting: list[tuple[LoanProduct, list[str]]] = []
    not_fitting: list[tuple[LoanProduct, list[str]]] = []
    for product in selectors.published_products(request.user):
        side = next((s for s in sides if BORROWER.get(product.kind) == s), None)
        reasons = loans.why_not(product, contract, side or next(iter(sides), None))
        (not_fitting if reasons else fitting).append((product, reasons))
    context = {
        "contract": contract,
        "applications": selectors.visible_applications(request.user).filter(contract=contract),
        "fitting": fitting,
        "not_fitting": not_fitting,
    }
    return render(request, "financing/contract.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def application_apply(request: AuthenticatedHttpRequest, pk: int, product_pk: int) -> HttpResponse:
    contract = policies.party_contract(request.user, pk)
    product = get_for_user(LoanProduct.objects.select_related("bank"), request.user, Action.VIEW, pk=product_pk)
    own = roles.organisation_ids(request.user)
    choices = [(str(o.pk), o.name) for o in policies.contract_parties(contract) if o.pk in own]
    status = 200
    if request.method == "POST":
        form = ApplyForm(request.POST, applicant_choices=choices)
        if form.is_valid():
            with form_refusal(form):
                data = form.cleaned_data
                application = loans.application_create(
                    actor=request.user,
                    contract=contract,
                    product=product,
                    applicant=Organisation.objects.get(pk=int(data["applicant"])),
                    amount=data["amount"],
                    term_months=data["term_months"],
                    parts=data["parts"],
                    purpose=data["purpose"],
                )
                messages.success(request, "融资申请已提交，材料已按您的同意提供给银行")
                return redirect("financing:application_detail", pk=application.pk)
        status = 400
    else:
        form = ApplyForm(
            applicant_choices=choices, initial={"parts": [PackPart.CONTRACT], "term_months": product.term_months_min}
        )
    context = {"form": form, "contract": contract, "product": product}
    return render(request, "financing/apply.html", context, status=status)


@login_required
@require_GET
def application_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _paged(request, "financing/application_list.html", selectors.visible_applications(request.user))


def _application(request: HttpRequest, pk: int) -> LoanApplication:
    return get_for_user(
        LoanApplication.objects.select_related("product", "bank", "applicant", "contract"), request.user, Action.VIEW, pk=pk
    )


@login_required
@require_GET
def application_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    user = request.user
    lender = policies.is_lender(user, application)
    pledge_form = None
    if lender and application.status == ApplicationStatus.APPROVED:
        ids = contract_selectors.achievement_ids_of_contract(application.contract_id)
        items = IpItem.objects.filter(achievement_id__in=ids).order_by("pk")
        pledge_form = PledgeForm(ip_choices=[(str(i.pk), f"{i.get_kind_display()} {i.number} {i.title}".strip()) for i in items])
    context: dict[str, Any] = {
        "application": application,
        "applicant": policies.is_applicant(user, application),
        "lender": lender,
        "actions": [t.name for t in workflow.allowed(APPLICATION, application, user)],
        "parts": [str(dict(PackPart.choices).get(p, p)) for p in application.consent_parts],
        "pledges": selectors.pledges_of_application(user, application),
        "pledge_form": pledge_form,
        "history": selectors.application_history(application),
        "contract_visible": can(user, Action.CHANGE, application.contract),
    }
    return render(request, "financing/application_detail.html", context)


APPLICATION_ACTIONS: dict[str, tuple[Any, str]] = {
    "approve": (
        lambda a, x, d: loans.application_approve(
            actor=a, application=x, amount=d.get("amount"), rate=d.get("rate"), term_months=d.get("term_months")
        ),
        "已批准贷款，申请人已收到通知",
    ),
    "decline": (
        lambda a, x, d: loans.application_decline(actor=a, application=x, reason=d.get("reason")),
        "已不予批准，理由已告知申请人",
    ),
    "request_info": (
        lambda a, x, d: loans.application_request_info(actor=a, application=x, reason=d.get("reason")),
        "已要求申请人补充材料",
    ),
    "resubmit": (lambda a, x, d: loans.application_resubmit(actor=a, application=x, note=d.get("reason")), "已重新提交"),
    "withdraw": (lambda a, x, d: loans.application_withdraw(actor=a, application=x, reason=d.get("reason")), "申请已撤回"),
    "settle": (
        lambda a, x, d: loans.application_settle(actor=a, application=x, reason=d.get("reason")),
        "已登记结清，质押已解除",
    ),
}


@login_required
@require_POST
def application_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    application = _application(request, pk)
    back = reverse("financing:application_detail", args=[pk])
    if action == "pledge":
        return button_action(request, "质押已登记", lambda: _register_pledge(request, application), back)
    if action not in APPLICATION_ACTIONS:
        raise Http404("未知的操作")
    service, done = APPLICATION_ACTIONS[action]
    return button_action(request, done, lambda: service(request.user, application, request.POST), back)


def _register_pledge(request: AuthenticatedHttpRequest, application: LoanApplication) -> Any:
    data = request.POST
    try:
        item = IpItem.objects.get(pk=int(data.get("ip_item") or 0))
    except (ValueError, IpItem.DoesNotExist):
        raise NotFound("未找到该知识产权", code="not_found") from None
    return loans.pledge_register(
        actor=request.user,
        application=application,
        ip_item=item,
        registration_number=data.get("registration_number"),
        registered_on=data.get("registered_on"),
    )
