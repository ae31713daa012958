"""Log an adverse event or correct one, with the CTCAE definition of the term as help.

A correction says why (kept in the audit log); one refused because someone else changed the
event meanwhile says who and when, and the form shows the event as it is now."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from tracker.domain import grading
from tracker.storage import queries
from tracker.storage.operations import events as event_operations
from tracker.storage.signatures import RECORD_DEATH
from tracker.ui.common.context import AppContext
from tracker.ui.common.reason_prompt import MISSING_REASON, reason_field, reason_text
from tracker.ui.common.unsaved_input import remember_input
from tracker.ui.forms.record_dialog import (
    InputProblem,
    RecordDialog,
    WrappedLabel,
    date_edit,
    date_of,
    select_data,
    set_date,
)
from tracker.ui.forms.stale_save import reloading_when_stale

if TYPE_CHECKING:
    from tracker.storage.records import AdverseEvent

EVENT_TYPES = (
    ("neutropenia", "Neutrophil count decreased (neutropenia)"),
    ("thrombocytopenia", "Platelet count decreased (thrombocytopenia)"),
    ("vte", "Thromboembolic event (VTE)"),
    ("other", "Other (name the term)"),
)
EVENT_LABELS = {
    "neutropenia": "Neutropenia",
    "thrombocytopenia": "Thrombocytopenia",
    "vte": "Thromboembolic event",
    "other": "Other",
}
ACTIONS = (
    ("none", "No change to treatment"),
    ("held", "Lenalidomide held"),
    ("reduced", "Dose reduced"),
    ("discontinued", "Treatment discontinued"),
)
DEATH_GRADE = 5
DEATH_WARNING = (
    "Grade 5 is death. Saving records the date of death as the onset date and ends the "
    "treatment course (reason: death) on that day; nothing is due after it."
)


def event_label(event_type: str, term: str | None = None) -> str:
    if event_type == "other" or term:
        return term or EVENT_LABELS["other"]
    return EVENT_LABELS.get(event_type, event_type)


def definition_help(event_type: str, grade: int | None = None) -> str:
    """The CTCAE wording for the term (and the chosen grade when the rules know it)."""
    return grading.definition_text(event_type, grade)


class EventDialog(RecordDialog):
    """A new event when ``event`` is None (optionally pre-filled), otherwise edits it."""

    def __init__(
        self,
        context: AppContext,
        patient_id: int,
        *,
        course_id: int | None = None,
        event: AdverseEvent | None = None,
        event_type: str | None = None,
        grade: int | None = None,
        onset: date | None = None,
        lab_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, "Edit adverse event" if event else "Log an adverse event", parent)
        self.setObjectName("eventDialog")
        self.patient_id = patient_id
        self.course_id = event.course_id if event else course_id
        self.lab_id = event.lab_id if event else lab_id
        self.event = event
        self.event_id: int | None = event.id if event else None
        self.type_combo = QComboBox(objectName="eventTypeCombo")
        for value, label in EVENT_TYPES:
            self.type_combo.addItem(label, value)
        self.term_edit = QLineEdit(objectName="termEdit")
        self.term_edit.setPlaceholderText("CTCAE term, e.g. Rash maculo-papular")
        self.grade_spin = QSpinBox(objectName="gradeSpin")
        self.death_label = WrappedLabel(DEATH_WARNING, objectName="deathWarning")
        self.death_label.setStyleSheet(
            "QLabel { background: #fbe3e0; color: #7a1212; padding: 4px; font-weight: bold; }"
        )
        self.version_label = QLabel(
            event.ctcae_version if event else grading.CTCAE_VERSION, objectName="ctcaeVersion"
        )
        self.definition_label = WrappedLabel(objectName="definitionHelp")
        self.definition_label.setStyleSheet("QLabel { color: #444444; }")
        self.onset_edit = date_edit(onset or self.today(), "onsetDateEdit")
        self.resolved_check = QCheckBox("Resolved on", objectName="resolvedCheck")
        self.resolution_edit = date_edit(self.today(), "resolutionDateEdit")
        resolution_row = QHBoxLayout()
        resolution_row.addWidget(self.resolved_check)
        resolution_row.addWidget(self.resolution_edit, 1)
        self.action_combo = QComboBox(objectName="eventActionCombo")
        for value, label in ACTIONS:
            self.action_combo.addItem(label, value)
        self.note_edit = QLineEdit(objectName="eventNoteEdit")
        self.form.addRow("&Event", self.type_combo)
        self.form.addRow("&Term", self.term_edit)
        self.form.addRow("&Grade", self.grade_spin)
        self.form.addRow("", self.death_label)
        self.form.addRow("Grading", self.version_label)
        self.form.addRow("", self.definition_label)
        self.form.addRow("&Onset", self.onset_edit)
        self.form.addRow("", resolution_row)
        self.form.addRow("&Action", self.action_combo)
        self.form.addRow("&Note", self.note_edit)
        self.reason_edit = reason_field()
        if event is not None:
            self.form.addRow("&Reason for change", self.reason_edit)
            self._fill(event)
        else:
            self.reason_edit.hide()
            select_data(self.type_combo, event_type or "neutropenia")
            self._limit_grades()
            self.grade_spin.setValue(grade or 1)
        if self.lab_id is not None:
            self.set_intro("Linked to the lab result it was graded from.")
        self.type_combo.currentIndexChanged.connect(self._update_help)
        self.grade_spin.valueChanged.connect(self._update_help)
        self.resolved_check.toggled.connect(self.resolution_edit.setEnabled)
        self.resolution_edit.setEnabled(self.resolved_check.isChecked())
        self._update_help()

    def _fill(self, event: AdverseEvent) -> None:
        select_data(self.type_combo, event.event_type)
        self._limit_grades()
        self.term_edit.setText(event.term or "")
        self.grade_spin.setValue(event.grade)
        set_date(self.onset_edit, event.onset_date)
        self.resolved_check.setChecked(event.resolution_date is not None)
        if event.resolution_date is not None:
            set_date(self.resolution_edit, event.resolution_date)
        select_data(self.action_combo, event.action)
        self.note_edit.setText(event.note or "")

    def event_type(self) -> str:
        return self.type_combo.currentData()

    def _limit_grades(self) -> None:
        """Only the grades CTCAE defines for the term can be chosen (no grade 5 for counts)."""
        allowed = grading.allowed_grades(self.event_type())
        self.grade_spin.setRange(min(allowed), max(allowed))

    def _update_help(self) -> None:
        self._limit_grades()
        self.death_label.setVisible(
            self.grade_spin.value() == DEATH_GRADE
            and (self.event is None or self.event.grade != DEATH_GRADE)
        )
        is_other = self.event_type() == "other"
        self.term_edit.setEnabled(is_other)
        text = definition_help(self.event_type(), self.grade_spin.value())
        self.definition_label.setText(text)
        self.definition_label.setVisible(bool(text))
        self.type_combo.setToolTip(text)
        self.grade_spin.setToolTip(text)

    def values(self) -> dict[str, Any]:
        event_type = self.event_type()
        term = self.term_edit.text().strip() or None
        if event_type == "other" and not term:
            raise InputProblem("Name the adverse event term for an 'other' event")
        onset = date_of(self.onset_edit)
        resolution = date_of(self.resolution_edit) if self.resolved_check.isChecked() else None
        if resolution is not None and resolution < onset:
            raise InputProblem("The resolution date is before the onset date")
        return {
            "event_type": event_type,
            "term": term if event_type == "other" else None,
            "grade": self.grade_spin.value(),
            "onset_date": onset,
            "resolution_date": resolution,
            "action": self.action_combo.currentData(),
            "note": self.note_edit.text().strip(),
        }

    def submit(self) -> bool:
        values = self.values()
        # Grade 5 is a death: recorded under the clinician's signature.
        death = RECORD_DEATH if values["grade"] == DEATH_GRADE else None
        if self.event is None:
            outcome = self.run_signed(
                death,
                event_operations.log_event,
                self.patient_id,
                values.pop("event_type"),
                values.pop("grade"),
                values.pop("onset_date"),
                course_id=self.course_id,
                lab_id=self.lab_id,
                ctcae_version=grading.CTCAE_VERSION,
                **values,
            )
            if outcome is None:
                return False
            self.event_id = outcome.value
            return True
        changes = {
            field: value
            for field, value in values.items()
            if getattr(self.event, field) != value
            and not (field in ("term", "note") and not getattr(self.event, field) and not value)
        }
        if not changes:
            return True
        reason = reason_text(self.reason_edit)
        if not reason:
            self.reason_edit.setFocus()
            raise InputProblem(MISSING_REASON)
        # Turning a saved event into a death records the death, under a signature.
        signing = death if self.event.grade != DEATH_GRADE else None
        update = reloading_when_stale(event_operations.update_event, self._reload)
        outcome = self.run_signed(
            signing, update, self.event.id, reason=reason, version=self.event.version, **changes
        )
        return outcome is not None

    def _reload(self, store: Any) -> None:
        """Show the event as saved now (after another save got there first)."""
        assert self.event is not None
        self.event = queries.get_event(store, self.event.id)
        self._fill(self.event)
        self._update_help()
        remember_input(self)
