"""Documents of recognition: the PDF notice (fpdf2, in the issued documents' CJK face),
the server-rendered SVG chart of the statistics, and the Excel exports."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from usefirst.core.excel import SheetSpec, write_workbook
from usefirst.core.fonts import SERIF, FontMissing, pdf_font
from usefirst.core.money import format_cny
from usefirst.core.typesetting import Typesetter

from .models import Recognition
from .selectors import StatRow
from .services import RECOGNITION_TEXT


class PdfUnavailable(Exception):
    pass


def notice_pdf(recognition: Recognition) -> bytes:
    """The recognition notice (认定通知书) as PDF: the body justified and broken by the rules of
    printed Chinese (usefirst.core.typesetting), the issuing authority and date at the right."""
    try:
        from fpdf import FPDF
    except ImportError as exc:  # the PDF library is a pin of the contracts app
        raise PdfUnavailable("PDF 组件不可用") from exc
    achievement = recognition.achievement
    title = "视同省级科技计划立项认定通知书"
    number = f"认定编号：{recognition.number}"
    addressee = f"{recognition.unit.name}："
    paragraphs = [
        f"\u3000\u3000你单位的科技成果“{achievement.title}”以“{recognition.get_mode_display()}”方式实施转化，"
        f"实际到账金额 {format_cny(recognition.amount_received)}，经单位（或上级业务主管部门）审核推荐、"
        f"省科学技术厅审核并公示，认定为{RECOGNITION_TEXT}，纳入 {recognition.year} 年度认定批次。",
        "\u3000\u3000本认定不附带省财政经费支持。",
    ]
    issuer = "广东省科学技术厅"
    dated = f"{timezone.localtime(recognition.recognised_at):%Y年%m月%d日}"
    try:
        font, index = pdf_font(SERIF, text="".join([title, number, addressee, *paragraphs, issuer, dated]))
    except FontMissing as exc:
        raise PdfUnavailable("未找到中文字体") from exc
    pdf = FPDF(format="A4")
    pdf.set_title(f"认定通知书 {recognition.number}")
    pdf.set_margins(25, 25, 25)
    pdf.set_auto_page_break(auto=True, margin=25)
    setter = Typesetter(pdf)
    pdf.add_page()
    pdf.add_font("cjk", "", font, collection_font_number=index)
    pdf.set_font("cjk", size=18)
    setter.centred(title, line_height=12)
    pdf.set_font("cjk", size=11)
    setter.centred(number, line_height=8)
    pdf.ln(8)
    pdf.set_font("cjk", size=12)
    setter.paragraph(addressee, line_height=8, justify=False)
    for paragraph in paragraphs:
        setter.paragraph(paragraph, line_height=8)
    pdf.ln(16)
    for line in (issuer, dated):
        pdf.cell(0, 8, line, align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def statistics_svg(rows: Sequence[StatRow], *, title: str) -> SafeString:
    """A horizontal bar chart (applications and recognitions), server-rendered, no script."""
    bar_h, gap, label_w, width = 14, 10, 120, 560
    top = 30
    height = top + len(rows) * (2 * bar_h + gap) + 30
    peak = max([1, *(max(r.applications, r.recognised) for r in rows)])
    scale = (width - label_w - 60) / peak
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        'class="chart">',
        f"<title>{escape(title)}</title>",
        '<rect x="0" y="0" width="12" height="12" fill="#7aa6d8"/><text x="16" y="11" font-size="12">申请</text>',
        '<rect x="60" y="0" width="12" height="12" fill="#c0392b"/><text x="76" y="11" font-size="12">认定</text>',
    ]
    y = top
    for row in rows:
        parts.append(f'<text x="0" y="{y + bar_h + 4}" font-size="12">{escape(row.label[:10])}</text>')
        for value, colour, dy in ((row.applications, "#7aa6d8", 0), (row.recognised, "#c0392b", bar_h)):
            w = round(value * scale)
            parts.append(f'<rect x="{label_w}" y="{y + dy}" width="{w}" height="{bar_h - 2}" fill="{colour}"/>')
            parts.append(f'<text x="{label_w + w + 4}" y="{y + dy + bar_h - 3}" font-size="11">{value}</text>')
        y += 2 * bar_h + gap
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every text in it is escaped above)


def public_list_xlsx(recognitions: Sequence[Recognition]) -> bytes:
    headers = ["认定编号", "年度", "成果名称", "成果单位", "地市", "模式", "实际到账金额（元）", "认定时间", "认定内容"]
    rows: list[list[Any]] = [
        [
            r.number,
            r.year,
            r.achievement.title,
            r.unit.name,
            r.unit.city,
            r.get_mode_display(),
            r.amount_received,
            r.recognised_at,
            RECOGNITION_TEXT,
        ]
        for r in recognitions
    ]
    return write_workbook([SheetSpec("认定项目", headers, rows)])


def statistics_xlsx(year: int, tables: dict[str, tuple[str, list[StatRow]]]) -> bytes:
    sheets = [
        SheetSpec(label, [label, "申请数", "认定数"], [[r.label, r.applications, r.recognised] for r in rows])
        for label, rows in tables.values()
    ]
    return write_workbook(sheets or [SheetSpec(f"{year}年度", ["维度", "申请数", "认定数"], [])])
