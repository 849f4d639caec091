"""The one lookup of a Chinese font for the PDFs the platform issues (contracts, registration
packs, recognition notices). fontconfig finds the Noto CJK faces that scripts/system-packages.sh
installs, so no machine path is committed; settings USEFIRST_CJK_FONT (a file) and
USEFIRST_CJK_FONT_INDEX (its face in a collection) override the lookup."""

from __future__ import annotations

import functools
import shutil
import subprocess

from django.conf import settings

from .errors import DomainError

SANS = "Noto Sans CJK SC:lang=zh-cn"


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
