"""Tasks used only by the monitoring tests (they must live in an importable module)."""

import logging

from django.tasks import task

from usefirst.core.client import current_request_id

logger = logging.getLogger("usefirst.monitoring.tests")
SEEN: list[str] = []


@task()
def remember_request_id() -> str:
    SEEN.append(current_request_id())
    logger.info("running for the request")
    return current_request_id()


@task()
def always_fails() -> None:
    raise ValueError("电子签名服务不可用")
