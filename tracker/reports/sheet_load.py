"""Build cycle sheets from the database: one patient's cycle, or everyone treated in a week.

Each course is read once, as the treatment engine's ``CourseHistory``; the sheet is the
engine's answer for the days of one cycle.
"""

from __future__ import annotations

from datetime import date, timedelta

from tracker.domain.calendar import PlannedDay
from tracker.domain.treatment.engine import course_days
from tracker.domain.treatment.history import CourseHistory
from tracker.reports.sheet_build import build_cycle_sheet
from tracker.reports.sheet_model import CycleSheet
from tracker.reports.sheet_settings import clinic_name
from tracker.storage.course_history import active_histories, course_history
from tracker.storage.database import Store
from tracker.storage.errors import NotFoundError
from tracker.storage.queries import active_courses, current_course, patient_by_mrn
from tracker.storage.records import Course, Patient


def load_cycle_sheet(store: Store, mrn: str, cycle_number: int) -> CycleSheet:
    """The sheet of cycle ``cycle_number`` of the patient's current course.

    The cycle must have been started, or be the next one of an active course (printed ahead of
    the visit, with its planned start). Anything else raises NotFoundError.
    """
    patient, course, history = _current_history(store, mrn)
    printable = _printable_cycles(course, history)
    if not 1 <= cycle_number <= printable:
        raise NotFoundError(
            f"{patient.name} (MRN {patient.mrn}) has no cycle {cycle_number}: "
            f"cycles 1 to {printable} can be printed"
        )
    calendar = course_days(history, cycle_number)
    return _sheet(patient, course, history, calendar, cycle_number, clinic_name(store))


def load_current_cycle_sheet(store: Store, mrn: str, on: date) -> CycleSheet:
    """The sheet a patient needs on ``on``: the cycle running that day, else the next one due.

    Before the course starts that is cycle 1; after the last started cycle has run out it is
    the next cycle of an active course (planned), or the last cycle of an ended one.
    """
    patient, course, history = _current_history(store, mrn)
    calendar = course_days(history, _printable_cycles(course, history))
    begun = [planned.cycle for planned in calendar if planned.date <= on]
    number = max(begun) if begun else 1
    return _sheet(patient, course, history, calendar, number, clinic_name(store))


def _current_history(store: Store, mrn: str) -> tuple[Patient, Course, CourseHistory]:
    patient = patient_by_mrn(store, mrn)
    course = current_course(store, patient.id)
    if course is None:
        raise NotFoundError(f"{patient.name} (MRN {patient.mrn}) has no treatment course")
    return patient, course, course_history(store, course)


def _printable_cycles(course: Course, history: CourseHistory) -> int:
    """The started cycles, and the next one of an active course."""
    started = len(history.cycle_starts)
    return started + 1 if course.is_active else started


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
    pairs = active_courses(store)
    histories = active_histories(store, [course for _, course in pairs])
    sheets = []
    for patient, course in pairs:
        history = histories[course.id]
        calendar = course_days(history, _printable_cycles(course, history))
        running = {planned.cycle for planned in calendar if monday <= planned.date <= sunday}
        if running:
            sheets.append(_sheet(patient, course, history, calendar, max(running), clinic))
    return sheets


def _sheet(
    patient: Patient,
    course: Course,
    history: CourseHistory,
    calendar: list[PlannedDay],
    cycle_number: int,
    clinic: str,
) -> CycleSheet:
    return build_cycle_sheet(
        history,
        cycle_number,
        patient_name=patient.name,
        mrn=patient.mrn,
        date_of_birth=patient.date_of_birth,
        clinic_name=clinic,
        thromboprophylaxis=course.thromboprophylaxis,
        renal_band=course.renal_band,
        start_is_planned=cycle_number > len(history.cycle_starts),
        calendar=calendar,
    )
