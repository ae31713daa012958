"""A creatinine recorded with later labs that moves CrCl into another band is said."""

from __future__ import annotations

from datetime import date

from tests.starts import start_course
from tracker.storage.database import Store
from tracker.storage.operations.labs import record_labs
from tracker.storage.operations.patients import add_patient
from tracker.storage.queries import get_course, get_patient
from tracker.storage.renal_check import renal_band_note

from .conftest import COURSE_START, TODAY


def test_a_later_creatinine_that_changes_the_band_is_said(store: Store) -> None:
    patient_id = add_patient(
        store,
        mrn="K-1",
        name="Kidney",
        date_of_birth=date(1950, 1, 1),
        sex="M",
        weight_kg=70,
        creatinine=1.0,
    )
    course_id = start_course(store, patient_id, COURSE_START, renal_band=">=60")
    patient, course = get_patient(store, patient_id), get_course(store, course_id)
    assert renal_band_note(store, patient, course, TODAY) is None
    record_labs(store, patient_id, date(2027, 5, 1), creatinine=1.5)
    note = renal_band_note(store, patient, course, TODAY)
    assert note is not None and "(>=60 -> 30-60" in note and "10 mg every 24 hours" in note
    # Before that result, nothing had changed.
    assert renal_band_note(store, patient, course, date(2027, 4, 30)) is None
