"""Interrupting a drug and resuming it: an interruption is state, from its start until a
resume is recorded, across cycle boundaries."""

from __future__ import annotations

from datetime import date

from tracker.domain.regimen import LENALIDOMIDE
from tracker.storage.audit import archive_row, insert_row, update_row
from tracker.storage.course_history import course_history
from tracker.storage.database import Store
from tracker.storage.errors import ValidationError
from tracker.storage.operations._common import current_row, iso, open_course, regimen_named
from tracker.storage.queries import get_course, interruptions_of
from tracker.storage.roles import DECIDE_TREATMENT, requires
from tracker.storage.validation import (
    change_reason,
    choice,
    not_before,
    note_text,
    past_or_today,
    required_text,
)


@requires(DECIDE_TREATMENT)
def interrupt(
    store: Store,
    course_id: int,
    start: date,
    reason: str,
    *,
    drug: str = LENALIDOMIDE,
    note: str = "",
) -> int:
    """Interrupt ``drug`` from ``start`` until a resume is recorded; returns its id."""
    course = open_course(store, course_id, "interrupt a drug")
    regimen = regimen_named(course.regimen_id)
    drug = choice(drug, tuple(regimen.drugs), "drug")
    label = regimen.drug(drug).label
    day = past_or_today(store, start, "interruption start")
    not_before(day, course.start_date, "interruption start", "the course start")
    reason = required_text(reason, "reason for the interruption")
    with store.transaction():
        for existing in interruptions_of(store, course_id):
            if existing.drug == drug and (existing.end_date is None or existing.end_date > day):
                since = existing.start_date.isoformat()
                if existing.end_date is None:
                    raise ValidationError(
                        f"{label} is already interrupted since {since}; record the resume first"
                    )
                if existing.start_date <= day:
                    raise ValidationError(
                        f"{label} was already interrupted on {day.isoformat()} (from {since} "
                        f"to {existing.end_date.isoformat()})"
                    )
        return insert_row(
            store,
            "interruptions",
            {
                "course_id": course_id,
                "drug": drug,
                "start_date": iso(day),
                "end_date": None,
                "reason": reason,
                "resume_level": None,
                "note": note_text(note),
            },
            patient_id=course.patient_id,
        )


@requires(DECIDE_TREATMENT)
def resume(
    store: Store,
    course_id: int,
    on: date,
    *,
    level: int | None = None,
    drug: str = LENALIDOMIDE,
    note: str = "",
) -> int:
    """End the open interruption of ``drug``: given again from ``on`` at ``level`` (None: the
    level in force before). A new level is a level change in the same transaction. Returns
    the interruption id."""
    from tracker.storage.operations.courses import checked_level, record_level_change

    course = open_course(store, course_id, "resume a drug")
    regimen = regimen_named(course.regimen_id)
    drug = choice(drug, tuple(regimen.drugs), "drug")
    label = regimen.drug(drug).label
    day = past_or_today(store, on, "resume date")
    with store.transaction():
        open_ones = [
            i for i in interruptions_of(store, course_id) if i.drug == drug and i.is_open
        ]
        if not open_ones:
            raise ValidationError(f"{label} is not interrupted: there is nothing to resume")
        current = open_ones[-1]
        if day <= current.start_date:
            raise ValidationError(
                f"the resume date {day.isoformat()} must be after the interruption start "
                f"{current.start_date.isoformat()}"
            )
        in_force = course_history(store, course).level_on(drug, day)
        chosen = in_force if level is None else checked_level(regimen, drug, level)
        update_row(
            store,
            "interruptions",
            current.id,
            {"end_date": iso(day), "resume_level": chosen, "note": note_text(note) or current.note},
            patient_id=course.patient_id,
        )
        if chosen != in_force:
            record_level_change(store, course, drug, chosen, day, "resumed after interruption")
        return current.id


@requires(DECIDE_TREATMENT)
def withdraw_interruption(
    store: Store, interruption_id: int, *, reason: str | None = None
) -> None:
    """Withdraw an interruption recorded in error, saying why; it stays in the database for
    history."""
    reason = change_reason(reason)
    with store.transaction():
        row = current_row(store, "interruptions", interruption_id, "interruption")
        course = get_course(store, row["course_id"])
        archive_row(
            store, "interruptions", interruption_id, patient_id=course.patient_id, reason=reason
        )
