"""The lifecycle of a consent to share the performance record, declared for the workflow kernel
(usefirst/core/workflow.py): granted (active) → revoked. A revoked consent stays revoked; the
enterprise grants a new one to share again."""

from __future__ import annotations

from django.db import models

from usefirst.core import workflow
from usefirst.core.permissions import Action

from .choices import ConsentStatus
from .models import Consent, ConsentEvent

S = ConsentStatus


class ConsentEventType(models.TextChoices):
    GRANT = "grant", "授权共享"
    REVOKE = "revoke", "撤回授权"


CONSENT = workflow.register(
    workflow.Workflow(
        name="performance.consent",
        model=Consent,
        states=ConsentStatus,
        event_model=ConsentEvent,
        event_types=ConsentEventType,
        noun="共享授权",
        groups=(
            workflow.StateGroup("active", "有效", frozenset({S.ACTIVE})),
            workflow.StateGroup("ended", "已结束", frozenset({S.REVOKED})),
        ),
        transitions=(workflow.Transition("revoke", S.ACTIVE, S.REVOKED, "撤回授权", permission=Action.CHANGE),),
    )
)
