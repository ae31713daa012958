"""Record a response assessment (IMWG); progressive disease also asks for its date."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QWidget

from tracker.storage.operations import responses as response_operations
from tracker.ui.common.context import AppContext
from tracker.ui.forms.record_dialog import InputProblem, RecordDialog, date_edit, date_of, note_box

if TYPE_CHECKING:
    from tracker.storage.records import Course

# IMWG uniform response criteria, best first.
RESPONSES = (
    ("sCR", "stringent complete response"),
    ("CR", "complete response"),
    ("VGPR", "very good partial response"),
    ("PR", "partial response"),
    ("MR", "minimal response"),
    ("SD", "stable disease"),
    ("PD", "progressive disease"),
)


class ResponseDialog(RecordDialog):
    """Response assessment (IMWG); progressive disease also asks for the progression date."""

    def __init__(self, context: AppContext, course: Course, parent: QWidget | None = None) -> None:
        super().__init__(context, "Record response or progression", parent)
        self.setObjectName("responseDialog")
        self.course = course
        self.assessed_edit = date_edit(self.today(), "assessedOnEdit")
        self.response_combo = QComboBox(objectName="responseCombo")
        for code, meaning in RESPONSES:
            self.response_combo.addItem(f"{code} — {meaning}", code)
        self.response_combo.setCurrentIndex(-1)
        self.progression_edit = date_edit(self.today(), "progressionDateEdit")
        self.note_edit = note_box("responseNoteEdit")
        self.form.addRow("&Assessed on", self.assessed_edit)
        self.form.addRow("&Response", self.response_combo)
        self.form.addRow("&Progression date", self.progression_edit)
        self.form.addRow("&Note", self.note_edit)
        self.response_combo.currentIndexChanged.connect(self._show_progression)
        self._show_progression()

    def _is_progression(self) -> bool:
        return self.response_combo.currentData() == "PD"

    def _show_progression(self) -> None:
        self.progression_edit.setEnabled(self._is_progression())

    def submit(self) -> bool:
        response = self.response_combo.currentData()
        if response is None:
            raise InputProblem("Choose the response")
        outcome = self.run(
            response_operations.record_response,
            self.course.id,
            date_of(self.assessed_edit),
            response,
            progression_date=date_of(self.progression_edit) if self._is_progression() else None,
            note=self.note_edit.toPlainText().strip(),
        )
        return outcome is not None
