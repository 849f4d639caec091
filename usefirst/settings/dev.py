"""Local development and the demo (`make run`): SQLite, mail written to var/mail/."""

from .base import *  # noqa: F403

DEBUG = True
DEMO_MODE = True
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
