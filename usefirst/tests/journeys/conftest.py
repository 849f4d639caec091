"""The demo site as a newcomer meets it, for the journey tests.

`demo_url` (once per test session) migrates a fresh SQLite database in a temporary folder, loads
the real demo into it with the command `make run` uses (`manage.py prepare_demo`),
and serves it with `runserver` and the background worker in subprocesses, under
`usefirst.settings.journey` (the demo's settings with DEBUG off). Nothing in the test process
touches that database: a journey reads and acts only through the browser, as a user does.

All journeys share the one demo database, so each journey creates its own objects, or uses demo
rows that no other journey touches, and never depends on counts another journey may change.

`page` is a fresh Playwright page (its own browser context: no cookies carried over) 1,366 px
wide, in Debian's /usr/bin/chromium; `phone_page` the same at 375 px. `login(page, demo_url,
email)` signs in with the demo password and the demo authenticator's code (the second step). `shot(page, name)` keeps a full-page screenshot under
$USEFIRST_SCREENSHOT_DIR/journeys/ when that is set, for a person to look at.
`demo_time_passes(code)` runs a demo helper against the site's database for what a browser
cannot do, such as a public notice period running out.

With `USEFIRST_JOURNEY_BROKER_URL` set (an AMQP address), the site's tasks go through RabbitMQ
to `manage.py broker_worker`, as in production (docs/deployment.md, "Task workers"), on queues of
the run's own; unset, through the database to `db_worker`, as `make run` does.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.conf import settings

from usefirst.accounts.second_factor import current_code
from usefirst.core.layout_check import CHROMIUM, CHROMIUM_ARGS
from usefirst.core.processes import stop
from usefirst.core.task_backend import DEAD_LETTER_QUEUE
from usefirst.core.task_broker import queue_names
from usefirst.core.testing import delete_broker_queues
from usefirst.demo.logins import DEMO_PASSWORD, DEMO_TOTP_KEY_HEX

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

START_TIMEOUT = 600  # seconds: migrations, the demo load and its indexing on a loaded machine
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 375, "height": 800}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status) == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@pytest.fixture(scope="session")
def demo_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of the demo site's processes: its own folder, database and settings."""
    var = tmp_path_factory.mktemp("demo-site")
    fonts = Path(settings.VAR_DIR) / "fonts"  # prepared once per checkout (make test does it first)
    if fonts.is_dir():
        (var / "fonts").symlink_to(fonts.resolve(), target_is_directory=True)
    (var / "mail").mkdir()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "usefirst.settings.journey",
        "USEFIRST_VAR_DIR": str(var),
        "PYTHONUNBUFFERED": "1",
    }
    if broker := os.environ.get("USEFIRST_JOURNEY_BROKER_URL", ""):
        env |= {"USEFIRST_BROKER_URL": broker, "USEFIRST_BROKER_QUEUE_PREFIX": f"journeys-{var.name}."}
    return env


@pytest.fixture(scope="session")
def demo_url(demo_env: dict[str, str]) -> Iterator[str]:
    env = demo_env
    var = Path(env["USEFIRST_VAR_DIR"])
    root = Path(settings.BASE_DIR)
    log = (var / "site.log").open("w")
    manage = [sys.executable, str(root / "manage.py")]
    done = subprocess.run([*manage, "prepare_demo"], cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
    if done.returncode:
        log.close()
        pytest.fail(f"`manage.py prepare_demo` failed:\n{(var / 'site.log').read_text()[-4000:]}")
    port = _free_port()
    processes = [
        subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"], cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT
        ),
        subprocess.Popen(
            [*manage, "broker_worker", "--concurrency", "2", "--name", "journeys"]
            if env.get("USEFIRST_BROKER_URL")
            else [*manage, "db_worker", "--interval", "1", "--no-reload", "--no-startup-delay"],
            cwd=root,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        ),
    ]
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers(url + "/"):
            if time.monotonic() > deadline or processes[0].poll() is not None:
                pytest.fail(f"the demo site did not answer:\n{(var / 'site.log').read_text()[-4000:]}")
            time.sleep(0.5)
        yield url
    finally:
        stop(processes, timeout=20)
        log.close()
        if broker := env.get("USEFIRST_BROKER_URL"):  # the run's own queues and exchanges
            prefix = env["USEFIRST_BROKER_QUEUE_PREFIX"]
            delete_broker_queues(broker, [prefix + queue for queue in [*queue_names(), DEAD_LETTER_QUEUE]])


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def _page(browser: Browser, viewport: dict[str, int]) -> Iterator[Page]:
    context = browser.new_context(viewport=viewport, locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(30_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, DESKTOP)


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, PHONE)


_LAST_STEP: dict[str, int] = {}  # the 30-second step of each demo login's last code given


def demo_code(email: str) -> str:
    """The demo authenticator's code for `email`'s next sign-in. A code verifies once, so a
    second sign-in within the same half minute gives the next step's (a device accepts one step
    either side; the journey settings keep it from re-centring on that step), and a third waits
    for the next half minute."""
    while True:
        step = int(time.time()) // 30
        for ahead in (0, 1):
            if step + ahead > _LAST_STEP.get(email, -1):
                _LAST_STEP[email] = step + ahead
                return current_code(DEMO_TOTP_KEY_HEX, steps_ahead=ahead)
        time.sleep(30.5 - time.time() % 30)


def login(page: Page, demo_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login page, as a person does; fails unless it lands signed in."""
    page.goto(demo_url + "/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_load_state("load")
    if "/accounts/login/second-factor/" in page.url:
        page.fill("input[name=code]", demo_code(email))
        page.locator("form:has(input[name=code]) button[type=submit]").click()
        page.wait_for_load_state("load")
    assert "/accounts/login/" not in page.url, f"{email} could not sign in: {page.inner_text('main')[:300]}"


@pytest.fixture
def demo_time_passes(demo_url: str, demo_env: dict[str, str]) -> Callable[[str], str]:
    """Runs Python against the demo site's database, for what a browser cannot do: time passing
    (a public notice period running out). Only demo helpers written for that purpose are called
    through it; returns what the code printed."""

    def run(code: str) -> str:
        done = subprocess.run(
            [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "shell", "-c", code],
            cwd=settings.BASE_DIR,
            env=demo_env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    return run


def shot(page: Page, name: str) -> None:
    """A full-page screenshot under $USEFIRST_SCREENSHOT_DIR/journeys/, when that is set."""
    kept = os.environ.get("USEFIRST_SCREENSHOT_DIR")
    if kept:
        folder = Path(kept) / "journeys"
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / (re.sub(r"[^\w.-]+", "_", name) + ".png")), full_page=True)
