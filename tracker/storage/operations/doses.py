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
    as_date,
    change_reason,
    choice,
    not_before,
    note_text,
    optional_amount,
    optional_text,
    past_or_today,
    text_items,
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
    reason: str | None = None,
) -> int:
    """Record one drug on one day; re-recording the same day and drug replaces the record,
    and a replacement that changes its status needs ``reason`` (kept in the audit log).

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
            if _recorded_status(store, record_id) != status:
                # Taken made missed, or missed made taken: a correction of what was recorded.
                reason = change_reason(reason)
            update_row(
                store,
                "dose_records",
                record_id,
                values,
                patient_id=course.patient_id,
                reason=optional_text(reason, "reason for the change"),
            )
            return record_id
        return insert_row(store, "dose_records", values, patient_id=course.patient_id)


def _recorded_status(store: Store, record_id: int) -> str:
    return next(store.query("SELECT status FROM dose_records WHERE id = ?", [record_id]))["status"]


def recorded_differently(
    store: Store, course_id: int, day: date, drugs: Sequence[str], status: str
) -> list[str]:
    """The drugs of ``drugs`` recorded on ``day`` with another status than ``status``: what
    recording ``status`` would correct, and so needs a reason for."""
    drugs = text_items(drugs, "drugs")
    rows = store.query(
        "SELECT drug FROM dose_records WHERE course_id = ? AND date = ? AND archived = 0 "
        "AND status != ?",
        [course_id, iso(as_date(day, "dose date")), status],
    )
    differing = {row["drug"] for row in rows}
    return [drug for drug in drugs if drug in differing]


@requires(RECORD_CARE)
def clear_dose(
    store: Store, course_id: int, day: date, drug: str, *, reason: str | None = None
) -> bool:
    """Withdraw a mistaken record of one drug on one day, saying why; the day reads "not
    recorded" again.

    The record is archived, not deleted, so the audit history keeps what it said. Returns
    False when there was nothing recorded to clear.
    """
    course = open_course(store, course_id, "change dose records")
    drug = choice(drug, tuple(regimen_named(course.regimen_id).drugs), "drug")
    day = as_date(day, "dose date")
    with store.transaction():
        existing = _recorded_ids(store, course_id, day, drug)
        if existing:
            reason = change_reason(reason)
        for record_id in existing:
            archive_row(
                store, "dose_records", record_id, patient_id=course.patient_id, reason=reason
            )
        return bool(existing)


@requires(RECORD_CARE)
def record_doses(
    store: Store,
    course_id: int,
    day: date,
    drugs: Sequence[str],
    status: str,
    *,
    reason: str | None = None,
) -> list[int]:
    """Record the same status for several drugs on one day, all or nothing; ``reason`` is
    needed where that changes a record already saved."""
    drugs = text_items(drugs, "drugs")
    with store.transaction():
        return [
            record_dose(store, course_id, day, drug, status, reason=reason) for drug in drugs
        ]
