"""The blood counts of a cycle sheet: the days they are due, from the engine's schedule,
and the lines of the counts table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from tracker.domain.calendar import PlannedDay
from tracker.domain.grading import NEUTROPENIA, THROMBOCYTOPENIA
from tracker.domain.label_rules import LabelRules
from tracker.domain.treatment.history import CountResult, CourseHistory
from tracker.reports.sheet_model import MAX_LAB_ROWS, MIN_LAB_ROWS, LabRow, count_text


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
        if count.on in day_of and count.measured:
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
