"""The one judgement of what an uploaded document really is: its bytes decide, never the
name or the browser's declared type (an executable renamed .pdf is refused)."""

from __future__ import annotations

import filetype

# Documents the platform accepts (licences, attachments): content type -> stored extension.
DOCUMENT_TYPES = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


def sniff_document(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a PDF, PNG or JPEG judged by its first bytes; None otherwise."""
    kind = filetype.guess(head)
    if kind is None or kind.mime not in DOCUMENT_TYPES:
        return None
    return kind.mime, DOCUMENT_TYPES[kind.mime]
