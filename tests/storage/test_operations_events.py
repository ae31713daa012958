"""Logging and correcting adverse events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from tests.starts import start_course
from tracker.storage.database import Store
from tracker.storage.operations.events import archive_event, log_event, update_event
from tracker.storage.operations.labs import record_labs
from tracker.storage.operations.patients import add_patient
from tracker.storage.queries import events_of, get_event
from tracker.storage.records import AdverseEvent

from .conftest import TODAY


def test_an_event_round_trips(store: Store, patient_id: int, course_id: int) -> None:
    lab_id = record_labs(store, patient_id, date(2027, 3, 15), anc=0.4)
    event_id = log_event(
        store,
        patient_id,
        "neutropenia",
        4,
        date(2027, 3, 15),
        course_id=course_id,
        action="held",
        lab_id=lab_id,
        note="febrile",
        ctcae_version="NCI CTC v2.0",
    )
    assert events_of(store, patient_id) == [
        AdverseEvent(
            id=event_id,
            patient_id=patient_id,
            course_id=course_id,
            lab_id=lab_id,
            event_type="neutropenia",
            term=None,
            grade=4,
            ctcae_version="NCI CTC v2.0",
            onset_date=date(2027, 3, 15),
            resolution_date=None,
            action="held",
            note="febrile",
        )
    ]
    assert get_event(store, event_id).is_open


def test_defaults_and_an_other_event_with_its_term(store: Store, patient_id: int) -> None:
    event_id = log_event(store, patient_id, "other", 2, TODAY, term="Rash maculo-papular")
    event = get_event(store, event_id)
    assert (event.term, event.action, event.ctcae_version, event.course_id) == (
        "Rash maculo-papular",
        "none",
        "CTCAE v5.0",
        None,
    )


def test_recording_a_resolution(store: Store, patient_id: int) -> None:
    event_id = log_event(store, patient_id, "vte", 3, date(2027, 4, 2), action="held")
    update_event(store, event_id, reason="entered in error", resolution_date=date(2027, 5, 1), grade=2)
    event = get_event(store, event_id)
    assert (event.resolution_date, event.grade, event.action) == (date(2027, 5, 1), 2, "held")
    assert not event.is_open


def test_an_event_entered_in_error_is_archived(store: Store, patient_id: int) -> None:
    event_id = log_event(store, patient_id, "thrombocytopenia", 1, TODAY)
    archive_event(store, event_id, reason="entered in error")
    assert events_of(store, patient_id) == []
    assert store.db["adverse_events"].count == 1


@pytest.mark.parametrize(
    ("event_type", "grade", "onset", "extra", "message"),
    [
        ("anaemia", 3, TODAY, {}, "event type 'anaemia'"),
        ("other", 3, TODAY, {}, 'type "other" needs a term'),
        ("other", 3, TODAY, {"term": "   "}, 'type "other" needs a term'),
        ("vte", 0, TODAY, {}, "grade 0 is outside 1 to 5"),
        ("vte", 6, TODAY, {}, "grade 6 is outside 1 to 5"),
        ("vte", "3", TODAY, {}, "grade must be a whole number"),
        ("vte", True, TODAY, {}, "grade must be a whole number"),
        ("vte", 3, TODAY + timedelta(days=1), {}, "onset date .* is in the future"),
        ("vte", 3, TODAY, {"resolution_date": date(2027, 5, 31)}, "before the onset"),
        (
            "vte",
            3,
            date(2027, 5, 1),
            {"resolution_date": TODAY + timedelta(days=2)},
            "resolution date .* is in the future",
        ),
        ("vte", 3, TODAY, {"action": "ignored"}, "action taken 'ignored'"),
        ("vte", 3, TODAY, {"ctcae_version": ""}, "grading version must not be empty"),
        ("vte", 3, TODAY, {"course_id": 99}, "no treatment course with id 99"),
        ("vte", 3, TODAY, {"lab_id": 99}, "no lab result with id 99"),
    ],
)
def test_bad_events_are_refused(
    store: Store,
    patient_id: int,
    assert_refused: Callable,
    event_type: str,
    grade: int,
    onset: date,
    extra: dict,
    message: str,
) -> None:
    assert_refused(lambda: log_event(store, patient_id, event_type, grade, onset, **extra), message)


def test_an_event_of_a_course_cannot_precede_it(
    store: Store, patient_id: int, course_id: int, assert_refused: Callable
) -> None:
    assert_refused(
        lambda: log_event(store, patient_id, "vte", 3, date(2027, 2, 20), course_id=course_id),
        "onset date 2027-02-20 is before the course start 2027-03-01",
    )


def test_links_to_another_patients_course_or_lab_are_refused(
    store: Store, patient_id: int, assert_refused: Callable
) -> None:
    other = add_patient(store, mrn="OTHER", name="Someone Else")
    other_course = start_course(store, other, date(2027, 3, 1))
    other_lab = record_labs(store, other, TODAY, anc=0.4)
    assert_refused(
        lambda: log_event(store, patient_id, "vte", 3, TODAY, course_id=other_course),
        "belongs to another patient",
    )
    assert_refused(
        lambda: log_event(store, patient_id, "neutropenia", 4, TODAY, lab_id=other_lab),
        "belongs to another patient",
    )


def test_bad_event_updates_are_refused(
    store: Store, patient_id: int, assert_refused: Callable
) -> None:
    event_id = log_event(store, patient_id, "vte", 3, date(2027, 5, 10))
    assert_refused(
        lambda: update_event(store, event_id, reason="entered in error", resolution_date=date(2027, 5, 9)), "before the onset"
    )
    assert_refused(lambda: update_event(store, event_id, reason="entered in error", grade=7), "outside 1 to 5")
    assert_refused(lambda: update_event(store, event_id, reason="entered in error", patient_id=3), "no field 'patient_id'")
    assert_refused(lambda: update_event(store, 404, reason="entered in error", grade=2), "no adverse event with id 404")
    archive_event(store, event_id, reason="entered in error")
    assert_refused(lambda: update_event(store, event_id, reason="entered in error", grade=2), "no adverse event")
    assert_refused(lambda: archive_event(store, event_id, reason="entered in error"), "no adverse event")


def test_events_for_unknown_patients_are_refused(store: Store, assert_refused: Callable) -> None:
    assert_refused(lambda: log_event(store, 8, "vte", 3, TODAY), "no patient with id 8")
