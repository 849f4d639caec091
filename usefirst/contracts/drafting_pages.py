"""Drafting a contract in four steps: (1) the kind and the achievement, (2) the terms that kind
states, (3) the parties and the achievement's inventors, (4) a review, then 保存草稿.

What was entered is kept in the session under a token in the address (two drafts in two tabs do
not mix), saved on every step whether it validates or not and whether the person moves on or
back, so no input is lost. Nothing is written to the contract tables before 保存草稿, and then
only through `services.contract_draft`, the one write path of drafting: its field errors are
shown on the step that owns the field. Every earlier step is checked again before the review and
the save, so a choice that was valid when made (an achievement since withdrawn) is refused then.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from usefirst.accounts import roles
from usefirst.accounts.models import Organisation
from usefirst.catalog.choices import Mode
from usefirst.catalog.models import Achievement
from usefirst.core.actors import Actor, AuthenticatedHttpRequest
from usefirst.core.errors import DomainError
from usefirst.core.money import format_cny
from usefirst.core.refusals import form_refusal

from . import selectors, services
from .forms import KIND_EXPLANATIONS, MODE_EXPLANATIONS, KindStep, PartiesStep, TermsStep
from .models import Contract, ContractKind, ContractStatus

SESSION_KEY = "contract_drafting"
KEEP_DRAFTS = 5  # drafts in progress kept per session; the oldest is dropped
STEPS = ("kind", "terms", "parties", "review")
STEP_TITLES = {"kind": "合同类型与成果", "terms": "合同条款", "parties": "当事方与成果完成人", "review": "核对并保存"}
TEMPLATES = {step: f"contracts/draft_{step}.html" for step in STEPS}

TERMS_FIELDS = (
    "scope", "field_of_use", "territory", "exclusivity", "free_use_start", "free_use_end", "free_use_term",
    "term_end", "development_kind", "price", "payment_terms", "extra_terms", "open_licence",
)  # fmt: skip
# Where each field the service names is entered: (step, form field).
SERVICE_FIELDS: dict[str, tuple[str, str]] = {
    "kind": ("kind", "kind"),
    "mode": ("kind", "mode"),
    "achievements": ("kind", "achievement"),
    **{name: ("terms", name) for name in TERMS_FIELDS},
    "licensor_id": ("parties", "licensor"),
    "licensee_id": ("parties", "licensee_credit_code"),
    "agency_id": ("parties", "agency_credit_code"),
    "licensor_person_id": ("parties", "licensor_person"),
    "preliminary_agreement": ("parties", "preliminary_agreement"),
    "inventor_person_ids": ("parties", "inventors"),
    "inventor_grant": ("parties", "inventor_grant"),
    "engagement_reason": ("parties", "engagement_reason"),
}


# ---------------------------------------------------------------- the state kept between steps


def _drafts(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    drafts: dict[str, Any] = request.session.setdefault(SESSION_KEY, {})
    return drafts


def _state(request: AuthenticatedHttpRequest, token: str) -> dict[str, Any] | None:
    state: dict[str, Any] | None = _drafts(request).get(token)
    return state


def _save(request: AuthenticatedHttpRequest, token: str, state: dict[str, Any]) -> None:
    drafts = _drafts(request)
    drafts[token] = state
    for old in list(drafts)[:-KEEP_DRAFTS]:
        del drafts[old]
    request.session.modified = True


def _entered(form: forms.Form, post: Any) -> dict[str, list[str]]:
    return {name: post.getlist(name) for name in form.fields}


def _initial(stored: dict[str, list[str]]) -> dict[str, Any]:
    return {name: values if len(values) != 1 else values[0] for name, values in stored.items()}


# ---------------------------------------------------------------- what the steps are built from


@dataclass
class Setting:
    """What the steps offer this user, from the session state."""

    engagement: Any
    organisations: list[int]
    agreements: QuerySet[Contract]
    offered: QuerySet[Achievement]
    own_ids: set[int]
    engagement_contracts: list[Contract]
    user: Actor

    @property
    def another_contract(self) -> bool:
        return any(c.status != ContractStatus.CANCELLED for c in self.engagement_contracts)


def _setting(request: AuthenticatedHttpRequest, state: dict[str, Any]) -> Setting:
    user = request.user
    organisations = set(roles.organisation_ids(user))
    engagement = selectors.agreed_engagement(user, state["engagement"]) if state.get("engagement") else None
    if engagement is not None:
        organisations.add(engagement.unit_id)
    agreements = selectors.preliminary_agreements_for(user)
    own_ids = organisations | {a.licensor_id for a in agreements if a.licensor_id}
    offered = selectors.draftable_achievements(user, organisations=organisations, agreements=agreements)
    return Setting(
        engagement=engagement,
        organisations=sorted(organisations),
        agreements=agreements,
        offered=offered,
        own_ids=own_ids,
        engagement_contracts=selectors.contracts_of_engagement(user, engagement.pk) if engagement else [],
        user=user,
    )


def _defaults(step: str, state: dict[str, Any], setting: Setting) -> dict[str, Any]:
    """What a step shows before anything was entered in it: an engagement's parties and
    achievement, an agreement chosen on its page."""
    engagement = setting.engagement
    if step == "kind":
        initial: dict[str, Any] = {"kind": ContractKind.FREE_USE_LICENCE}
        if engagement is not None and engagement.achievement_id:
            initial["achievement"] = engagement.achievement_id
        return initial
    if step == "parties":
        initial = {}
        if engagement is not None:
            initial.update(
                licensor=engagement.unit_id,
                licensee_credit_code=engagement.enterprise.credit_code,
                agency_credit_code=engagement.facilitator.credit_code if engagement.facilitator_id else "",
            )
        if state.get("agreement"):
            initial["preliminary_agreement"] = state["agreement"]
        return initial
    return {}


def _build(step: str, state: dict[str, Any], setting: Setting, earlier: dict[str, Any], *, bound: Any = None) -> forms.Form:
    stored = state["data"].get(step)
    kwargs: dict[str, Any] = {}
    if bound is None:
        kwargs["initial"] = _initial(stored) if stored else _defaults(step, state, setting)
    if step == "kind":
        return KindStep(bound, offered=setting.offered, own_ids=setting.own_ids, **kwargs)
    kind, mode = earlier["kind"]["kind"], earlier["kind"]["mode"]
    ids = _achievement_ids(earlier["kind"])
    if step == "terms":
        return TermsStep(bound, kind=kind, mode=mode, open_licences=selectors.standing_open_licences(ids), **kwargs)
    return PartiesStep(
        bound,
        kind=kind,
        mode=mode,
        organisations=setting.organisations,
        agreements=setting.agreements,
        achievement_ids=ids,
        user=setting.user,
        another_contract=setting.another_contract,
        **kwargs,
    )


def _achievement_ids(kind_data: dict[str, Any]) -> list[int]:
    return [kind_data["achievement"].pk, *(pk for pk, _share in kind_data.get("more_achievements") or [])]


def _check(state: dict[str, Any], setting: Setting, upto: str) -> tuple[dict[str, Any], str | None]:
    """The cleaned data of every step before `upto`, or the first step that is not complete."""
    earlier: dict[str, Any] = {}
    for step in STEPS[: STEPS.index(upto)]:
        stored = state["data"].get(step)
        if stored is None:
            return earlier, step
        form = _bind(step, state, setting, earlier, stored)
        if not form.is_valid():
            return earlier, step
        earlier[step] = form.cleaned_data
    return earlier, None


def _bind(
    step: str, state: dict[str, Any], setting: Setting, earlier: dict[str, Any], stored: dict[str, list[str]]
) -> forms.Form:
    return _build(step, state, setting, earlier, bound=MultiValueDict(stored))


# ---------------------------------------------------------------- pages


@login_required
@never_cache
def contract_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Start a draft (from an agreed engagement or a preliminary agreement when given)."""
    state: dict[str, Any] = {"engagement": None, "agreement": None, "data": {}}
    for key in ("engagement", "agreement"):
        value = request.GET.get(key, "")
        state[key] = int(value) if value.isdigit() else None
    token = secrets.token_urlsafe(9)
    _save(request, token, state)
    return redirect("contracts:draft_step", token, "kind")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def draft_step(request: AuthenticatedHttpRequest, token: str, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404("没有这一步")
    state = _state(request, token)
    if state is None:
        messages.error(request, "这份起草已保存或已过期，请重新开始起草")
        return redirect("contracts:new")
    setting = _setting(request, state)
    earlier, missing = _check(state, setting, step)
    if missing is not None:
        return redirect(reverse("contracts:draft_step", args=[token, missing]) + "?check=1")
    if step == "review":
        return _review(request, token, state, setting, earlier)
    action = request.POST.get("action", "next")
    if request.method == "POST":
        form = _build(step, state, setting, earlier, bound=request.POST)
        state["data"][step] = _entered(form, request.POST)
        _save(request, token, state)
        position = STEPS.index(step)
        if action == "back" and position > 0:
            return redirect("contracts:draft_step", token, STEPS[position - 1])
        if form.is_valid():
            return redirect("contracts:draft_step", token, STEPS[position + 1])
    elif request.GET.get("check") and state["data"].get(step) is not None:
        form = _bind(step, state, setting, earlier, state["data"][step])
        form.is_valid()
    else:
        form = _build(step, state, setting, earlier)
    return _render_step(request, token, step, form, setting, earlier)


def _render_step(
    request: AuthenticatedHttpRequest, token: str, step: str, form: forms.Form, setting: Setting, earlier: dict[str, Any]
) -> HttpResponse:
    context: dict[str, Any] = {
        "token": token,
        "step": step,
        "steps": _progress(step),
        "form": form,
        "errors": error_summary(form),
        "engagement": setting.engagement,
        "engagement_contracts": setting.engagement_contracts,
        "another_contract": setting.another_contract,
        "earlier": earlier,
    }
    if step == "kind":
        context["kinds"] = [(radio, KIND_EXPLANATIONS.get(radio.data["value"], "")) for radio in form["kind"]]
        context["modes"] = [(radio, MODE_EXPLANATIONS.get(radio.data["value"], "")) for radio in form["mode"]]
        context["offered_count"] = setting.offered.count()
    if step in ("terms", "parties"):
        context["kind_label"] = ContractKind(earlier["kind"]["kind"]).label
        context["mode_label"] = Mode(earlier["kind"]["mode"]).label if earlier["kind"]["mode"] else ""
        context["achievement"] = earlier["kind"]["achievement"]
    if step == "parties":
        context["inventors"] = selectors.inventors_of(_achievement_ids(earlier["kind"]))
    return render(request, TEMPLATES[step], context, status=400 if form.errors else 200)


def _progress(current: str) -> list[dict[str, Any]]:
    return [
        {"number": i + 1, "key": step, "title": STEP_TITLES[step], "current": step == current} for i, step in enumerate(STEPS)
    ]


def error_summary(form: forms.Form) -> list[dict[str, str]]:
    """Each error of a form once, with a link to its field and the field's name."""
    items = []
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS or name not in form.fields:
            items += [{"href": "", "text": str(e)} for e in errors]
            continue
        bound = form[name]
        target = bound.id_for_label or f"{bound.auto_id}_0"
        label = str(bound.label)
        for error in errors:
            text = str(error)
            items.append({"href": f"#{target}", "text": text if label in text else f"“{label}”：{text}"})
    return items


# ---------------------------------------------------------------- review and save


def _draft_data(state: dict[str, Any], setting: Setting, earlier: dict[str, Any]) -> services.DraftData:
    first, terms, parties = earlier["kind"], earlier["terms"], earlier["parties"]
    extra: list[tuple[int, Decimal]] = first.get("more_achievements") or []
    main_share = Decimal("100") - sum((share for _id, share in extra), Decimal("0"))
    agreement = parties.get("preliminary_agreement")
    as_inventor = agreement is not None and first["kind"] != ContractKind.PRELIMINARY_AGREEMENT
    open_licence = terms.get("open_licence")
    return services.DraftData(
        kind=first["kind"],
        mode=first["mode"],
        licensor_id=parties["licensor"].pk if parties.get("licensor") and not as_inventor else None,
        licensor_person_id=parties["licensor_person"].pk if as_inventor and parties.get("licensor_person") else None,
        preliminary_agreement_id=agreement.pk if as_inventor else None,
        inventor_person_ids=[p.pk for p in parties.get("inventors") or []],
        inventor_grant=parties.get("inventor_grant") or "none",
        licensee_id=parties["licensee_credit_code"].pk if parties.get("licensee_credit_code") else None,
        agency_id=parties["agency_credit_code"].pk if parties.get("agency_credit_code") else None,
        achievements=[
            services.AchievementShare(first["achievement"].pk, main_share),
            *(services.AchievementShare(pk, share) for pk, share in extra),
        ],
        scope=terms.get("scope") or "",
        field_of_use=terms.get("field_of_use") or "",
        territory=terms.get("territory") or "",
        exclusivity=terms.get("exclusivity") or "non_exclusive",
        free_use_start=terms.get("free_use_start"),
        free_use_end=terms.get("free_use_end"),
        free_use_term=terms.get("free_use_term"),
        free_use_term_unit=terms.get("free_use_term_unit") or "month",
        term_end=terms.get("term_end"),
        development_kind=terms.get("development_kind") or "",
        price=terms.get("price"),
        payment_terms=terms.get("payment_terms") or "",
        extra_terms=terms.get("extra_terms") or "",
        open_licence_id=open_licence.pk if open_licence is not None else None,
        engagement_id=setting.engagement.pk if setting.engagement is not None else None,
        engagement_reason=parties.get("engagement_reason") or "",
    )


def _review(
    request: AuthenticatedHttpRequest, token: str, state: dict[str, Any], setting: Setting, earlier: dict[str, Any]
) -> HttpResponse:
    if request.method == "POST" and request.POST.get("action") == "back":
        return redirect("contracts:draft_step", token, "parties")
    data = _draft_data(state, setting, earlier)
    computed_end = None
    with form_refusal() as refused:
        computed_end = services.free_use_end_of(data) if data.kind == ContractKind.FREE_USE_LICENCE else None
    if refused:
        return _refused(request, token, state, setting, earlier, refused[0])
    if request.method == "POST":
        with form_refusal() as refused:
            contract = services.contract_draft(actor=request.user, data=data)
        if refused:
            return _refused(request, token, state, setting, earlier, refused[0])
        drafts = _drafts(request)
        drafts.pop(token, None)
        request.session.modified = True
        messages.success(request, "合同草稿已保存，已生成合同文本；请核对预览后由各方签署")
        return redirect("contracts:detail", contract.pk)
    return _render_review(request, token, setting, earlier, data, computed_end)


def _render_review(
    request: AuthenticatedHttpRequest,
    token: str,
    setting: Setting,
    earlier: dict[str, Any],
    data: services.DraftData,
    computed_end: Any,
    errors: list[dict[str, str]] | None = None,
) -> HttpResponse:
    first, parties = earlier["kind"], earlier["parties"]
    start = data.free_use_start
    terms_form = _build("terms", {"data": {}}, setting, earlier)
    parties_form = _build("parties", {"data": {}}, setting, earlier)
    context = {
        "token": token,
        "step": "review",
        "steps": _progress("review"),
        "errors": errors or [],
        "engagement": setting.engagement,
        "kind_label": ContractKind(data.kind).label,
        "mode_label": Mode(data.mode).label if data.mode else "",
        "achievements": [
            (Achievement.objects.filter(pk=share.achievement_id).first(), share.price_share) for share in data.achievements
        ],
        "several": len(data.achievements) > 1,
        "achievement": first["achievement"],
        "terms": _rows(terms_form, earlier["terms"], skip=FREE_USE_FIELDS),
        "parties": _rows(parties_form, parties, skip=("engagement_reason",)),
        "engagement_reason": parties.get("engagement_reason") or "",
        "free_use": data.kind == ContractKind.FREE_USE_LICENCE,
        "free_use_start": start,
        "free_use_end": computed_end,
        "free_use_days": (computed_end - start).days + 1 if start and computed_end else None,
        "end_is_computed": data.free_use_end is None and data.free_use_term is not None,
        "term_label": f"{data.free_use_term} {TERM_UNITS[data.free_use_term_unit]}" if data.free_use_term else "",
        "inventors": selectors.inventors_of([a.achievement_id for a in data.achievements]),
    }
    return render(request, TEMPLATES["review"], context, status=400 if errors else 200)


REVIEW_LABELS = {"licensee_credit_code": "被许可方（企业）", "agency_credit_code": "技术转移服务机构"}
FREE_USE_FIELDS = ("free_use_start", "free_use_end", "free_use_term", "free_use_term_unit")
TERM_UNITS = {"month": "个月", "year": "年", "day": "日"}


def _rows(form: forms.Form, cleaned: dict[str, Any], *, skip: tuple[str, ...]) -> list[tuple[str, str]]:
    """(label, value as the person reads it) for each field the step showed; money in CNY."""
    rows = []
    for name, field in form.fields.items():
        if name in skip:
            continue
        value = cleaned.get(name)
        if isinstance(value, Decimal):
            shown = format_cny(value)
        elif isinstance(field, forms.ModelMultipleChoiceField):
            shown = "、".join(p.full_name for p in value or [])
        elif isinstance(value, Organisation):
            shown = f"{value.name}（{value.credit_code}）"
        elif isinstance(field, forms.ModelChoiceField):
            shown = field.label_from_instance(value) if value is not None else ""
        elif isinstance(field, forms.ChoiceField):
            shown = str(dict(field.choices).get(value, value or ""))  # type: ignore[arg-type]
        elif hasattr(value, "isoformat"):
            shown = f"{value:%Y-%m-%d}"
        else:
            shown = str(value or "")
        rows.append((REVIEW_LABELS.get(name, str(field.label)), shown or "（未填写）"))
    return rows


def _refused(
    request: AuthenticatedHttpRequest,
    token: str,
    state: dict[str, Any],
    setting: Setting,
    earlier: dict[str, Any],
    exc: DomainError,
) -> HttpResponse:
    """The service's refusal shown on the step where the field is entered (nothing was saved)."""
    for name, errors in exc.field_errors.items():
        step, field = SERVICE_FIELDS.get(name, ("review", ""))
        if step == "review":
            continue
        form = _bind(step, state, setting, earlier, state["data"][step])
        form.is_valid()
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
        return _render_step(request, token, step, form, setting, earlier)
    data = _draft_data(state, setting, earlier)
    return _render_review(request, token, setting, earlier, data, None, errors=[{"href": "", "text": exc.detail}])
