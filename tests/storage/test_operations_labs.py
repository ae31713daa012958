"""Recording lab results."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from tracker.storage.database import Store
from tracker.storage.errors import NotFoundError
from tracker.storage.operations.labs import archive_labs, record_labs
from tracker.storage.queries import get_lab, labs_of
from tracker.storage.records import LabResult

from .conftest import COURSE_START, TODAY


def test_a_lab_result_round_trips(store: Store, patient_id: int) -> None:
    lab_id = record_labs(
        store,
        patient_id,
        date(2027, 3, 8),
        anc=1.4,
        platelets=95,
        creatinine=1.1,
        creatinine_unit="mg/dL",
        note="pre-cycle",
    )
    assert labs_of(store, patient_id) == [
        LabResult(
            id=lab_id,
            patient_id=patient_id,
            date=date(2027, 3, 8),
            anc=1.4,
            anc_unit="10^9/L",
            platelets=95.0,
            platelets_unit="10^9/L",
            creatinine=1.1,
            creatinine_unit="mg/dL",
            note="pre-cycle",
        )
    ]
    assert get_lab(store, lab_id) == labs_of(store, patient_id)[0]


def test_counts_per_mm3_and_common_unit_spellings(store: Store, patient_id: int) -> None:
    lab_id = record_labs(
        store,
        patient_id,
        TODAY,
        anc=900,
        anc_unit="/mcL",
        platelets=28000,
        platelets_unit="/mm3",
        creatinine=140,
        creatinine_unit="µmol/L",
    )
    lab = get_lab(store, lab_id)
    assert (lab.anc, lab.anc_unit, lab.platelets_unit) == (900.0, "/mm3", "/mm3")
    assert (lab.creatinine, lab.creatinine_unit) == (140.0, "umol/L")


def test_a_count_of_zero_is_a_real_result(store: Store, patient_id: int) -> None:
    lab_id = record_labs(store, patient_id, TODAY, anc=0)
    assert get_lab(store, lab_id).anc == 0.0
    assert get_lab(store, lab_id).creatinine_unit is None


def test_creatinine_alone_defaults_to_mg_per_dl(store: Store, patient_id: int) -> None:
    lab = get_lab(store, record_labs(store, patient_id, TODAY, creatinine=1.3))
    assert (lab.anc, lab.platelets, lab.creatinine, lab.creatinine_unit) == (
        None,
        None,
        1.3,
        "mg/dL",
    )


def test_labs_before_a_course_are_fine(store: Store, patient_id: int, course_id: int) -> None:
    record_labs(store, patient_id, COURSE_START - timedelta(days=10), anc=2.0)
    assert labs_of(store, patient_id)[0].date == date(2027, 2, 19)


def test_labs_come_back_in_date_order(store: Store, patient_id: int) -> None:
    for day in (date(2027, 5, 1), date(2027, 3, 1), date(2027, 4, 1)):
        record_labs(store, patient_id, day, platelets=150)
    assert [lab.date for lab in labs_of(store, patient_id)] == [
        date(2027, 3, 1),
        date(2027, 4, 1),
        date(2027, 5, 1),
    ]


def test_a_result_entered_in_error_can_be_archived(store: Store, patient_id: int) -> None:
    lab_id = record_labs(store, patient_id, TODAY, anc=1.0)
    archive_labs(store, lab_id)
    assert labs_of(store, patient_id) == []
    with pytest.raises(NotFoundError):
        get_lab(store, lab_id)


@pytest.mark.parametrize(
    ("day", "values", "message"),
    [
        (TODAY + timedelta(days=1), {"anc": 1.0}, "in the future"),
        (date(1949, 1, 1), {"anc": 1.0}, "before the date of birth"),
        (TODAY, {}, "at least one of ANC, platelets or creatinine"),
        (TODAY, {"anc": -0.1}, "ANC -0.1 is not possible"),
        (TODAY, {"platelets": -1}, "platelets -1 is not possible"),
        (TODAY, {"creatinine": -1}, "creatinine"),
        (TODAY, {"creatinine": 0}, "more than 0"),
        (TODAY, {"anc": 1500}, "implausibly high; check the value, or whether it is in /mm3"),
        (TODAY, {"platelets": 1.2e7, "platelets_unit": "/mm3"}, "implausibly high"),
        (TODAY, {"anc": 1.0, "anc_unit": "g/L"}, "ANC unit 'g/L'"),
        (TODAY, {"platelets": 100, "platelets_unit": "%"}, "platelet unit"),
        (TODAY, {"creatinine": 1.0, "creatinine_unit": "mmol/L"}, "creatinine unit"),
        (TODAY, {"anc": "low"}, "must be a number"),
        (TODAY, {"anc": float("nan")}, "must be a number"),
    ],
)
def test_bad_lab_results_are_refused(
    store: Store,
    patient_id: int,
    assert_refused: Callable,
    day: date,
    values: dict,
    message: str,
) -> None:
    assert_refused(lambda: record_labs(store, patient_id, day, **values), message)


def test_labs_for_unknown_patients_are_refused(store: Store, assert_refused: Callable) -> None:
    assert_refused(lambda: record_labs(store, 31, TODAY, anc=1.0), "no patient with id 31")
    assert_refused(lambda: archive_labs(store, 31), "no lab result")
