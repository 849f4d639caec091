"""The demo as the browser journey tests meet it: `make run`'s settings (dev, the demo data, the
worker), but with DEBUG off so that visitors see the platform's own error pages, and static files
served by WhiteNoise from the finders (no collectstatic). The database, mail and uploads live
under USEFIRST_VAR_DIR, which the journey fixture points at a temporary folder."""

from .dev import *  # noqa: F403

DEBUG = False
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
