"""Adding, correcting and archiving patients."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from tracker.storage.database import Store
from tracker.storage.errors import NotFoundError
from tracker.storage.operations.patients import add_patient, archive_patient, update_patient
from tracker.storage.queries import get_patient, list_patients, patient_by_mrn
from tracker.storage.records import Patient


def test_a_patient_round_trips_with_every_field(store: Store) -> None:
    patient_id = add_patient(
        store,
        mrn=" 00123 ",
        name="  Marie   Curie ",
        date_of_birth=date(1947, 11, 7),
        sex="F",
        weight_kg=58.5,
        creatinine=97,
        creatinine_unit="umol/L",
        on_dialysis=True,
        rems_category="female_not_reproductive",
        rems_category_reason="hysterectomy",
        notes="Allergic to aspirin.",
    )
    assert get_patient(store, patient_id) == Patient(
        id=patient_id,
        mrn="00123",
        name="Marie Curie",
        date_of_birth=date(1947, 11, 7),
        sex="F",
        weight_kg=58.5,
        creatinine=97.0,
        creatinine_unit="umol/L",
        on_dialysis=True,
        notes="Allergic to aspirin.",
        archived=False,
        rems_category="female_not_reproductive",
        rems_category_reason="hysterectomy",
    )
    assert patient_by_mrn(store, "00123").id == patient_id


def test_only_mrn_and_name_are_required(store: Store) -> None:
    patient = get_patient(store, add_patient(store, mrn="7", name="Niels Bohr"))
    assert patient.date_of_birth is None and patient.sex is None and patient.weight_kg is None
    assert not patient.on_dialysis and patient.notes == ""


def test_dates_may_be_given_as_iso_text(store: Store) -> None:
    patient_id = add_patient(store, mrn="7", name="Niels Bohr", date_of_birth="1945-10-07")
    assert get_patient(store, patient_id).date_of_birth == date(1945, 10, 7)


def test_update_changes_only_the_given_fields(store: Store, patient_id: int) -> None:
    update_patient(store, patient_id, reason="entered in error", weight_kg=59.0, notes="Lost weight")
    patient = get_patient(store, patient_id)
    assert patient.weight_kg == 59.0 and patient.notes == "Lost weight"
    assert patient.name == "Ada Lovelace" and patient.creatinine == 0.9


def test_the_mrn_can_be_corrected_to_a_free_one(store: Store, patient_id: int) -> None:
    update_patient(store, patient_id, reason="entered in error", mrn="MRN-002")
    assert patient_by_mrn(store, "MRN-002").id == patient_id
    with pytest.raises(NotFoundError, match="unknown MRN"):
        patient_by_mrn(store, "MRN-001")


def test_an_archived_patient_disappears_from_reads_but_stays_in_the_file(
    store: Store, patient_id: int
) -> None:
    archive_patient(store, patient_id, reason="entered in error")
    with pytest.raises(NotFoundError):
        get_patient(store, patient_id)
    assert list_patients(store) == []
    assert [patient.archived for patient in list_patients(store, include_archived=True)] == [True]
    assert store.db["patients"].count == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"mrn": "", "name": "Someone"}, "MRN must not be empty"),
        ({"mrn": "   ", "name": "Someone"}, "MRN must not be empty"),
        ({"mrn": "X1", "name": ""}, "patient name must not be empty"),
        ({"mrn": "X1", "name": "A", "date_of_birth": date(2027, 6, 2)}, "in the future"),
        ({"mrn": "X1", "name": "A", "date_of_birth": "12/03/1950"}, "YYYY-MM-DD"),
        ({"mrn": "X1", "name": "A", "date_of_birth": date(1850, 1, 1)}, "before 1900"),
        ({"mrn": "X1", "name": "A", "sex": "female"}, "sex"),
        ({"mrn": "X1", "name": "A", "weight_kg": -3}, "weight"),
        ({"mrn": "X1", "name": "A", "weight_kg": 0}, "more than 0"),
        ({"mrn": "X1", "name": "A", "weight_kg": 7000}, "implausibly high"),
        ({"mrn": "X1", "name": "A", "creatinine": -0.5}, "creatinine"),
        ({"mrn": "X1", "name": "A", "creatinine": 95, "creatinine_unit": "mg/dL"}, "fits umol/L"),
        ({"mrn": "X1", "name": "A", "creatinine": 1, "creatinine_unit": "mmol/L"}, "unit"),
        ({"mrn": "X1", "name": "A", "weight_kg": "heavy"}, "must be a number"),
        ({"mrn": "X1", "name": "A", "on_dialysis": "maybe"}, "yes or no"),
    ],
)
def test_bad_patient_details_are_refused(
    store: Store, assert_refused: Callable, fields: dict, message: str
) -> None:
    assert_refused(lambda: add_patient(store, **fields), message)


def test_a_duplicate_mrn_is_refused(
    store: Store, patient_id: int, assert_refused: Callable
) -> None:
    assert_refused(lambda: add_patient(store, mrn="MRN-001", name="Someone Else"), "already")
    other = add_patient(store, mrn="MRN-002", name="Someone Else")
    assert_refused(lambda: update_patient(store, other, reason="entered in error", mrn="MRN-001"), "already belongs")


def test_the_mrn_of_an_archived_patient_is_not_reused(
    store: Store, patient_id: int, assert_refused: Callable
) -> None:
    archive_patient(store, patient_id, reason="entered in error")
    assert_refused(lambda: add_patient(store, mrn="MRN-001", name="New"), r"\(archived\)")


def test_bad_updates_are_refused(store: Store, patient_id: int, assert_refused: Callable) -> None:
    assert_refused(lambda: update_patient(store, patient_id, reason="entered in error", name=" "), "must not be empty")
    assert_refused(lambda: update_patient(store, patient_id, reason="entered in error", archived=0), "no field 'archived'")
    assert_refused(lambda: update_patient(store, patient_id, reason="entered in error", id=5), "no field 'id'")
    assert_refused(lambda: update_patient(store, 999, reason="entered in error", name="X"), "no patient with id 999")


def test_unknown_or_archived_patients_cannot_be_archived(
    store: Store, patient_id: int, assert_refused: Callable
) -> None:
    assert_refused(lambda: archive_patient(store, 999, reason="entered in error"), "no patient")
    archive_patient(store, patient_id, reason="entered in error")
    assert_refused(lambda: archive_patient(store, patient_id, reason="entered in error"), "no patient")
    assert_refused(lambda: update_patient(store, patient_id, reason="entered in error", name="Back"), "no patient")
