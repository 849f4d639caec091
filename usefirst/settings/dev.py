"""Local development and the demo (`make run`): SQLite, mail written to var/mail/.

DEBUG is off unless DJANGO_DEBUG=1: the demo is what a newcomer meets, so a missing page or a
refusal shows the platform's own Chinese pages, not Django's technical ones. Static files come
from the finders through WhiteNoise (no collectstatic), with or without DEBUG."""

import os

from .base import *  # noqa: F403

DEMO_MODE = True
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# The demo runs the search engine beside SQLite's full-text index, as a large deployment would
# (usefirst/matching/engine.py): its common words' listings are answered by it.
SEARCH_ENGINE = os.environ.get("USEFIRST_SEARCH_ENGINE", "tantivy")

# The demo is not a registered site: its footer says so where a deployment shows its numbers.
SITE_GOV_CODE = SITE_GOV_CODE or "演示站点，未登记"  # noqa: F405
SITE_ICP_RECORD = SITE_ICP_RECORD or "演示站点，未备案"  # noqa: F405
SITE_PSB_RECORD = SITE_PSB_RECORD or "演示站点，未备案"  # noqa: F405
