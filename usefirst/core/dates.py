"""Business dates (Asia/Shanghai) and periods under 民法典 arts. 201–204.

The first day is not counted; a period of months or years ends on the corresponding day of
the last month (or that month's last day where there is none); a last day that is a
statutory holiday moves to the next working day.
"""

from __future__ import annotations

import calendar
import datetime as dt

import chinese_calendar
from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()


def parse_date(value: object, *, label: str, field: str | None = None) -> dt.date:
    """A date as a person entered it (YYYY-MM-DD), refused with the field named when it is none."""
    from .errors import DomainError

    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        message = f"{label}“{value}”不是有效日期"
        raise DomainError(message, code="date_invalid", field_errors={field: [message]} if field else None) from exc


def add_months(start: dt.date, months: int) -> dt.date:
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def is_working_day(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        # Outside the years the holiday table knows: weekends only.
        return day.weekday() < 5


def next_working_day(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def period_end(start: dt.date, *, years: int = 0, months: int = 0, holiday_shift: bool = True) -> dt.date:
    """Last day of a period of years/months counted from the event on `start`.

    "3 years after acceptance on 2023-11-25" ends with 2026-11-25.
    """
    end = add_months(start, years * 12 + months)
    return next_working_day(end) if holiday_shift else end


def term_last_day(first_day: dt.date, *, years: int = 0, months: int = 0, days: int = 0) -> dt.date:
    """The last day (inclusive) of a term that begins on `first_day` (民法典 arts. 201–204): the
    period runs from the day after the event that starts it, here the day before `first_day`;
    a term of years or months ends on the corresponding day (or the month's last day where there
    is none); a term of days ends that many days on; a last day that is a statutory holiday or a
    rest day moves to the next working day."""
    if (years or months) and days:
        raise ValueError("a term is counted in years and months, or in days")
    event = first_day - dt.timedelta(days=1)
    end = event + dt.timedelta(days=days) if days else add_months(event, years * 12 + months)
    return next_working_day(end)
