"""Uploaded documents (licences): the type is sniffed from the bytes, never trusted from the
name or the browser, and the size is capped before anything is stored."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from usefirst.core.errors import DomainError
from usefirst.core.uploads import sniff_document


def checked_document(upload: UploadedFile[bytes], *, field: str = "licence") -> UploadedFile[bytes]:
    """The upload, renamed to a random name with the extension of its real type."""
    limit = int(settings.ATTACHMENT_MAX_BYTES)
    if upload.size is None or upload.size == 0:
        raise DomainError("上传的文件为空", code="file_empty", field_errors={field: ["上传的文件为空"]})
    if upload.size > limit:
        message = f"文件过大：不得超过 {limit // (1024 * 1024)} MB"
        raise DomainError(message, code="file_too_large", field_errors={field: [message]})
    upload.seek(0)
    head = upload.read(261)
    upload.seek(0)
    sniffed = sniff_document(head)
    if sniffed is None:
        message = "文件类型不支持：仅接受 PDF、PNG 或 JPEG 文件（按文件实际内容识别）"
        raise DomainError(message, code="file_type", field_errors={field: [message]})
    upload.name = f"{uuid.uuid4().hex}.{sniffed[1]}"
    return upload
