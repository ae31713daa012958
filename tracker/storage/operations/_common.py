"""Lookups shared by the operations: the row being changed, refused when unknown or archived."""

from __future__ import annotations

from datetime import date
from typing import Any

from tracker.domain.errors import DomainError
from tracker.domain.regimen import Regimen, load_regimen
from tracker.storage.audit import fetch_row
from tracker.storage.database import Store
from tracker.storage.errors import NotFoundError, ValidationError
from tracker.storage.queries import get_course
from tracker.storage.records import Course


def iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def current_row(store: Store, table: str, row_id: Any, what: str) -> dict[str, Any]:
    """The row ``row_id`` of ``table``; NotFoundError if it does not exist or is archived."""
    row = fetch_row(store, table, row_id) if isinstance(row_id, int) else None
    if row is None or row["archived"]:
        raise NotFoundError(f"there is no {what} with id {row_id}")
    return row


def patient_row(store: Store, patient_id: Any) -> dict[str, Any]:
    return current_row(store, "patients", patient_id, "patient")


def open_course(store: Store, course_id: Any, doing: str) -> Course:
    """The course, refused if it has ended: ``doing`` names what was attempted."""
    if not isinstance(course_id, int):
        raise NotFoundError(f"there is no treatment course with id {course_id}")
    course = get_course(store, course_id)
    if not course.is_active:
        ended = f" on {course.end_date.isoformat()}" if course.end_date else ""
        raise ValidationError(
            f"the course started {course.start_date.isoformat()} has ended{ended}; cannot {doing}"
        )
    return course


def regimen_named(regimen_id: str) -> Regimen:
    if not isinstance(regimen_id, str):
        raise ValidationError(f"the regimen must be named by its id, not {regimen_id!r}")
    try:
        return load_regimen(regimen_id)
    except DomainError as error:
        raise ValidationError(str(error)) from None
