"""The daily signature of the 安心屋 chain heads (docs/safehouse.md)."""

from __future__ import annotations

import datetime as dt

from usefirst.core.daily_jobs import daily_job

from .services import heads_due, heads_sign


@daily_job(
    "safehouse.sign_heads",
    "安心屋存证链头每日签名",
    at=dt.time(1, 15),
    due=heads_due,
    labels={"signed": "签署链头的卷宗", "no_ca": "平台根证书未建立，未能签署"},
)
def sign_heads(day: dt.date) -> dict[str, int]:
    return heads_sign(day)
