"""Settings of the web nodes bench/web_scale.py starts: the test settings (DEBUG off) with what a
production node has in front of its database for every request — the cache and the API rate
limiter in Redis (USEFIRST_REDIS_URL; one round trip per request) — and the anonymous limit
raised so that fifty clients on one address measure the pages, not HTTP 429. The URLs add the
bare view the listing is compared with (bench/_web_urls.py)."""

import os

from usefirst.settings.test import *  # noqa: F403

REDIS_URL = os.environ["USEFIRST_REDIS_URL"]
CACHES = {
    "default": {
        "BACKEND": "usefirst.core.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "usefirst-bench",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }
}
THROTTLE = {"BACKEND": "usefirst.core.throttle.RedisCounter", "OPTIONS": {"url": REDIS_URL}}
API_RATE_LIMIT_ANON = "1000000/m"
ROOT_URLCONF = "_web_urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
