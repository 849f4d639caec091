"""Settings that the rest of the platform relies on: Chinese messages, SQLite tuned for a web
process and a worker writing together, production reading everything from the environment."""

import importlib
import subprocess
import sys

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.backends.sqlite3.base import DatabaseWrapper


class _Form(forms.Form):
    name = forms.CharField()
    email = forms.EmailField()


def test_django_form_messages_come_out_in_chinese():
    form = _Form({"email": "not-an-address"})
    assert not form.is_valid()
    assert form.errors["name"] == ["这个字段是必填项。"]
    assert form.errors["email"][0].startswith("输入一个有效的")


@pytest.mark.django_db
def test_password_validator_messages_come_out_in_chinese():
    with pytest.raises(ValidationError) as info:
        validate_password("12345")
    text = " ".join(info.value.messages)
    assert "密码" in text and "10" in text


def test_language_time_zone_and_utc_storage():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


def test_the_dev_database_is_sqlite_in_wal_mode_with_immediate_transactions(tmp_path, monkeypatch, django_db_blocker):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("USEFIRST_VAR_DIR", str(tmp_path))
    for name in ("usefirst.settings.base", "usefirst.settings.dev"):
        sys.modules.pop(name, None)
    try:
        dev = importlib.import_module("usefirst.settings.dev")
    finally:
        for name in ("usefirst.settings.base", "usefirst.settings.dev"):
            sys.modules.pop(name, None)
    config = dict(dev.DATABASES["default"])
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert str(config["NAME"]).startswith(str(tmp_path))
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    wrapper = DatabaseWrapper(
        {
            **config,
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "TEST": {},
        },
        alias="wal-check",
    )
    try:
        with django_db_blocker.unblock(), wrapper.cursor() as cursor:
            assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
            assert cursor.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    finally:
        wrapper.close()


def _python(code: str, settings_module: str) -> subprocess.CompletedProcess[str]:
    """`code` run by a new interpreter with nothing of the environment but these settings."""
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": settings_module}
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120
    )


def test_production_settings_refuse_to_start_without_their_environment():
    result = _python("import django; django.setup()", "usefirst.settings.production")
    assert result.returncode != 0
    assert "is required in production" in result.stderr


def test_a_web_node_freezes_what_it_loaded_before_its_workers_fork():
    """usefirst/wsgi.py, imported once by the preloading master: what is loaded is frozen, so the
    workers' collectors leave the pages they share with it alone (docs/deployment.md, "Processes")."""
    result = _python("import gc, usefirst.wsgi; print(gc.get_freeze_count())", "usefirst.settings.test")
    assert result.returncode == 0, result.stderr[-2000:]
    assert int(result.stdout.split()[-1]) > 50_000  # Django and the apps: some 100,000 objects and more
