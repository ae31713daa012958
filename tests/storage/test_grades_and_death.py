"""Records that cannot be true are refused; a death ends treatment in the same transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from tests.starts import start_course
from tracker.storage.database import Store
from tracker.storage.operations.courses import end_course
from tracker.storage.operations.doses import record_dose
from tracker.storage.operations.events import log_event, update_event
from tracker.storage.operations.labs import record_labs
from tracker.storage.queries import course_state, get_course, get_patient, today_rows

from .conftest import COURSE_START, TODAY


@pytest.mark.parametrize(
    ("event_type", "grade", "accepted"),
    [
        ("neutropenia", 4, True),
        ("neutropenia", 5, False),
        ("thrombocytopenia", 5, False),
        ("vte", 5, True),
        ("other", 5, True),
        ("vte", 0, False),
        ("vte", 6, False),
    ],
)
def test_grades_allowed_per_term(
    store: Store, patient_id: int, assert_refused: Callable, event_type, grade, accepted
) -> None:
    def log() -> int:
        return log_event(store, patient_id, event_type, grade, date(2027, 3, 5), term="x")

    if accepted:
        log()
    else:
        assert_refused(log, "grade")


def test_no_grade_5_for_count_terms_names_the_allowed_grades(
    store: Store, patient_id: int, assert_refused: Callable
) -> None:
    assert_refused(
        lambda: log_event(store, patient_id, "neutropenia", 5, date(2027, 3, 5)),
        "CTCAE v5.0 has no grade 5 for neutrophil count decreased: grades 1-4",
    )


@pytest.mark.parametrize(
    ("event_type", "counts", "grade", "message"),
    [
        ("neutropenia", {"anc": 1.5}, 4, r"ANC of 2027-03-05 \(1.5 x10\^9/L\) is grade 1"),
        ("thrombocytopenia", {"platelets": 12}, 2, r"\(12 x10\^9/L\) is grade 4"),
        ("neutropenia", {"anc": 2.5}, 3, "is within normal limits"),
        ("neutropenia", {"platelets": 12}, 4, "has no ANC"),
        ("thrombocytopenia", {"platelets": 12000, "platelets_unit": "/mm3"}, 3, "is grade 4"),
    ],
)
def test_an_event_linked_to_a_count_carries_its_grade(
    store: Store, patient_id: int, assert_refused: Callable, event_type, counts, grade, message
) -> None:
    lab_id = record_labs(store, patient_id, date(2027, 3, 5), **counts)
    assert_refused(
        lambda: log_event(store, patient_id, event_type, grade, date(2027, 3, 5), lab_id=lab_id),
        message,
    )


def test_the_count_grade_is_accepted_at_its_boundaries(store: Store, patient_id: int) -> None:
    for anc, grade in ((0.5, 3), (0.49, 4), (1.0, 2), (0.99, 3)):
        lab_id = record_labs(store, patient_id, date(2027, 3, 5), anc=anc)
        log_event(store, patient_id, "neutropenia", grade, date(2027, 3, 5), lab_id=lab_id)


def test_a_grade_5_event_ends_the_course_for_death_in_the_same_transaction(
    store: Store, patient_id: int, course_id: int
) -> None:
    died = date(2027, 3, 20)
    log_event(store, patient_id, "vte", 5, died, course_id=course_id)
    course = get_course(store, course_id)
    assert (course.status, course.end_date, course.end_reason) == ("ended", died, "death")
    assert get_patient(store, patient_id).date_of_death == died
    state = course_state(store, course, date(2027, 3, 21))
    assert state.lenalidomide.due_mg == 0 and state.advice.action == "stop"
    assert patient_id not in [row.patient.id for row in today_rows(store, TODAY)]
    audit = [row["table_name"] for row in store.db.query("SELECT * FROM audit_log")]
    assert {"adverse_events", "courses", "patients"} <= set(audit[-4:])


def test_a_death_before_recorded_doses_is_refused_as_a_whole(
    store: Store, patient_id: int, course_id: int, assert_refused: Callable
) -> None:
    record_dose(store, course_id, date(2027, 3, 21), "lenalidomide", "taken")
    assert_refused(
        lambda: log_event(store, patient_id, "vte", 5, date(2027, 3, 20), course_id=course_id),
        "doses are recorded after 2027-03-20 \\(on 2027-03-21\\)",
    )
    assert get_course(store, course_id).is_active
    assert get_patient(store, patient_id).date_of_death is None


def test_raising_an_event_to_grade_5_records_the_death(
    store: Store, patient_id: int, course_id: int
) -> None:
    event_id = log_event(store, patient_id, "vte", 3, date(2027, 3, 20), course_id=course_id)
    update_event(store, event_id, reason="entered in error", grade=5)
    assert get_course(store, course_id).end_reason == "death"


def test_ending_a_course_for_death_records_the_date(
    store: Store, patient_id: int, course_id: int
) -> None:
    end_course(store, course_id, date(2027, 4, 2), "death")
    assert get_patient(store, patient_id).date_of_death == date(2027, 4, 2)


def test_a_patient_who_died_cannot_start_a_course(
    store: Store, patient_id: int, course_id: int, assert_refused: Callable
) -> None:
    log_event(store, patient_id, "other", 5, date(2027, 3, 20), term="sepsis")
    assert_refused(lambda: start_course(store, patient_id, TODAY), "died on 2027-03-20")


def test_a_second_different_date_of_death_is_refused(
    store: Store, patient_id: int, course_id: int, assert_refused: Callable
) -> None:
    log_event(store, patient_id, "other", 5, date(2027, 3, 20), term="sepsis")
    assert_refused(
        lambda: log_event(store, patient_id, "vte", 5, date(2027, 3, 25)),
        "already recorded as having died on 2027-03-20",
    )
    assert date(2027, 3, 20) > COURSE_START
