"""Pages of risk sharing: the insurers' and guarantors' products, the provincial review, the list
of published products and a contract's quotes (thin views over services and selectors)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from usefirst.accounts import roles
from usefirst.accounts.context_processors import current_membership
from usefirst.accounts.models import Organisation, OrganisationKind
from usefirst.core import workflow
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.dates import today
from usefirst.core.pagination import paginate
from usefirst.core.permissions import Action, get_for_user
from usefirst.core.refusals import button_action, form_refusal

from . import claims as claim_rules
from . import cover, policies, selectors, services
from .choices import BreachKind, CoveredRisk, PackPart, PolicyStatus
from .forms import ApplyForm, ClaimForm, ProductForm, QuoteForm
from .models import Breach, Claim, Policy, Product
from .pack import pack_pdf
from .product_pages import ProductPages
from .quoting import describe, describe_deal, describe_rule
from .workflows import CLAIM, POLICY


def _provider(request: AuthenticatedHttpRequest) -> Organisation:
    """The insurer or guarantor the person is working as: the organisation chosen in the header's
    switcher when it is one, else the first they serve."""
    ids = policies.provider_ids(request.user)
    if not ids:
        raise PermissionDenied("只有保险机构和担保机构的成员可以管理产品")
    membership = current_membership(request)
    chosen = membership.organisation_id if membership is not None and membership.organisation_id in ids else min(ids)
    return Organisation.objects.get(pk=chosen)


def _product(request: HttpRequest, pk: int, action: Action) -> Product:
    return get_for_user(Product.objects.select_related("provider"), request.user, action, pk=pk)


# The lifecycle's pages (risk/product_pages.py), shared with financing's loan products.
PAGES = ProductPages(
    lifecycle=services.LIFECYCLE,
    namespace="risk",
    noun="产品",
    owner="提交机构",
    new_version_done="已创建新版本草稿；发布前，已出具的保单仍按原版本执行",
    get_product=_product,
    versions_of=selectors.versions_of,
    history_of=selectors.product_history,
)


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """The published products, for everyone."""
    with form_refusal(apply=lambda exc: messages.error(request, exc.detail), any_status=True) as refused:
        page = paginate(selectors.published_products(request.user), page=request.GET.get("page", 1))
    if refused:
        return render(request, "risk/catalogue.html", {"page": None}, status=refused[0].status)
    return render(request, "risk/catalogue.html", {"page": page})


@require_GET
def subsidy_rules(request: HttpRequest) -> HttpResponse:
    """The premium subsidies in force, as the quotes apply them."""
    rules = [(rule, describe_rule(rule)) for rule in selectors.subsidy_rules(request.user)]
    return render(request, "risk/subsidy_rules.html", {"rules": rules})


@login_required
@require_GET
def my_products(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = _provider(request)
    items = selectors.products_of_provider(request.user, {org.pk})
    with form_refusal(apply=lambda exc: messages.error(request, exc.detail), any_status=True) as refused:
        page = paginate(items, page=request.GET.get("page", 1))
    if refused:
        return render(request, "risk/my_products.html", {"page": None, "org": org}, status=refused[0].status)
    return render(request, "risk/my_products.html", {"page": page, "org": org})


def _form_page(request: AuthenticatedHttpRequest, org: Organisation, product: Product | None) -> HttpResponse:
    guarantor = org.kind == OrganisationKind.GUARANTOR
    status = 200
    if request.method == "POST":
        form = ProductForm(request.POST, guarantor=guarantor)
        if form.is_valid():
            with form_refusal(form):
                if product is None:
                    product = services.product_create(actor=request.user, provider=org, data=form.to_data())
                else:
                    product = services.product_update(actor=request.user, product=product, data=form.to_data())
                messages.success(request, "产品已保存")
                return redirect("risk:product_detail", pk=product.pk)
        status = 400
    else:
        form = ProductForm(initial=ProductForm.initial_from(product) if product else None, guarantor=guarantor)
    return render(request, "risk/product_form.html", {"form": form, "product": product, "org": org}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def product_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _form_page(request, _provider(request), None)


@login_required
@require_http_methods(["GET", "POST"])
def product_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    product = _product(request, pk, Action.CHANGE)
    if not product.is_editable:
        messages.error(request, f"产品当前状态为“{product.get_status_display()}”，不能直接修改；已发布的产品请创建新版本")
        return redirect("risk:product_detail", pk=pk)
    return _form_page(request, product.provider, product)


def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    product = _product(request, pk, Action.VIEW)
    context: dict[str, Any] = {
        "product": product,
        **describe(product),
        **PAGES.detail_context(request, product),
    }
    return render(request, "risk/product_detail.html", context)


@login_required
@require_POST
def product_transition(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    return PAGES.transition(request, pk, action)


def _require_province(request: HttpRequest) -> None:
    if not roles.is_provincial_staff(request.user):
        raise PermissionDenied("只有省科技厅的工作人员可以审核保险与担保产品")


@login_required
@require_GET
def review_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_province(request)
    with form_refusal(apply=lambda exc: messages.error(request, exc.detail), any_status=True) as refused:
        page = paginate(selectors.products_waiting_review(request.user), page=request.GET.get("page", 1))
    if refused:
        return render(request, "risk/review_queue.html", {"page": None}, status=refused[0].status)
    return render(request, "risk/review_queue.html", {"page": page})


@login_required
@require_POST
def review_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return PAGES.review_decide(request, pk)


@login_required
@require_GET
def contract_quotes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract = policies.quotable_contract(request.user, pk)
    form = QuoteForm(request.GET or None)
    sheet = None
    status = 200
    with form_refusal(form) as refused:
        other = selectors.parse_other_subsidies(request.GET.get("other_subsidies"))
        sheet = selectors.quote_sheet(request.user, contract, other_subsidies=other)
    context: dict[str, Any] = {"contract": contract, "form": form, "sheet": sheet}
    if refused:
        status = 400
        context["form_errors"] = [{"text": exc.detail, "href": "#id_other_subsidies"} for exc in refused]
    if sheet is not None:
        context |= describe_deal(sheet.deal)
    return render(request, "risk/contract_quotes.html", context, status=status)


# ---------------------------------------------------------------- policies and claims


def _policy(request: HttpRequest, pk: int, action: Action = Action.VIEW) -> Policy:
    return get_for_user(Policy.objects.select_related("product", "provider", "insured", "contract"), request.user, action, pk=pk)


def _claim(request: HttpRequest, pk: int) -> Claim:
    return get_for_user(
        Claim.objects.select_related("policy__product", "policy__provider", "policy__insured", "policy__contract"),
        request.user,
        Action.VIEW,
        pk=pk,
    )


@login_required
@require_GET
def contract_cover(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A contract's policies, guarantees and claims, and who paid which item on the licensee's
    behalf; for its parties (and the provincial department)."""
    contract = policies.quotable_contract(request.user, pk)
    own = roles.organisation_ids(request.user)
    context: dict[str, Any] = {
        "contract": contract,
        "policies": selectors.visible_policies(request.user).filter(contract=contract),
        "claims": selectors.visible_claims(request.user).filter(policy__contract=contract),
        "payments": selectors.cover_payments_of(contract),
        "may_apply": any(o.pk in own for o in policies.contract_parties(contract)),
        "products": selectors.published_products(request.user)
        if any(o.pk in own for o in policies.contract_parties(contract))
        else [],
        "breaches": Breach.objects.filter(contract=contract).select_related("recorded_for", "against"),
        "breach_kinds": BreachKind.choices,
    }
    return render(request, "risk/contract_cover.html", context)


@login_required
@require_POST
def breach_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A party records a breach by the other party (违约记录) with its evidence file; the platform
    offers claims under the recorder's policies whose product names breach as a trigger."""
    contract = policies.quotable_contract(request.user, pk)
    back = reverse("risk:contract_cover", args=[pk])
    offered: list[int] = []

    def record() -> None:
        _, count = cover.breach_record(
            actor=request.user,
            contract=contract,
            kind=request.POST.get("kind", ""),
            occurred_on=request.POST.get("occurred_on"),
            description=request.POST.get("description"),
            evidence=request.FILES.get("evidence"),
        )
        offered.append(count)

    response = button_action(request, "违约记录已登记", record, back)
    if offered and offered[0]:
        messages.info(request, f"按产品约定，平台已为您自动发起理赔 {offered[0]} 件，请在理赔案件中补充材料")
    return response


def _may_see_breach(user: Any, breach: Breach) -> bool:
    return policies.may_quote(user, breach.contract) or any(
        policies.is_underwriter(user, p) for p in breach.contract.risk_policies.select_related("provider")
    )


@login_required
@require_GET
def breach_evidence(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The evidence file of a breach record: for the contract's parties, the provincial department
    and the contract's insurers and guarantors."""
    breach = get_object_or_404(Breach.objects.select_related("contract"), pk=pk)
    if not _may_see_breach(request.user, breach):
        raise Http404("违约记录不存在")
    name = breach.evidence_name or f"违约证据-{breach.pk}{Path(breach.evidence.name or '').suffix}"
    return FileResponse(breach.evidence.open("rb"), filename=name)


@login_required
@require_http_methods(["GET", "POST"])
def policy_apply(request: AuthenticatedHttpRequest, pk: int, product_pk: int) -> HttpResponse:
    contract = policies.quotable_contract(request.user, pk)
    product = get_for_user(Product.objects.select_related("provider"), request.user, Action.VIEW, pk=product_pk)
    own = roles.organisation_ids(request.user)
    choices = [(str(o.pk), o.name) for o in policies.contract_parties(contract) if o.pk in own]
    if not choices:
        raise PermissionDenied("只有合同当事方可以投保")
    status = 200
    if request.method == "POST":
        form = ApplyForm(request.POST, insured_choices=choices)
        if form.is_valid():
            with form_refusal(form):
                data = form.cleaned_data
                policy = cover.policy_apply(
                    actor=request.user,
                    contract=contract,
                    product=product,
                    insured=Organisation.objects.get(pk=int(data["insured"])),
                    parts=data["parts"],
                    period_start=data["period_start"],
                    note=data["note"],
                )
                messages.success(request, "投保申请已提交，核保材料已按您的同意提供给保险（担保）机构")
                return redirect("risk:policy_detail", pk=policy.pk)
        status = 400
    else:
        form = ApplyForm(insured_choices=choices, initial={"parts": [PackPart.CONTRACT], "period_start": today()})
    return render(request, "risk/policy_apply.html", {"form": form, "contract": contract, "product": product}, status=status)


@login_required
@require_GET
def policy_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The policies this person sees: an insurer's or guarantor's book, an insured's own."""
    with form_refusal(apply=lambda exc: messages.error(request, exc.detail), any_status=True) as refused:
        page = paginate(selectors.visible_policies(request.user), page=request.GET.get("page", 1))
    claims = selectors.visible_claims(request.user)[:50]
    if refused:
        return render(request, "risk/policy_list.html", {"page": None, "claims": claims}, status=refused[0].status)
    return render(request, "risk/policy_list.html", {"page": page, "claims": claims})


@login_required
@require_GET
def policy_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    policy = _policy(request, pk)
    user = request.user
    insured = policies.is_insured(user, policy)
    underwriter = policies.is_underwriter(user, policy)
    claim_form = None
    if insured and policy.status == PolicyStatus.IN_FORCE:
        labels = dict(CoveredRisk.choices)
        claim_form = ClaimForm(risks=[(r, str(labels.get(r, r))) for r in policy.covered_risks])
    context: dict[str, Any] = {
        "policy": policy,
        "insured": insured,
        "underwriter": underwriter,
        "actions": [t.name for t in workflow.allowed(POLICY, policy, user)],
        "paid": cover.premium_paid(policy),
        "payments": policy.premium_payments.all(),
        "claims": policy.claims.all(),
        "risks": [str(dict(CoveredRisk.choices).get(r, r)) for r in policy.covered_risks],
        "parts": [str(dict(PackPart.choices).get(p, p)) for p in policy.consent_parts],
        "claim_form": claim_form,
        "history": selectors.policy_history(policy),
        "contract_visible": policies.may_quote(user, policy.contract),  # the insurer sees the policy, not the contract
    }
    return render(request, "risk/policy_detail.html", context)


@login_required
@require_GET
def policy_pack(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The underwriting pack as PDF: for the insured and the insurer only."""
    policy = _policy(request, pk)
    if not (policies.is_insured(request.user, policy) or policies.is_underwriter(request.user, policy)):
        raise PermissionDenied("核保材料只提供给投保人和保险（担保）机构")
    response = HttpResponse(pack_pdf(policy), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="pack-{policy.pk}.pdf"'
    return response


POLICY_ACTIONS: dict[str, tuple[Any, str]] = {
    "issue": (
        lambda a, p, d: cover.policy_issue(
            actor=a, policy=p, number=d.get("number"), premium=d.get("premium"), cover=d.get("cover")
        ),
        "已出单",
    ),
    "decline": (lambda a, p, d: cover.policy_decline(actor=a, policy=p, reason=d.get("reason")), "已拒保，理由已告知投保人"),
    "request_info": (
        lambda a, p, d: cover.policy_request_info(actor=a, policy=p, reason=d.get("reason")),
        "已要求投保人补充材料",
    ),
    "resubmit": (lambda a, p, d: cover.policy_resubmit(actor=a, policy=p, note=d.get("reason")), "已重新提交核保"),
    "cancel": (lambda a, p, d: cover.policy_cancel(actor=a, policy=p, reason=d.get("reason")), "已退保"),
    "premium": (
        lambda a, p, d: cover.premium_record(
            actor=a, policy=p, paid_on=d.get("paid_on"), amount=d.get("amount"), voucher_number=d.get("voucher_number")
        ),
        "保费缴纳已登记",
    ),
    "claim": (
        lambda a, p, d: cover.claim_open(
            actor=a,
            policy=p,
            risk=d.get("risk"),
            occurred_on=d.get("occurred_on"),
            amount_claimed=d.get("amount_claimed"),
            description=d.get("description"),
        ),
        "已报案，请按产品要求提供理赔材料",
    ),
}


@login_required
@require_POST
def policy_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in POLICY_ACTIONS:
        raise Http404("未知的操作")
    policy = _policy(request, pk)
    service, done = POLICY_ACTIONS[action]
    back = reverse("risk:policy_detail", args=[pk])
    return button_action(request, done, lambda: service(request.user, policy, request.POST), back)


@login_required
@require_GET
def claim_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk)
    user = request.user
    steps = claim_rules.payout_steps(claim, claim.assessed_loss) if claim.assessed_loss is not None else []
    context: dict[str, Any] = {
        "claim": claim,
        "policy": claim.policy,
        "insured": policies.is_insured(user, claim.policy),
        "underwriter": policies.is_underwriter(user, claim.policy),
        "actions": [t.name for t in workflow.allowed(CLAIM, claim, user)],
        "required": claim_rules.required_documents(claim.policy.product),
        "missing": claim_rules.missing_documents(claim),
        "documents": claim.documents.all(),
        "steps": steps,
        "payments": claim.cover_payments.select_related("line", "payer", "recourse_against"),
        "history": selectors.claim_history(claim),
    }
    return render(request, "risk/claim_detail.html", context)


@login_required
@require_GET
def claim_document_file(request: AuthenticatedHttpRequest, pk: int, doc: int) -> FileResponse:
    """A claim document's file, for whoever may see the claim (private storage)."""
    claim = _claim(request, pk)
    document = get_object_or_404(claim.documents.exclude(file=""), pk=doc)
    name = document.filename or f"{document.name}{Path(document.file.name or '').suffix}"
    return FileResponse(document.file.open("rb"), filename=name)


CLAIM_ACTIONS: dict[str, tuple[Any, str]] = {
    "complete_documents": (lambda a, c, d: cover.claim_complete_documents(actor=a, claim=c), "已确认材料齐全，等待核定"),
    "assess": (lambda a, c, d: cover.claim_assess(actor=a, claim=c, assessed_loss=d.get("assessed_loss")), "损失已核定"),
    "pay": (lambda a, c, d: cover.claim_pay(actor=a, claim=c, paid_on=d.get("paid_on")), "赔付已登记"),
    "decline": (lambda a, c, d: cover.claim_decline(actor=a, claim=c, reason=d.get("reason")), "已拒赔，理由已告知被保险人"),
    "subrogate": (
        lambda a, c, d: cover.claim_subrogate(actor=a, claim=c, amount=d.get("amount"), note=d.get("reason")),
        "追偿已登记",
    ),
}


@login_required
@require_POST
def claim_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in CLAIM_ACTIONS and action != "document":
        raise Http404("未知的操作")
    claim = _claim(request, pk)
    back = reverse("risk:claim_detail", args=[pk])
    if action == "document":
        return button_action(
            request,
            "理赔材料已上传",
            lambda: cover.claim_add_document(
                actor=request.user,
                claim=claim,
                name=request.POST.get("name"),
                file=request.FILES.get("file"),
                note=request.POST.get("content", ""),
            ),
            back,
        )
    service, done = CLAIM_ACTIONS[action]
    return button_action(request, done, lambda: service(request.user, claim, request.POST), back)
