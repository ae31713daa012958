"""Values a caller should not have given are refused with a clear message, never a raw
OverflowError, AttributeError or SQLite error, and nothing is written."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests import starts
from tracker.storage import queries
from tracker.storage.errors import NotFoundError, ValidationError
from tracker.storage.operations import doses, patients
from tracker.storage.operations.courses import record_death, start_check_for_course

from .conftest import TODAY

HUGE = 2**70


@pytest.fixture
def course(store):
    patient = patients.add_patient(store, mrn="BV-1", name="Bad, Values")
    return patient, starts.start_course(store, patient, TODAY - timedelta(days=5))


def _audit_rows(store) -> int:
    return store.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]


@pytest.mark.parametrize(
    "call",
    [
        lambda store: queries.get_patient(store, HUGE),
        lambda store: queries.get_course(store, -HUGE),
        lambda store: patients.update_patient(store, HUGE, name="X", reason="typo"),
        lambda store: patients.archive_patient(store, HUGE, reason="duplicate"),
        lambda store: doses.record_dose(store, HUGE, TODAY, "lenalidomide", "taken"),
    ],
    ids=["get_patient", "get_course", "update_patient", "archive_patient", "record_dose"],
)
def test_ids_beyond_64_bits_are_refused_as_bad_input(store, course, call):
    before = _audit_rows(store)
    with pytest.raises(ValidationError, match=r"too large|there is no "):
        call(store)
    assert _audit_rows(store) == before


def test_clear_dose_takes_a_date_written_as_text(store, course):
    _patient, course_id = course
    day = TODAY - timedelta(days=1)
    doses.record_dose(store, course_id, day, "lenalidomide", "taken")
    assert doses.clear_dose(store, course_id, day.isoformat(), "lenalidomide", reason="wrong day") is True
    with pytest.raises(ValidationError, match="dose date 'Tuesday' is not a date"):
        doses.clear_dose(store, course_id, "Tuesday", "lenalidomide", reason="wrong day")


def test_other_dates_written_as_text_are_read_or_refused_clearly(store, course):
    patient, _course_id = course
    assert start_check_for_course(store, patient, TODAY.isoformat()) is not None
    with pytest.raises(ValidationError, match="date of death 'soon' is not a date"):
        record_death(store, patient, "soon")


def test_a_100000_character_search_is_refused_before_sqlite_sees_it(store, course):
    with pytest.raises(ValidationError, match="100,000 characters long"):
        queries.list_patients(store, "x" * 100_000)
    with pytest.raises(ValidationError, match="search must be text"):
        queries.count_patients(store, ["BV"])
    assert [patient.mrn for patient in queries.list_patients(store, "BV")] == ["BV-1"]


def test_lists_and_units_of_the_wrong_kind_are_refused(store, course):
    _patient, course_id = course
    with pytest.raises(ValidationError, match="drugs must be a list of names"):
        doses.record_doses(store, course_id, TODAY, "lenalidomide", "taken")
    with pytest.raises(NotFoundError):
        queries.get_patient(store, 10**12)
