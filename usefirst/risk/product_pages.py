"""The pages of the product lifecycle (risk/products_lifecycle.py) written once for risk products
and banks' loan products: the owner's buttons (submit, pull back, withdraw, new version), the
provincial review's decision and the lifecycle part of a product's page. Each app's views keep
their decorators and URLs and call these; what differs (names, wording) is given."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from usefirst.core import workflow
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.permissions import Action, can
from usefirst.core.refusals import button_action

from .products_lifecycle import ProductLifecycle


@dataclass(frozen=True)
class ProductPages:
    lifecycle: ProductLifecycle
    namespace: str  # "risk", "financing": URL names <namespace>:product_detail, …
    noun: str  # “产品”, “融资产品”: in the flashes
    owner: str  # who hears of a return: “提交机构”, “银行”
    new_version_done: str  # the flash after a new version: what stays under the old one
    get_product: Callable[[HttpRequest, int, Action], Any]  # the product, checked at the chokepoint
    versions_of: Callable[[Any, Any], Any]
    history_of: Callable[[Any], Any]

    @property
    def owner_actions(self) -> dict[str, tuple[Callable[..., Any], str]]:
        life = self.lifecycle
        return {
            "submit": (life.submit, f"{self.noun}已提交省科技厅审核"),
            "withdraw_submission": (life.withdraw_submission, "已撤回审核申请，产品回到草稿"),
            "withdraw": (life.withdraw, f"{self.noun}已下线"),
        }

    def detail_context(self, request: HttpRequest, product: models.Model) -> dict[str, Any]:
        """What a product's page shows of its lifecycle: the buttons this person may press, its
        versions and (for those who may read it) its history."""
        user = request.user
        row: Any = product
        return {
            "actions": [t for t in workflow.allowed(self.lifecycle.workflow, product, user) if t.name in self.owner_actions],
            "may_edit": row.is_editable and can(user, Action.CHANGE, product),
            "may_new_version": row.status in ("published", "withdrawn") and can(user, Action.CHANGE, product),
            "may_review": row.status == "submitted" and can(user, Action.REVIEW, product),
            "versions": self.versions_of(user, product),
            "history": self.history_of(product) if can(user, Action.HISTORY, product) else None,
        }

    def transition(self, request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
        """An owner's button; a new version opens its form."""
        back = reverse(f"{self.namespace}:product_detail", args=[pk])
        if action == "new_version":
            product = self.get_product(request, pk, Action.CHANGE)
            made: list[Any] = []
            response = button_action(
                request,
                self.new_version_done,
                lambda: made.append(self.lifecycle.new_version(actor=request.user, product=product)),
                back,
            )
            return redirect(f"{self.namespace}:product_edit", pk=made[0].pk) if made else response
        actions = self.owner_actions
        if action not in actions:
            raise Http404("未知的操作")
        product = self.get_product(request, pk, Action.CHANGE)
        service, done = actions[action]
        return button_action(request, done, lambda: service(actor=request.user, product=product), back)

    def review_decide(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        """The provincial department publishes a submitted version (after ticking that it checked
        it) or returns it with reasons."""
        product = self.get_product(request, pk, Action.REVIEW)
        decision = request.POST.get("decision", "")
        back = reverse(f"{self.namespace}:product_detail", args=[pk])
        if decision == "approve":
            if request.POST.get("checked") != "yes":
                messages.error(request, "通过前请勾选“我已核对上述信息，确认通过”")
                return redirect(back)
            return button_action(
                request,
                f"{self.noun}《{product.name}》已审核通过并发布",
                lambda: self.lifecycle.approve(actor=request.user, product=product),
                reverse(f"{self.namespace}:review_queue"),
            )
        if decision == "return":
            reason = request.POST.get("reason", "")
            return button_action(
                request,
                f"{self.noun}《{product.name}》已退回，理由已告知{self.owner}",
                lambda: self.lifecycle.return_(actor=request.user, product=product, reason=reason),
                back,
            )
        raise Http404("未知的审核决定")
