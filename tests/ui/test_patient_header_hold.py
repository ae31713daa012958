"""The header's hold warning ends when the next cycle starts."""

from __future__ import annotations

from datetime import timedelta

from tests.starts import start_course, start_next_cycle
from tracker.storage import queries
from tracker.storage.operations.doses import record_dose
from tracker.storage.operations.patients import add_patient
from tracker.ui.patient_header import header_facts


def _warning(store, patient_id: int, course_id: int, on) -> str:
    return header_facts(
        queries.get_patient(store, patient_id),
        queries.get_course(store, course_id),
        queries.cycles_of(store, course_id),
        queries.level_changes_of(store, course_id),
        queries.dose_records_of(store, course_id),
        on,
    ).warning


def test_hold_warning_stops_at_the_next_cycle(store):
    today = store.today()
    start = today - timedelta(days=40)
    patient_id = add_patient(store, mrn="H-1", name="Hold Test")
    course_id = start_course(store, patient_id, start)
    record_dose(store, course_id, start + timedelta(days=10), "lenalidomide", "held")

    assert "on hold since" in _warning(store, patient_id, course_id, start + timedelta(days=20))

    start_next_cycle(store, course_id, start + timedelta(days=30), delay_reason="recovery")
    assert _warning(store, patient_id, course_id, today) == ""
