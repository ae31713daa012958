"""No lost updates: every clinical row carries a version, and a save made from an outdated
copy is refused with who changed the row and when."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.storage.tampering import refused
from tracker.storage.database import Store, open_database
from tracker.storage.errors import StaleRecordError
from tracker.storage.operations.events import log_event, update_event
from tracker.storage.operations.patients import archive_patient, update_patient
from tracker.storage.queries import get_event, get_patient

from .conftest import TODAY


def test_a_row_starts_at_version_1_and_each_update_adds_one(
    store: Store, patient_id: int
) -> None:
    assert get_patient(store, patient_id).version == 1
    update_patient(store, patient_id, reason="weighed", weight_kg=60.0)
    update_patient(store, patient_id, reason="weighed", weight_kg=59.0)
    assert get_patient(store, patient_id).version == 3
    # Saving what is already stored changes nothing, the version neither.
    update_patient(store, patient_id, reason="weighed", weight_kg=59.0)
    assert get_patient(store, patient_id).version == 3


def test_two_windows_editing_one_patient_the_second_save_is_refused(
    db_path: Path, patient_id: int
) -> None:
    """The issue's case: a weight of 70 must not be overwritten by 65 unseen."""
    first = open_database(db_path, staff="AB", clock=lambda: TODAY)
    second = open_database(db_path, staff="CD", clock=lambda: TODAY)
    try:
        update_patient(first, patient_id, reason="admission weight", weight_kg=70.0)
        seen_by_first = get_patient(first, patient_id)
        seen_by_second = get_patient(second, patient_id)
        update_patient(
            first,
            patient_id,
            reason="weighed again",
            version=seen_by_first.version,
            weight_kg=72.0,
        )
        with pytest.raises(StaleRecordError) as refusal:
            update_patient(
                second,
                patient_id,
                reason="typed from the old chart",
                version=seen_by_second.version,
                weight_kg=65.0,
            )
        message = str(refusal.value)
        assert message.startswith("the patient's record was changed by ")
        assert "(staff AB) on 20" in message and message.endswith("nothing was saved")
        assert get_patient(second, patient_id).weight_kg == 72.0
        # Read again, the second window's save goes through.
        update_patient(
            second,
            patient_id,
            reason="typed from the old chart",
            version=get_patient(second, patient_id).version,
            weight_kg=65.0,
        )
    finally:
        first.close()
        second.close()


def test_a_stale_grade_is_refused_and_archiving_checks_the_version_too(
    store: Store, patient_id: int
) -> None:
    event_id = log_event(store, patient_id, "neutropenia", 4, date(2027, 5, 1))
    read = get_event(store, event_id)
    update_event(store, event_id, reason="grade checked", version=read.version, grade=3)
    with pytest.raises(StaleRecordError, match=r"the adverse event was changed by .* \(staff JD\)"):
        update_event(store, event_id, reason="old form", version=read.version, grade=2)
    assert get_event(store, event_id).grade == 3
    with pytest.raises(StaleRecordError):
        archive_patient(store, patient_id, reason="duplicate", version=0)
    assert get_patient(store, patient_id).archived is False


def test_any_update_must_raise_the_version_by_one(store: Store, patient_id: int) -> None:
    for change in ("version = version", "version = version + 2", "version = 1"):
        assert "must raise the row version by one" in refused(
            store.path, f"UPDATE patients SET name = 'X', {change} WHERE id = {patient_id}"
        )
    assert get_patient(store, patient_id).name == "Ada Lovelace"
