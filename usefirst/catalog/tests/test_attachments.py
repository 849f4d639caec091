import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from usefirst.catalog.models import Attachment
from usefirst.catalog.services.attachments import attachment_add
from usefirst.core.errors import DomainError, Forbidden

from .factories import make_achievement, make_published_achievement

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 64


def test_it_stores_a_pdf_privately_with_its_sha256(unit, owner):
    achievement = make_achievement(unit, owner)
    attachment = attachment_add(actor=owner, achievement=achievement, upload=io.BytesIO(PDF), name="说明书.pdf")
    assert attachment.content_type == "application/pdf"
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert attachment.size == len(PDF)
    assert attachment.original_name == "说明书.pdf"


def test_it_accepts_a_png(unit, owner):
    achievement = make_achievement(unit, owner)
    assert attachment_add(actor=owner, achievement=achievement, upload=io.BytesIO(PNG), name="图.png").content_type == "image/png"


def test_it_refuses_an_executable_disguised_as_a_pdf(unit, owner):
    achievement = make_achievement(unit, owner)
    with pytest.raises(DomainError) as exc:
        attachment_add(actor=owner, achievement=achievement, upload=io.BytesIO(EXE), name="说明书.pdf")
    assert exc.value.code == "attachment_type"
    assert not Attachment.objects.exists()


def test_it_refuses_an_oversized_attachment(unit, owner, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    achievement = make_achievement(unit, owner)
    with pytest.raises(DomainError) as exc:
        attachment_add(actor=owner, achievement=achievement, upload=io.BytesIO(PDF + b"0" * 2000), name="大.pdf")
    assert exc.value.code == "attachment_too_large"
    assert not Attachment.objects.exists()


def test_a_stranger_cannot_attach(unit, owner, outsider):
    achievement = make_achievement(unit, owner)
    with pytest.raises(Forbidden):
        attachment_add(actor=outsider, achievement=achievement, upload=io.BytesIO(PDF), name="x.pdf")


class TestDownload:
    def url(self, attachment):
        return reverse("catalog:attachment_download", args=[attachment.achievement_id, attachment.pk])

    def test_the_public_downloads_attachments_of_a_published_achievement(self, client, unit, owner, reviewer):
        achievement = make_published_achievement(unit, owner, reviewer)
        attachment = attachment_add(actor=owner, achievement=achievement, upload=io.BytesIO(PDF), name="a.pdf")
        response = client.get(self.url(attachment))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["X-Content-Type-Options"] == "nosniff"

    def test_a_draft_attachment_is_for_the_owner_and_reviewer_only(self, client, unit, owner, reviewer, outsider):
        achievement = make_achievement(unit, owner)
        attachment = attachment_add(actor=owner, achievement=achievement, upload=io.BytesIO(PDF), name="a.pdf")
        assert client.get(self.url(attachment)).status_code == 404
        client.force_login(outsider)
        assert client.get(self.url(attachment)).status_code == 404
        client.force_login(reviewer)
        assert client.get(self.url(attachment)).status_code == 200
        client.force_login(owner)
        assert client.get(self.url(attachment)).status_code == 200

    def test_the_upload_page_refuses_a_disguised_executable_with_a_message(self, client, unit, owner):
        achievement = make_achievement(unit, owner)
        client.force_login(owner)
        upload = SimpleUploadedFile("报告.pdf", EXE, content_type="application/pdf")
        response = client.post(reverse("catalog:attachment_upload", args=[achievement.pk]), {"file": upload}, follow=True)
        assert "只能是 PDF、PNG 或 JPEG" in response.content.decode()
        assert not Attachment.objects.exists()
