"""Reads. Archived (soft-deleted) rows are left out everywhere unless asked for."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
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

# Blood counts are what the monitoring cadence asks for; a creatinine-only result is not one.
_HAS_BLOOD_COUNT = "(anc IS NOT NULL OR platelets IS NOT NULL)"


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


def active_courses(store: Store) -> list[tuple[Patient, Course]]:
    """Every active course of a current patient, ordered by patient name."""
    rows = _rows(
        store,
        """
        SELECT p.*, c.id AS c_id, c.patient_id AS c_patient_id, c.regimen_id AS c_regimen_id,
               c.start_date AS c_start_date, c.len_start_level AS c_len_start_level,
               c.dex_start_level AS c_dex_start_level, c.len_every_days AS c_len_every_days,
               c.renal_band AS c_renal_band, c.thromboprophylaxis AS c_thromboprophylaxis,
               c.status AS c_status, c.end_date AS c_end_date, c.end_reason AS c_end_reason,
               c.end_note AS c_end_note
        FROM courses c JOIN patients p ON p.id = c.patient_id
        WHERE c.status = 'active' AND c.archived = 0 AND p.archived = 0
        ORDER BY p.name COLLATE NOCASE, p.id, c.id
        """,
    )
    pairs = []
    for row in rows:
        course_row = {key[2:]: value for key, value in row.items() if key.startswith("c_")}
        pairs.append((Patient.from_row(row), Course.from_row(course_row)))
    return pairs


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
    lenalidomide_held: bool  # the latest lenalidomide record is a hold


def _by_course(rows: Iterable[dict[str, Any]], record_type: type) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for row in rows:
        grouped[row["course_id"]].append(record_type.from_row(row))
    return grouped


_ACTIVE_COURSE_IDS = "SELECT c.id FROM courses c JOIN patients p ON p.id = c.patient_id WHERE c.status = 'active' AND c.archived = 0 AND p.archived = 0"


def today_rows(store: Store, on: date) -> list[TodayRow]:
    """One row per active course for the Today screen, in a fixed handful of queries."""
    pairs = active_courses(store)
    day = on.isoformat()
    cycles = _by_course(
        _rows(
            store,
            f"SELECT * FROM cycles WHERE archived = 0 AND actual_start <= ? "
            f"AND course_id IN ({_ACTIVE_COURSE_IDS}) ORDER BY course_id, number",
            [day],
        ),
        Cycle,
    )
    changes = _by_course(
        _rows(
            store,
            f"SELECT * FROM level_changes WHERE archived = 0 AND effective_date <= ? "
            f"AND course_id IN ({_ACTIVE_COURSE_IDS}) ORDER BY course_id, effective_date, id",
            [day],
        ),
        LevelChangeRecord,
    )
    held_today: dict[int, set[str]] = defaultdict(set)
    for row in _rows(
        store,
        "SELECT course_id, drug FROM dose_records WHERE archived = 0 AND date = ? "
        "AND status = 'held'",
        [day],
    ):
        held_today[row["course_id"]].add(row["drug"])
    # SQLite returns the bare status column from the row holding MAX(date).
    latest_lenalidomide = {
        row["course_id"]: row["status"]
        for row in _rows(
            store,
            f"SELECT course_id, status, MAX(date) FROM dose_records WHERE archived = 0 "
            f"AND drug = ? AND date <= ? AND course_id IN ({_ACTIVE_COURSE_IDS}) "
            f"GROUP BY course_id",
            [LENALIDOMIDE, day],
        )
    }
    last_counts = {
        row["patient_id"]: date.fromisoformat(row["last"])
        for row in _rows(
            store,
            f"SELECT patient_id, MAX(date) AS last FROM labs WHERE archived = 0 "
            f"AND date <= ? AND {_HAS_BLOOD_COUNT} GROUP BY patient_id",
            [day],
        )
    }
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
    for patient, course in pairs:
        regimen = regimen_of(course)
        cycle = _cycle_containing(cycles.get(course.id, []), on, regimen.cycle_length_days)
        number = day_number = None
        len_mg = dex_mg = 0.0
        if cycle is not None:
            number, day_number = cycle.number, (on - cycle.actual_start).days + 1
            len_mg, dex_mg = _planned_doses(
                regimen,
                course,
                changes.get(course.id, []),
                number,
                day_number,
                on,
                held_today.get(course.id, set()),
            )
        last_count = last_counts.get(patient.id)
        result.append(
            TodayRow(
                patient=patient,
                course=course,
                cycle_number=number,
                cycle_day=day_number,
                lenalidomide_mg=len_mg,
                dexamethasone_mg=dex_mg,
                labs_due=cadence.labs_due(course.start_date, on, last_count),
                last_count_date=last_count,
                open_events=tuple(open_events.get(patient.id, ())),
                lenalidomide_held=latest_lenalidomide.get(course.id) == "held",
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
