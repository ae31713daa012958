"""Build cycle sheets from the database: one patient's cycle, or everyone treated in a week."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from tracker.domain.calendar import LevelChange, PlannedDay
from tracker.domain.grading import Unit, to_per_litre_e9
from tracker.domain.regimen import load_regimen
from tracker.reports.sheet_model import CycleSheet, LabEntry, build_cycle_sheet
from tracker.reports.sheet_rules import blood_count_cadence, hold_thresholds
from tracker.reports.sheet_settings import clinic_name
from tracker.storage.database import Store
from tracker.storage.errors import NotFoundError
from tracker.storage.queries import (
    active_courses,
    course_calendar,
    current_course,
    cycles_of,
    labs_of,
    level_changes_of,
    patient_by_mrn,
)
from tracker.storage.records import Course, LabResult, Patient


def load_cycle_sheet(store: Store, mrn: str, cycle_number: int) -> CycleSheet:
    """The sheet of cycle ``cycle_number`` of the patient's current course.

    The cycle must have been started, or be the next one of an active course (printed ahead of
    the visit, with its planned start). Anything else raises NotFoundError.
    """
    patient, course, started, printable = _printable_course(store, mrn)
    if not 1 <= cycle_number <= printable:
        raise NotFoundError(
            f"{patient.name} (MRN {patient.mrn}) has no cycle {cycle_number}: "
            f"cycles 1 to {printable} can be printed"
        )
    calendar = course_calendar(store, course.id, cycles=cycle_number)
    return _sheet(store, patient, course, calendar, cycle_number, started, clinic_name(store))


def load_current_cycle_sheet(store: Store, mrn: str, on: date) -> CycleSheet:
    """The sheet a patient needs on ``on``: the cycle running that day, else the next one due.

    Before the course starts that is cycle 1; after the last started cycle has run out it is
    the next cycle of an active course (planned), or the last cycle of an ended one.
    """
    patient, course, started, printable = _printable_course(store, mrn)
    calendar = course_calendar(store, course.id, cycles=printable)
    begun = [planned.cycle for planned in calendar if planned.date <= on]
    number = max(begun) if begun else 1
    return _sheet(store, patient, course, calendar, number, started, clinic_name(store))


def _printable_course(store: Store, mrn: str) -> tuple[Patient, Course, int, int]:
    """The patient, their current course, its started cycles and the cycles that can be printed
    (the started ones, and the next one of an active course)."""
    patient = patient_by_mrn(store, mrn)
    course = current_course(store, patient.id)
    if course is None:
        raise NotFoundError(f"{patient.name} (MRN {patient.mrn}) has no treatment course")
    started = len(cycles_of(store, course.id))
    printable = started + 1 if course.is_active else started
    return patient, course, started, printable


def week_bounds(week_of: date) -> tuple[date, date]:
    """Monday and Sunday of the week that contains ``week_of`` (the last week of the
    calendar ends on its last day, a Friday)."""
    monday = week_of - timedelta(days=week_of.weekday())
    return monday, min(monday, date.max - timedelta(days=6)) + timedelta(days=6)


def load_week_sheets(store: Store, week_of: date) -> list[CycleSheet]:
    """One sheet per active patient whose cycle runs during the week (Monday to Sunday) that
    contains ``week_of``, ordered by name. When one cycle ends and the next begins that week,
    the patient gets the sheet of the new one."""
    monday, sunday = week_bounds(week_of)
    clinic = clinic_name(store)
    sheets = []
    for patient, course in active_courses(store):
        started = len(cycles_of(store, course.id))
        calendar = course_calendar(store, course.id, cycles=started + 1)
        running = {planned.cycle for planned in calendar if monday <= planned.date <= sunday}
        if running:
            sheets.append(_sheet(store, patient, course, calendar, max(running), started, clinic))
    return sheets


def _sheet(
    store: Store,
    patient: Patient,
    course: Course,
    calendar: list[PlannedDay],
    cycle_number: int,
    started: int,
    clinic: str,
) -> CycleSheet:
    changes = [
        LevelChange(record.effective_date, record.drug, record.level)
        for record in level_changes_of(store, course.id)
    ]
    return build_cycle_sheet(
        regimen=load_regimen(course.regimen_id),
        calendar=calendar,
        cycle_number=cycle_number,
        course_start=course.start_date,
        patient_name=patient.name,
        mrn=patient.mrn,
        date_of_birth=patient.date_of_birth,
        thresholds=hold_thresholds(),
        cadence=blood_count_cadence(),
        clinic_name=clinic,
        lenalidomide_start_level=course.len_start_level,
        dexamethasone_start_level=course.dex_start_level,
        level_changes=changes,
        lenalidomide_every_days=course.len_every_days,
        thromboprophylaxis=course.thromboprophylaxis,
        labs=_lab_entries(labs_of(store, patient.id)),
        start_is_planned=cycle_number > started,
    )


def _per_litre(value: float | None, unit: str | None) -> float | None:
    return None if value is None else to_per_litre_e9(value, unit or Unit.PER_LITRE_E9)


def _lab_entries(results: Iterable[LabResult]) -> list[LabEntry]:
    return [
        LabEntry(
            result.date,
            _per_litre(result.anc, result.anc_unit),
            _per_litre(result.platelets, result.platelets_unit),
        )
        for result in results
        if result.anc is not None or result.platelets is not None
    ]
