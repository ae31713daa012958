"""Reads. Archived (soft-deleted) rows are left out everywhere unless asked for."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from tracker.domain.regimen import Regimen, load_regimen
from tracker.storage.database import Store
from tracker.storage.errors import NotFoundError, ValidationError
from tracker.storage.records import (
    AdverseEvent,
    AuditEntry,
    Course,
    Cycle,
    DoseRecord,
    InterruptionRecord,
    LabResult,
    LevelChangeRecord,
    Patient,
    ResponseRecord,
)

if TYPE_CHECKING:
    from tracker.domain.calendar import PlannedDay
    from tracker.domain.treatment.engine import DayState


def _rows(store: Store, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
    return list(store.query(sql, list(params)))


def _like_pattern(search: str) -> str:
    escaped = search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# Patients


def get_patient(store: Store, patient_id: int) -> Patient:
    rows = _rows(store, "SELECT * FROM patients WHERE id = ? AND archived = 0", [patient_id])
    if not rows:
        raise NotFoundError(f"there is no patient with id {patient_id}")
    return Patient.from_row(rows[0])


def patient_by_mrn(store: Store, mrn: str) -> Patient:
    """The patient with this MRN, compared as ``identifiers.mrn_key`` compares them."""
    from tracker.domain.identifiers import mrn_key

    cleaned = str(mrn).strip()
    # A row written in bulk (or a clash kept from an older file) may have no key yet.
    rows = _rows(
        store,
        "SELECT * FROM patients WHERE (mrn_key = ? OR (mrn_key IS NULL AND mrn = ?)) "
        "AND archived = 0",
        [mrn_key(cleaned), cleaned],
    )
    if not rows:
        raise NotFoundError(f"unknown MRN {cleaned!r}: no patient has that medical record number")
    return Patient.from_row(rows[0])


def mrn_clashes(store: Store) -> list[tuple[Patient, Patient]]:
    """Pairs of patients whose MRNs are one record number once normalised (possible only in
    a file written before MRNs were compared that way): (the one kept, the clash)."""
    from tracker.domain.identifiers import mrn_key

    keyed = {
        row["mrn_key"]: Patient.from_row(row)
        for row in _rows(store, "SELECT * FROM patients WHERE mrn_key IS NOT NULL")
    }
    return [
        (keyed[mrn_key(clash.mrn)], clash)
        for clash in (
            Patient.from_row(row)
            for row in _rows(store, "SELECT * FROM patients WHERE mrn_key IS NULL ORDER BY id")
        )
        if mrn_key(clash.mrn) in keyed
    ]


# No name or MRN is longer (``operations.patients``); a longer search could match nothing, and
# SQLite refuses a LIKE pattern past 50,000 bytes ("LIKE or GLOB pattern too complex").
MAX_SEARCH_LENGTH = 200


def _patient_filter(search: str, include_archived: bool) -> tuple[str, list[Any]]:
    if not isinstance(search, str):
        raise ValidationError(f"the search must be text, not {search!r:.40}")
    if len(search.strip()) > MAX_SEARCH_LENGTH:
        raise ValidationError(
            f"the search text is {len(search.strip()):,} characters long; no name or MRN is "
            f"longer than {MAX_SEARCH_LENGTH}"
        )
    clauses, params = [], []
    if not include_archived:
        clauses.append("archived = 0")
    if search.strip():
        clauses.append("(mrn LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\')")
        pattern = _like_pattern(search)
        params += [pattern, pattern]
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def list_patients(
    store: Store,
    search: str = "",
    *,
    include_archived: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[Patient]:
    """Patients whose MRN or name contains ``search`` (any case), ordered by name."""
    where, params = _patient_filter(search, include_archived)
    sql = f"SELECT * FROM patients{where} ORDER BY name COLLATE NOCASE, id"
    if limit is not None or offset:
        # LIMIT -1: no limit, written so on both engines (``engines.postgres_sql``).
        sql += " LIMIT -1 OFFSET ?" if limit is None else " LIMIT ? OFFSET ?"
        params += [offset] if limit is None else [limit, offset]
    return [Patient.from_row(row) for row in _rows(store, sql, params)]


def count_patients(store: Store, search: str = "", *, include_archived: bool = False) -> int:
    where, params = _patient_filter(search, include_archived)
    return store.execute(f"SELECT COUNT(*) FROM patients{where}", params).fetchone()[0]


# Courses and cycles


def get_course(store: Store, course_id: int) -> Course:
    rows = _rows(store, "SELECT * FROM courses WHERE id = ? AND archived = 0", [course_id])
    if not rows:
        raise NotFoundError(f"there is no treatment course with id {course_id}")
    return Course.from_row(rows[0])


def courses_of(store: Store, patient_id: int) -> list[Course]:
    """The patient's courses, oldest first."""
    rows = _rows(
        store,
        "SELECT * FROM courses WHERE patient_id = ? AND archived = 0 ORDER BY start_date, id",
        [patient_id],
    )
    return [Course.from_row(row) for row in rows]


def current_course(store: Store, patient_id: int) -> Course | None:
    """The active course, else the most recent one, else None."""
    courses = courses_of(store, patient_id)
    active = [course for course in courses if course.is_active]
    if active:
        return active[-1]
    return courses[-1] if courses else None


_PATIENT_COLUMNS = tuple(field.name for field in fields(Patient))
_COURSE_COLUMNS = tuple(field.name for field in fields(Course))


def _active_course_rows(
    store: Store, extra_columns: str = "", joins: str = "", params: dict[str, Any] | None = None
) -> Iterator[tuple[Patient, Course, tuple]]:
    """(patient, course, extra column values) for every active course, by patient name."""
    columns = ", ".join(
        [f"p.{name}" for name in _PATIENT_COLUMNS] + [f"c.{name}" for name in _COURSE_COLUMNS]
    )
    sql = f"""
        SELECT {columns}{extra_columns}
        FROM courses c JOIN patients p ON p.id = c.patient_id {joins}
        WHERE c.status = 'active' AND c.archived = 0 AND p.archived = 0
        ORDER BY p.name COLLATE NOCASE, p.id, c.id
    """
    split = len(_PATIENT_COLUMNS)
    course_end = split + len(_COURSE_COLUMNS)
    for row in store.execute(sql, params or {}):
        patient = Patient.from_values(row[:split])
        course = Course.from_values(row[split:course_end])
        yield patient, course, tuple(row[course_end:])


def active_courses(store: Store) -> list[tuple[Patient, Course]]:
    """Every active course of a current patient, ordered by patient name."""
    return [(patient, course) for patient, course, _ in _active_course_rows(store)]


def cycles_of(store: Store, course_id: int) -> list[Cycle]:
    rows = _rows(
        store,
        "SELECT * FROM cycles WHERE course_id = ? AND archived = 0 ORDER BY number",
        [course_id],
    )
    return [Cycle.from_row(row) for row in rows]


def cycle_of(store: Store, course_id: int, number: int) -> Cycle:
    rows = _rows(
        store,
        "SELECT * FROM cycles WHERE course_id = ? AND number = ? AND archived = 0",
        [course_id, number],
    )
    if not rows:
        raise NotFoundError(f"cycle {number} of this course has not been started")
    return Cycle.from_row(rows[0])


def cycle_on(store: Store, course_id: int, day: date) -> Cycle | None:
    """The recorded cycle that ``day`` falls in, or None (before the course, between cycles)."""
    course = get_course(store, course_id)
    length = regimen_of(course).cycle_length_days
    for cycle in reversed(cycles_of(store, course_id)):
        if cycle.actual_start <= day < cycle.actual_start + timedelta(days=length):
            return cycle
    return None


def level_changes_of(store: Store, course_id: int) -> list[LevelChangeRecord]:
    """Dose level changes in the order they take effect."""
    rows = _rows(
        store,
        "SELECT * FROM level_changes WHERE course_id = ? AND archived = 0 "
        "ORDER BY effective_date, id",
        [course_id],
    )
    return [LevelChangeRecord.from_row(row) for row in rows]


def interruptions_of(store: Store, course_id: int) -> list[InterruptionRecord]:
    """The course's interruptions, oldest first."""
    rows = _rows(
        store,
        "SELECT * FROM interruptions WHERE course_id = ? AND archived = 0 "
        "ORDER BY start_date, id",
        [course_id],
    )
    return [InterruptionRecord.from_row(row) for row in rows]


def dose_records_of(store: Store, course_id: int) -> list[DoseRecord]:
    rows = _rows(
        store,
        "SELECT * FROM dose_records WHERE course_id = ? AND archived = 0 ORDER BY date, drug",
        [course_id],
    )
    return [DoseRecord.from_row(row) for row in rows]


def responses_of(store: Store, course_id: int) -> list[ResponseRecord]:
    rows = _rows(
        store,
        "SELECT * FROM responses WHERE course_id = ? AND archived = 0 ORDER BY assessed_on, id",
        [course_id],
    )
    return [ResponseRecord.from_row(row) for row in rows]


# Labs, events, audit


def labs_of(store: Store, patient_id: int) -> list[LabResult]:
    rows = _rows(
        store,
        "SELECT * FROM labs WHERE patient_id = ? AND archived = 0 ORDER BY date, id",
        [patient_id],
    )
    return [LabResult.from_row(row) for row in rows]


def get_lab(store: Store, lab_id: int) -> LabResult:
    rows = _rows(store, "SELECT * FROM labs WHERE id = ? AND archived = 0", [lab_id])
    if not rows:
        raise NotFoundError(f"there is no lab result with id {lab_id}")
    return LabResult.from_row(rows[0])


def events_of(store: Store, patient_id: int) -> list[AdverseEvent]:
    """The patient's adverse events by onset date."""
    rows = _rows(
        store,
        "SELECT * FROM adverse_events WHERE patient_id = ? AND archived = 0 "
        "ORDER BY onset_date, id",
        [patient_id],
    )
    return [AdverseEvent.from_row(row) for row in rows]


def get_event(store: Store, event_id: int) -> AdverseEvent:
    rows = _rows(store, "SELECT * FROM adverse_events WHERE id = ? AND archived = 0", [event_id])
    if not rows:
        raise NotFoundError(f"there is no adverse event with id {event_id}")
    return AdverseEvent.from_row(rows[0])


def audit_of_patient(store: Store, patient_id: int) -> list[AuditEntry]:
    """Every recorded change to the patient's data, newest first."""
    rows = _rows(
        store, "SELECT * FROM audit_log WHERE patient_id = ? ORDER BY id DESC", [patient_id]
    )
    return [AuditEntry.from_row(row) for row in rows]


# The calendar and the Today screen: the treatment engine's answers for stored courses


def regimen_of(course: Course) -> Regimen:
    return load_regimen(course.regimen_id)


def course_calendar(store: Store, course_id: int, *, cycles: int | None = None) -> list[PlannedDay]:
    """Every day of the course's recorded cycles (or of ``cycles`` cycles if more), as the
    engine plans them: actual starts, interruptions and dose level changes applied."""
    from tracker.domain.treatment.engine import course_days
    from tracker.storage.course_history import course_history

    return course_days(course_history(store, get_course(store, course_id)), cycles)


def course_state(store: Store, course: Course, on: date) -> DayState:
    """The engine's answer for ``course`` on ``on``."""
    from tracker.domain.treatment.engine import day_state
    from tracker.storage.course_history import course_history

    return day_state(course_history(store, course), on)


@dataclass(frozen=True)
class TodayRow:
    """Where one patient on an active course stands on a given day: the engine's answer."""

    patient: Patient
    course: Course
    state: DayState


def today_rows(store: Store, on: date) -> list[TodayRow]:
    """One row per active course for the Today screen, by patient name, in a few queries."""
    from tracker.domain.treatment.engine import day_state
    from tracker.storage.course_history import active_histories

    pairs = active_courses(store)
    histories = active_histories(store, [course for _, course in pairs])
    return [
        TodayRow(patient, course, day_state(histories[course.id], on))
        for patient, course in pairs
    ]
