"""Properties of the engine over generated course histories."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.domain.calendar import LevelChange
from tracker.domain.regimen import LENALIDOMIDE, load_regimen
from tracker.domain.treatment.engine import course_days, day_state
from tracker.domain.treatment.history import (
    CountResult,
    CourseHistory,
    Interruption,
    ToxicityEvent,
)
from tracker.domain.treatment.label import ACTIONS

REGIMEN = load_regimen()
START = date(2027, 1, 4)
LOWEST_MG = min(REGIMEN.lenalidomide.dose_ladder_mg)


@st.composite
def histories(draw: st.DrawFn) -> CourseHistory:
    cycles = draw(st.integers(1, 5))
    starts = [START]
    for _ in range(cycles - 1):
        starts.append(starts[-1] + timedelta(days=28 + draw(st.integers(0, 10))))
    span = (starts[-1] - START).days + 40
    counts = [
        CountResult(
            START + timedelta(days=offset),
            draw(st.none() | st.floats(0, 6, allow_nan=False)),
            draw(st.none() | st.floats(0, 300, allow_nan=False)),
        )
        for offset in sorted(draw(st.sets(st.integers(-5, span), max_size=12)))
    ]
    interruptions = []
    cursor = 0
    for _ in range(draw(st.integers(0, 3))):
        begin = cursor + draw(st.integers(0, 30))
        length = draw(st.none() | st.integers(1, 30))
        end = None if length is None else START + timedelta(days=begin + length)
        interruptions.append(Interruption(LENALIDOMIDE, START + timedelta(days=begin), end))
        if length is None:
            break
        cursor = begin + length + 1
    changes = [
        LevelChange(START + timedelta(days=offset), LENALIDOMIDE, level)
        for offset, level in draw(
            st.lists(st.tuples(st.integers(0, span), st.integers(0, 5)), max_size=3)
        )
    ]
    events = [
        ToxicityEvent(
            draw(st.sampled_from(["vte", "other", "neutropenia"])),
            draw(st.integers(1, 4)),
            START + timedelta(days=onset),
            draw(st.none() | st.just(START + timedelta(days=onset + 7))),
        )
        for onset in draw(st.lists(st.integers(0, span), max_size=2))
    ]
    return CourseHistory(
        regimen=REGIMEN,
        start=START,
        cycle_starts=tuple(starts),
        len_start_level=draw(st.integers(0, 3)),
        level_changes=tuple(changes),
        interruptions=tuple(interruptions),
        counts=tuple(counts),
        events=tuple(events),
        ended_on=draw(st.none() | st.just(starts[-1] + timedelta(days=20))),
    )


def _days(history: CourseHistory) -> list[date]:
    last = history.cycle_starts[-1] + timedelta(days=35)
    return [START + timedelta(days=n) for n in range(-2, (last - START).days)]


@settings(max_examples=60, deadline=None)
@given(histories())
def test_no_lenalidomide_is_due_inside_an_open_interruption(history: CourseHistory) -> None:
    for day in _days(history):
        state = day_state(history, day)
        if any(i.covers(day) for i in history.interruptions):
            assert state.lenalidomide.due_mg == 0, day
            assert state.on_hold or not state.course_active


@settings(max_examples=60, deadline=None)
@given(histories())
def test_the_dose_due_is_never_above_the_planned_dose(history: CourseHistory) -> None:
    for day in _days(history):
        state = day_state(history, day)
        assert 0 <= state.lenalidomide.due_mg <= state.lenalidomide.planned_mg
        assert 0 <= state.dexamethasone.due_mg <= state.dexamethasone.planned_mg


@settings(max_examples=60, deadline=None)
@given(histories())
def test_advice_never_resumes_below_the_lowest_dose(history: CourseHistory) -> None:
    for day in _days(history):
        advice = day_state(history, day).advice
        assert advice.action in ACTIONS
        assert advice.resume_mg is None or advice.resume_mg >= LOWEST_MG
        assert advice.reason


@settings(max_examples=40, deadline=None)
@given(histories())
def test_the_calendar_and_the_day_state_agree(history: CourseHistory) -> None:
    for planned in course_days(history):
        state = day_state(history, planned.date)
        assert (state.cycle, state.day) == (planned.cycle, planned.day)
        assert state.lenalidomide.due_mg == planned.lenalidomide_mg
        assert state.dexamethasone.due_mg == planned.dexamethasone_mg
        assert (LENALIDOMIDE in planned.held) == state.on_hold or not state.course_active
