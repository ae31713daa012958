"""What stands in the way of starting a cycle, and when blood counts are due."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.domain.courses import Course, day
from tracker.domain.treatment.engine import day_state
from tracker.domain.treatment.history import CountResult
from tracker.domain.treatment.start_check import cycle_start_check, start_check

CYCLE_2 = day(2, 1)


@pytest.mark.parametrize(
    ("counts", "problems"),
    [
        ([CountResult(CYCLE_2, 1.5, 100)], []),
        ([CountResult(CYCLE_2 - timedelta(days=7), 1.5, 100)], []),  # 7 days: still recent
        ([CountResult(CYCLE_2 - timedelta(days=8), 1.5, 100)], ["ANC is 8 days old", "platelet count is 8 days old"]),
        ([CountResult(CYCLE_2, 0.9, 100)], ["ANC 0.9 x10^9/L on 2027-02-01 is below"]),
        ([CountResult(CYCLE_2, 1.5, 29)], ["platelets 29 x10^9/L on 2027-02-01 is below"]),
        ([CountResult(CYCLE_2, 1.5, None)], ["no platelet count is recorded"]),
        ([], ["no ANC is recorded", "no platelet count is recorded"]),
        # The latest of each count speaks, even from different days.
        (
            [CountResult(CYCLE_2 - timedelta(days=2), 0.5, 100), CountResult(CYCLE_2, 1.5, None)],
            [],
        ),
    ],
)
def test_start_check_table(counts, problems) -> None:
    check = start_check(counts, CYCLE_2, max_age_days=7)
    assert check.needs_override is bool(problems)
    assert len(check.problems) == len(problems)
    for expected, found in zip(problems, check.problems, strict=True):
        assert expected in found


def test_an_open_interruption_stands_in_the_way_unless_the_start_resumes() -> None:
    course = Course().count(day(1, 1), 3, 200).count(day(1, 20), 3, 20).interrupt(day(1, 20))
    history = course.count(CYCLE_2, 3, 60).history()
    blocked = cycle_start_check(history, CYCLE_2)
    assert blocked.needs_override
    assert "interrupted since 2027-01-23" in blocked.problems[0]
    assert not cycle_start_check(history, CYCLE_2, resuming=True).needs_override


@pytest.mark.parametrize(
    ("cycle", "days"),
    [(1, [1, 8, 15, 22]), (2, [1, 8, 15, 22]), (3, [1, 15]), (4, [1]), (9, [1])],
)
def test_blood_counts_are_due_on_the_myeloma_schedule(cycle: int, days: list[int]) -> None:
    course = Course(cycles=cycle)
    history = course.history()
    due_days = []
    for number in range(1, 29):
        on = history.cycle_starts[cycle - 1] + timedelta(days=number - 1)
        if day_state(history, on).labs_due:
            due_days.append(number)
            history = history.with_count(CountResult(on, 2.0, 150))
    assert due_days == days


def test_counts_are_weekly_while_interrupted_for_low_counts_even_in_cycle_five() -> None:
    course = Course(cycles=5).count(day(5, 1), 3, 200).count(day(5, 3), 0.6, 200)
    history = course.interrupt(day(5, 3)).history()
    assert not day_state(history, day(5, 9)).labs_due
    state = day_state(history, day(5, 10))
    assert state.labs_due and state.labs.weekly
