"""How the screens write a date in prose: '1 Sep 2026', without a leading zero.

Tables, date fields and file names keep ISO dates (2026-09-01), which sort and cannot be
misread; sentences, headers and menus use these.
"""

from __future__ import annotations

from datetime import date


def long_date(day: date) -> str:
    """'1 Sep 2026'."""
    return f"{day.day} {day:%b %Y}"


def weekday_date(day: date) -> str:
    """'Tue 1 Sep 2026'."""
    return f"{day:%a} {long_date(day)}"


def short_date(day: date, on: date) -> str:
    """'1 Sep', with the year only when it is not the year of ``on``."""
    return f"{day.day} {day:%b}" if day.year == on.year else long_date(day)
