"""The demo as the browser journey tests meet it: exactly `make run`'s settings (dev: the demo
data, the worker, DEBUG off unless DJANGO_DEBUG=1). The database, mail and uploads live under
USEFIRST_VAR_DIR, which the journey fixture points at a temporary folder."""

from .dev import *  # noqa: F403

DEBUG = False
