"""The OR fallback matches on the query's rarest terms only, so that a common word cannot fill the
ranking window with documents that share nothing else with the query."""

from __future__ import annotations

from usefirst.matching import ranking


def test_the_rarest_terms_within_the_budget_are_kept_in_the_querys_order(monkeypatch):
    monkeypatch.setattr(ranking, "ANY_TERM_BUDGET", 1000)
    frequencies = {"强度": 38_100, "赤泥": 225, "粉煤灰": 564, "热处理": 3_783}
    assert ranking.any_term_subset(["赤泥", "粉煤灰", "热处理", "强度"], frequencies) == ["赤泥", "粉煤灰"]


def test_at_the_budget_a_term_is_kept_and_one_more_is_not(monkeypatch):
    monkeypatch.setattr(ranking, "ANY_TERM_BUDGET", 790)
    frequencies = {"赤泥": 225, "粉煤灰": 564, "热处理": 1}
    assert ranking.any_term_subset(["赤泥", "粉煤灰", "热处理"], frequencies) == ["赤泥", "粉煤灰", "热处理"]
    frequencies["热处理"] = 2
    # 2 + 225 + 564 = 791 > 790: the rarest two still fit, 粉煤灰 does not.
    assert ranking.any_term_subset(["赤泥", "粉煤灰", "热处理"], frequencies) == ["赤泥", "热处理"]


def test_the_rarest_term_is_kept_even_above_the_budget(monkeypatch):
    monkeypatch.setattr(ranking, "ANY_TERM_BUDGET", 10)
    assert ranking.any_term_subset(["强度", "结构"], {"强度": 38_100, "结构": 214_350}) == ["强度"]
