"""Local development and the demo (`make run`): SQLite, mail written to var/mail/.

DEBUG is off unless DJANGO_DEBUG=1: the demo is what a newcomer meets, so a missing page or a
refusal shows the platform's own Chinese pages, not Django's technical ones. Static files come
from the finders through WhiteNoise (no collectstatic), with or without DEBUG."""

from .base import *  # noqa: F403

DEMO_MODE = True
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
