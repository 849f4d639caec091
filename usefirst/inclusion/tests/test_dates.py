"""Rule 4's date (docs/domain.md, "Auto-inclusion date"): non-conversion is established on the day
after the third anniversary of acceptance; an anniversary on 29 February falls on 28 February in
a common year; the day is never moved for weekends or holidays (it is not a deadline to act)."""

import datetime as dt

import pytest

from usefirst.inclusion.choices import Verdict
from usefirst.inclusion.selectors import verdicts
from usefirst.plan_projects.selectors import auto_inclusion_due, auto_inclusion_on

from .builders import make_project

D = dt.date


@pytest.mark.parametrize(
    ("accepted", "due"),
    [
        (D(2023, 11, 25), D(2026, 11, 26)),  # the brief's example
        (D(2024, 2, 29), D(2027, 3, 1)),  # leap day → anniversary 2027-02-28 (a Sunday, not moved) → 03-01
        (D(2025, 2, 28), D(2028, 2, 29)),  # 28 February → a leap year's 28 February → due on 29 February
        (D(2023, 2, 28), D(2026, 3, 1)),  # common year to common year
        (D(2023, 10, 1), D(2026, 10, 2)),  # anniversary on National Day: no holiday shift
        (D(2023, 12, 31), D(2027, 1, 1)),  # year end
    ],
)
def test_a_project_falls_due_the_day_after_its_third_anniversary_of_acceptance(accepted, due):
    assert auto_inclusion_on(accepted, years=3) == due


@pytest.mark.django_db
class TestTheBoundaryDays:
    def test_the_last_day_within_three_years_is_not_due_and_the_day_after_is(self, provincial_reviewer, unit):
        make_project(provincial_reviewer, unit, accepted=D(2023, 11, 25))
        assert auto_inclusion_due(on=D(2026, 11, 25)) == []
        assert len(auto_inclusion_due(on=D(2026, 11, 26))) == 1

    def test_a_29_february_acceptance_is_due_on_1_march_not_on_28_february(self, provincial_reviewer, unit):
        project = make_project(provincial_reviewer, unit, accepted=D(2024, 2, 29))
        assert auto_inclusion_due(on=D(2027, 2, 28)) == []
        assert auto_inclusion_due(on=D(2027, 3, 1)) == [project]
        [row] = verdicts([project], on=D(2027, 2, 28), horizon=0)
        assert row.verdict == Verdict.LATER and row.due_on == D(2027, 3, 1)
        [row] = verdicts([project], on=D(2027, 3, 1), horizon=0)
        assert row.verdict == Verdict.DUE

    def test_a_28_february_acceptance_reaching_a_leap_year_is_due_on_29_february(self, provincial_reviewer, unit):
        project = make_project(provincial_reviewer, unit, accepted=D(2025, 2, 28))
        assert auto_inclusion_due(on=D(2028, 2, 28)) == []
        assert auto_inclusion_due(on=D(2028, 2, 29)) == [project]

    def test_the_dry_run_shows_a_project_due_on_the_last_day_of_the_90_day_window_and_not_the_day_after(
        self, provincial_reviewer, unit
    ):
        project = make_project(provincial_reviewer, unit, accepted=D(2023, 11, 25))  # due 2026-11-26
        [row] = verdicts([project], on=D(2026, 11, 26) - dt.timedelta(days=90))
        assert row.verdict == Verdict.DUE_SOON and "还有 90 天" in row.reason
        [row] = verdicts([project], on=D(2026, 11, 26) - dt.timedelta(days=91))
        assert row.verdict == Verdict.LATER
