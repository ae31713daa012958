"""File > Settings: the clinic name printed on cycle sheets and the paper they are laid out on.

Both live in the database, shared by everyone who uses the file, and are written in one
audited transaction. Staff initials are per session and stay under File > Set staff initials.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from tracker.reports.sheet_settings import (
    CLINIC_NAME_KEY,
    DEFAULT_CLINIC_NAME,
    PAGE_SIZE_KEY,
    PAGE_SIZE_NAMES,
    sheet_page_size,
)
from tracker.storage.database import Store
from tracker.storage.errors import ValidationError
from tracker.storage.operations.settings import get_setting, set_setting
from tracker.ui.context import AppContext
from tracker.ui.store_state import open_store

# Longer names no longer fit the sheet's title line at its smallest type.
CLINIC_NAME_MAX_LENGTH = 60


def save_sheet_settings(store: Store, clinic_name: str, page_size: str) -> bool:
    """Store both settings in one transaction; True once saved. ValidationError if unusable."""
    cleaned = " ".join(clinic_name.split())
    if len(cleaned) > CLINIC_NAME_MAX_LENGTH:
        raise ValidationError(
            f"the clinic name is {len(cleaned)} characters long; "
            f"at most {CLINIC_NAME_MAX_LENGTH} fit on a cycle sheet"
        )
    if page_size not in PAGE_SIZE_NAMES:
        raise ValidationError(
            f"the paper size must be {' or '.join(PAGE_SIZE_NAMES)}, not {page_size!r}"
        )
    with store.transaction():
        set_setting(store, CLINIC_NAME_KEY, cleaned)
        set_setting(store, PAGE_SIZE_KEY, page_size)
    return True


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
        if store is not None:
            self.clinic_edit.setText(get_setting(store, CLINIC_NAME_KEY) or "")
            self.page_size_combo.setCurrentText(sheet_page_size(store))
        self._initial = self._values()

        form = QFormLayout()
        form.addRow("&Clinic name", self.clinic_edit)
        form.addRow("Sheet &paper size", self.page_size_combo)
        where = QLabel(
            "Printed on every cycle sheet and kept in the database, so everyone using "
            f"{store.path.name if store is not None else 'it'} sees the same. Staff initials "
            "are set for each session under File > Set staff initials."
        )
        where.setWordWrap(True)
        where.setObjectName("preferencesNote")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(store is not None)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(where)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

    def _values(self) -> tuple[str, str]:
        return self.clinic_edit.text(), self.page_size_combo.currentText()

    def has_unsaved_input(self) -> bool:
        return self._values() != self._initial

    def accept(self) -> None:
        clinic, page_size = self._values()
        if self.context.run(save_sheet_settings, clinic, page_size, parent=self):
            super().accept()
