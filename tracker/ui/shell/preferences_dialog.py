"""File > Settings: the clinic name printed on cycle sheets, the paper they are laid out on,
and how old the latest blood counts may be for a cycle or course to start without a
clinician's override reason.

All live in the database, shared by everyone who uses the file, and are written in one
audited transaction. Staff initials are per session and stay under File > Set staff initials.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from tracker.reports.sheet_settings import (
    CLINIC_NAME_KEY,
    DEFAULT_CLINIC_NAME,
    PAGE_SIZE_NAMES,
    sheet_page_size,
)
from tracker.storage.operations.settings import (
    CLINIC_NAME_MAX_LENGTH,
    COUNTS_MAX_AGE_RANGE,
    get_setting,
    save_settings,
    start_counts_max_age,
)
from tracker.ui.common.context import AppContext
from tracker.ui.common.store_state import open_store
from tracker.ui.forms.record_dialog import buddy_label, field_row


class PreferencesDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle("Settings")
        self.context = context
        store = open_store(context)

        self.clinic_edit = QLineEdit(objectName="clinicNameEdit")
        self.clinic_edit.setMaxLength(CLINIC_NAME_MAX_LENGTH)
        self.clinic_edit.setPlaceholderText(f"printed as “{DEFAULT_CLINIC_NAME}” when empty")
        self.page_size_combo = QComboBox(objectName="pageSizeCombo")
        self.page_size_combo.addItems(PAGE_SIZE_NAMES)
        self.counts_age_edit = QLineEdit(objectName="countsMaxAgeEdit")
        self.counts_age_edit.setMaxLength(4)
        self.counts_age_edit.setFixedWidth(60)
        if store is not None:
            self.clinic_edit.setText(get_setting(store, CLINIC_NAME_KEY) or "")
            self.page_size_combo.setCurrentText(sheet_page_size(store))
            self.counts_age_edit.setText(str(start_counts_max_age(store)))
        self._initial = self._values()

        sheets = QGroupBox("Cycle sheets", objectName="sheetSettings")
        sheet_form = QFormLayout(sheets)
        sheet_form.addRow("&Clinic name", self.clinic_edit)
        sheet_form.addRow("Sheet &paper size", self.page_size_combo)
        where = QLabel(
            "Printed on every cycle sheet. Staff initials are set for each session under "
            "File > Set staff initials."
        )
        where.setWordWrap(True)
        where.setObjectName("preferencesNote")
        sheet_form.addRow(where)

        starting = QGroupBox("Starting a cycle or a course", objectName="startSettings")
        start_form = QFormLayout(starting)
        low, high = COUNTS_MAX_AGE_RANGE
        start_form.addRow(
            buddy_label("Latest counts at &most", self.counts_age_edit),
            field_row(self.counts_age_edit, QLabel(f"days old ({low} to {high})")),
        )
        why = QLabel(
            "Older counts, missing counts, counts below the label's hold thresholds or an open "
            "interruption: the start needs a clinician's override reason, which is kept and "
            "audited."
        )
        why.setWordWrap(True)
        why.setObjectName("startSettingsNote")
        start_form.addRow(why)

        shared = QLabel(
            "Kept in the database, so everyone using "
            f"{store.path.name if store is not None else 'it'} sees the same."
        )
        shared.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(store is not None)
        layout = QVBoxLayout(self)
        layout.addWidget(sheets)
        layout.addWidget(starting)
        layout.addWidget(shared)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(500)

    def _values(self) -> tuple[str, str, str]:
        return (
            self.clinic_edit.text(),
            self.page_size_combo.currentText(),
            self.counts_age_edit.text(),
        )

    def has_unsaved_input(self) -> bool:
        return self._values() != self._initial

    def accept(self) -> None:
        if self.context.run(save_settings, *self._values(), parent=self):
            super().accept()
