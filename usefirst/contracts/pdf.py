"""Contract PDFs in Chinese with an embedded CJK font (fpdf2 + Noto CJK from fonts-noto-cjk).

The font is found at run time through fontconfig (`fc-match`), so no machine path is
committed (usefirst.core.fonts; settings USEFIRST_CJK_FONT and USEFIRST_CJK_FONT_INDEX override it).
fpdf2 embeds a subset of the face, so the PDF reads the same everywhere. The face comes from
`pdf_font`: the deployment's prepared TrueType copy when it has every character of the
document (a fraction of the work per PDF), else the full Noto CJK face. Lines are broken and
justified by the rules of printed Chinese (usefirst.core.typesetting).

The signature page has one signing box per party: an empty PDF signature field over a framed
area of the page. Signing fills the field, and its appearance — the signer's name and
organisation, the signing time, the certificate's serial and the words 电子签名 — is drawn
in that box (`signature_appearance`); the appearance is part of what the signature covers.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from usefirst.core.fonts import SERIF, pdf_font
from usefirst.core.typesetting import Typesetter

if TYPE_CHECKING:
    from fpdf import FPDF

FONT_FAMILY = "NotoSerifCJKSC"
FONT_QUERY = SERIF
PLATFORM_NAME = "广东省科技成果先用后转平台"

# Where the template's {{ signature_block }} stands in the text the PDF is made from: the
# signing boxes are drawn there. A NUL never comes from a form (Django refuses it).
SIGNATURE_PANEL = "\x00signature-panel\x00"
# The signing box: the full text width, this tall (mm).
SIGNATURE_BOX_HEIGHT = 30.0
MM = 72 / 25.4  # points per millimetre
PANEL_WORDS = "授权代表电子签名处（签署后在此显示）"


@dataclass(frozen=True)
class SignatureSlot:
    """One party's signing box on the signature page."""

    field_name: str
    role: str
    party: str


def field_name(position: int) -> str:
    """The name of the signature field of the party at `position` (0-based)."""
    return f"Party{position + 1}"


def _new_pdf(text: str) -> tuple[FPDF, Typesetter]:
    from fpdf import FPDF

    path, index = pdf_font(FONT_QUERY, text=text)
    pdf = FPDF(format="A4")
    pdf.set_creator(PLATFORM_NAME)
    pdf.set_creation_date(timezone.now())
    pdf.add_font(FONT_FAMILY, fname=path, collection_font_number=index)
    # CFF bounding boxes are recomputed on save by default: slow and unnecessary here.
    font = pdf.fonts[FONT_FAMILY.lower()]
    if hasattr(font, "ttfont"):
        font.ttfont.recalcBBoxes = False
    return pdf, Typesetter(pdf)


def _is_heading(text: str) -> bool:
    if "\n" in text or len(text) >= 30:
        return False
    return text == "签署页" or (text.startswith("第") and "条" in text[:6])


def render_pdf(*, title: str, number: str, body: str, draft_mark: str, signature_slots: Sequence[SignatureSlot] = ()) -> bytes:
    """Body is plain text: paragraphs separated by blank lines; a line starting with '第' and
    containing '条' (or reading 签署页) is set as a heading. A first paragraph that repeats the
    draft mark is left out (the mark heads the first page). The signing boxes stand where the
    body holds SIGNATURE_PANEL, else after the text."""
    slot_text = "".join(s.role + s.party for s in signature_slots) + (PANEL_WORDS if signature_slots else "")
    # The footer and the signing boxes add only digits and characters of their fixed wording.
    pdf, setter = _new_pdf("".join((title, number, body, draft_mark, slot_text, "合同编号第页")))
    pdf.set_title(title)
    pdf.set_margins(22, 20, 22)
    pdf.set_auto_page_break(auto=True, margin=20)

    def footer() -> None:
        pdf.set_y(-14)
        pdf.set_font(FONT_FAMILY, size=8)
        pdf.cell(0, 6, f"合同编号 {number}    第 {pdf.page_no()} 页", align="C")

    pdf.footer = footer  # type: ignore[method-assign]
    pdf.add_page()
    pdf.set_font(FONT_FAMILY, size=9)
    pdf.cell(0, 6, draft_mark, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT_FAMILY, size=17)
    setter.centred(title, line_height=10)
    pdf.set_font(FONT_FAMILY, size=9)
    pdf.cell(0, 6, f"合同编号：{number}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    blocks = [b.strip("\n") for b in body.replace("\r\n", "\n").split("\n\n")]
    blocks = [b for b in blocks if b.strip()]
    if blocks and blocks[0].strip() == draft_mark.strip():
        blocks = blocks[1:]
    fields: list[tuple[str, int, tuple[float, float, float, float]]] = []
    placed = False
    for text in blocks:
        if SIGNATURE_PANEL in text:
            before, _, after = text.partition(SIGNATURE_PANEL)
            if before.strip():
                _body_paragraph(pdf, setter, before.strip("\n"))
            fields.extend(_signature_panel(pdf, setter, signature_slots))
            placed = True
            if after.strip():
                _body_paragraph(pdf, setter, after.strip("\n"))
        elif _is_heading(text):
            pdf.set_font(FONT_FAMILY, size=11.5)
            pdf.ln(1.5)
            setter.paragraph(text, line_height=7, justify=False)
        else:
            _body_paragraph(pdf, setter, text)
    if signature_slots and not placed:
        fields.extend(_signature_panel(pdf, setter, signature_slots))
    data = bytes(pdf.output())
    return _with_signature_fields(data, fields) if fields else data


def _body_paragraph(pdf: FPDF, setter: Typesetter, text: str) -> None:
    pdf.set_font(FONT_FAMILY, size=10.5)
    setter.paragraph(text, line_height=6.4)
    pdf.ln(1.2)


def _signature_panel(
    pdf: FPDF, setter: Typesetter, slots: Sequence[SignatureSlot]
) -> list[tuple[str, int, tuple[float, float, float, float]]]:
    """Each party's name and an empty framed box for its signature: (field, page index, box in
    PDF points from the page's lower left)."""
    fields = []
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for slot in slots:
        pdf.set_font(FONT_FAMILY, size=10.5)
        heading = f"{slot.role}：{slot.party}"
        needed = len(setter.lines(heading, width)) * 6.4 + 2 + SIGNATURE_BOX_HEIGHT + 4
        if pdf.get_y() + needed > pdf.page_break_trigger:
            pdf.add_page()
        pdf.ln(2)
        setter.paragraph(heading, line_height=6.4)
        pdf.ln(1)
        top = pdf.get_y()
        pdf.set_draw_color(150, 150, 150)
        pdf.set_line_width(0.2)
        pdf.set_dash_pattern(dash=1.2, gap=1)
        # Inset a little, so that the signature's appearance (the field's whole area) covers it.
        pdf.rect(pdf.l_margin + 0.8, top + 0.8, width - 1.6, SIGNATURE_BOX_HEIGHT - 1.6)
        pdf.set_dash_pattern()
        pdf.set_draw_color(0, 0, 0)
        pdf.set_text_color(120, 120, 120)
        pdf.set_font(FONT_FAMILY, size=9)
        pdf.set_xy(pdf.l_margin, top + SIGNATURE_BOX_HEIGHT / 2 - 3)
        pdf.cell(width, 6, PANEL_WORDS, align="C")
        pdf.set_text_color(0, 0, 0)
        pdf.set_xy(pdf.l_margin, top + SIGNATURE_BOX_HEIGHT + 1)
        x1 = pdf.l_margin * MM
        y2 = (pdf.h - top) * MM
        fields.append(
            (slot.field_name, pdf.page - 1, (x1, y2 - SIGNATURE_BOX_HEIGHT * MM, x1 + width * MM, y2)),
        )
    return fields


def _with_signature_fields(data: bytes, fields: list[tuple[str, int, tuple[float, float, float, float]]]) -> bytes:
    """The document with an empty signature field over each signing box."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields as sig_fields

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    for name, page, box in fields:
        sig_fields.append_signature_field(
            writer, sig_fields.SigFieldSpec(name, on_page=page, box=(round(box[0]), round(box[1]), round(box[2]), round(box[3])))
        )
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]  # untyped upstream
    return out.getvalue()


# ---------------------------------------------------------------- the signature's appearance


@dataclass(frozen=True)
class Appearance:
    signer: str
    organisation: str
    signed_at: dt.datetime
    certificate_serial: str


def shown_time(moment: dt.datetime) -> str:
    """A signing time as the documents show it: Asia/Shanghai, to the second."""
    from zoneinfo import ZoneInfo

    local = moment.astimezone(ZoneInfo("Asia/Shanghai"))
    return f"{local:%Y-%m-%d %H:%M:%S}（北京时间）"


def signature_appearance(appearance: Appearance, *, width_pt: float, height_pt: float) -> bytes:
    """A one-page PDF exactly the size of a signing box: what the signature shows. A framed
    box of text (never an imitation of a seal): 电子签名, the signer, the organisation, the
    time and the certificate's serial. Long names are wrapped and, if need be, set smaller;
    what still does not fit is cut with an ellipsis (the certificate holds the full name)."""
    from fpdf import FPDF

    rows = [
        ("签署人", appearance.signer.strip() or "—"),
        ("单位", appearance.organisation.strip() or "—"),
        ("签署时间", shown_time(appearance.signed_at)),
        ("证书序列号", appearance.certificate_serial),
    ]
    caption = "电子签名"
    note = f"{PLATFORM_NAME}签发的证书 · 可在平台验证页面核验"
    path, index = pdf_font(FONT_QUERY, text=caption + note + "".join(a + b for a, b in rows) + "：…")
    width, height = width_pt / MM, height_pt / MM
    pdf = FPDF(unit="mm", format=(width, height))
    pdf.set_creator(PLATFORM_NAME)
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(0, 0, 0)
    pdf.add_font(FONT_FAMILY, fname=path, collection_font_number=index)
    font = pdf.fonts[FONT_FAMILY.lower()]
    if hasattr(font, "ttfont"):
        font.ttfont.recalcBBoxes = False
    setter = Typesetter(pdf)
    pdf.add_page()
    ink = (31, 58, 95)
    pdf.set_fill_color(255, 255, 255)
    pdf.set_draw_color(*ink)
    pdf.set_line_width(0.5)
    pdf.rect(0.3, 0.3, width - 0.6, height - 0.6, style="DF")
    # The caption band on the left.
    band = 16.0
    pdf.set_fill_color(*ink)
    pdf.rect(0.3, 0.3, band, height - 0.6, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_font(FONT_FAMILY, size=11)
    for i, part in enumerate(("电子", "签名")):
        pdf.set_xy(0.3, height / 2 - 5.2 + i * 5.2)
        pdf.cell(band, 5.2, part, align="C")
    pdf.set_text_color(*ink)
    left, inner = band + 3, width - band - 5
    pdf.set_font(FONT_FAMILY, size=6.5)
    pdf.set_xy(left, 1.6)
    pdf.cell(inner, 3.2, note, align="L")
    top, room = 5.4, height - 5.4 - 1.2
    size = 9.0
    while True:
        pdf.set_font(FONT_FAMILY, size=size)
        line_height = size * 0.46
        label_width = setter.measure("证书序列号：")
        laid = [(f"{label}：", _fit(setter, value, inner - label_width, limit=2)) for label, value in rows]
        total = sum(len(lines) for _, lines in laid) * line_height
        if total <= room or size <= 6:
            break
        size -= 0.5
    y = top + max(0.0, (room - total) / 2)
    for label, lines in laid:
        pdf.set_xy(left, y)
        pdf.cell(label_width, line_height, label, align="L")
        for line in lines:
            pdf.set_xy(left + label_width, y)
            pdf.cell(inner - label_width, line_height, line, align="L")
            y += line_height
    return bytes(pdf.output())


def _fit(setter: Typesetter, value: str, width: float, *, limit: int) -> list[str]:
    """`value` broken into at most `limit` lines of `width`, the last cut with an ellipsis when
    the value is longer."""
    lines = [line.text for line in setter.lines(value.replace("\n", " "), width)]
    if len(lines) <= limit:
        return lines
    kept = lines[:limit]
    last = kept[-1]
    while last and setter.measure(last + "…") > width:
        last = last[:-1]
    kept[-1] = last + "…"
    return kept
