"""Rule 4's date (docs/domain.md, "Auto-inclusion date"): non-conversion is established on the day
after the third anniversary of acceptance; an anniversary on 29 February falls on 28 February in
a common year; a last day that is a statutory holiday or a rest day moves to the next working day
(民法典 art. 203), so the project falls due the day after that."""

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
        (D(2024, 2, 29), D(2027, 3, 2)),  # leap day → anniversary 2027-02-28, a Sunday → ends Mon 03-01 → 03-02
        (D(2025, 2, 28), D(2028, 2, 29)),  # 28 February → a leap year's 28 February → due on 29 February
        (D(2023, 2, 28), D(2026, 3, 1)),  # 2026-02-28 is a Saturday made a working day (Spring Festival)
        (D(2023, 10, 1), D(2026, 10, 9)),  # National Day: the period ends on the first working day, 10-08
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

    def test_a_29_february_acceptance_ends_on_the_monday_after_a_sunday_28_february(self, provincial_reviewer, unit):
        project = make_project(provincial_reviewer, unit, accepted=D(2024, 2, 29))
        assert auto_inclusion_due(on=D(2027, 2, 28)) == []
        assert auto_inclusion_due(on=D(2027, 3, 1)) == []  # the moved last day: the unit may still convert
        assert auto_inclusion_due(on=D(2027, 3, 2)) == [project]
        [row] = verdicts([project], on=D(2027, 3, 1), horizon=0)
        assert row.verdict == Verdict.LATER and row.due_on == D(2027, 3, 2)
        [row] = verdicts([project], on=D(2027, 3, 2), horizon=0)
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
