"""The product lifecycle is one (risk/products_lifecycle.py): risk products and banks' loan
products move through the same table, write the same event types and refuse with their own words."""

from __future__ import annotations

from usefirst.financing import services as financing_services
from usefirst.financing.workflows import LOAN_PRODUCT
from usefirst.risk import services as risk_services
from usefirst.risk.products_lifecycle import ProductEventType
from usefirst.risk.workflows import PRODUCT


def _table(wf):
    return {(t.name, t.sources, t.target, t.label, t.permission) for t in wf.transitions}


def test_loan_products_and_risk_products_share_one_transition_table_and_event_types():
    assert _table(LOAN_PRODUCT) == _table(PRODUCT)
    assert LOAN_PRODUCT.event_types is PRODUCT.event_types is ProductEventType
    assert [g.states for g in LOAN_PRODUCT.groups] == [g.states for g in PRODUCT.groups]


def test_each_kind_keeps_its_own_series_prefix_owner_and_reviewer_refusal():
    assert (risk_services.LIFECYCLE.series_prefix, risk_services.LIFECYCLE.owner_field) == ("RP", "provider")
    assert (financing_services.LIFECYCLE.series_prefix, financing_services.LIFECYCLE.owner_field) == ("FP", "bank")
    assert risk_services.LIFECYCLE.review_refusal == "只有省科技厅可以审核产品"
    assert financing_services.LIFECYCLE.review_refusal == "只有省科技厅可以审核融资产品"


def test_only_risk_checks_the_rule_by_a_guard_and_financing_before_the_move():
    assert [g.name for t in PRODUCT.transitions if t.name == "submit" for g in t.guards] == ["consistent"]
    assert [g.name for t in LOAN_PRODUCT.transitions if t.name == "submit" for g in t.guards] == []
    assert financing_services.LIFECYCLE.check_before_submit and not risk_services.LIFECYCLE.check_before_submit
