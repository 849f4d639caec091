"""Shared fixtures: named personas per role (see usefirst/core/testing.py)."""

from usefirst.core.testing import *  # noqa: F403
