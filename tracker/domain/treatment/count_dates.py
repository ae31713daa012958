"""The days a blood count is due across a stretch of the calendar, for paper printed ahead.

``engine.labs_status`` answers "is a count due today, given the counts recorded"; a sheet
needs the days themselves. This walks the same schedule (``monitoring.count_schedule``): the
cycle days of each cycle number, and weekly while an interruption for low counts is open.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import date, timedelta

from tracker.domain.calendar import PlannedDay
from tracker.domain.treatment.engine import labs_status
from tracker.domain.treatment.history import CourseHistory
from tracker.domain.treatment.monitoring import count_schedule


def count_due_dates(
    history: CourseHistory, cycle_days: Sequence[PlannedDay], stopped_from: date | None = None
) -> frozenset[date]:
    """The days of the cycle a blood count is due: the schedule's days of that cycle number,
    and every ``while_interrupted_every_days`` while an interruption for low counts is open
    (the engine's ``labs_status`` says which interruption that is). Nothing once the course
    has stopped.

    The engine answers "is a count due today, given the counts recorded"; paper printed ahead
    needs the days themselves, so the weekly days are walked here: a count is due a week
    after the last one recorded or planned, from the start of the interruption on.
    """
    if not cycle_days:
        return frozenset()
    schedule = count_schedule()
    every = schedule.while_interrupted_every_days
    first, last = cycle_days[0].date, cycle_days[-1].date
    scheduled = {
        planned.date for planned in cycle_days if planned.day in schedule.cycle_days(planned.cycle)
    }
    recorded = sorted(count.on for count in history.counts if count.measured)
    # Walk from the earliest interruption still open on the cycle's first day, so a sheet
    # continues the weekly rhythm a previous cycle's sheet began.
    walk_from = min(
        (i.start for i in history.interruptions if i.covers(first) and i.start < first),
        default=first,
    )
    due: set[date] = set()
    planned_on: date | None = None  # the last weekly count this walk has put on paper
    day = walk_from
    while day <= last:
        if stopped_from is not None and day >= stopped_from:
            break
        if _weekly_on(history, day):
            latest = [on for on in (_latest_before(recorded, day), planned_on) if on]
            if not latest or (day - max(latest)).days >= every:
                planned_on = day
                if day >= first:
                    due.add(day)
        elif day in scheduled:
            due.add(day)
        day += timedelta(days=1)
    return frozenset(due)


def _latest_before(recorded: list[date], day: date) -> date | None:
    index = bisect_right(recorded, day)
    return recorded[index - 1] if index else None


def _weekly_on(history: CourseHistory, day: date) -> bool:
    interruption = history.interruption_on(day)
    return interruption is not None and labs_status(history, day, interruption).weekly
