"""Reading issued PDFs as a reader's viewer shows them (PDFium): the text of each page with the
signature appearances flattened into it, line by line as laid out on the page."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Char:
    text: str
    left: float
    right: float
    bottom: float
    top: float


def page_texts(data: bytes, *, with_signatures: bool = True) -> list[str]:
    """The text of every page; with the signature boxes' appearances when `with_signatures`."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    document = pdfium.PdfDocument(data)
    texts = []
    for index in range(len(document)):
        page = document[index]
        if with_signatures:
            pdfium_c.FPDFPage_Flatten(page.raw, pdfium_c.FLAT_PRINT)
            page.close()
            page = document[index]
        texts.append(page.get_textpage().get_text_range())
    return texts


def page_lines(data: bytes) -> list[str]:
    """Every laid-out line of text of the document (PDFium groups the characters into lines by
    where they stand on the page)."""
    return [line.strip() for text in page_texts(data, with_signatures=False) for line in text.splitlines() if line.strip()]


def page_chars(data: bytes) -> list[list[Char]]:
    """The characters of each page with their boxes (PDF points)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    pages = []
    for index in range(len(document)):
        textpage = document[index].get_textpage()
        chars = []
        for i in range(textpage.count_chars()):
            text = textpage.get_text_range(i, 1)
            if not text.strip():
                continue
            left, bottom, right, top = textpage.get_charbox(i)
            chars.append(Char(text, left, right, bottom, top))
        pages.append(chars)
    return pages


def page_size(data: bytes, index: int = 0) -> tuple[float, float]:
    import pypdfium2 as pdfium

    width, height = pdfium.PdfDocument(data)[index].get_size()
    return float(width), float(height)


def render_png(data: bytes, index: int) -> bytes:
    """One page as a PNG, signature appearances drawn."""
    import io

    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    document.init_forms()
    image = document[index].render(scale=1.5, may_draw_forms=True).to_pil()
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
