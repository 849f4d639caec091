"""The catalog's transitions reach the index through post_save: the catalog services stay as they are.

Every save of an achievement or a demand (publish, edit, revision approval, withdrawal,
take-down, close, expiry) re-decides whether the item is public and writes or removes its
document in the same transaction; the worker embeds and recommends after commit. Changes
made with `QuerySet.update()` bypass signals: `manage.py search_index rebuild` catches up.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from usefirst.catalog.models import Achievement, Demand

from .models import ItemKind

DISPATCH_UID = "matching-index"


def achievement_saved(sender: Any, instance: Achievement, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    from .indexing import after_change, sync_achievement

    document = sync_achievement(instance)
    after_change(ItemKind.ACHIEVEMENT, document, instance.pk)


def demand_saved(sender: Any, instance: Demand, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    from .indexing import after_change, sync_demand

    document = sync_demand(instance)
    after_change(ItemKind.DEMAND, document, instance.pk)


def item_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    from .indexing import engine_after_commit, remove_documents

    kind = ItemKind.ACHIEVEMENT if isinstance(instance, Achievement) else ItemKind.DEMAND
    remove_documents(kind=kind, object_ids=[instance.pk])
    engine_after_commit(kind, [instance.pk])


def connect() -> None:
    post_save.connect(achievement_saved, sender=Achievement, dispatch_uid=f"{DISPATCH_UID}-achievement")
    post_save.connect(demand_saved, sender=Demand, dispatch_uid=f"{DISPATCH_UID}-demand")
    post_delete.connect(item_deleted, sender=Achievement, dispatch_uid=f"{DISPATCH_UID}-achievement-delete")
    post_delete.connect(item_deleted, sender=Demand, dispatch_uid=f"{DISPATCH_UID}-demand-delete")
