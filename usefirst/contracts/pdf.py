"""Contract PDFs in Chinese with an embedded CJK font (fpdf2 + Noto CJK from fonts-noto-cjk).

The font is found at run time through fontconfig (`fc-match`), so no machine path is
committed (usefirst.core.fonts; settings USEFIRST_CJK_FONT and USEFIRST_CJK_FONT_INDEX override it).
fpdf2 embeds a subset of the face, so the PDF reads the same everywhere. The face comes from
`pdf_font`: the deployment's prepared TrueType copy when it has every character of the
document (a fraction of the work per PDF), else the full Noto CJK face.
"""

from __future__ import annotations

from django.utils import timezone

from usefirst.core.fonts import pdf_font

FONT_FAMILY = "NotoSerifCJKSC"
FONT_QUERY = "Noto Serif CJK SC:style=Regular"


def render_pdf(*, title: str, number: str, body: str, draft_mark: str) -> bytes:
    """Body is plain text: paragraphs separated by blank lines; a line starting with '第' and
    containing '条' is set as a clause heading."""
    from fpdf import FPDF

    # The footer adds only digits and characters of its fixed wording to these.
    path, index = pdf_font(FONT_QUERY, text="".join((title, number, body, draft_mark, "合同编号第页")))
    pdf = FPDF(format="A4")
    pdf.set_creator("广东省科技成果先用后转平台")
    pdf.set_title(title)
    pdf.set_creation_date(timezone.now())
    pdf.add_font(FONT_FAMILY, fname=path, collection_font_number=index)
    # CFF bounding boxes are recomputed on save by default: slow and unnecessary here.
    font = pdf.fonts[FONT_FAMILY.lower()]
    if hasattr(font, "ttfont"):
        font.ttfont.recalcBBoxes = False
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
    pdf.multi_cell(0, 10, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT_FAMILY, size=9)
    pdf.cell(0, 6, f"合同编号：{number}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for block in body.split("\n\n"):
        text = block.strip("\n")
        if not text.strip():
            continue
        heading = text.startswith("第") and "条" in text[:6] and "\n" not in text and len(text) < 30
        if heading:
            pdf.set_font(FONT_FAMILY, size=11.5)
            pdf.ln(1.5)
            pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font(FONT_FAMILY, size=10.5)
            pdf.multi_cell(0, 6.4, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.2)
    return bytes(pdf.output())
