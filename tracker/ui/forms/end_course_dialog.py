"""End the course: the date, why, and a note (required when the reason is "other")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from tracker.storage.operations import courses as course_operations
from tracker.storage.signatures import END_COURSE, RECORD_DEATH
from tracker.ui.common.context import AppContext
from tracker.ui.common.dates import long_date
from tracker.ui.forms.record_dialog import (
    InputProblem,
    RecordDialog,
    combo_box,
    date_edit,
    date_of,
    note_box,
)

if TYPE_CHECKING:
    from tracker.storage.records import Course

END_REASONS = (
    ("Progression", "progression"),
    ("Toxicity", "toxicity"),
    ("Death (records the date of death)", "death"),
    ("Other", "other"),
)


class EndCourseDialog(RecordDialog):
    def __init__(self, context: AppContext, course: Course, parent: QWidget | None = None) -> None:
        super().__init__(context, "End the course", parent)
        self.setObjectName("endCourseDialog")
        self.course = course
        self.set_intro(
            f"Course started {long_date(course.start_date)}. Ending it stops all dosing."
        )
        self.end_edit = date_edit(self.today(), "endDateEdit")
        self.reason_combo = combo_box(END_REASONS, "endReasonCombo")
        self.note_edit = note_box("endNoteEdit")
        self.form.addRow("&End date", self.end_edit)
        self.form.addRow("&Reason", self.reason_combo)
        self.form.addRow("&Note", self.note_edit)

    def submit(self) -> bool:
        reason = self.reason_combo.currentData()
        note = self.note_edit.toPlainText().strip()
        if reason == "other" and not note:
            raise InputProblem("Say in the note why the course ends")
        outcome = self.run_signed(
            RECORD_DEATH if reason == "death" else END_COURSE,
            course_operations.end_course,
            self.course.id,
            date_of(self.end_edit),
            reason,
            note=note,
        )
        return outcome is not None
