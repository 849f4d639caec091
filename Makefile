# UseFirst: `make run` serves the demo, `make test` runs every check. See README.md.
SHELL := /bin/bash
PYENV_PY := $(shell PYENV_VERSION=3.12.1 pyenv which python 2>/dev/null)
PYTHON_BOOT ?= $(if $(PYENV_PY),$(PYENV_PY),python3.12)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck checks pytest bench system-packages clean

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

system-packages:
	@bash scripts/system-packages.sh

run: $(STAMP) system-packages
	@mkdir -p var/mail var/private
	DJANGO_SETTINGS_MODULE=usefirst.settings.dev $(MANAGE) migrate --noinput -v0
	DJANGO_SETTINGS_MODULE=usefirst.settings.dev $(MANAGE) createcachetable
	DJANGO_SETTINGS_MODULE=usefirst.settings.dev $(MANAGE) load_demo --if-empty
	DJANGO_SETTINGS_MODULE=usefirst.settings.dev $(MANAGE) demo_logins
	DJANGO_SETTINGS_MODULE=usefirst.settings.dev $(VENV)/bin/honcho -f Procfile start

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy usefirst

checks: $(STAMP)
	@mkdir -p var
	DJANGO_SETTINGS_MODULE=usefirst.settings.test $(MANAGE) check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=usefirst.settings.test $(MANAGE) makemigrations --check --dry-run
	DJANGO_SECRET_KEY=check-deploy-$$(head -c 32 /dev/urandom | base64 | tr -dc a-zA-Z0-9) \
	DJANGO_ALLOWED_HOSTS=usefirst.example.gov.cn DATABASE_URL=sqlite:///var/deploy-check.sqlite3 \
	USEFIRST_FIELD_ENCRYPTION_KEYS=$$($(PY) -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
	USEFIRST_IDENTITY_HASH_KEY=check-deploy-identity \
	DJANGO_SETTINGS_MODULE=usefirst.settings.production $(MANAGE) check --deploy --fail-level WARNING

pytest: $(STAMP) system-packages
	@mkdir -p var
	@echo "== test suite on SQLite =="
	env -u DATABASE_URL $(VENV)/bin/pytest
	@if [ -n "$$DATABASE_URL" ]; then echo "== test suite on PostgreSQL ($${DATABASE_URL%%@*}@…) =="; $(VENV)/bin/pytest; fi

test: lint typecheck checks pytest

bench: $(STAMP)
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) staticfiles .mypy_cache .ruff_cache
