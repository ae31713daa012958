"""Recording whether a planned dose was taken, missed or held."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from tracker.domain.treatment.engine import day_state
from tracker.storage.audit import archive_row, insert_row, update_row
from tracker.storage.course_history import course_history
from tracker.storage.database import Store
from tracker.storage.errors import ValidationError
from tracker.storage.operations._common import iso, open_course, regimen_named
from tracker.storage.roles import RECORD_CARE, requires
from tracker.storage.validation import (
    choice,
    not_before,
    note_text,
    optional_amount,
    past_or_today,
)

# An interruption is not a dose record: it is state (``operations.interruptions``).
DOSE_STATUSES = ("taken", "missed")


def _recorded_ids(store: Store, course_id: int, day: date, drug: str) -> list[int]:
    """The ids of the live records of ``drug`` on ``day`` in the course (one at most)."""
    rows = store.query(
        "SELECT id FROM dose_records WHERE course_id = ? AND date = ? AND drug = ? "
        "AND archived = 0",
        [course_id, iso(day), drug],
    )
    return [row["id"] for row in rows]


@requires(RECORD_CARE)
def record_dose(
    store: Store,
    course_id: int,
    day: date,
    drug: str,
    status: str,
    note: str = "",
    *,
    dose_mg: float | None = None,
) -> int:
    """Record one drug on one day; re-recording the same day and drug replaces the record.

    ``dose_mg`` defaults to the dose planned that day. Returns the dose record id.
    """
    course = open_course(store, course_id, "record doses")
    regimen = regimen_named(course.regimen_id)
    drug = choice(drug, tuple(regimen.drugs), "drug")
    if status == "held":
        raise ValidationError(
            "a hold is not recorded day by day: interrupt the drug, and record the resume "
            "when it is given again"
        )
    status = choice(status, DOSE_STATUSES, "dose status")
    day = past_or_today(store, day, "dose date")
    not_before(day, course.start_date, "dose date", "the course start")
    state = day_state(course_history(store, course), day)
    if state.cycle is None:
        raise ValidationError(
            f"{day.isoformat()} is not in any started cycle of this course; "
            "start the next cycle first"
        )
    label = regimen.drug(drug).label
    is_lenalidomide = drug == regimen.lenalidomide.name
    planned_mg = (state.lenalidomide if is_lenalidomide else state.dexamethasone).planned_mg
    if dose_mg is None:
        if not planned_mg:
            raise ValidationError(
                f"no {label.lower()} is planned on {day.isoformat()} (cycle {state.cycle} "
                f"day {state.day}); give the dose in mg to record one anyway"
            )
        dose_mg = planned_mg
    values = {
        "course_id": course_id,
        "date": iso(day),
        "drug": drug,
        "status": status,
        "dose_mg": optional_amount(
            dose_mg,
            f"{label} dose (mg)",
            zero_allowed=False,
            maximum=regimen.drug(drug).standard_dose_mg,
        ),
        "note": note_text(note),
    }
    with store.transaction():
        existing = _recorded_ids(store, course_id, day, drug)
        if existing:
            record_id = existing[0]
            update_row(store, "dose_records", record_id, values, patient_id=course.patient_id)
            return record_id
        return insert_row(store, "dose_records", values, patient_id=course.patient_id)


@requires(RECORD_CARE)
def clear_dose(store: Store, course_id: int, day: date, drug: str) -> bool:
    """Withdraw a mistaken record of one drug on one day; the day reads "not recorded" again.

    The record is archived, not deleted, so the audit history keeps what it said. Returns
    False when there was nothing recorded to clear.
    """
    course = open_course(store, course_id, "change dose records")
    drug = choice(drug, tuple(regimen_named(course.regimen_id).drugs), "drug")
    with store.transaction():
        existing = _recorded_ids(store, course_id, day, drug)
        for record_id in existing:
            archive_row(store, "dose_records", record_id, patient_id=course.patient_id)
        return bool(existing)


@requires(RECORD_CARE)
def record_doses(
    store: Store, course_id: int, day: date, drugs: Sequence[str], status: str
) -> list[int]:
    """Record the same status for several drugs on one day, all or nothing."""
    with store.transaction():
        return [record_dose(store, course_id, day, drug, status) for drug in drugs]
