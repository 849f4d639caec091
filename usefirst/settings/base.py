"""Settings shared by every environment. Everything secret or site-specific comes from the environment."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from usefirst.core.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("USEFIRST_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "usefirst.core.admin.SuperuserAdminConfig",  # django.contrib.admin, superusers only and read-only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # Django's widget templates, found by the project's FORM_RENDERER
    "django_tasks_db",
    "crontask",
    "axes",
    "django_otp",  # second factor (docs/security.md): TOTP devices and recovery codes
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",  # the API docs page serves Swagger UI from its own static files, never from a CDN
    "usefirst.core",
    "usefirst.accounts",
    "usefirst.policy",
    "usefirst.notifications",
    "usefirst.catalog",
    "usefirst.contracts",
    "usefirst.finance",
    "usefirst.plan_projects",
    "usefirst.recognition",  # recognition as provincial plan projects
    "usefirst.inclusion",  # auto-inclusion of projects not converted three years after acceptance (rule 4)
    "usefirst.safehouse",  # the 安心屋 evidence vault, due-diligence exemptions, management systems (rule 10)
    "usefirst.risk",  # insurance and guarantee products, quotes and premium subsidies
    "usefirst.financing",  # bank loans of the use-first deal, and the pledge of the purchased patent
    "usefirst.evaluation",  # agency, unit and city evaluations, excellent lists
    "usefirst.performance",  # the licensee's performance record (履约信用档案) and its consented sharing
    "usefirst.simulator",  # the payment-mode simulator
    "usefirst.reporting",  # annual data reporting (年度数据填报) and rectification cases (整改)
    "usefirst.events",  # events and roadshows: calendar, sign-up, check-in, outcomes, concierges
    "usefirst.cases",  # typical cases (典型案例) drafted from real contracts with both parties' consent
    "usefirst.matchmaking",  # matchmaking (对接)
    "usefirst.matching",  # search, semantic matching and recommendations
    "usefirst.measures",  # local support measures (subsidies, rewards) by city and county
    "usefirst.pools",  # industry pools (成果池): curated by operator and member enterprises
    "usefirst.sources",  # recommendation channels and the source of every achievement
    "usefirst.statistics",  # dashboards and the open statistics (rollup refreshed by the worker)
    "usefirst.help",  # help and policy pages, breadcrumbs, the footer's pages
    "usefirst.api",
    "usefirst.monitoring",  # health and readiness, metrics, error reports (docs/operations.md)
    "usefirst.demo",
]

MIDDLEWARE = [
    # requests counted and timed for /metrics (first, so it sees every answer)
    "usefirst.monitoring.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (SECURE_CSP; the API docs page has its own, api/urls.py)
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # the client's address (TRUSTED_PROXIES) for the audit rows written while serving the request
    "usefirst.core.client.RequestContextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # /api/v1/: every error as problem+json, then the per-client rate limit (429).
    "usefirst.api.errors.ProblemJsonMiddleware",
    "usefirst.api.ratelimit.RateLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # sign out after SESSION_IDLE_TIMEOUT without a request, or SESSION_ABSOLUTE_TIMEOUT after signing in
    "usefirst.core.sessions.SessionTimeoutMiddleware",
    # department staff and platform administrators without an authenticator: to the enrolment page
    "usefirst.accounts.second_factor.EnrolmentRequiredMiddleware",
    # pages: a DomainError escaping a view becomes the Chinese error page, or a flash (core.refusals).
    "usefirst.core.refusals.RefusalPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "usefirst.urls"
FORM_RENDERER = "usefirst.core.forms.FormRenderer"  # labels above fields, Chinese widgets
CSRF_FAILURE_VIEW = "usefirst.core.views.csrf_failure"
WSGI_APPLICATION = "usefirst.wsgi.application"
ASGI_APPLICATION = "usefirst.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "usefirst" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "usefirst.accounts.context_processors.current_organisation",
                "usefirst.notifications.context_processors.inbox_badge",
                "usefirst.policy.context_processors.policy_nav",
                "usefirst.help.context_processors.site_footer",
            ],
        },
    }
]


def database_from_env(default_sqlite_path: Path) -> dict[str, object]:
    """One DATABASE_URL decides the engine; SQLite is the embedded default.

    SQLite is tuned for a web process and a worker writing at the same time: WAL lets readers
    run beside the writer, IMMEDIATE transactions take the write lock up front (no deadlock on
    lock upgrade), and the busy timeout makes a second writer wait instead of failing.
    """
    url = os.environ.get("DATABASE_URL", "")
    if url:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    else:
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": default_sqlite_path}
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;PRAGMA busy_timeout=20000;"
            ),
        }
    return config


DATABASES: dict[str, dict[str, object]] = {"default": database_from_env(VAR_DIR / "usefirst.sqlite3")}
# A streaming replica for the reads of web requests, with read-your-writes pinning
# (usefirst/core/db_routing.py, docs/deployment.md "Replica"). Off unless its URL is set.
REPLICA_DATABASE_URL = os.environ.get("USEFIRST_REPLICA_DATABASE_URL", "")
DATABASE_REPLICA_PIN_SECONDS = int(os.environ.get("USEFIRST_REPLICA_PIN_SECONDS", "10"))


def add_replica(databases: dict[str, dict[str, object]], middleware: list[str], url: str) -> list[str]:
    """Add the ``replica`` alias and the read-your-writes middleware; return the routers."""
    if not url:
        return []
    databases["replica"] = {**dj_database_url.parse(url, conn_max_age=60), "TEST": {"MIRROR": "default"}}
    pinning = "usefirst.core.db_routing.ReadYourWritesMiddleware"
    if pinning not in middleware:
        middleware.insert(middleware.index("usefirst.core.client.RequestContextMiddleware") + 1, pinning)
    return ["usefirst.core.db_routing.ReplicaRouter"]


DATABASE_ROUTERS = add_replica(DATABASES, MIDDLEWARE, REPLICA_DATABASE_URL)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "usefirst.accounts.identity.IdentityProviderBackend",
]
# Argon2id first (usefirst/accounts/hashers.py says why its cost): signers re-enter their
# password before every signature. Older PBKDF2 hashes still verify and are upgraded at next login.
PASSWORD_HASHERS = [
    "usefirst.accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # not a rule: a saved new password revokes the user's API tokens (usefirst/accounts/services/signins.py)
    {"NAME": "usefirst.accounts.services.signins.RevokeCredentialsOnPasswordChange"},
]
# Sessions: signed out after 30 minutes without a request and 12 hours after signing in
# (usefirst/core/sessions.py); the cookie lasts no longer and ends with the browser.
SESSION_IDLE_TIMEOUT = int(os.environ.get("USEFIRST_SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_ABSOLUTE_TIMEOUT = int(os.environ.get("USEFIRST_SESSION_ABSOLUTE_SECONDS", str(12 * 3600)))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# The second factor (usefirst/accounts/second_factor.py): department staff and the platform
# administrators must have an authenticator; signed in without one, they reach only the enrolment
# page. Off only in usefirst/settings/test.py (its tests sign staff in directly).
USEFIRST_SECOND_FACTOR_REQUIRED = True
OTP_TOTP_ISSUER = "粤科先用后转"  # the account's name in the person's authenticator app
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:workspace"
LOGOUT_REDIRECT_URL = "home"

# Sign-in throttling (usefirst/accounts/throttles.py, docs/security.md). django-axes locks one
# account from one address for 10 minutes after 5 failures: a typist waits minutes, the account
# stays open from everywhere else (a university's NAT address is shared by thousands).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=10)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "usefirst.core.client.client_address"
# … and wider nets: failures from one address for any account, and for one account from any address.
LOGIN_FAILURES_PER_ADDRESS = os.environ.get("USEFIRST_LOGIN_FAILURES_PER_ADDRESS", "50/15m")
LOGIN_FAILURES_PER_ACCOUNT = os.environ.get("USEFIRST_LOGIN_FAILURES_PER_ACCOUNT", "30/h")
# Password-reset mails per recipient and requests per client address; registrations per address.
PASSWORD_RESET_PER_RECIPIENT = os.environ.get("USEFIRST_PASSWORD_RESET_PER_RECIPIENT", "3/h")
PASSWORD_RESET_PER_CLIENT = os.environ.get("USEFIRST_PASSWORD_RESET_PER_CLIENT", "20/h")
REGISTRATION_PER_CLIENT = os.environ.get("USEFIRST_REGISTRATION_PER_CLIENT", "10/h")
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "usefirst" / "static"]
STORAGES = {
    # Uploaded licences and attachments are private: never under STATIC or a public URL;
    # they are served only through permission-checked views.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "private"), "base_url": "/nonexistent/"},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024

# Mail in development and the demo is written as files under var/mail/ (one file per message).
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "先用后转平台 <noreply@usefirst.invalid>")
SMS_GATEWAY = os.environ.get("USEFIRST_SMS_GATEWAY", "usefirst.notifications.sms.ConsoleSmsGateway")
IDENTITY_PROVIDER = os.environ.get("USEFIRST_IDENTITY_PROVIDER", "usefirst.accounts.identity.LocalIdentityProvider")
# The RFC 3161 timestamping authority every contract signature is timestamped by: empty = the
# platform's local TSA (docs/contracts-signing.md); a URL = a TSA over HTTP.
TSA_URL = os.environ.get("USEFIRST_TSA_URL", "")
# That TSA's root certificate(s), a PEM file: verification trusts its timestamps through them.
TSA_TRUST_ROOTS = os.environ.get("USEFIRST_TSA_TRUST_ROOTS", "")

# Personal data (ID numbers, phones) is encrypted with Fernet keys; the first key encrypts,
# all keys decrypt (rotation). The identity hash key makes a person's cross-unit identity.
FIELD_ENCRYPTION_KEYS = [
    k for k in os.environ.get("USEFIRST_FIELD_ENCRYPTION_KEYS", "8Qq3Zl9n3Lk2xS8b1v0cV3m6yJ4t7u2wQ5e8r1t4y7A=").split(",") if k
]
IDENTITY_HASH_KEY = os.environ.get("USEFIRST_IDENTITY_HASH_KEY", "dev-only-identity-hash-key")

# The task queue: the database (the embedded default), or RabbitMQ through Celery when
# USEFIRST_BROKER_URL is set (production; docs/deployment.md, "Task workers").
BROKER_URL = os.environ.get("USEFIRST_BROKER_URL", "")
BROKER_QUEUE_PREFIX = os.environ.get("USEFIRST_BROKER_QUEUE_PREFIX", "usefirst.")
TASKS = {
    "default": {
        "BACKEND": (
            "usefirst.core.task_broker.BrokerBackend"
            if BROKER_URL
            else "usefirst.core.task_backend.DatabaseBackend"  # records the enqueuing request id
        ),
        "QUEUES": ["default"],
    }
}

# Where throttle counts live (usefirst/core/throttle.py): the database, or Redis when
# USEFIRST_REDIS_URL is set (one round trip per request; production, docs/operations.md).
REDIS_URL = os.environ.get("USEFIRST_REDIS_URL", "")
# The scheduler holds a Redis lock when Redis is configured, so a second scheduler started by
# mistake waits instead of running every job twice (docs/deployment.md).
CRONTASK = {"REDIS_URL": REDIS_URL or None}
THROTTLE = (
    {"BACKEND": "usefirst.core.throttle.RedisCounter", "OPTIONS": {"url": REDIS_URL}}
    if REDIS_URL
    else {"BACKEND": "usefirst.core.throttle.DatabaseCounter"}
)

# A search engine beside the database's full-text index, for a catalog past a few hundred thousand
# items (usefirst/matching/engine.py; docs/deployment.md, "When search moves to an engine"): empty
# for the database alone, or "tantivy" with its index folder on storage every web node reads.
SEARCH_ENGINE = os.environ.get("USEFIRST_SEARCH_ENGINE", "")
SEARCH_ENGINE_PATH = Path(os.environ.get("USEFIRST_SEARCH_ENGINE_PATH", VAR_DIR / "search-engine"))

# Anonymous API clients are rate-limited per address; signed-in tokens get a higher ceiling.
API_RATE_LIMIT_ANON = os.environ.get("USEFIRST_API_RATE_ANON", "120/m")
API_RATE_LIMIT_TOKEN = os.environ.get("USEFIRST_API_RATE_TOKEN", "600/m")
API_TOKEN_LIFETIME_DAYS = 90

# Annual reporting: a reported figure differing from the platform's own by more than this
# percentage of the platform's figure is flagged to the reviewer (exactly at it is not).
REPORTING_TOLERANCE_PERCENT = os.environ.get("USEFIRST_REPORTING_TOLERANCE_PERCENT", "5")

CACHES = {
    "default": (
        {
            # a Redis restart makes cache misses, not errors (usefirst/core/cache.py)
            "BACKEND": "usefirst.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "usefirst",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "usefirst_cache"}
    )
}

# Absolute links in e-mails (verification, invitations, password reset).
SITE_URL = os.environ.get("USEFIRST_SITE_URL", "http://127.0.0.1:8000")
SITE_NAME = "广东省科技成果“先用后转”平台"

# Who runs the site and how to reach them: the footer and the contact page (a government site
# names its organiser, contact details and registration numbers). Deployment sets the real ones;
# an empty value is left off the page.
SITE_ORGANISER = os.environ.get("USEFIRST_SITE_ORGANISER", "广东省科学技术厅")
SITE_HOST_PLATFORM = os.environ.get("USEFIRST_SITE_HOST_PLATFORM", "广东省科技业务管理阳光政务平台")
CONTACT_DEPARTMENT = os.environ.get("USEFIRST_CONTACT_DEPARTMENT", "“先用后转”平台运行服务组")
CONTACT_PHONE = os.environ.get("USEFIRST_CONTACT_PHONE", "")
CONTACT_EMAIL = os.environ.get("USEFIRST_CONTACT_EMAIL", "service@usefirst.invalid")
CONTACT_ADDRESS = os.environ.get("USEFIRST_CONTACT_ADDRESS", "")
CONTACT_POSTCODE = os.environ.get("USEFIRST_CONTACT_POSTCODE", "")
CONTACT_HOURS = os.environ.get("USEFIRST_CONTACT_HOURS", "工作日 9:00–12:00，14:00–17:30")
# 网站标识码, ICP 备案号, 公安备案号: shown as text (the registries' own sites are outside hosts).
SITE_GOV_CODE = os.environ.get("USEFIRST_SITE_GOV_CODE", "")
SITE_ICP_RECORD = os.environ.get("USEFIRST_SITE_ICP_RECORD", "")
SITE_PSB_RECORD = os.environ.get("USEFIRST_SITE_PSB_RECORD", "")
DEMO_MODE = False

# --- Security controls (docs/security.md) ---------------------------------------------------
# Content-Security-Policy: scripts and styles only from the site's own static files, never
# inline; no plugins; no framing; forms post only here.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
}
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated).
# Empty: the peer address is the client (usefirst/core/client.py).
TRUSTED_PROXIES = [p for p in os.environ.get("USEFIRST_TRUSTED_PROXIES", "").split(",") if p.strip()]
# Each committed audit row is also appended to this file, for a log forwarder to take off the host.
AUDIT_SHIPPER = {
    "BACKEND": "usefirst.core.audit_shipping.JsonLinesShipper",
    "OPTIONS": {"path": os.environ.get("USEFIRST_AUDIT_LOG", str(VAR_DIR / "audit" / "audit.jsonl"))},
}

# Unexpected errors (500s, failed tasks) go to this reporter (usefirst/core/error_reporting.py).
ERROR_REPORTER = {
    "BACKEND": "usefirst.core.error_reporting.JsonLinesReporter",
    "OPTIONS": {"path": os.environ.get("USEFIRST_ERROR_LOG", str(VAR_DIR / "errors" / "errors.jsonl"))},
}
# Who may read /metrics and the detailed /health/ report (addresses or networks; loopback by default).
MONITORING_NETWORKS = [n for n in os.environ.get("USEFIRST_MONITORING_NETWORKS", "127.0.0.1/32,::1/128").split(",") if n.strip()]
# The readiness and health thresholds (docs/operations.md, "Health").
HEALTH_REPLICA_LAG_SECONDS = int(os.environ.get("USEFIRST_HEALTH_REPLICA_LAG_SECONDS", "30"))
HEALTH_QUEUE_WAIT_SECONDS = int(os.environ.get("USEFIRST_HEALTH_QUEUE_WAIT_SECONDS", "300"))
HEALTH_SCHEDULER_SECONDS = int(os.environ.get("USEFIRST_HEALTH_SCHEDULER_SECONDS", "300"))

# Logs (docs/operations.md): every line carries the request id; JSON lines in production.
LOG_FORMAT = os.environ.get("USEFIRST_LOG_FORMAT", "text")
LOGGING = logging_config(LOG_FORMAT)
