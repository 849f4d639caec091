"""Production: every secret and host comes from the environment; start-up fails if one is missing."""

import os

from usefirst.core.logging import logging_config

from .base import *  # noqa: F403


def _required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"environment variable {name} is required in production")
    return value


DEBUG = False
USEFIRST_SECOND_FACTOR_REQUIRED = True  # MLPS level 3: department staff and administrators sign in with two factors
SECRET_KEY = _required("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = _required("DJANGO_ALLOWED_HOSTS").split(",")
DATABASES = {"default": database_from_env(VAR_DIR / "usefirst.sqlite3")}  # noqa: F405
if not os.environ.get("DATABASE_URL"):
    raise RuntimeError("environment variable DATABASE_URL is required in production")
DATABASE_ROUTERS = add_replica(DATABASES, MIDDLEWARE, REPLICA_DATABASE_URL)  # noqa: F405
# Behind PgBouncer in transaction mode a cursor cannot outlive its transaction (docs/deployment.md).
if os.environ.get("USEFIRST_DATABASE_TRANSACTION_POOLING", "0") == "1":
    for _alias in DATABASES.values():
        _alias["DISABLE_SERVER_SIDE_CURSORS"] = True
FIELD_ENCRYPTION_KEYS = _required("USEFIRST_FIELD_ENCRYPTION_KEYS").split(",")
IDENTITY_HASH_KEY = _required("USEFIRST_IDENTITY_HASH_KEY")
SITE_URL = _required("USEFIRST_SITE_URL")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": os.environ.get("EMAIL_USE_TLS", "0") == "1",
        },
    }
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
# the load balancer's probes and the metrics scraper speak plain HTTP on the inside network
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$"]
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# one JSON object per log line, with the request id (docs/operations.md)
LOG_FORMAT = os.environ.get("USEFIRST_LOG_FORMAT", "json")
LOGGING = logging_config(LOG_FORMAT)
