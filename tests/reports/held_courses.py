"""Courses with interruptions, recorded through the storage operations as a clinic would:
a low count, the interruption, and (or not) the resume at the level the clinician chose."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from tests.starts import start_course, start_next_cycle
from tracker.domain.regimen import DEXAMETHASONE
from tracker.storage.database import Store, open_database
from tracker.storage.operations.interruptions import interrupt, resume
from tracker.storage.operations.labs import record_labs
from tracker.storage.operations.patients import add_patient

TODAY = date(2027, 7, 1)
START = date(2027, 1, 4)  # a Monday
CYCLE_DAYS = 28


def cycle_date(cycle: int, day: int, start: date = START) -> date:
    """The date of ``day`` of ``cycle`` for a course whose cycles all started on time."""
    return start + timedelta(days=(cycle - 1) * CYCLE_DAYS + day - 1)


@dataclass(frozen=True)
class HeldCourse:
    mrn: str
    patient_id: int
    course_id: int


def course_with_cycles(store: Store, mrn: str, name: str, cycles: int = 1) -> HeldCourse:
    """A course from START with ``cycles`` cycles started on their due dates."""
    patient = add_patient(store, mrn=mrn, name=name, date_of_birth=date(1951, 3, 2))
    course = start_course(store, patient, START, thromboprophylaxis="aspirin")
    for number in range(2, cycles + 1):
        start_next_cycle(store, course, cycle_date(number, 1))
    return HeldCourse(mrn, patient, course)


def hold_for_low_anc(store: Store, held: HeldCourse, cycle: int, day: int) -> date:
    """ANC 0.8 recorded on ``day`` of ``cycle`` and lenalidomide interrupted that day."""
    on = cycle_date(cycle, day)
    record_labs(store, held.patient_id, on, anc=0.8, platelets=140)
    interrupt(store, held.course_id, on, "ANC 0.8")
    return on


def resume_after_recovery(
    store: Store, held: HeldCourse, cycle: int, day: int, level: int | None
) -> date:
    """ANC back to 1.4 on ``day`` of ``cycle``, and lenalidomide resumed that day."""
    on = cycle_date(cycle, day)
    record_labs(store, held.patient_id, on, anc=1.4, platelets=150)
    resume(store, held.course_id, on, level=level)
    return on


def build_held_database(path: Path) -> Path:
    """H1001: interrupted on cycle 1 day 10 and never resumed (cycle 2 printable ahead).
    H2002: interrupted on cycle 1 day 10, resumed on day 17 one level lower (20 mg).
    H3003: five cycles on time, no interruption (the count schedule).
    H4004: dexamethasone interrupted on cycle 1 day 9, resumed on day 17.
    H5005: three cycles; in cycle 3 interrupted for a low ANC on day 10 and never resumed."""
    with open_database(path, clock=lambda: TODAY) as store:
        never = course_with_cycles(store, "H1001", "Nora Neverresumed")
        hold_for_low_anc(store, never, 1, 10)

        resumed = course_with_cycles(store, "H2002", "Rosa Resumed")
        hold_for_low_anc(store, resumed, 1, 10)
        resume_after_recovery(store, resumed, 1, 17, level=1)

        course_with_cycles(store, "H3003", "Otto Ontime", cycles=5)

        steroid = course_with_cycles(store, "H4004", "Dora Dexheld")
        interrupt(store, steroid.course_id, cycle_date(1, 9), "insomnia", drug=DEXAMETHASONE)
        resume(store, steroid.course_id, cycle_date(1, 17), drug=DEXAMETHASONE)

        third = course_with_cycles(store, "H5005", "Tess Thirdcycle", cycles=3)
        hold_for_low_anc(store, third, 3, 10)
    return path
