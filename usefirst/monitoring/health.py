"""Liveness, readiness and the health report (docs/operations.md, "Health").

- live: the process answers (no dependency is asked: a load balancer must not restart every
  node because the database blinked).
- ready: this node can serve: the primary database answers and, when a replica is configured, it
  answers and lags at most HEALTH_REPLICA_LAG_SECONDS (else reads go to the primary, and the
  node is still ready: the replica check only warns).
- report: every part with its figure: database, replica and its lag, the task queue's depth and
  oldest wait, the scheduler's last tick, and the search index's freshness (and the search
  engine's, when one is configured).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

from django.conf import settings

from usefirst.core.db_routing import REPLICA_PROBE_SECONDS, answer_within
from usefirst.core.task_backend import DEAD_LETTER_QUEUE, HELD_QUEUE

from . import selectors

type Status = Literal["ok", "warn", "fail"]


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str
    figure: float | int | None = None


def _worst(checks: list[Check]) -> Status:
    statuses = {c.status for c in checks}
    return "fail" if "fail" in statuses else "warn" if "warn" in statuses else "ok"


def database() -> Check:
    try:
        latency = selectors.database_latency_ms()
    except Exception as exc:  # any failure to reach it is the finding
        return Check("database", "fail", f"主数据库无法连接：{type(exc).__name__}")
    return Check("database", "ok", "主数据库可用", round(latency, 1))


def replica() -> Check | None:
    if not selectors.replica_configured():
        return None
    try:
        lag = answer_within(REPLICA_PROBE_SECONDS, selectors.replica_lag_seconds) or 0.0
    except TimeoutError:
        return Check("replica", "warn", f"只读副本 {REPLICA_PROBE_SECONDS:g} 秒内未应答，读取改由主数据库承担")
    except Exception as exc:
        return Check("replica", "warn", f"只读副本无法连接，读取改由主数据库承担：{type(exc).__name__}")
    if lag > settings.HEALTH_REPLICA_LAG_SECONDS:
        return Check("replica", "warn", f"只读副本落后 {lag:.0f} 秒，读取改由主数据库承担", round(lag, 1))
    return Check("replica", "ok", "只读副本同步正常", round(lag, 1))


def queue() -> Check:
    try:
        state = selectors.queue_state()
    except Exception as exc:
        return Check("queue", "fail", f"任务队列无法读取：{type(exc).__name__}")
    dead = state.pop(DEAD_LETTER_QUEUE, None)  # on the broker (core/task_broker.py): moved aside, never run
    held = state.pop(HELD_QUEUE, None)  # on the broker: kept in the database while it was away
    waiting = sum(s.waiting for s in state.values())
    oldest = max((s.oldest_wait_seconds or 0.0 for s in state.values()), default=0.0)
    if oldest > settings.HEALTH_QUEUE_WAIT_SECONDS:
        return Check("queue", "warn", f"{waiting} 个任务等待执行，最久已等 {oldest:.0f} 秒：后台任务进程可能未运行", waiting)
    if held is not None and held.waiting:
        return Check(
            "queue",
            "warn",
            f"{waiting} 个任务等待执行；消息队列曾不可用，{held.waiting} 个任务暂存于数据库，恢复后每分钟补发",
            waiting,
        )
    if dead is not None and dead.waiting:
        return Check(
            "queue",
            "warn",
            f"{waiting} 个任务等待执行；{dead.waiting} 条无法执行的任务消息已移入死信队列，待运维人员处理",
            waiting,
        )
    return Check("queue", "ok", f"{waiting} 个任务等待执行", waiting)


def scheduler() -> Check:
    try:
        age = selectors.scheduler_tick_age_seconds()
    except Exception as exc:
        return Check("scheduler", "fail", f"定时任务记录无法读取：{type(exc).__name__}")
    if age is None:
        return Check("scheduler", "warn", "定时任务进程尚未运行过")
    if age > settings.HEALTH_SCHEDULER_SECONDS:
        return Check("scheduler", "warn", f"定时任务进程已 {age:.0f} 秒没有排入任务", round(age))
    return Check("scheduler", "ok", f"定时任务进程 {age:.0f} 秒前排入任务", round(age))


def index() -> Check:
    try:
        state = selectors.index_state()
    except Exception as exc:
        return Check("index", "fail", f"检索索引无法读取：{type(exc).__name__}")
    missing = sum(max(0, k["expected"] - k["documents"]) for k in state.values())
    unembedded = sum(max(0, k["documents"] - k["embedded"]) for k in state.values())
    if missing:
        return Check("index", "warn", f"检索索引缺少 {missing} 条公开条目，需重建", missing)
    apart = sum(abs(k["documents"] - k["engine"]) for k in state.values() if "engine" in k)
    if apart:
        return Check("index", "warn", f"检索引擎与全文索引相差 {apart} 篇，定时任务 15 分钟内重建", apart)
    if unembedded:
        return Check("index", "ok", f"检索索引完整；{unembedded} 条尚待语义向量化", unembedded)
    return Check("index", "ok", "检索索引完整", 0)


def readiness() -> tuple[Status, list[Check]]:
    checks = [database()]
    replica_check = replica()
    if replica_check is not None:
        checks.append(replica_check)
    return _worst(checks), checks


def report() -> tuple[Status, list[Check]]:
    checks = [database()]
    replica_check = replica()
    if replica_check is not None:
        checks.append(replica_check)
    if checks[0].status == "ok":
        checks += [queue(), scheduler(), index()]
    return _worst(checks), checks


def as_json(status: Status, checks: list[Check]) -> dict[str, object]:
    return {"status": status, "checks": [asdict(c) for c in checks]}
