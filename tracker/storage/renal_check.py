"""Whether a patient's renal function has left the band their course started in, from the
latest creatinine recorded (with labs, else on the patient record)."""

from __future__ import annotations

from datetime import date

from tracker.domain.renal import assess_renal_function, band_change_text
from tracker.storage.database import Store
from tracker.storage.records import Course, Patient


def latest_creatinine(store: Store, patient: Patient, on: date) -> tuple[float, str] | None:
    row = store.execute(
        "SELECT creatinine, creatinine_unit FROM labs WHERE patient_id = ? AND archived = 0 "
        "AND creatinine IS NOT NULL AND date <= ? ORDER BY date DESC, id DESC LIMIT 1",
        [patient.id, on.isoformat()],
    ).fetchone()
    if row is not None:
        return float(row[0]), row[1] or "mg/dL"
    if patient.creatinine is not None:
        return patient.creatinine, patient.creatinine_unit or "mg/dL"
    return None


def _band_note(
    patient: Patient, course: Course, creatinine: tuple[float, str] | None, on: date
) -> str | None:
    if course.renal_band is None or (creatinine is None and not patient.on_dialysis):
        return None
    value, unit = creatinine if creatinine is not None else (None, None)
    now = assess_renal_function(
        date_of_birth=patient.date_of_birth,
        sex=patient.sex,
        weight_kg=patient.weight_kg,
        creatinine=value,
        creatinine_unit=unit,
        on_dialysis=patient.on_dialysis,
        on=on,
    )
    return band_change_text(course.renal_band, now)


def renal_band_note(store: Store, patient: Patient, course: Course, on: date) -> str | None:
    """The band change to say on the patient view and Today, or None."""
    return _band_note(patient, course, latest_creatinine(store, patient, on), on)


def renal_band_notes(
    store: Store, pairs: list[tuple[Patient, Course]], on: date
) -> dict[int, str]:
    """``renal_band_note`` of many courses at once (Today), by course id; only changes."""
    latest: dict[int, tuple[float, str]] = {}
    for patient_id, value, unit in store.execute(
        "SELECT patient_id, creatinine, creatinine_unit FROM labs l WHERE archived = 0 "
        "AND creatinine IS NOT NULL AND date <= ? AND id = (SELECT id FROM labs m "
        "WHERE m.patient_id = l.patient_id AND m.archived = 0 AND m.creatinine IS NOT NULL "
        "AND m.date <= ? ORDER BY m.date DESC, m.id DESC LIMIT 1)",
        [on.isoformat(), on.isoformat()],
    ):
        latest[patient_id] = (float(value), unit or "mg/dL")
    notes = {}
    for patient, course in pairs:
        creatinine = latest.get(patient.id)
        if creatinine is None and patient.creatinine is not None:
            creatinine = (patient.creatinine, patient.creatinine_unit or "mg/dL")
        note = _band_note(patient, course, creatinine, on)
        if note is not None:
            notes[course.id] = note
    return notes
