"""Standard contract texts (规范合同文本) as versioned data: the published version drafting
uses, new versions and their publication by a provincial administrator."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from usefirst.accounts import roles
from usefirst.core.actors import Actor
from usefirst.core.errors import DomainError, Forbidden, IllegalTransition, from_validation_error

from ..models import (
    ContractKind,
    ContractTemplate,
    TemplateStatus,
)
from .common import field_error


def template_for(kind: str, mode: str = "") -> ContractTemplate:
    template_mode = mode if kind == ContractKind.FREE_USE_LICENCE else ""
    template = (
        ContractTemplate.objects.filter(kind=kind, mode=template_mode, status=TemplateStatus.PUBLISHED)
        .order_by("-version")
        .first()
    )
    if template is None:
        raise DomainError("该类合同尚无已发布的示范文本", code="no_published_template")
    return template


def template_create_version(*, actor: Actor, kind: str, mode: str, title: str, body: str) -> ContractTemplate:
    if not roles.is_provincial_admin(actor):
        raise Forbidden("只有省级管理员可以编辑合同示范文本", code="forbidden")
    from django.template import Engine, TemplateSyntaxError

    try:
        Engine().from_string(body)
    except TemplateSyntaxError as exc:
        raise field_error("body", f"正文中的占位符有误：{exc}") from exc
    template_mode = mode if kind == ContractKind.FREE_USE_LICENCE else ""
    with transaction.atomic():
        last = ContractTemplate.objects.filter(kind=kind, mode=template_mode).order_by("-version").first()
        template = ContractTemplate(
            kind=kind, mode=template_mode, version=(last.version + 1) if last else 1, title=title, body=body
        )
        try:
            template.full_clean()
        except ValidationError as exc:
            raise from_validation_error(exc) from exc
        template.save()
    return template


def template_publish(*, actor: Actor, template: ContractTemplate) -> ContractTemplate:
    if not roles.is_provincial_admin(actor):
        raise Forbidden("只有省级管理员可以发布合同示范文本", code="forbidden")
    if template.status != TemplateStatus.DRAFT:
        raise IllegalTransition("只有草稿状态的示范文本可以发布", code="illegal_transition")
    template.status = TemplateStatus.PUBLISHED
    template.published_at = timezone.now()
    template.published_by = actor
    template.save(update_fields=["status", "published_at", "published_by"])
    return template
