"""Accounts' answers to the hooks of the core app (usefirst/core/hooks.py)."""

from __future__ import annotations

from usefirst.core import daily_jobs

from . import roles

# The daily jobs are operated by the provincial department's administrators.
daily_jobs.operators.connect(roles.is_provincial_admin)
