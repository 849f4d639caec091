"""Settings of the search API server started by bench/matching_search.py: the test settings with
the anonymous rate limit lifted, so twenty clients on one address measure the search, not HTTP 429."""

from usefirst.settings.test import *  # noqa: F403

API_RATE_LIMIT_ANON = "1000000/m"
