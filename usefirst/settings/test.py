"""The test suite: in-memory mail, fast hashing, immediate tasks; the database follows DATABASE_URL."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
THROTTLE = {"BACKEND": "usefirst.core.throttle.DatabaseCounter"}  # the Redis counter has its own tests
API_RATE_LIMIT_ANON = "1000/m"
# Static files straight from the finders: no collectstatic before the tests (and no warning
# about a missing STATIC_ROOT); the live-server browser test gets the same files.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
AUDIT_SHIPPER = {"BACKEND": "usefirst.core.audit_shipping.MemoryShipper"}
# Thousands of tests sign department staff in directly, without an authenticator; the tests of
# the enrolment gate turn it on (usefirst/accounts/tests/test_second_factor_pages.py).
USEFIRST_SECOND_FACTOR_REQUIRED = False
