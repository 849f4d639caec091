"""The one lookup of a Chinese font for the PDFs the platform issues (contracts, registration
packs, recognition notices). fontconfig finds the Noto CJK faces that scripts/system-packages.sh
installs, so no machine path is committed; settings USEFIRST_CJK_FONT (a file) and
USEFIRST_CJK_FONT_INDEX (its face in a collection) override the lookup.

`pdf_font(query, text)` is the fast path for embedding. The Noto CJK faces hold 65,000 CFF
glyphs in a 20–26 MB collection: fpdf2 parses the whole face for every document and subsets its
CFF outlines (executing every charstring and its subroutines), which costs most of a second
per PDF. So once per deployment a prepared copy is built under VAR_DIR/fonts/, keyed by the
SHA-256 of the source file: the characters of GB 2312 (every character in everyday use) plus
ASCII, Latin-1 and the CJK, general and full-width punctuation, with the outlines converted to
TrueType (quadratic, within one font unit of the original). That copy parses and subsets about
six times faster. A text with a character outside it is set in the full face, slower but the
same. The build (about half a minute) runs in a background thread the first time a PDF is
asked for, and the documents made meanwhile use the full face; `prepare_pdf_font()` builds it
synchronously (for a deployment step or a benchmark).
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import logging
import os
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .errors import DomainError

SANS = "Noto Sans CJK SC:lang=zh-cn"
# The face the issued documents (contracts, registration packs, recognition notices) are set in.
SERIF = "Noto Serif CJK SC:style=Regular"

# fontTools' subsetter logs every glyph name it keeps at INFO, once per subset; with the root
# logger at INFO that is tens of kilobytes of log per PDF.
logging.getLogger("fontTools").setLevel(logging.WARNING)
logger = logging.getLogger(__name__)

# Bump when the repertoire or the build changes: the prepared file's name carries it.
PREPARED_VERSION = 1


class FontMissing(DomainError):
    status = 503
    default_code = "cjk_font_missing"


@functools.cache
def cjk_font(query: str = SANS) -> tuple[str, int]:
    """(font file, face index in the collection) for a fontconfig query."""
    configured = getattr(settings, "USEFIRST_CJK_FONT", "")
    if configured:
        return str(configured), int(getattr(settings, "USEFIRST_CJK_FONT_INDEX", 0))
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        raise FontMissing("服务器未安装 fontconfig（fc-match），无法生成 PDF；请运行 scripts/system-packages.sh")
    try:
        out = subprocess.run(  # noqa: S603  (fixed arguments, no shell)
            [fc_match, "-f", "%{file}\n%{index}", query], capture_output=True, text=True, check=False, timeout=10
        ).stdout.split("\n")
    except (OSError, subprocess.SubprocessError) as exc:
        raise FontMissing("查找中文字体失败，无法生成 PDF") from exc
    path = out[0].strip()
    if "CJK" not in path:
        raise FontMissing("服务器未安装中文字体（Noto CJK），无法生成 PDF；请运行 scripts/system-packages.sh")
    return path, int(out[1] or 0) if len(out) > 1 else 0


# ---------------------------------------------------------------- the prepared copy


def repertoire() -> set[int]:
    """The code points the prepared copy keeps (those the source face has, of these)."""
    points = set(range(0x20, 0x7F)) | set(range(0xA0, 0x180))
    for start, end in (
        (0x2010, 0x2070),  # general punctuation: dashes, quotes, ellipsis, per mille
        (0x2100, 0x2200),  # letterlike symbols and number forms (℃, №, Ⅰ–Ⅻ)
        (0x2460, 0x2500),  # enclosed numbers ①–⑳
        (0x3000, 0x3040),  # CJK symbols and punctuation
        (0xFF00, 0xFFF0),  # full-width forms
    ):
        points.update(range(start, end))
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return points


@dataclass(frozen=True)
class PreparedFont:
    path: Path
    code_points: frozenset[int]

    def covers(self, text: str) -> bool:
        points = self.code_points
        return all(ord(ch) in points for ch in set(text) if ch not in "\n\r\t")


def _fonts_dir() -> Path:
    return Path(settings.VAR_DIR) / "fonts"


@functools.cache
def _source_digest(source: str) -> str:
    digest = hashlib.sha256()
    with open(source, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def _prepared_path(source: str, index: int) -> Path:
    return _fonts_dir() / f"{Path(source).stem}-{index}-{_source_digest(source)}-v{PREPARED_VERSION}.ttf"


_loaded: dict[Path, PreparedFont] = {}
_building: set[Path] = set()
_failed: dict[Path, float] = {}  # a failed build is not retried for RETRY_SECONDS
_lock = threading.Lock()
RETRY_SECONDS = 600


def _load(target: Path) -> PreparedFont | None:
    font = _loaded.get(target)
    if font is None and target.exists():
        from fontTools import ttLib

        with ttLib.TTFont(target, lazy=True) as ttfont:
            font = PreparedFont(target, frozenset(ttfont.getBestCmap()))
        _loaded[target] = font
    return font


def build_prepared(source: str, index: int, target: Path) -> None:
    """Write the prepared copy of one face to `target` (atomically: a reader sees all or none)."""
    from fontTools import subset, ttLib
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    font = ttLib.TTFont(source, fontNumber=index, lazy=True, recalcTimestamp=False)
    options = subset.Options(
        notdef_outline=True, recommended_glyphs=True, layout_features=[], hinting=False, name_IDs=["*"], name_languages=["*"]
    )
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "VORG", "vhea", "vmtx", "DSIG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=repertoire())
    subsetter.subset(font)
    if "CFF " in font:
        # CFF outlines become TrueType ones: fpdf2 then subsets by copying glyph records instead
        # of interpreting charstrings.
        order = font.getGlyphOrder()
        glyph_set = font.getGlyphSet()
        glyf = ttLib.newTable("glyf")
        glyf.glyphOrder = order
        glyf.glyphs = {}
        for name in order:
            pen = TTGlyphPen(None)
            glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
            glyf.glyphs[name] = pen.glyph()
        font["glyf"] = glyf
        font["loca"] = ttLib.newTable("loca")
        del font["CFF "]
        maxp = font["maxp"]
        maxp.tableVersion = 0x00010000
        for attr in (
            "maxTwilightPoints",
            "maxStorage",
            "maxFunctionDefs",
            "maxInstructionDefs",
            "maxStackElements",
            "maxSizeOfInstructions",
            "maxComponentElements",
        ):
            setattr(maxp, attr, 0)
        maxp.maxZones = 1
        post = font["post"]
        post.formatType = 3.0
        post.extraNames = []
        post.mapping = {}
        font["head"].glyphDataFormat = 0
        font.sfntVersion = "\x00\x01\x00\x00"
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}.part")
    try:
        font.save(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def _claim(target: Path) -> int | None:
    """An exclusive lock so that one process of the deployment builds at a time; the kernel
    drops it if that process dies, so an interrupted build is simply taken up again later."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target.with_name(target.name + ".lock"), os.O_CREAT | os.O_WRONLY, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _build_in_background(source: str, index: int, target: Path) -> None:
    with _lock:
        if target in _building or time.monotonic() - _failed.get(target, -RETRY_SECONDS) < RETRY_SECONDS:
            return
        _building.add(target)

    def run() -> None:
        try:
            claim = _claim(target)
            if claim is None:
                return
            try:
                if not target.exists():
                    build_prepared(source, index, target)
            finally:
                os.close(claim)  # releases the lock
        except Exception:
            logger.exception("could not prepare the PDF font %s", target.name)
            _failed[target] = time.monotonic()
        finally:
            with _lock:
                _building.discard(target)

    threading.Thread(target=run, name="prepare-cjk-font", daemon=True).start()


def prepare_pdf_font(query: str = SANS) -> Path:
    """Build the prepared copy of the face for `query` now, if it does not exist yet."""
    source, index = cjk_font(query)
    target = _prepared_path(source, index)
    if not target.exists():
        build_prepared(source, index, target)
    return target


def pdf_font(query: str = SANS, text: str = "") -> tuple[str, int]:
    """(font file, face index) to embed for `text`: the prepared copy when it is ready and has
    every character of the text, else the full face (and the copy starts being prepared)."""
    source, index = cjk_font(query)
    try:
        target = _prepared_path(source, index)
        prepared = _load(target)
    except Exception:  # an unreadable copy must not stop a document: the full face always works
        logger.warning("the prepared PDF font could not be read; using the full face", exc_info=True)
        return source, index
    if prepared is None:
        _build_in_background(source, index, target)
        return source, index
    if not prepared.covers(text):
        return source, index
    return str(prepared.path), 0
