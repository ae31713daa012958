"""The Patients screen: search by MRN or name as you type, add, edit, archive, open."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tracker.storage import queries
from tracker.storage.operations import patients as patient_operations
from tracker.ui.common.context import AppContext
from tracker.ui.common.reads import read
from tracker.ui.common.reason_prompt import AskReason, ask_for_reason
from tracker.ui.forms.patient_dialog import PatientDialog
from tracker.ui.patients.patients_model import NAME_COLUMN, PatientsModel
from tracker.ui.widgets.table_model import open_on_enter, record_table


class PatientsView(QWidget):
    patient_activated = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("patientsView")
        self._context = context
        self._stale = True
        self.ask_reason: AskReason = ask_for_reason

        self.model = PatientsModel(self)

        self.search_edit = QLineEdit(objectName="patientSearch")
        self.search_edit.setPlaceholderText("Search by MRN or name")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setToolTip(
            "Type part of an MRN or name. Return opens the patient when only one matches; "
            "Down goes to the list."
        )
        self.search_edit.textChanged.connect(self._search_changed)
        self.count_label = QLabel(objectName="patientCount")

        self.table = record_table(self.model, "patientsTable")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(0, 120)
        header.setHighlightSections(False)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(NAME_COLUMN, Qt.SortOrder.AscendingOrder)
        self.table.doubleClicked.connect(self._open_index)
        open_on_enter(self.table, self.open_selected)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        QShortcut(QKeySequence(Qt.Key.Key_Down), self.search_edit, self._focus_table)
        self.search_edit.returnPressed.connect(self._search_entered)

        self.new_button = QPushButton("&New patient…", objectName="newPatientButton")
        self.edit_button = QPushButton("&Edit…", objectName="editPatientButton")
        self.archive_button = QPushButton("&Archive…", objectName="archivePatientButton")
        self.open_button = QPushButton("&Open", objectName="openPatientButton")
        self.new_button.clicked.connect(self.new_patient)
        self.edit_button.clicked.connect(self.edit_selected)
        self.archive_button.clicked.connect(self.archive_selected)
        self.open_button.clicked.connect(self.open_selected)

        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.count_label)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.archive_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        context.data_changed.connect(self._data_changed)
        self._update_buttons()

    # --- loading --------------------------------------------------------------------------

    def reload(self) -> None:
        """Read every patient again (one query), keeping the selection."""
        selected = self.selected_patient_id()
        patients = queries.list_patients(self._context.store) if self._context.has_store else []
        self.model.set_patients(patients)
        header = self.table.horizontalHeader()
        self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self._stale = False
        if selected is not None:
            self.select_patient(selected)
        self._update_count()
        self._update_buttons()

    def _data_changed(self) -> None:
        self._stale = True
        if self.isVisible():
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self.reload()
        super().showEvent(event)

    # --- searching and selecting ----------------------------------------------------------

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def _focus_table(self) -> None:
        """Into the list with a patient selected, so Return, Edit and Open act at once."""
        self.table.setFocus()
        if self.selected_patient_id() is None and self.model.rowCount() > 0:
            current = self.table.currentIndex()
            self.table.selectRow(current.row() if current.isValid() else 0)

    def _search_entered(self) -> None:
        """Return in the search box opens the one patient found, else goes to the list."""
        if self.model.rowCount() == 1:
            self.patient_activated.emit(self.model.patient_id_at(self.model.index(0, 0)))
        else:
            self._focus_table()

    def _search_changed(self, text: str) -> None:
        self.model.set_search(text)
        self._update_count()
        self._update_buttons()

    def _update_count(self) -> None:
        total, shown = self.model.total, self.model.rowCount()
        noun = "patient" if total == 1 else "patients"
        text = f"{total:,} {noun}" if shown == total else f"{shown:,} of {total:,} {noun}"
        self.count_label.setText(text)

    def visible_patient_ids(self) -> list[int]:
        return [
            self.model.patient_id_at(self.model.index(row, 0))
            for row in range(self.model.rowCount())
        ]

    def selected_patient_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.patient_id_at(rows[0]) if rows else None

    def select_patient(self, patient_id: int) -> bool:
        row = self.model.row_of_patient(patient_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        return True

    def _update_buttons(self) -> None:
        has_store = self._context.has_store
        selected = self.selected_patient_id() is not None
        self.new_button.setEnabled(has_store)
        for button in (self.edit_button, self.archive_button, self.open_button):
            button.setEnabled(has_store and selected)

    # --- commands -------------------------------------------------------------------------

    def _open_index(self, index: QModelIndex) -> None:
        patient_id = self.model.patient_id_at(index)
        if patient_id is not None:
            self.patient_activated.emit(patient_id)

    def open_selected(self) -> None:
        patient_id = self.selected_patient_id()
        if patient_id is not None:
            self.patient_activated.emit(patient_id)

    def new_patient(self) -> PatientDialog | None:
        """Open the new-patient form (window-modal, returns at once); selects the patient saved."""
        if not self._context.has_store:
            return None
        dialog = PatientDialog(self._context, parent=self)
        dialog.accepted.connect(lambda: self._saved(dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def edit_selected(self) -> PatientDialog | None:
        patient_id = self.selected_patient_id()
        if patient_id is None:
            return None
        patient = read(self._context, queries.get_patient, patient_id, parent=self)
        if patient is None:
            return None
        dialog = PatientDialog(self._context, patient, parent=self)
        dialog.accepted.connect(lambda: self._saved(dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _saved(self, dialog: PatientDialog) -> None:
        if self._stale:
            self.reload()
        if dialog.patient_id is not None and not self.select_patient(dialog.patient_id):
            # The new patient is hidden by the current search: show everyone to reveal it.
            self.search_edit.clear()
            self.select_patient(dialog.patient_id)
        # The saved patient is selected in the list, so Return opens them next.
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def archive_selected(self) -> bool:
        """Archive the selected patient after asking why (the reason is audited)."""
        patient_id = self.selected_patient_id()
        if patient_id is None:
            return False
        row = self.model.row_at(self.model.row_of_patient(patient_id))
        question = (
            f"Archive {row.name} (MRN {row.mrn})?\n\nThe patient leaves the lists; "
            "their records stay in the database and the audit log, with the reason."
        )
        reason = self.ask_reason(self, "Archive patient", question)
        if reason is None:
            return False
        done = self._context.run(_archive, patient_id, reason, parent=self)
        return bool(done)


def _archive(store: object, patient_id: int, reason: str) -> bool:
    patient_operations.archive_patient(store, patient_id, reason=reason)
    return True
