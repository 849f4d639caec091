"""Saved changes to achievements and demands move their kind's listing generation on, so the
public listings' cached totals and facets (selectors.public_listing_key) are counted afresh."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Achievement, Demand
from .selectors import catalog_changed


@receiver([post_save, post_delete], sender=Achievement)
def _achievement_changed(sender: Any, **kwargs: Any) -> None:
    catalog_changed("achievement")
    transaction.on_commit(lambda: catalog_changed("achievement"))


@receiver([post_save, post_delete], sender=Demand)
def _demand_changed(sender: Any, **kwargs: Any) -> None:
    catalog_changed("demand")
    transaction.on_commit(lambda: catalog_changed("demand"))
