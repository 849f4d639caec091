"""Chinese text in the PDFs the platform issues (contracts, registration packs, recognition
notices), set in fpdf2 with the typesetting rules of printed Chinese.

Line breaking (避头尾): a line never starts with closing punctuation (。，、；：？！）】》」』” …)
and never ends with opening punctuation （【《「『“ …); "——" and "……" are not split; a run
of Latin letters and digits (a patent number, "3%", a URL) is kept whole unless it is wider
than a line. When the character that would start the next line may not start one, the last
character of the line is carried down with it.

Justification: a full line is spread to the right margin by even spacing between its
characters (as Chinese typesetting does), never by widening the spaces alone; a line that
would need more than a quarter of a character between every two characters (the break was
moved back for a long Latin run) stays ragged-right, as does the last line of a paragraph.

Characters the embedded face has no glyph for are never dropped silently: a control or
format character (bell, zero-width joiner, byte-order mark) is left out, any other character
is set as its code point in brackets ("[U+2A6A5]"), so the reader sees that something was there.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpdf import FPDF

logger = logging.getLogger(__name__)

# Closing punctuation and marks that never start a line (行首禁则).
NO_LINE_START = frozenset(
    "。．，、；：？！）】》」』”’〕〉］｝〗〙〛｠〞"  # full-width closing and pausing marks
    ".,;:?!)]}>%％‰℃°′″·・ー々〻"  # their half-width forms, units that follow a number, iteration marks
    "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"  # small kana
)
# Opening punctuation that never ends a line (行尾禁则).
NO_LINE_END = frozenset("（【《「『“‘〔〈［｛〖〘〚｟〝([{<")
# Marks written doubled (破折号 ——, 省略号 ……): the two halves stay on one line.
INSEPARABLE = frozenset("—…‥")
SPACES = frozenset(" \u3000")
# A line is justified only when that needs at most this much extra space between two
# characters, as a fraction of the font size.
MAX_JUSTIFY_GAP = 0.25


@dataclass(frozen=True)
class Line:
    text: str
    width: float
    last: bool  # the last line of its paragraph (set ragged)


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and not ch.isspace()


def atoms(text: str) -> list[str]:
    """The unbreakable pieces of a text: each CJK character, each space, each run of
    non-space ASCII characters."""
    pieces: list[str] = []
    for ch in text:
        if pieces and _is_word_char(ch) and _is_word_char(pieces[-1][-1]):
            pieces[-1] += ch
        else:
            pieces.append(ch)
    return pieces


def may_break_between(before: str, after: str) -> bool:
    """Whether a line may end with `before` and the next start with `after`."""
    if not before or not after:
        return True
    last, first = before[-1], after[0]
    if first in SPACES or last in SPACES:
        return True
    if first in NO_LINE_START or last in NO_LINE_END:
        return False
    return not (last == first and last in INSEPARABLE)


# How far back a break may be moved to keep a line from starting with closing punctuation.
MAX_CARRY = 4


def break_lines(text: str, width: float, measure: Callable[[str], float]) -> list[Line]:
    """Break one paragraph (no newlines) into lines at most `width` wide (where possible).

    `measure` gives the width of a string in the same unit as `width`."""
    pieces = atoms(text)
    if not pieces:
        return [Line("", 0.0, last=True)]
    # An unbreakable run wider than a line is broken by character (a very long URL or number).
    split: list[str] = []
    for piece in pieces:
        if len(piece) > 1 and measure(piece) > width:
            split.extend(piece)
        else:
            split.append(piece)
    pieces = split
    widths = [measure(p) for p in pieces]
    lines: list[Line] = []
    start = 0
    while start < len(pieces):
        # Spaces at a break are dropped (except those that indent the paragraph's first line).
        if lines:
            while start < len(pieces) and pieces[start] in SPACES:
                start += 1
            if start == len(pieces):
                break
        end, used = start, 0.0
        while end < len(pieces) and (end == start or used + widths[end] <= width + 1e-6):
            used += widths[end]
            end += 1
        if end < len(pieces):
            cut = end
            while cut > start + 1 and end - cut < MAX_CARRY and not may_break_between(pieces[cut - 1], pieces[cut]):
                cut -= 1
            if may_break_between(pieces[cut - 1], pieces[cut]):
                end = cut
            # else: no allowed break close by (a long run of punctuation): break where the line is full
        line_pieces = pieces[start:end]
        while line_pieces and line_pieces[-1] in SPACES and end < len(pieces):
            line_pieces.pop()
        line = "".join(line_pieces)
        lines.append(Line(line, measure(line), last=end >= len(pieces)))
        start = end
    return lines


def printable(text: str, glyphs: Collection[int]) -> str:
    """`text` with every character the face has no glyph for made visible or left out (see the
    module's docstring). Newlines and tabs are kept."""
    out: list[str] = []
    missing: set[str] = set()
    for ch in text:
        if ch in "\n\t" or ord(ch) in glyphs:
            out.append(ch)
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Cf") or ch in SPACES:
            out.append(" " if ch in SPACES else "")
            continue
        missing.add(ch)
        out.append(f"[U+{ord(ch):04X}]")
    if missing:
        logger.warning("PDF text has %d character(s) the font cannot show; set as code points", len(missing))
    return "".join(out)


class Typesetter:
    """Paragraphs of Chinese text on an fpdf2 document, in its current font and margins."""

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf
        self._widths: dict[tuple[str, float, str], float] = {}

    def glyphs(self) -> Collection[int]:
        font = self.pdf.current_font
        cmap = getattr(font, "cmap", None)
        return cmap if cmap is not None else range(0x20, 0x7F)

    def measure(self, text: str) -> float:
        key = (self.pdf.font_family, self.pdf.font_size_pt, text)
        width = self._widths.get(key)
        if width is None:
            width = self._widths[key] = self.pdf.get_string_width(text)
        return width

    def lines(self, text: str, width: float | None = None) -> list[Line]:
        """The lines of `text` (which may hold newlines: each starts a new line) in `width`
        (default: between the margins)."""
        pdf = self.pdf
        available = width if width is not None else pdf.w - pdf.l_margin - pdf.r_margin
        clean = printable(text, self.glyphs())
        result: list[Line] = []
        for paragraph in clean.split("\n"):
            result.extend(break_lines(paragraph.replace("\t", "    "), available, self.measure))
        return result

    def paragraph(
        self, text: str, *, line_height: float, width: float | None = None, x: float | None = None, justify: bool = True
    ) -> int:
        """Write `text` from the current position down; returns the number of lines. Lines
        start at `x` (default: the left margin)."""
        pdf = self.pdf
        left = x if x is not None else pdf.l_margin
        available = width if width is not None else pdf.w - pdf.r_margin - left
        lines = self.lines(text, available)
        for line in lines:
            spacing = 0.0
            gaps = len(line.text) - 1
            if justify and not line.last and gaps > 0:
                extra = (available - line.width) / gaps
                if 0 < extra <= MAX_JUSTIFY_GAP * pdf.font_size:
                    spacing = extra * pdf.k  # the PDF's character spacing is in points
            pdf.set_char_spacing(spacing)
            pdf.set_x(left)
            pdf.cell(available, line_height, line.text, align="L", new_x="LEFT", new_y="NEXT")
            pdf.set_char_spacing(0)
        pdf.set_x(pdf.l_margin)
        return len(lines)

    def centred(self, text: str, *, line_height: float) -> int:
        """Write `text` centred between the margins (a title), broken by the same rules."""
        pdf = self.pdf
        available = pdf.w - pdf.l_margin - pdf.r_margin
        lines = self.lines(text, available)
        for line in lines:
            pdf.set_x(pdf.l_margin)
            pdf.cell(available, line_height, line.text, align="C", new_x="LMARGIN", new_y="NEXT")
        return len(lines)

    def row(self, cells: Sequence[tuple[str, float]], *, line_height: float, padding: float = 1.5) -> None:
        """One row of a bordered table from the current position: each cell's text broken into
        its width (cells as (text, width)); the row is as tall as its tallest cell and moves to
        the next page whole when it does not fit."""
        pdf = self.pdf
        laid = [(self.lines(text, width - 2 * padding), width) for text, width in cells]
        height = max(len(lines) for lines, _ in laid) * line_height + 2 * padding
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
        top, x = pdf.get_y(), pdf.l_margin
        for lines, width in laid:
            pdf.rect(x, top, width, height)
            for i, line in enumerate(lines):
                pdf.set_xy(x + padding, top + padding + i * line_height)
                pdf.cell(width - 2 * padding, line_height, line.text, align="L")
            x += width
        pdf.set_xy(pdf.l_margin, top + height)
