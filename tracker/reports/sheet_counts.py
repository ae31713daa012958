"""The blood counts of a cycle sheet: the days they are due, from the engine's schedule,
and the lines of the counts table."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import date, timedelta

from tracker.domain.calendar import PlannedDay
from tracker.domain.grading import NEUTROPENIA, THROMBOCYTOPENIA
from tracker.domain.label_rules import LabelRules
from tracker.domain.treatment.engine import labs_status
from tracker.domain.treatment.history import CountResult, CourseHistory
from tracker.domain.treatment.monitoring import count_schedule
from tracker.reports.sheet_model import MAX_LAB_ROWS, MIN_LAB_ROWS, LabRow, count_text


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
    recorded = sorted(count.on for count in history.counts if _measured(count))
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


def _measured(count: CountResult) -> bool:
    return count.anc is not None or count.platelets is not None


def _weekly_on(history: CourseHistory, day: date) -> bool:
    interruption = history.interruption_on(day)
    return interruption is not None and labs_status(history, day, interruption).weekly


def lab_rows(
    history: CourseHistory,
    cycle_days: Sequence[PlannedDay],
    due: frozenset[date],
    rules: LabelRules,
) -> tuple[LabRow, ...]:
    """Between MIN_LAB_ROWS and MAX_LAB_ROWS lines: the due days with empty boxes, and the
    counts recorded during the cycle (recorded ones kept first when there are too many)."""
    day_of = {planned.date: planned.day for planned in cycle_days}
    by_date: dict[date, LabRow] = {
        planned.date: LabRow(planned.date, planned.day)
        for planned in cycle_days
        if planned.date in due
    }
    for count in history.counts:
        if count.on in day_of and _measured(count):
            by_date[count.on] = LabRow(
                count.on, day_of[count.on], count.anc, count.platelets, _low(count, rules)
            )
    rows = sorted(by_date.values(), key=lambda row: row.date or date.min)
    while len(rows) > MAX_LAB_ROWS:
        empty = [row for row in rows if not row.recorded]
        rows.remove(empty[-1] if empty else rows[0])
    rows += [LabRow(None, None)] * (MIN_LAB_ROWS - len(rows))
    return tuple(rows)


def _low(count: CountResult, rules: LabelRules) -> tuple[str, ...]:
    found = []
    if rules.is_low(NEUTROPENIA, count.anc):
        found.append(f"ANC < {count_text(rules.hold_below(NEUTROPENIA))}")
    if rules.is_low(THROMBOCYTOPENIA, count.platelets):
        found.append(f"Plt < {count_text(rules.hold_below(THROMBOCYTOPENIA))}")
    return tuple(found)
