from __future__ import annotations

from typing import Any

from django.db import models

from .actors import Visitor
from .models import AuditEntry


def audit(*, actor: Visitor | None, action: str, obj: models.Model | None = None, **detail: Any) -> AuditEntry:
    user = actor if actor is not None and actor.is_authenticated else None
    return AuditEntry.objects.create(
        actor=user,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail,
    )
