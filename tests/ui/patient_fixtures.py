"""Seeding helpers for the patient screen tests: real operations on the test's real database.

Dates are taken relative to the store's clock, so the tests do not depend on the fixed day
the shared fixtures choose.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QMenu

from tests import starts
from tracker.storage.database import Store
from tracker.storage.operations import doses, events, interruptions, labs
from tracker.storage.operations.patients import add_patient
from tracker.ui.common.context import AppContext
from tracker.ui.patient.patient_view import PatientView


@dataclass(frozen=True)
class SeededCourse:
    patient_id: int
    course_id: int
    start: date


def add_test_patient(store: Store, mrn: str = "MRN-1001", **extra: object) -> int:
    values: dict[str, object] = {
        "name": "Adeyemi, Ruth",
        "date_of_birth": date(1954, 5, 17),
        "sex": "F",
        "weight_kg": 68.0,
        "creatinine": 0.9,
        "creatinine_unit": "mg/dL",
        # Past the menopause: the REMS category every female patient needs to be treated.
        "rems_category": "female_not_reproductive",
        "rems_category_reason": "natural_menopause",
    }
    values.update(extra)
    return add_patient(store, mrn=mrn, **values)


def seed_course(store: Store, *, days_ago: int = 10, patient_id: int | None = None) -> SeededCourse:
    """A patient on cycle 1 of a course that started ``days_ago`` days before today."""
    patient_id = patient_id or add_test_patient(store)
    start = store.today() - timedelta(days=days_ago)
    course_id = starts.start_course(store, patient_id, start, thromboprophylaxis="aspirin")
    return SeededCourse(patient_id, course_id, start)


def record_counts(
    store: Store, patient_id: int, on: date, anc: float = 2.0, platelets: float = 150.0
) -> int:
    """A blood count (x10^9/L) on ``on``; recent normal counts let a cycle start unopposed."""
    return labs.record_labs(store, patient_id, on, anc=anc, platelets=platelets)


def seed_rich_course(store: Store) -> SeededCourse:
    """Three cycles with taken and missed doses, a delay, and an interruption in cycle 2
    resumed one level lower."""
    seeded = seed_course(store, days_ago=75)
    start = seeded.start
    for offset in range(0, 21):
        doses.record_dose(
            store, seeded.course_id, start + timedelta(days=offset), "lenalidomide", "taken"
        )
    for offset in (0, 1, 2, 3, 8, 9, 10, 11):
        doses.record_dose(
            store, seeded.course_id, start + timedelta(days=offset), "dexamethasone", "taken"
        )
    doses.record_dose(
        store,
        seeded.course_id,
        start + timedelta(days=5),
        "lenalidomide",
        "missed",
        reason="vomited the capsule",
    )
    second = start + timedelta(days=31)
    starts.start_next_cycle(store, seeded.course_id, second, delay_reason="neutropenia")
    for offset in range(0, 14):
        doses.record_dose(
            store, seeded.course_id, second + timedelta(days=offset), "lenalidomide", "taken"
        )
    interruptions.interrupt(store, seeded.course_id, second + timedelta(days=14), "neutropenia")
    interruptions.resume(store, seeded.course_id, second + timedelta(days=17), level=1)
    third = second + timedelta(days=28)
    starts.start_next_cycle(store, seeded.course_id, third)
    for offset in range((store.today() - third).days):
        doses.record_dose(
            store, seeded.course_id, third + timedelta(days=offset), "lenalidomide", "taken"
        )
    return seeded


@dataclass(frozen=True)
class HeldCourse:
    """``seed_held_course``: who, and the dates the scenario turns on."""

    patient_id: int
    course_id: int
    start: date
    interrupted: date
    second_cycle: date


def seed_held_course(store: Store, mrn: str = "MRN-2002") -> HeldCourse:
    """Cycle 2, day 13 today, lenalidomide interrupted since cycle 1 day 16 for platelets 28
    (an open grade 3 thrombocytopenia), platelets still 26 two days ago: the label says keep
    holding, then resume one level lower."""
    today = store.today()
    start = today - timedelta(days=40)
    patient_id = add_test_patient(store, mrn=mrn, name="Okafor, Grace")
    record_counts(store, patient_id, start, anc=2.1, platelets=180)
    course_id = starts.start_course(store, patient_id, start, thromboprophylaxis="aspirin")
    for offset in range(14):
        doses.record_dose(store, course_id, start + timedelta(days=offset), "lenalidomide", "taken")
    dropped = start + timedelta(days=14)
    record_counts(store, patient_id, dropped, anc=1.6, platelets=28)
    events.log_event(store, patient_id, "thrombocytopenia", 3, dropped, course_id=course_id)
    interrupted = dropped + timedelta(days=1)
    interruptions.interrupt(store, course_id, interrupted, "thrombocytopenia")
    second = start + timedelta(days=28)
    starts.start_next_cycle(store, course_id, second)
    record_counts(store, patient_id, today - timedelta(days=9), anc=1.2, platelets=24)
    record_counts(store, patient_id, today - timedelta(days=2), anc=1.3, platelets=26)
    return HeldCourse(patient_id, course_id, start, interrupted, second)


def seed_long_course(store: Store, cycles: int, day_of_cycle: int = 10) -> SeededCourse:
    """A course on day ``day_of_cycle`` of cycle ``cycles`` today, every cycle on time."""
    length = 28
    seeded = seed_course(store, days_ago=(cycles - 1) * length + day_of_cycle - 1)
    for number in range(2, cycles + 1):
        begun = seeded.start + timedelta(days=(number - 1) * length)
        starts.start_next_cycle(store, seeded.course_id, begun)
    return seeded


def make_view(qtbot, context: AppContext, patient_id: int) -> PatientView:
    view = PatientView(context)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show_patient(patient_id)
    view.show()
    qtbot.waitExposed(view)
    # The course is read on a worker thread, the other tabs just after.
    qtbot.waitUntil(lambda: not view.loading)
    return view


def click_day(qtbot, view: PatientView, when: date) -> QMenu:
    """Click the calendar cell of ``when`` and return the dose menu it opens."""
    rect = view.calendar.cell_rect_for_date(when)
    assert not rect.isNull(), f"{when} is not on the calendar"
    view.calendar.ensurePolished()
    qtbot.mouseClick(view.calendar, Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: view.dose_menu is not None and view.dose_menu.isVisible())
    return view.dose_menu


def choose(qtbot, menu: QMenu, action_name: str) -> None:
    """Click the named menu entry where it is drawn, as a user would."""
    action = next(action for action in menu.actions() if action.objectName() == action_name)
    assert action.isEnabled(), f"{action_name} is disabled"
    position: QPoint = menu.actionGeometry(action).center()
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=position)
    QApplication.processEvents()
