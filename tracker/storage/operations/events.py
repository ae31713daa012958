"""Logging, correcting and withdrawing adverse events."""

from __future__ import annotations

from datetime import date
from typing import Any

from tracker.domain.grading import (
    COUNT_EVENT_TYPES,
    CTCAE_VERSION,
    EVENT_TYPES,
    allowed_grades,
    grade_count,
    term_name,
    to_per_litre_e9,
)
from tracker.storage.audit import archive_row, insert_row, update_row
from tracker.storage.database import Store
from tracker.storage.errors import ValidationError
from tracker.storage.operations._common import current_row, iso, patient_row
from tracker.storage.operations.courses import record_death
from tracker.storage.roles import RECORD_CARE, requires
from tracker.storage.validation import (
    change_reason,
    choice,
    not_before,
    note_text,
    optional_date,
    optional_text,
    past_or_today,
    required_text,
    whole_number,
)

EVENT_ACTIONS = ("none", "held", "reduced", "discontinued")
DEATH_GRADE = 5
# The grading version of the shipped CTCAE data file, stored with each grade.
DEFAULT_CTCAE_VERSION = CTCAE_VERSION
EDITABLE_FIELDS = (
    "event_type",
    "term",
    "grade",
    "onset_date",
    "resolution_date",
    "action",
    "course_id",
    "lab_id",
    "note",
    "ctcae_version",
)


def _clean(store: Store, patient_id: int, values: dict[str, Any]) -> dict[str, Any]:
    event_type = choice(values["event_type"], EVENT_TYPES, "event type")
    term = optional_text(values["term"], "event term", max_length=200)
    if event_type == "other" and term is None:
        raise ValidationError('an event of type "other" needs a term describing it')
    onset = past_or_today(store, values["onset_date"], "onset date")
    resolution = optional_date(values["resolution_date"], "resolution date")
    if resolution is not None:
        past_or_today(store, resolution, "resolution date")
        not_before(resolution, onset, "resolution date", "the onset")
    course_id = values["course_id"]
    if course_id is not None:
        course = _course_of_patient(store, patient_id, course_id)
        not_before(
            onset, date.fromisoformat(course["start_date"]), "onset date", "the course start"
        )
    grade = whole_number(values["grade"], "grade", 1, 5)
    allowed = allowed_grades(event_type)
    if grade not in allowed:
        raise ValidationError(
            f"{CTCAE_VERSION} has no grade {grade} for {term_name(event_type).lower()}: "
            f"grades {allowed[0]}-{allowed[-1]}"
        )
    lab_id = values["lab_id"]
    if lab_id is not None:
        lab = current_row(store, "labs", lab_id, "lab result")
        if lab["patient_id"] != patient_id:
            raise ValidationError(f"lab result {lab_id} belongs to another patient")
        _check_linked_count(event_type, grade, lab)
    return {
        "patient_id": patient_id,
        "course_id": course_id,
        "lab_id": lab_id,
        "event_type": event_type,
        "term": term,
        "grade": grade,
        "ctcae_version": required_text(values["ctcae_version"], "grading version", max_length=40),
        "onset_date": iso(onset),
        "resolution_date": iso(resolution),
        "action": choice(values["action"], EVENT_ACTIONS, "action taken"),
        "note": note_text(values["note"]),
    }


def _check_linked_count(event_type: str, grade: int, lab: dict[str, Any]) -> None:
    """An event linked to a count carries that count's grade."""
    if event_type not in COUNT_EVENT_TYPES:
        return
    name = "ANC" if event_type == "neutropenia" else "platelet count"
    column = "anc" if event_type == "neutropenia" else "platelets"
    if lab[column] is None:
        raise ValidationError(f"the linked lab result of {lab['date']} has no {name}")
    value = to_per_litre_e9(lab[column], lab[f"{column}_unit"] or "10^9/L")
    count_grade = grade_count(event_type, value, "10^9/L")
    if count_grade != grade:
        found = "within normal limits" if not count_grade else f"grade {count_grade}"
        raise ValidationError(
            f"the linked {name} of {lab['date']} ({value:g} x10^9/L) is {found} under "
            f"{CTCAE_VERSION}; an event linked to it carries that grade, not grade {grade}"
        )


def _course_of_patient(store: Store, patient_id: int, course_id: Any) -> dict[str, Any]:
    course = current_row(store, "courses", course_id, "treatment course")
    if course["patient_id"] != patient_id:
        raise ValidationError(f"treatment course {course_id} belongs to another patient")
    return course


@requires(RECORD_CARE)
def log_event(
    store: Store,
    patient_id: int,
    event_type: str,
    grade: int,
    onset_date: date,
    *,
    course_id: int | None = None,
    term: str | None = None,
    action: str = "none",
    resolution_date: date | None = None,
    lab_id: int | None = None,
    note: str = "",
    ctcae_version: str = DEFAULT_CTCAE_VERSION,
) -> int:
    """Record an adverse event with its grade; returns the event id."""
    values = {key: value for key, value in locals().items() if key not in ("store", "patient_id")}
    with store.transaction():
        patient_row(store, patient_id)
        cleaned = _clean(store, patient_id, values)
        event_id = insert_row(store, "adverse_events", cleaned, patient_id=patient_id)
        _record_death_of(store, patient_id, cleaned)
        return event_id


def _record_death_of(store: Store, patient_id: int, event: dict[str, Any]) -> None:
    """Grade 5 is death: the course ends (reason 'death') and the patient carries the date."""
    if event["grade"] == DEATH_GRADE:
        record_death(
            store,
            patient_id,
            date.fromisoformat(event["onset_date"]),
            note=f"grade 5 {event['term'] or event['event_type']}",
        )


@requires(RECORD_CARE)
def update_event(
    store: Store,
    event_id: int,
    *,
    reason: str | None = None,
    version: int | None = None,
    **changes: Any,
) -> None:
    """Correct an event or record its resolution (``EDITABLE_FIELDS``), saying why. With
    ``version``, the one the event was read at, an event changed since is refused."""
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationError(f"an adverse event has no field {unknown[0]!r} that can be changed")
    reason = change_reason(reason)
    with store.transaction():
        current = current_row(store, "adverse_events", event_id, "adverse event")
        patient_id = current["patient_id"]
        merged = {**{key: current[key] for key in EDITABLE_FIELDS}, **changes}
        cleaned = _clean(store, patient_id, merged)
        update_row(
            store,
            "adverse_events",
            event_id,
            cleaned,
            patient_id=patient_id,
            reason=reason,
            expected_version=version,
        )
        if current["grade"] != DEATH_GRADE:
            _record_death_of(store, patient_id, cleaned)


@requires(RECORD_CARE)
def archive_event(
    store: Store, event_id: int, *, reason: str | None = None, version: int | None = None
) -> None:
    """Withdraw an event entered in error, saying why; it stays in the database for history."""
    reason = change_reason(reason)
    with store.transaction():
        current = current_row(store, "adverse_events", event_id, "adverse event")
        archive_row(
            store,
            "adverse_events",
            event_id,
            patient_id=current["patient_id"],
            reason=reason,
            expected_version=version,
        )
