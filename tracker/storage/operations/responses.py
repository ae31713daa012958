"""Recording response assessments (IMWG categories)."""

from __future__ import annotations

from datetime import date

from tracker.storage.audit import archive_row, insert_row
from tracker.storage.database import Store
from tracker.storage.errors import NotFoundError
from tracker.storage.operations._common import current_row, iso
from tracker.storage.queries import get_course
from tracker.storage.roles import DECIDE_TREATMENT, requires
from tracker.storage.validation import (
    change_reason,
    choice,
    not_before,
    note_text,
    optional_date,
    past_or_today,
)

# IMWG uniform response criteria, best to worst.
RESPONSES = ("sCR", "CR", "VGPR", "PR", "MR", "SD", "PD")


@requires(DECIDE_TREATMENT)
def record_response(
    store: Store,
    course_id: int,
    assessed_on: date,
    response: str,
    progression_date: date | None = None,
    note: str = "",
) -> int:
    """Record a response assessment of a course (also after it has ended); returns its id."""
    if not isinstance(course_id, int):
        raise NotFoundError(f"there is no treatment course with id {course_id}")
    course = get_course(store, course_id)
    assessed = past_or_today(store, assessed_on, "assessment date")
    not_before(assessed, course.start_date, "assessment date", "the course start")
    progression = optional_date(progression_date, "progression date")
    if progression is not None:
        past_or_today(store, progression, "progression date")
        not_before(progression, course.start_date, "progression date", "the course start")
    values = {
        "course_id": course_id,
        "assessed_on": iso(assessed),
        "response": choice(response, RESPONSES, "response"),
        "progression_date": iso(progression),
        "note": note_text(note),
    }
    return insert_row(store, "responses", values, patient_id=course.patient_id)


@requires(DECIDE_TREATMENT)
def archive_response(store: Store, response_id: int, *, reason: str | None = None) -> None:
    """Withdraw an assessment entered in error, saying why; it stays in the database for
    history."""
    reason = change_reason(reason)
    with store.transaction():
        row = current_row(store, "responses", response_id, "response assessment")
        course = get_course(store, row["course_id"])
        archive_row(
            store, "responses", response_id, patient_id=course.patient_id, reason=reason
        )
