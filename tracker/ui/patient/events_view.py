"""The Events tab: the patient's adverse events; double-click one to correct it, or withdraw
one logged in error (asking why)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tracker.storage import queries
from tracker.storage.operations.events import archive_event
from tracker.ui.common.context import AppContext
from tracker.ui.common.reason_prompt import AskReason, ask_for_reason
from tracker.ui.forms.event_dialog import ACTIONS, EventDialog, definition_help, event_label
from tracker.ui.widgets.table_model import ReadOnlyTableModel, record_table

if TYPE_CHECKING:
    from tracker.storage.records import AdverseEvent

_ACTION_LABELS = dict(ACTIONS)
# Grade 3 and above is what the trial counted and what changes dosing.
_SEVERE_BACKGROUND = QColor("#f8d7d3")


class EventsTableModel(ReadOnlyTableModel["AdverseEvent"]):
    HEADERS = ("Onset", "Event", "Grade", "Grading", "Resolved", "Action", "Note")

    def set_events(self, events: Sequence[AdverseEvent]) -> None:
        self.beginResetModel()
        self._rows = sorted(events, key=lambda event: (event.onset_date, event.id), reverse=True)
        self.endResetModel()

    def event_at(self, row: int) -> AdverseEvent:
        return self._rows[row]

    def _display(self, event: AdverseEvent, column: int) -> str:
        if column == 0:
            return event.onset_date.isoformat()
        if column == 1:
            return event_label(event.event_type, event.term)
        if column == 2:
            return str(event.grade)
        if column == 3:
            return event.ctcae_version
        if column == 4:
            return event.resolution_date.isoformat() if event.resolution_date else "ongoing"
        if column == 5:
            return _ACTION_LABELS.get(event.action, event.action)
        return event.note or ""

    def row_data(self, event: AdverseEvent, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(event, column)
        if role == Qt.ItemDataRole.ToolTipRole and column in (1, 2):
            return definition_help(event.event_type, event.grade) or None
        if role == Qt.ItemDataRole.BackgroundRole and event.grade >= 3:
            return _SEVERE_BACKGROUND
        if role == Qt.ItemDataRole.UserRole:
            return event.id
        return None


class EventsView(QWidget):
    """Table of events plus a button to log one; edits go through the event dialog."""

    log_requested = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("eventsView")
        self.context = context
        self.patient_id: int | None = None
        self.course_id: int | None = None
        self.model = EventsTableModel(self)
        self.table = record_table(self.model, "eventsTable")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.doubleClicked.connect(self.edit_event_at)
        self.log_button = QPushButton("&Log event…", objectName="logEventButton")
        self.log_button.clicked.connect(self.log_requested)
        self.edit_button = QPushButton("E&dit…", objectName="editEventButton")
        self.edit_button.clicked.connect(self._edit_selected)
        self.withdraw_button = QPushButton("&Withdraw…", objectName="withdrawEventButton")
        self.withdraw_button.setToolTip("Withdraw an event logged in error; the history keeps it")
        self.withdraw_button.clicked.connect(self.withdraw_selected)
        # Tests answer here instead of in a modal box.
        self.ask_reason: AskReason = ask_for_reason
        hint = QLabel("Double-click an event to correct it. Grade 3-4 rows are shaded.")
        buttons = QHBoxLayout()
        buttons.addWidget(self.log_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.withdraw_button)
        buttons.addWidget(hint, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        self.last_dialog: EventDialog | None = None

    def show_patient(self, patient_id: int | None, course_id: int | None = None) -> None:
        self.patient_id = patient_id
        self.course_id = course_id
        self.refresh()

    def refresh(self) -> None:
        if self.patient_id is None or not self.context.has_store:
            self.model.set_events([])
        else:
            self.model.set_events(queries.events_of(self.context.store, self.patient_id))
        self.edit_button.setEnabled(self.model.rowCount() > 0)
        self.withdraw_button.setEnabled(self.model.rowCount() > 0)

    def _edit_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.edit_event_at(rows[0])
        elif self.model.rowCount():
            self.edit_event_at(self.model.index(0, 0))

    def withdraw_selected(self) -> bool:
        """Archive the selected event after asking why; True when it was withdrawn."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return False
        event = self.model.event_at(rows[0].row())
        reason = self.ask_reason(
            self,
            "Withdraw adverse event",
            f"Withdraw {event_label(event.event_type, event.term).lower()} grade {event.grade} "
            f"from {event.onset_date.isoformat()}, logged in error? It leaves the lists and the "
            "counts; the history keeps it, with the reason.",
        )
        if reason is None:
            return False
        done = self.context.run(
            _withdraw, event.id, reason, event.version, parent=self
        )
        return bool(done)

    def edit_event_at(self, index: QModelIndex) -> None:
        if not index.isValid() or self.patient_id is None:
            return
        event = self.model.event_at(index.row())
        dialog = EventDialog(self.context, self.patient_id, event=event, parent=self)
        self.last_dialog = dialog
        dialog.open()


def _withdraw(store: Any, event_id: int, reason: str, version: int) -> bool:
    archive_event(store, event_id, reason=reason, version=version)
    return True
