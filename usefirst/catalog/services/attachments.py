"""Attachments of achievements: PDF and images only, judged by their content, kept private."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from usefirst.core.actors import Actor
from usefirst.core.audit import audit
from usefirst.core.errors import DomainError, IllegalTransition
from usefirst.core.permissions import Action
from usefirst.core.text import reject_control_characters
from usefirst.core.uploads import sniff_document

from ..choices import AchievementStatus
from ..models import Achievement, Attachment
from .common import require

MAX_ATTACHMENTS = 20


def _refuse(message: str, code: str) -> DomainError:
    return DomainError(message, code=code, field_errors={"file": [message]})


@dataclass(frozen=True)
class Upload:
    """A file as received, with the name its sender gave it."""

    file: IO[bytes]
    name: str


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    mime: str
    extension: str
    original_name: str
    sha256: str


def attachment_check(upload: Upload) -> CheckedFile:
    """Judge a file before anything is written: size, content type (by its bytes) and name."""
    limit = int(settings.ATTACHMENT_MAX_BYTES)
    # Read one byte past the cap so an oversized file is recognised without reading it all.
    content = upload.file.read(limit + 1)
    if len(content) > limit:
        raise _refuse(f"附件不能超过 {limit // (1024 * 1024)} MB", "attachment_too_large")
    if not content:
        raise _refuse("附件为空文件", "attachment_empty")
    sniffed = sniff_document(content)
    if sniffed is None:
        raise _refuse("附件只能是 PDF、PNG 或 JPEG 文件（按文件内容识别）", "attachment_type")
    mime, extension = sniffed
    original = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200] or f"附件.{extension}"
    try:
        reject_control_characters(original)
    except Exception as exc:
        raise _refuse("文件名包含不可见的控制字符", "attachment_name") from exc
    return CheckedFile(content, mime, extension, original, hashlib.sha256(content).hexdigest())


def attachment_store(*, actor: Actor, achievement: Achievement, checked: CheckedFile) -> Attachment:
    """Write a checked file for an achievement the caller has locked, inside the caller's transaction.
    The caller removes the stored file if its transaction does not commit (see `discard_files`)."""
    if achievement.attachments.count() >= MAX_ATTACHMENTS:
        raise _refuse(f"每项成果最多 {MAX_ATTACHMENTS} 个附件", "attachment_limit")
    attachment = Attachment(
        achievement=achievement,
        original_name=checked.original_name,
        content_type=checked.mime,
        size=len(checked.content),
        sha256=checked.sha256,
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    attachment.file.save(f"{checked.sha256[:16]}.{checked.extension}", ContentFile(checked.content), save=False)
    try:
        attachment.save()
    except Exception:
        discard_files([attachment])
        raise
    return attachment


def discard_files(attachments: list[Attachment]) -> None:
    """Remove the stored files of attachments whose rows were not (or will not be) committed."""
    for attachment in attachments:
        if attachment.file.name:
            attachment.file.storage.delete(attachment.file.name)


def attachment_add(*, actor: Actor, achievement: Achievement, upload: IO[bytes], name: str) -> Attachment:
    require(actor, Action.CHANGE, achievement)
    if achievement.status in (AchievementStatus.TAKEN_DOWN,):
        raise IllegalTransition("已下架的成果不能上传附件", code="illegal_transition")
    checked = attachment_check(Upload(upload, name))
    with transaction.atomic():
        locked = Achievement.objects.select_for_update().get(pk=achievement.pk)
        return attachment_store(actor=actor, achievement=locked, checked=checked)


def attachment_delete(*, actor: Actor, attachment: Attachment) -> None:
    require(actor, Action.CHANGE, attachment.achievement)
    if not attachment.achievement.is_editable:
        raise IllegalTransition("成果当前状态不能删除附件，请先撤回或修改", code="not_editable")
    with transaction.atomic():
        storage, path = attachment.file.storage, attachment.file.name or ""
        audit(actor=actor, action="catalog.attachment.delete", obj=attachment, sha256=attachment.sha256)
        attachment.delete()
        transaction.on_commit(lambda: storage.delete(path))
