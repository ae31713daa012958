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
from tracker.storage.operations import courses, doses
from tracker.storage.operations.patients import add_patient
from tracker.ui.context import AppContext
from tracker.ui.patient_view import PatientView


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
    }
    values.update(extra)
    return add_patient(store, mrn=mrn, **values)


def seed_course(store: Store, *, days_ago: int = 10, patient_id: int | None = None) -> SeededCourse:
    """A patient on cycle 1 of a course that started ``days_ago`` days before today."""
    patient_id = patient_id or add_test_patient(store)
    start = store.today() - timedelta(days=days_ago)
    course_id = starts.start_course(store, patient_id, start, thromboprophylaxis="aspirin")
    return SeededCourse(patient_id, course_id, start)


def seed_rich_course(store: Store) -> SeededCourse:
    """Three cycles with taken, missed and held doses, a delay and a dose reduction."""
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
    doses.record_dose(store, seeded.course_id, start + timedelta(days=5), "lenalidomide", "missed")
    second = start + timedelta(days=31)
    starts.start_next_cycle(store, seeded.course_id, second, delay_reason="neutropenia")
    for offset in range(0, 14):
        doses.record_dose(
            store, seeded.course_id, second + timedelta(days=offset), "lenalidomide", "taken"
        )
    for offset in (14, 15, 16):
        doses.record_dose(
            store, seeded.course_id, second + timedelta(days=offset), "lenalidomide", "held"
        )
    courses.change_dose_level(
        store, seeded.course_id, "lenalidomide", 1, second + timedelta(days=17), "neutropenia"
    )
    third = second + timedelta(days=28)
    starts.start_next_cycle(store, seeded.course_id, third)
    for offset in range((store.today() - third).days):
        doses.record_dose(
            store, seeded.course_id, third + timedelta(days=offset), "lenalidomide", "taken"
        )
    return seeded


def make_view(qtbot, context: AppContext, patient_id: int) -> PatientView:
    view = PatientView(context)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show_patient(patient_id)
    view.show()
    qtbot.waitExposed(view)
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
