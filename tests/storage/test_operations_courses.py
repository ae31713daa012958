"""Courses, cycles and dose levels."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from tests.starts import start_course, start_next_cycle
from tracker.storage.database import Store
from tracker.storage.operations.courses import change_dose_level, end_course, update_course
from tracker.storage.operations.doses import record_dose
from tracker.storage.operations.patients import add_patient, archive_patient
from tracker.storage.queries import (
    course_calendar,
    courses_of,
    current_course,
    cycle_of,
    cycles_of,
    get_course,
    level_changes_of,
)
from tracker.storage.records import Course, Cycle

from .conftest import COURSE_START, TODAY

CYCLE_2_PLANNED = COURSE_START + timedelta(days=28)


def test_a_course_round_trips_and_starts_cycle_1(store: Store, patient_id: int) -> None:
    course_id = start_course(
        store,
        patient_id,
        COURSE_START,
        len_level=3,
        dex_level=1,
        len_every_days=2,
        renal_band="CrCl < 30",
        thromboprophylaxis="LMWH",
    )
    assert get_course(store, course_id) == Course(
        id=course_id,
        patient_id=patient_id,
        regimen_id="mm010-rd",
        start_date=COURSE_START,
        len_start_level=3,
        dex_start_level=1,
        len_every_days=2,
        renal_band="CrCl < 30",
        thromboprophylaxis="LMWH",
        status="active",
        end_date=None,
        end_reason=None,
        end_note=None,
    )
    (cycle,) = cycles_of(store, course_id)
    assert cycle == Cycle(
        id=cycle.id,
        course_id=course_id,
        number=1,
        planned_start=COURSE_START,
        actual_start=COURSE_START,
        len_level=3,
        dex_level=1,
        status="active",
        delay_reason=None,
    )


def test_a_course_may_start_today(store: Store, patient_id: int) -> None:
    course_id = start_course(store, patient_id, TODAY)
    assert get_course(store, course_id).start_date == TODAY


def test_the_next_cycle_on_time(store: Store, course_id: int) -> None:
    cycle_id = start_next_cycle(store, course_id, CYCLE_2_PLANNED)
    first, second = cycles_of(store, course_id)
    assert first.status == "completed"
    assert second.id == cycle_id
    assert (second.number, second.status) == (2, "active")
    assert second.planned_start == second.actual_start == CYCLE_2_PLANNED
    assert second.delay_days == 0 and second.delay_reason is None
    assert (second.len_level, second.dex_level) == (0, 0)


def test_a_delayed_cycle_keeps_its_planned_date_and_reason(store: Store, course_id: int) -> None:
    start_next_cycle(store, course_id, CYCLE_2_PLANNED + timedelta(days=7), delay_reason="ANC 0.8")
    cycle = cycle_of(store, course_id, 2)
    assert cycle.planned_start == CYCLE_2_PLANNED
    assert cycle.actual_start == date(2027, 4, 5)
    assert cycle.delay_days == 7 and cycle.delay_reason == "ANC 0.8"
    # Cycle 3 is planned from cycle 2's actual start.
    start_next_cycle(store, course_id, date(2027, 5, 3))
    assert cycle_of(store, course_id, 3).planned_start == date(2027, 5, 3)


def test_the_next_cycle_takes_the_level_in_effect(store: Store, course_id: int) -> None:
    change_dose_level(store, course_id, "lenalidomide", 2, date(2027, 3, 15), "platelets 28")
    start_next_cycle(store, course_id, CYCLE_2_PLANNED)
    cycle = cycle_of(store, course_id, 2)
    assert (cycle.len_level, cycle.dex_level) == (2, 0)
    assert cycle_of(store, course_id, 1).len_level == 0  # cycle 1 started at full dose


def test_a_level_given_for_the_next_cycle_is_a_level_change(store: Store, course_id: int) -> None:
    start_next_cycle(store, course_id, CYCLE_2_PLANNED, len_level=1, dex_level=1)
    cycle = cycle_of(store, course_id, 2)
    assert (cycle.len_level, cycle.dex_level) == (1, 1)
    changes = level_changes_of(store, course_id)
    assert {(change.drug, change.level, change.effective_date) for change in changes} == {
        ("lenalidomide", 1, CYCLE_2_PLANNED),
        ("dexamethasone", 1, CYCLE_2_PLANNED),
    }
    first_day = next(day for day in course_calendar(store, course_id) if day.cycle == 2)
    assert (first_day.lenalidomide_mg, first_day.dexamethasone_mg) == (20.0, 20.0)


def test_a_level_change_on_a_cycle_start_applies_to_that_cycle(
    store: Store, course_id: int
) -> None:
    start_next_cycle(store, course_id, CYCLE_2_PLANNED)
    change_id = change_dose_level(store, course_id, "lenalidomide", 3, CYCLE_2_PLANNED, "G3 rash")
    (change,) = level_changes_of(store, course_id)
    assert change.id == change_id
    assert (change.drug, change.level, change.reason) == ("lenalidomide", 3, "G3 rash")
    assert cycle_of(store, course_id, 2).len_level == 3
    assert cycle_of(store, course_id, 1).len_level == 0


def test_a_level_change_mid_cycle_leaves_the_cycle_start_level(
    store: Store, course_id: int
) -> None:
    change_dose_level(store, course_id, "dexamethasone", 1, date(2027, 3, 9))
    assert cycle_of(store, course_id, 1).dex_level == 0
    calendar = {day.date: day for day in course_calendar(store, course_id)}
    assert calendar[date(2027, 3, 4)].dexamethasone_mg == 40.0
    assert calendar[date(2027, 3, 9)].dexamethasone_mg == 20.0


def test_ending_a_course(store: Store, patient_id: int, course_id: int) -> None:
    end_course(store, course_id, date(2027, 3, 20), "toxicity", "G4 neutropenia")
    course = get_course(store, course_id)
    assert (course.status, course.end_date, course.end_reason, course.end_note) == (
        "ended",
        date(2027, 3, 20),
        "toxicity",
        "G4 neutropenia",
    )
    assert cycle_of(store, course_id, 1).status == "completed"
    assert current_course(store, patient_id) == course  # the latest when none is active


def test_a_new_course_after_the_last_one_ended(
    store: Store, patient_id: int, course_id: int
) -> None:
    end_course(store, course_id, date(2027, 3, 20), "progression")
    second = start_course(store, patient_id, date(2027, 4, 1), len_level=2)
    assert [course.id for course in courses_of(store, patient_id)] == [course_id, second]
    current = current_course(store, patient_id)
    assert current is not None and current.id == second


def test_update_course_changes_thromboprophylaxis(store: Store, course_id: int) -> None:
    update_course(store, course_id, reason="entered in error", thromboprophylaxis="DOAC", renal_band="CrCl 30-60")
    course = get_course(store, course_id)
    assert (course.thromboprophylaxis, course.renal_band) == ("DOAC", "CrCl 30-60")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"start_date": TODAY + timedelta(days=1)}, "in the future"),
        ({"start_date": "next monday"}, "YYYY-MM-DD"),
        ({"start_date": date(1940, 1, 1)}, "before the date of birth"),
        ({"len_level": 6}, "level 6 is not on the regimen's ladder"),
        ({"len_level": -1}, "ladder"),
        ({"dex_level": 2}, "Dexamethasone dose level 2"),
        ({"len_level": "1"}, "whole number"),
        ({"len_every_days": 3}, "every 1 day or every 2 days"),
        ({"thromboprophylaxis": "heparin drip"}, "thromboprophylaxis"),
        ({"regimen_id": "vrd"}, "unknown regimen"),
    ],
)
def test_bad_course_starts_are_refused(
    store: Store, patient_id: int, assert_refused: Callable, arguments: dict, message: str
) -> None:
    arguments = {"start_date": COURSE_START, **arguments}
    start_date = arguments.pop("start_date")
    assert_refused(lambda: start_course(store, patient_id, start_date, **arguments), message)


def test_a_second_active_course_is_refused(
    store: Store, patient_id: int, course_id: int, assert_refused: Callable
) -> None:
    assert_refused(lambda: start_course(store, patient_id, TODAY), "already has a course")


def test_a_course_overlapping_the_previous_one_is_refused(
    store: Store, patient_id: int, course_id: int, assert_refused: Callable
) -> None:
    end_course(store, course_id, date(2027, 3, 20), "progression")
    assert_refused(
        lambda: start_course(store, patient_id, date(2027, 3, 19)), "before the end of the previous"
    )


def test_courses_for_unknown_or_archived_patients_are_refused(
    store: Store, assert_refused: Callable
) -> None:
    assert_refused(lambda: start_course(store, 404, COURSE_START), "no patient with id 404")
    archived = add_patient(store, mrn="GONE", name="Archived Person")
    archive_patient(store, archived, reason="entered in error")
    assert_refused(lambda: start_course(store, archived, COURSE_START), "no patient")


@pytest.mark.parametrize(
    ("actual_start", "message"),
    [
        (CYCLE_2_PLANNED - timedelta(days=1), "cycle 1 runs until 2027-03-28"),
        (COURSE_START, "cannot start"),
        (TODAY + timedelta(days=1), "in the future"),
    ],
)
def test_a_cycle_overlapping_the_previous_or_in_the_future_is_refused(
    store: Store, course_id: int, assert_refused: Callable, actual_start: date, message: str
) -> None:
    assert_refused(lambda: start_next_cycle(store, course_id, actual_start), message)


def test_next_cycle_levels_must_be_on_the_ladder(
    store: Store, course_id: int, assert_refused: Callable
) -> None:
    assert_refused(
        lambda: start_next_cycle(store, course_id, CYCLE_2_PLANNED, len_level=9), "ladder"
    )


@pytest.mark.parametrize(
    ("drug", "level", "effective", "message"),
    [
        ("lenalidomide", 6, date(2027, 3, 10), "ladder"),
        ("dexamethasone", 2, date(2027, 3, 10), "ladder"),
        ("thalidomide", 1, date(2027, 3, 10), "drug 'thalidomide'"),
        ("lenalidomide", 1, date(2027, 2, 28), "before the course start"),
        ("lenalidomide", 1, TODAY + timedelta(days=1), "in the future"),
    ],
)
def test_bad_level_changes_are_refused(
    store: Store,
    course_id: int,
    assert_refused: Callable,
    drug: str,
    level: int,
    effective: date,
    message: str,
) -> None:
    assert_refused(lambda: change_dose_level(store, course_id, drug, level, effective), message)


@pytest.mark.parametrize(
    ("end_date", "reason", "message"),
    [
        (date(2027, 2, 28), "progression", "before the course start"),
        (TODAY + timedelta(days=1), "progression", "in the future"),
        (date(2027, 4, 1), "bored", "reason for ending"),
    ],
)
def test_bad_course_ends_are_refused(
    store: Store,
    course_id: int,
    assert_refused: Callable,
    end_date: date,
    reason: str,
    message: str,
) -> None:
    assert_refused(lambda: end_course(store, course_id, end_date, reason), message)


def test_a_course_cannot_end_before_its_last_cycle_or_recorded_doses(
    store: Store, course_id: int, assert_refused: Callable
) -> None:
    record_dose(store, course_id, date(2027, 3, 10), "lenalidomide", "taken")
    assert_refused(
        lambda: end_course(store, course_id, date(2027, 3, 9), "toxicity"), "doses are recorded"
    )
    start_next_cycle(store, course_id, CYCLE_2_PLANNED)
    assert_refused(
        lambda: end_course(store, course_id, date(2027, 3, 20), "toxicity"), "start of cycle 2"
    )


def test_an_ended_course_takes_no_more_cycles_levels_or_end(
    store: Store, course_id: int, assert_refused: Callable
) -> None:
    end_course(store, course_id, date(2027, 3, 20), "progression")
    assert_refused(lambda: start_next_cycle(store, course_id, CYCLE_2_PLANNED), "has ended")
    assert_refused(
        lambda: change_dose_level(store, course_id, "lenalidomide", 1, date(2027, 3, 10)),
        "has ended",
    )
    assert_refused(lambda: end_course(store, course_id, date(2027, 3, 21), "other"), "has ended")
    assert_refused(lambda: update_course(store, course_id, reason="entered in error", thromboprophylaxis="none"), "ended")


def test_unknown_courses_are_refused(store: Store, assert_refused: Callable) -> None:
    assert_refused(lambda: start_next_cycle(store, 77, CYCLE_2_PLANNED), "no treatment course")
    assert_refused(
        lambda: change_dose_level(store, 77, "lenalidomide", 1, COURSE_START), "no treatment"
    )
    assert_refused(lambda: end_course(store, 77, COURSE_START, "other"), "no treatment course")
