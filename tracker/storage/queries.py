"""Reads. Archived (soft-deleted) rows are left out everywhere unless asked for."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Any

from tracker.domain.calendar import Hold, LevelChange, PlannedDay, plan_course
from tracker.domain.regimen import DEXAMETHASONE, LENALIDOMIDE, Regimen, load_regimen
from tracker.storage.database import Store
from tracker.storage.errors import NotFoundError
from tracker.storage.monitoring import monitoring_cadence
from tracker.storage.records import (
    AdverseEvent,
    AuditEntry,
    Course,
    Cycle,
    DoseRecord,
    LabResult,
    LevelChangeRecord,
    Patient,
    ResponseRecord,
)


def _rows(store: Store, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
    return list(store.db.query(sql, list(params)))


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
    cleaned = str(mrn).strip()
    rows = _rows(store, "SELECT * FROM patients WHERE mrn = ? AND archived = 0", [cleaned])
    if not rows:
        raise NotFoundError(f"unknown MRN {cleaned!r}: no patient has that medical record number")
    return Patient.from_row(rows[0])


def _patient_filter(search: str, include_archived: bool) -> tuple[str, list[Any]]:
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
        sql += " LIMIT ? OFFSET ?"
        params += [-1 if limit is None else limit, offset]
    return [Patient.from_row(row) for row in _rows(store, sql, params)]


def count_patients(store: Store, search: str = "", *, include_archived: bool = False) -> int:
    where, params = _patient_filter(search, include_archived)
    return store.db.execute(f"SELECT COUNT(*) FROM patients{where}", params).fetchone()[0]


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
    for row in store.db.execute(sql, params or {}):
        patient = Patient.from_row(dict(zip(_PATIENT_COLUMNS, row[:split], strict=True)))
        course = Course.from_row(dict(zip(_COURSE_COLUMNS, row[split:course_end], strict=True)))
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
    return _cycle_containing(cycles_of(store, course_id), day, regimen_of(course).cycle_length_days)


def level_changes_of(store: Store, course_id: int) -> list[LevelChangeRecord]:
    """Dose level changes in the order they take effect."""
    rows = _rows(
        store,
        "SELECT * FROM level_changes WHERE course_id = ? AND archived = 0 "
        "ORDER BY effective_date, id",
        [course_id],
    )
    return [LevelChangeRecord.from_row(row) for row in rows]


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


# The calendar


def regimen_of(course: Course) -> Regimen:
    return load_regimen(course.regimen_id)


def _level_changes(records: Iterable[LevelChangeRecord]) -> list[LevelChange]:
    return [LevelChange(record.effective_date, record.drug, record.level) for record in records]


def level_on(course: Course, changes: Iterable[LevelChangeRecord], drug: str, day: date) -> int:
    """The dose level of ``drug`` in effect on ``day``: the start level or the latest change."""
    level = course.len_start_level if drug == LENALIDOMIDE else course.dex_start_level
    for change in sorted(changes, key=lambda change: change.effective_date):
        if change.drug == drug and change.effective_date <= day:
            level = change.level
    return level


def plan_of_course(
    store: Store, course: Course, cycles: int | None = None, *, ignore_holds_on: date | None = None
) -> list[PlannedDay]:
    """The course calendar; ``ignore_holds_on`` plans that day as if nothing were held."""
    recorded = cycles_of(store, course.id)
    holds = [
        Hold(record.date, record.drug)
        for record in dose_records_of(store, course.id)
        if record.status == "held" and record.date != ignore_holds_on
    ]
    return plan_course(
        regimen_of(course),
        course.start_date,
        max(len(recorded), cycles or 0, 1),
        lenalidomide_level=course.len_start_level,
        dexamethasone_level=course.dex_start_level,
        actual_starts={cycle.number: cycle.actual_start for cycle in recorded},
        level_changes=_level_changes(level_changes_of(store, course.id)),
        holds=holds,
        lenalidomide_every_days=course.len_every_days,
    )


def course_calendar(store: Store, course_id: int, *, cycles: int | None = None) -> list[PlannedDay]:
    """Every day of the course's recorded cycles (or of ``cycles`` cycles if more): actual
    starts, held doses and dose level changes applied."""
    return plan_of_course(store, get_course(store, course_id), cycles)


# The Today screen


@dataclass(frozen=True)
class TodayRow:
    """Where one patient on an active course stands on a given day."""

    patient: Patient
    course: Course
    cycle_number: int | None  # None between cycles, e.g. while the next cycle is delayed
    cycle_day: int | None
    lenalidomide_mg: float
    dexamethasone_mg: float
    labs_due: bool
    last_count_date: date | None  # the latest ANC or platelet result on or before the day
    open_events: tuple[AdverseEvent, ...]  # grade 3-4 without a resolution date
    lenalidomide_held: bool  # the latest lenalidomide record of the running cycle is a hold


# Per active course: its latest started cycle, the latest blood count, the latest lenalidomide
# record and the drugs held on the day. Each is an indexed lookup, so the whole screen is one
# query (plus level changes and events) however many patients there are.
_TODAY_COLUMNS = f"""
    , cy.number, cy.actual_start,
    (SELECT MAX(l.date) FROM labs l
        WHERE l.patient_id = p.id AND l.archived = 0 AND l.date <= :day
        -- a creatinine-only result is not the blood count the cadence asks for
        AND (l.anc IS NOT NULL OR l.platelets IS NOT NULL)),
    (SELECT d.status FROM dose_records d
        WHERE d.course_id = c.id AND d.archived = 0 AND d.date <= :day AND d.drug = '{LENALIDOMIDE}'
        -- starting a cycle resumes the drug: a hold does not carry into the next cycle
        AND d.date >= cy.actual_start
        ORDER BY d.date DESC LIMIT 1),
    (SELECT group_concat(h.drug) FROM dose_records h
        WHERE h.course_id = c.id AND h.archived = 0 AND h.date = :day AND h.status = 'held')
"""
_LATEST_CYCLE_JOIN = """
    LEFT JOIN cycles cy ON cy.id = (
        SELECT id FROM cycles WHERE course_id = c.id AND archived = 0 AND actual_start <= :day
        ORDER BY number DESC LIMIT 1)
"""


def today_rows(store: Store, on: date) -> list[TodayRow]:
    """One row per active course for the Today screen, in three queries."""
    day = on.isoformat()
    changes: dict[int, list[LevelChangeRecord]] = defaultdict(list)
    for row in _rows(
        store,
        "SELECT lc.* FROM level_changes lc JOIN courses c ON c.id = lc.course_id "
        "WHERE c.status = 'active' AND lc.archived = 0 AND lc.effective_date <= ? "
        "ORDER BY lc.course_id, lc.effective_date, lc.id",
        [day],
    ):
        changes[row["course_id"]].append(LevelChangeRecord.from_row(row))
    open_events: dict[int, list[AdverseEvent]] = defaultdict(list)
    for row in _rows(
        store,
        "SELECT * FROM adverse_events WHERE archived = 0 AND resolution_date IS NULL "
        "AND grade IN (3, 4) AND onset_date <= ? ORDER BY onset_date, id",
        [day],
    ):
        open_events[row["patient_id"]].append(AdverseEvent.from_row(row))

    cadence = monitoring_cadence()
    result = []
    rows = _active_course_rows(store, _TODAY_COLUMNS, _LATEST_CYCLE_JOIN, {"day": day})
    for patient, course, (number, cycle_start, last_count, latest_len, held) in rows:
        regimen = regimen_of(course)
        day_number = None
        len_mg = dex_mg = 0.0
        if cycle_start is not None:
            day_number = (on - date.fromisoformat(cycle_start)).days + 1
            if day_number > regimen.cycle_length_days:
                number = day_number = None  # the next cycle is due but not started
            else:
                len_mg, dex_mg = _planned_doses(
                    regimen,
                    course,
                    changes.get(course.id, []),
                    number,
                    day_number,
                    on,
                    set(held.split(",")) if held else set(),
                )
        last_count_date = date.fromisoformat(last_count) if last_count else None
        result.append(
            TodayRow(
                patient=patient,
                course=course,
                cycle_number=number,
                cycle_day=day_number,
                lenalidomide_mg=len_mg,
                dexamethasone_mg=dex_mg,
                labs_due=cadence.labs_due(course.start_date, on, last_count_date),
                last_count_date=last_count_date,
                open_events=tuple(open_events.get(patient.id, ())),
                lenalidomide_held=latest_len == "held",
            )
        )
    return result


def _cycle_containing(cycles: list[Cycle], on: date, length_days: int) -> Cycle | None:
    for cycle in reversed(cycles):
        if cycle.actual_start <= on < cycle.actual_start + timedelta(days=length_days):
            return cycle
    return None


def _planned_doses(
    regimen: Regimen,
    course: Course,
    changes: list[LevelChangeRecord],
    cycle: int,
    day: int,
    on: date,
    held: set[str],
) -> tuple[float, float]:
    """One day of ``plan_course`` without planning the whole course (the same rules)."""
    len_schedule, dex_schedule = regimen.lenalidomide, regimen.dexamethasone
    len_mg = dex_mg = 0.0
    if (
        len_schedule.is_dosing_day(cycle, day)
        and (day - 1) % course.len_every_days == 0
        and LENALIDOMIDE not in held
    ):
        len_mg = len_schedule.dose_for_level(level_on(course, changes, LENALIDOMIDE, on))
    if dex_schedule.is_dosing_day(cycle, day) and DEXAMETHASONE not in held:
        dex_mg = dex_schedule.dose_for_level(level_on(course, changes, DEXAMETHASONE, on))
    return len_mg, dex_mg
