"""Contract writes, one module per concern; every name other apps use is importable from here.

- `templates`: the standard texts as versioned data;
- `drafting`: drafting, the grant to the inventors, the contract text and the issued-document
  register;
- `signatures`: signing, and the first cooperation project;
- `free_use`: the free-use period, the next step and the daily advance;
- `open_licences`: open patent licences and their take-ups.

Lifecycle (declared in contracts/workflows.py): drafted → signing → signed (all parties) →
free_use (from its first day) → awaiting_next_step (the day after its last day) →
next_step_agreed / ended. A draft can be cancelled. Follow-on contracts (licence, transfer,
development, equity) have no free-use period: they stay `signed` once every party has signed.
Every move goes through the workflow kernel (`common.move`), which writes its ContractEvent in
the same transaction.
"""

from __future__ import annotations

from ..selectors import open_licence_in_force
from .common import MAX_ACHIEVEMENTS, REMINDER_DAYS, SHARES_TOTAL, S, contract_url
from .drafting import (
    AchievementShare,
    DraftData,
    contract_cancel,
    contract_draft,
    contract_issue_document,
    contract_text,
    current_document,
    draft_without_text,
    free_use_end_of,
    stage_document,
)
from .ending import contract_end, ending_answer, ending_propose, ending_withdraw, ends_in_one_step, notice_days
from .free_use import contract_advance, contracts_due, next_step_accept, next_step_propose
from .open_licences import open_licence_record, open_licence_take_up, open_licence_withdraw
from .signatures import contract_sign, signable_parties
from .templates import template_create_version, template_for, template_publish

__all__ = [
    "MAX_ACHIEVEMENTS",
    "REMINDER_DAYS",
    "SHARES_TOTAL",
    "AchievementShare",
    "DraftData",
    "S",
    "contract_advance",
    "contract_cancel",
    "contract_draft",
    "contract_end",
    "contract_issue_document",
    "contract_sign",
    "contract_text",
    "contract_url",
    "contracts_due",
    "current_document",
    "draft_without_text",
    "ending_answer",
    "ending_propose",
    "ending_withdraw",
    "ends_in_one_step",
    "free_use_end_of",
    "next_step_accept",
    "next_step_propose",
    "notice_days",
    "open_licence_in_force",
    "open_licence_record",
    "open_licence_take_up",
    "open_licence_withdraw",
    "signable_parties",
    "stage_document",
    "template_create_version",
    "template_for",
    "template_publish",
]
