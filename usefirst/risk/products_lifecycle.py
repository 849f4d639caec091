"""The versioned, province-reviewed lifecycle of a product, written once for the two kinds of it:
risk products (insurance and guarantee, risk/services.py) and banks' loan products
(financing/services.py; financing sits above risk and calls this module).

draft → submitted → published, or returned with reasons (and submitted again); a submission may be
pulled back to draft; a published version is withdrawn by its owner, or superseded when the
provincial department publishes the product's next version (``approve`` does both in one
transaction). A published or withdrawn version is never edited: a new version copies it.

``product_workflow`` declares the state machine for the workflow kernel (usefirst/core/workflow.py);
``ProductLifecycle`` holds the writes, one transaction and one event row each. What differs between
the kinds is given, not branched on: the owner field, the editable fields, how data is applied, the
refusal of a non-reviewer, and a check run before submitting.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from usefirst.core import workflow
from usefirst.core.actors import Actor
from usefirst.core.errors import Conflict, Forbidden
from usefirst.core.models import TransitionEvent
from usefirst.core.permissions import Action, can
from usefirst.core.text import clean_reason

from .choices import PRODUCT_EDITABLE, ProductStatus

S = ProductStatus
M = TypeVar("M", bound=models.Model)

VERSION_OPEN = "该产品已有一个正在修改或审核中的新版本，请先完成它"


class ProductEventType(models.TextChoices):
    CREATE = "create", "创建草稿"
    NEW_VERSION = "new_version", "创建新版本"
    UPDATE = "update", "修改信息"
    SUBMIT = "submit", "提交审核"
    WITHDRAW_SUBMISSION = "withdraw_submission", "撤回审核申请"
    APPROVE = "approve", "审核通过并发布"
    RETURN = "return", "退回修改"
    WITHDRAW = "withdraw", "下线"
    SUPERSEDE = "supersede", "由新版本取代"


E = ProductEventType


def product_workflow(
    *,
    name: str,
    model: type[models.Model],
    event_model: type[TransitionEvent],
    noun: str,
    submit_guards: tuple[workflow.Guard, ...] = (),
) -> workflow.Workflow:
    """The product lifecycle declared (and registered) for one kind of product."""
    return workflow.register(
        workflow.Workflow(
            name=name,
            model=model,
            states=ProductStatus,
            event_model=event_model,
            event_types=ProductEventType,
            noun=noun,
            groups=(
                workflow.StateGroup("preparing", "准备中", frozenset({S.DRAFT, S.RETURNED})),
                workflow.StateGroup("in_review", "审核中", frozenset({S.SUBMITTED})),
                workflow.StateGroup("public", "已发布", frozenset({S.PUBLISHED})),
                workflow.StateGroup("ended", "已结束", frozenset({S.WITHDRAWN, S.SUPERSEDED})),
            ),
            transitions=(
                workflow.Transition(
                    "submit", {S.DRAFT, S.RETURNED}, S.SUBMITTED, "提交", permission=Action.CHANGE, guards=submit_guards
                ),
                workflow.Transition("withdraw_submission", S.SUBMITTED, S.DRAFT, "撤回", permission=Action.CHANGE),
                workflow.Transition("approve", S.SUBMITTED, S.PUBLISHED, "发布", permission=Action.REVIEW),
                workflow.Transition("return", S.SUBMITTED, S.RETURNED, "退回", permission=Action.REVIEW),
                workflow.Transition("withdraw", S.PUBLISHED, S.WITHDRAWN, "下线", permission=Action.CHANGE),
                workflow.Transition("supersede", S.PUBLISHED, S.SUPERSEDED, "由新版本取代", permission=Action.REVIEW),
            ),
        )
    )


@dataclass(frozen=True)
class ProductLifecycle:
    """The writes of one kind of product version."""

    workflow: workflow.Workflow
    owner_field: str  # "provider", "bank": copied to a new version
    editable_fields: tuple[str, ...]  # what a new version copies
    series_prefix: str  # "RP", "FP": the series is the prefix and the first version's pk
    review_refusal: str  # the Forbidden message of a non-reviewer returning a submission
    clean: Callable[[Mapping[str, Any]], Mapping[str, Any]]  # the fields as typed, or DomainError by field
    check: Callable[[Any], object]  # the product's rule as a whole (rules.check_product)
    # Check a fresh read of the row before submitting (financing); risk checks with a guard instead.
    check_before_submit: bool = False

    @property
    def model(self) -> Any:
        return self.workflow.model

    def apply(self, product: models.Model, data: Mapping[str, Any]) -> None:
        """Set the editable fields from the data, then check the rule as a whole (nothing saved)."""
        cleaned = self.clean(data)
        for name in self.editable_fields:
            setattr(product, name, cleaned[name])
        self.check(product)

    def create(self, *, actor: Actor, product: M, data: Mapping[str, Any]) -> M:
        """Apply the data to a new first version, save it, name its series, record it."""
        row = cast(Any, product)
        self.apply(product, data)
        with transaction.atomic():
            row.save()
            row.series = f"{self.series_prefix}{row.pk:06d}"
            row.save(update_fields=["series"])
            workflow.record(self.workflow, row, E.CREATE, actor=actor, from_status="")
        return product

    def update(self, *, actor: Actor, product: M, data: Mapping[str, Any]) -> M:
        """Edit a draft or a returned version; a published one is changed through a new version."""
        if not can(actor, Action.CHANGE, product):
            raise Forbidden("您没有修改该产品的权限", code="forbidden")
        with transaction.atomic():
            locked = self.model.objects.select_for_update().select_related(self.owner_field).get(pk=product.pk)
            if locked.status not in PRODUCT_EDITABLE:
                raise Conflict(
                    f"产品当前状态为“{locked.get_status_display()}”，不能直接修改；已发布的产品请创建新版本",
                    code="not_editable",
                )
            self.apply(locked, data)
            locked.updated_at = timezone.now()
            locked.save()
            workflow.record(self.workflow, locked, E.UPDATE, actor=actor)
        return cast(M, locked)

    def new_version(self, *, actor: Actor, product: M) -> M:
        """A draft of the next version, copied from a published (or withdrawn) one, which stays as
        it is: what was issued or lent under it keeps it."""
        if not can(actor, Action.CHANGE, product):
            raise Forbidden("您没有修改该产品的权限", code="forbidden")
        model = self.model
        with transaction.atomic():
            locked = model.objects.select_for_update().get(pk=product.pk)
            if locked.status not in (S.PUBLISHED, S.WITHDRAWN):
                raise Conflict("只有已发布或已下线的产品可以创建新版本", code="not_editable")
            if model.objects.filter(series=locked.series, status__in=list(PRODUCT_EDITABLE | {S.SUBMITTED})).exists():
                raise Conflict(VERSION_OPEN, code="product_version_open")
            latest = model.objects.filter(series=locked.series).order_by("-version").values_list("version", flat=True).first()
            copy = model(
                series=locked.series,
                version=(latest or locked.version) + 1,
                created_by=actor,
                **{self.owner_field: getattr(locked, self.owner_field)},
                **{name: getattr(locked, name) for name in self.editable_fields},
            )
            try:
                with transaction.atomic():
                    copy.save()
            except IntegrityError as exc:
                raise Conflict(VERSION_OPEN, code="product_version_open") from exc
            workflow.record(
                self.workflow, copy, E.NEW_VERSION, actor=actor, from_status="", payload={"from_version": locked.version}
            )
        return cast(M, copy)

    def submit(self, *, actor: Actor, product: M) -> M:
        with transaction.atomic():
            if self.check_before_submit:
                self.check(self.model.objects.get(pk=product.pk))
            return workflow.move(self.workflow, product, "submit", actor=actor, also={"submitted_at": timezone.now()})

    def withdraw_submission(self, *, actor: Actor, product: M) -> M:
        return workflow.move(self.workflow, product, "withdraw_submission", actor=actor)

    def approve(self, *, actor: Actor, product: M) -> M:
        """Publish a submitted version; the version published before it is superseded in the same
        transaction."""
        row = cast(Any, product)
        with transaction.atomic():
            previous = self.model.objects.filter(series=row.series, status=S.PUBLISHED).exclude(pk=row.pk).first()
            if previous is not None and can(actor, Action.REVIEW, product):
                workflow.move(self.workflow, previous, "supersede", actor=actor, reason=f"第 {row.version} 版审核通过并发布")
            return workflow.move(
                self.workflow, product, "approve", actor=actor, reason="审核通过，予以发布", also={"published_at": timezone.now()}
            )

    def return_(self, *, actor: Actor, product: M, reason: object) -> M:
        if not can(actor, Action.REVIEW, product):
            raise Forbidden(self.review_refusal, code="forbidden")
        text = clean_reason(reason, label="退回理由")
        return workflow.move(self.workflow, product, "return", actor=actor, reason=text)

    def withdraw(self, *, actor: Actor, product: M, reason: object = "") -> M:
        text = clean_reason(reason, label="下线说明", required=False)
        return workflow.move(self.workflow, product, "withdraw", actor=actor, reason=text)
