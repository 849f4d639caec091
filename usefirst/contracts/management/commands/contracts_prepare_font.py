"""Build the deployment's prepared copy of the CJK face that issued documents are set in.

Without it the first documents are set in the full Noto CJK face (slower, and built in the
background on first use). `make run` and `make test` run this once; the copy is kept under
var/fonts/, named after the face's SHA-256, so a second run does nothing.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from usefirst.contracts.pdf import FONT_QUERY
from usefirst.core.fonts import prepare_pdf_font


class Command(BaseCommand):
    help = "预先生成合同等文件所用的中文字体子集（每个部署一次，已存在时不做任何事）"

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        path = prepare_pdf_font(FONT_QUERY)
        self.stdout.write(f"文件字体已就绪：{path.name}（{time.monotonic() - started:.1f} 秒）")
