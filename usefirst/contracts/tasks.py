"""Scheduled work of the contracts: a daily job (usefirst/core/daily_jobs.py)."""

from __future__ import annotations

import datetime as dt

from usefirst.core.daily_jobs import daily_job

from . import chain_heads
from .services import contract_advance
from .services.free_use import contracts_due


@daily_job(
    "contracts.advance",
    "免费使用期开始与届满、届满前 30/7 日提醒、逾期未商定升级",
    at=dt.time(0, 15),
    due=contracts_due,
    labels={
        "started": "免费使用期开始",
        "expired": "免费使用期届满",
        "reminded": "届满提醒",
        "escalated": "逾期未商定升级",
        "ended_by_notice": "通知期满终止",
    },
)
def advance_free_use_periods(day: dt.date) -> dict[str, int]:
    return contract_advance(on=day)


@daily_job(
    "contracts.sign_chain_heads",
    "审计记录、出具文件登记册与到账记录摘要链链头每日签名",
    at=dt.time(1, 20),
    due=chain_heads.heads_due,
    labels={"signed": "签署链头的摘要链", "no_ca": "平台根证书未建立，未能签署"},
)
def sign_chain_heads(day: dt.date) -> dict[str, int]:
    return chain_heads.heads_sign(day)
