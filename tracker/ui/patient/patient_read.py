"""Everything the patient screen shows, read in one go: the records and the engine's answers.

The course's history is read once and handed to the treatment engine for today's state (the
header and the status strip) and for every day of the calendar, so the screen never works
out a dose, a hold or advice itself.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from tracker.domain.treatment.engine import course_days, day_state
from tracker.storage import queries
from tracker.storage.course_history import course_history
from tracker.storage.renal_check import renal_band_note

if TYPE_CHECKING:
    from tracker.domain.calendar import PlannedDay
    from tracker.domain.treatment.engine import DayState
    from tracker.domain.treatment.history import CourseHistory
    from tracker.storage.database import Store
    from tracker.storage.records import Course, Cycle, DoseRecord, Patient


@dataclass(frozen=True)
class CourseSnapshot:
    """One course as the screen shows it: records, history, today's state, calendar days."""

    course: Course
    cycles: list[Cycle]
    doses: list[DoseRecord]
    history: CourseHistory
    state: DayState
    days: list[PlannedDay]
    # The same days as if nothing were interrupted, so a held day shows the dose it withholds
    # and a held rest day stays a rest day (``PlannedDay`` keeps no dose on a held day).
    unheld_days: list[PlannedDay]
    # Renal function has left the band the course started in (latest creatinine), or None.
    renal_note: str | None = None

    def state_on(self, day: date) -> DayState:
        """The engine's answer for another day of the same course."""
        return day_state(self.history, day)


@dataclass(frozen=True)
class PatientSnapshot:
    """The patient, their courses and which one is shown; ``shown`` holds that course's
    records and the engine's answers once read (None: no course, or not read yet)."""

    patient: Patient
    courses: list[Course]
    course: Course | None
    is_current_course: bool
    today: date
    shown: CourseSnapshot | None = None


def read_course(store: Store, course: Course, today: date) -> CourseSnapshot:
    history = course_history(store, course)
    cycles = queries.cycles_of(store, course.id)
    # An active course also shows the next cycle as planned, so its due date is visible.
    shown_cycles = len(cycles) + (1 if course.is_active else 0)
    return CourseSnapshot(
        course=course,
        cycles=cycles,
        doses=queries.dose_records_of(store, course.id),
        history=history,
        state=day_state(history, today),
        days=course_days(history, shown_cycles),
        unheld_days=course_days(replace(history, interruptions=()), shown_cycles)
        if history.interruptions
        else [],
        renal_note=renal_band_note(
            store, queries.get_patient(store, course.patient_id), course, today
        )
        if course.is_active
        else None,
    )


def read_patient_head(
    store: Store, patient_id: int, course_id: int | None = None
) -> PatientSnapshot:
    """The patient and the course to show: ``course_id`` (None, or a course no longer there:
    the current one, active else the latest). A few rows: quick enough for any screen."""
    patient = queries.get_patient(store, patient_id)
    courses = queries.courses_of(store, patient_id)
    current = queries.current_course(store, patient_id)
    chosen = next((course for course in courses if course.id == course_id), current)
    return PatientSnapshot(
        patient=patient,
        courses=courses,
        course=chosen,
        is_current_course=chosen is not None and current is not None and chosen.id == current.id,
        today=store.today(),
    )


def read_patient(store: Store, patient_id: int, course_id: int | None = None) -> PatientSnapshot:
    """``read_patient_head`` with the shown course read as well."""
    head = read_patient_head(store, patient_id, course_id)
    if head.course is None:
        return head
    return replace(head, shown=read_course(store, head.course, head.today))
