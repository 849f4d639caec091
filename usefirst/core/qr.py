"""QR codes drawn by the platform itself (no outside service): an SVG as a data: URI, which the
Content-Security-Policy allows as an image (img-src 'self' data:). Used for the event check-in
codes (usefirst/events)."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M


def qr_svg(text: str) -> str:
    """`text` as a QR code, medium error correction, a quiet zone of four modules, black on white."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=4, image_factory=qrcode.image.svg.SvgPathFillImage)
    code.add_data(text)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image().save(out)
    return out.getvalue().decode("utf-8")


def qr_data_uri(text: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(text).encode("utf-8")).decode("ascii")
