"""The dossier's summary PDF (CJK font through core.fonts, typeset by core.typesetting)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone

from usefirst.core.fonts import SANS, pdf_font
from usefirst.core.typesetting import Typesetter

FAMILY = "NotoSansCJKSC"
PLATFORM_NAME = "广东省科技成果先用后转平台"


def render_summary(*, title: str, facts: Sequence[tuple[str, str]], rows: Sequence[Sequence[str]], notes: Sequence[str]) -> bytes:
    """A one-section report: the title, the dossier's facts, the table of entries, then notes."""
    from fpdf import FPDF

    headers = ("序号", "决策步骤", "材料与登记事项", "存证人与时间", "文件 SHA-256")
    text = "".join([title, *(a + b for a, b in facts), *("".join(r) for r in rows), *notes, *headers, "第页安心屋卷宗摘要"])
    path, index = pdf_font(SANS, text=text)
    pdf = FPDF(format="A4")
    pdf.set_creator(PLATFORM_NAME)
    pdf.set_creation_date(timezone.now())
    pdf.add_font(FAMILY, fname=path, collection_font_number=index)
    font = pdf.fonts[FAMILY.lower()]
    if hasattr(font, "ttfont"):
        font.ttfont.recalcBBoxes = False
    setter = Typesetter(pdf)
    pdf.set_title(title)
    pdf.set_margins(16, 18, 16)
    pdf.set_auto_page_break(auto=True, margin=18)

    def footer() -> None:
        pdf.set_y(-12)
        pdf.set_font(FAMILY, size=8)
        pdf.cell(0, 6, f"安心屋卷宗摘要    第 {pdf.page_no()} 页", align="C")

    pdf.footer = footer  # type: ignore[method-assign]
    pdf.add_page()
    pdf.set_font(FAMILY, size=15)
    setter.centred(title, line_height=9)
    pdf.ln(2)
    pdf.set_font(FAMILY, size=9.5)
    for label, value in facts:
        setter.paragraph(f"{label}：{value}", line_height=5.6, justify=False)
    pdf.ln(2)
    widths = (12.0, 30.0, 62.0, 36.0, 38.0)
    pdf.set_font(FAMILY, size=8.5)
    setter.row(list(zip(headers, widths, strict=True)), line_height=4.6)
    for row in rows:
        setter.row(list(zip(row, widths, strict=True)), line_height=4.6)
    pdf.ln(3)
    pdf.set_font(FAMILY, size=9)
    for note in notes:
        setter.paragraph(note, line_height=5.4, justify=False)
    return bytes(pdf.output())
