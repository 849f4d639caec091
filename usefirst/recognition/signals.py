"""Listen to the finance side's receipts without editing finance: after a receipt (or its
reversal, or a confirmation) is committed, recheck the achievements of its contract."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_save


def _receipt_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    from usefirst.contracts.models import Contract, ContractAchievement

    from . import tasks

    contract_ids = {instance.contract_id}
    parent_id = Contract.objects.filter(pk=instance.contract_id).values_list("parent_id", flat=True).first()
    if parent_id:
        contract_ids.add(parent_id)
    ids = sorted(set(ContractAchievement.objects.filter(contract_id__in=contract_ids).values_list("achievement_id", flat=True)))
    if not ids:
        return
    transaction.on_commit(partial(tasks.check_recognised_receipts.enqueue, achievement_ids=ids))
    transaction.on_commit(partial(tasks.notify_if_eligible.enqueue, achievement_ids=ids))


def connect() -> None:
    if apps.is_installed("usefirst.finance"):
        post_save.connect(_receipt_saved, sender="finance.Receipt", dispatch_uid="recognition_receipt_saved")
