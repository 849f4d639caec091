# UseFirst: `make run` serves the demo, `make test` runs every check. See README.md.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYENV_PY := $(shell PYENV_VERSION=3.12.1 pyenv which python 2>/dev/null)
PYTHON_BOOT ?= $(if $(PYENV_PY),$(PYENV_PY),$(shell command -v python3.12 2>/dev/null))
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed
DEV := DJANGO_SETTINGS_MODULE=usefirst.settings.dev PYTHONUNBUFFERED=1

.PHONY: run test lint typecheck checks pytest bench system-packages clean prod-up prod-down prod-test

# The virtual environment, on Python 3.12, with the exact pins of requirements*.txt (the lock).
$(STAMP): requirements.txt requirements-dev.txt
	@if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))'; then \
	  echo "$(VENV) is not on Python 3.12: recreating it"; rm -rf $(VENV); fi
	@if [ ! -x $(PY) ]; then \
	  if [ -z "$(PYTHON_BOOT)" ]; then echo "Python 3.12 is needed (pyenv's 3.12.1 or a python3.12 on PATH)" >&2; exit 1; fi; \
	  echo "creating $(VENV) with $(PYTHON_BOOT)"; $(PYTHON_BOOT) -m venv $(VENV); fi
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

system-packages:
	@bash scripts/system-packages.sh

# Web server, background worker and scheduler together (Procfile, via honcho); Ctrl-C stops all three.
run: $(STAMP) system-packages
	@mkdir -p var/mail var/private
	$(DEV) $(MANAGE) contracts_prepare_font
	$(DEV) $(MANAGE) prepare_demo
	$(DEV) $(MANAGE) demo_logins
	@echo "serving http://127.0.0.1:8000 (mail is written to var/mail/; Ctrl-C stops web, worker and scheduler)"
	$(DEV) exec $(VENV)/bin/honcho -f Procfile start

# bandit: pyproject's [tool.bandit] lists each skipped rule and why; the dependency check reads the
# offline advisory database security/advisories.json (docs/security.md, "Dependency checks").
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/bandit -c pyproject.toml -r usefirst -x '*/tests/*,*/migrations/*' -q
	$(PY) scripts/dependency_check.py

typecheck: $(STAMP)
	$(VENV)/bin/mypy usefirst

checks: $(STAMP)
	@mkdir -p var
	DJANGO_SETTINGS_MODULE=usefirst.settings.test $(MANAGE) check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=usefirst.settings.test $(MANAGE) makemigrations --check --dry-run
	DJANGO_SECRET_KEY=check-deploy-$$(head -c 32 /dev/urandom | base64 | tr -dc a-zA-Z0-9) \
	DJANGO_ALLOWED_HOSTS=usefirst.example.gov.cn DATABASE_URL=sqlite:///var/deploy-check.sqlite3 \
	USEFIRST_FIELD_ENCRYPTION_KEYS=$$($(PY) -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
	USEFIRST_IDENTITY_HASH_KEY=check-deploy-identity USEFIRST_SITE_URL=https://usefirst.example.gov.cn \
	DJANGO_SETTINGS_MODULE=usefirst.settings.production $(MANAGE) check --deploy --fail-level WARNING

# pytest exits 5 when it collected no test: that fails the target like any other failure.
# The 375 px browser test does not depend on the database, so it runs on SQLite only.
# The suite runs in TEST_PROCESSES processes (pytest-xdist, one per core by default); the browser
# tests stay together in one of them (the `browser` group: one demo site, one Chromium).
TEST_PROCESSES ?= auto
PYTEST_PARALLEL = $(VENV)/bin/pytest --numprocesses=$(TEST_PROCESSES) --dist=loadgroup
pytest: $(STAMP) system-packages
	@mkdir -p var
	DJANGO_SETTINGS_MODULE=usefirst.settings.test $(MANAGE) contracts_prepare_font
	@echo "== test suite on SQLite =="
	env -u DATABASE_URL $(PYTEST_PARALLEL)
	@if [ -n "$${DATABASE_URL:-}" ]; then \
	  echo "== test suite on PostgreSQL ($${DATABASE_URL%%@*}@…) =="; \
	  $(PYTEST_PARALLEL) -m "not browser"; fi

test: lint typecheck checks pytest

bench: $(STAMP)
	$(PY) bench/run.py

# The production stack on this machine, for a trial (docs/deployment.md): nginx, two gunicorn
# nodes, PgBouncer, PostgreSQL primary and streaming replica, Redis, RabbitMQ, two workers, one scheduler,
# all under var/prod/ on loopback ports. Installs nginx-light, pgbouncer and rabbitmq-server when missing.
prod-up: $(STAMP)
	@bash scripts/prod-stack.sh up

prod-down:
	@bash scripts/prod-stack.sh down

# The fault drills against the running stack, each printing its figure (bounded: 15 minutes).
prod-test: prod-up
	timeout 900 $(PY) scripts/prod_faults.py

clean:
	rm -rf $(VENV) staticfiles .mypy_cache .ruff_cache
