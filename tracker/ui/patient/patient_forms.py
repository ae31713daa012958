"""The forms the patient screen opens, filled from what it shows: the patient, the course on
screen and the dose levels in force today as the treatment engine reads them.

The form modules are imported when a form first opens, not with the screen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from tracker.domain.regimen import DEXAMETHASONE, LENALIDOMIDE
from tracker.ui.common.unsaved_input import remember_input

if TYPE_CHECKING:
    from tracker.ui.patient.patient_view import PatientView


def open_form(dialog: QDialog) -> QDialog:
    """Open ``dialog`` window-modal, deleted on close, its opening values remembered."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    # What the form opened with is not unsaved input (see tracker.ui.common.unsaved_input).
    remember_input(dialog)
    return dialog


class PatientForms:
    """Opens each form for the screen's patient and course; None when there is none."""

    def __init__(self, view: PatientView, open_dialog: Callable[[QDialog], QDialog]) -> None:
        self.view = view
        self._open = open_dialog

    def current_levels(self) -> dict[str, int]:
        """The dose levels in force today, as the engine reads them from the course."""
        shown = self.view.shown_course()
        if shown is None:
            return {}
        return {
            LENALIDOMIDE: shown.state.lenalidomide_level,
            DEXAMETHASONE: shown.state.dexamethasone_level,
        }

    def start_course(self) -> QDialog | None:
        from tracker.ui.forms.start_course_dialog import StartCourseDialog

        view = self.view
        if view.patient is None:
            return None
        return self._open(StartCourseDialog(view.context, view.patient, parent=view))

    def start_next_cycle(self) -> QDialog | None:
        from tracker.ui.forms.next_cycle_dialog import NextCycleDialog

        view = self.view
        if view.course is None or not view.cycles:
            return None
        last = max(view.cycles, key=lambda cycle: cycle.number)
        return self._open(NextCycleDialog(view.context, view.course, last, parent=view))

    def reduce_dose(self) -> QDialog | None:
        from tracker.ui.forms.reduce_dose_dialog import ReduceDoseDialog

        view = self.view
        if view.course is None:
            return None
        levels = self.current_levels()
        return self._open(ReduceDoseDialog(view.context, view.course, levels, parent=view))

    def record_labs(self) -> QDialog | None:
        from tracker.ui.forms.labs_dialog import LabsDialog

        view = self.view
        if view.patient is None:
            return None
        active = view.course if view.course is not None and view.course.is_active else None
        levels = self.current_levels() if active else {}
        return self._open(
            LabsDialog(view.context, view.patient, active, levels, view.cycles, parent=view)
        )

    def log_event(self) -> QDialog | None:
        from tracker.ui.forms.event_dialog import EventDialog

        view = self.view
        if view.patient is None:
            return None
        course_id = view.course.id if view.course is not None else None
        return self._open(
            EventDialog(view.context, view.patient.id, course_id=course_id, parent=view)
        )

    def record_response(self) -> QDialog | None:
        from tracker.ui.forms.response_dialog import ResponseDialog

        view = self.view
        if view.course is None:
            return None
        return self._open(ResponseDialog(view.context, view.course, parent=view))

    def pregnancy_prevention(self) -> QDialog | None:
        from tracker.ui.forms.pregnancy_prevention_dialog import PregnancyPreventionDialog

        view = self.view
        if view.patient is None:
            return None
        return self._open(PregnancyPreventionDialog(view.context, view.patient, parent=view))

    def end_course(self) -> QDialog | None:
        from tracker.ui.forms.end_course_dialog import EndCourseDialog

        view = self.view
        if view.course is None:
            return None
        return self._open(EndCourseDialog(view.context, view.course, parent=view))
