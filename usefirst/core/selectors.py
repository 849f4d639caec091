"""Reads the core app's own pages need from the apps above it, through hooks (usefirst/core/hooks.py)."""

from __future__ import annotations

from typing import Any

from .hooks import Hook

# The home page's figures, computed from the data: the catalog answers (catalog/hooks.py).
home_figures: Hook[[], dict[str, Any]] = Hook("core.home_figures")


def platform_figures() -> dict[str, Any]:
    """Figures for the home page, computed from the data: only public items are counted."""
    return home_figures.ask()
