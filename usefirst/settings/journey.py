"""The demo as the browser journey tests meet it: `make run`'s settings (dev: the demo data, the
worker, DEBUG off unless DJANGO_DEBUG=1). The database, mail and uploads live under
USEFIRST_VAR_DIR, which the journey fixture points at a temporary folder.

One difference: the journeys' scripted authenticator gives the next half minute's code when a
login signs in twice within one (a code verifies once), which a phone never does. With
django-otp's clock-drift sync on, the device would re-centre on that step, and a later code typed
as one half minute turned into the next would fall outside its window; so sync is off here and a
device always accepts the step before, the current one and the next."""

from .dev import *  # noqa: F403

DEBUG = False
OTP_TOTP_SYNC = False
