"""Recording lab results."""

from __future__ import annotations

import re
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
    archive_labs(store, lab_id, reason="entered in error")
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
        (TODAY, {"anc": 1500}, r"ANC 1,500 x10\^9/L is not plausible; it fits /mm3"),
        (TODAY, {"platelets": 1.2e7, "platelets_unit": "/mm3"}, "outside the plausible range"),
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


# Each plausibility bound, in both units: the last plausible value passes, the next is refused
# naming the unit it fits (or the range when it fits neither).
@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({"anc": 100}, None),
        ({"anc": 101}, "ANC 101 x10^9/L is not plausible; it fits /mm3"),
        ({"anc": 100.1}, "ANC 100.1 x10^9/L is outside the plausible range 0-100 x10^9/L"),
        ({"anc": 0.8, "anc_unit": "/mm3"}, "ANC 0.8 /mm3 is not plausible; it fits x10^9/L"),
        ({"anc": 0, "anc_unit": "/mm3"}, None),
        ({"anc": 100_000, "anc_unit": "/mm3"}, None),
        ({"anc": 100_001, "anc_unit": "/mm3"}, "outside the plausible range 0-100,000 /mm3"),
        ({"platelets": 1500}, None),
        ({"platelets": 2800}, "platelets 2,800 x10^9/L is not plausible; it fits /mm3"),
        ({"platelets": 1_500_000, "platelets_unit": "/mm3"}, None),
        ({"platelets": 12.5, "platelets_unit": "/mm3"}, "it fits x10^9/L"),
        ({"creatinine": 0.2, "creatinine_unit": "mg/dL"}, None),
        ({"creatinine": 20, "creatinine_unit": "mg/dL"}, None),
        ({"creatinine": 20.5, "creatinine_unit": "mg/dL"}, "it fits umol/L"),
        ({"creatinine": 0.1, "creatinine_unit": "mg/dL"}, "outside the plausible range 0.2-20"),
        ({"creatinine": 18, "creatinine_unit": "umol/L"}, None),
        ({"creatinine": 1768, "creatinine_unit": "umol/L"}, None),
        ({"creatinine": 1.8, "creatinine_unit": "umol/L"}, "creatinine 1.8 umol/L is not plausible; it fits mg/dL"),
        ({"creatinine": 1769, "creatinine_unit": "umol/L"}, "outside the plausible range"),
    ],
)
def test_plausibility_bounds_in_both_units(
    store: Store, patient_id: int, assert_refused: Callable, values: dict, problem: str | None
) -> None:
    if problem is None:
        record_labs(store, patient_id, TODAY, **values)
    else:
        assert_refused(lambda: record_labs(store, patient_id, TODAY, **values), re.escape(problem))


def test_labs_for_unknown_patients_are_refused(store: Store, assert_refused: Callable) -> None:
    assert_refused(lambda: record_labs(store, 31, TODAY, anc=1.0), "no patient with id 31")
    assert_refused(lambda: archive_labs(store, 31, reason="entered in error"), "no lab result")
