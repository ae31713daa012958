"""Asking why a saved record is being corrected or withdrawn: the answer is kept in the audit
log with the change, and the storage refuses the change without one.

A form that edits a record carries a reason field (``reason_field``); a command that
withdraws or replaces a record from a menu asks with ``ask_for_reason``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

# (parent, title, question) -> the reason given, or None when the change was cancelled. Views
# keep one as an attribute so tests can answer without a modal dialog.
AskReason = Callable[[QWidget | None, str, str], str | None]

COMMON_REASONS = (
    "Entered in error",
    "Typing mistake corrected",
    "Corrected from the source record",
    "Recorded for the wrong patient",
)
REASON_HINT = "Why? (kept in the audit log)"
MISSING_REASON = "Say why the saved record is changed: the reason is kept in the audit log."


def reason_field(object_name: str = "reasonEdit") -> QComboBox:
    """An editable combo box offering the usual reasons, empty until one is chosen or typed."""
    combo = QComboBox(objectName=object_name)
    combo.setEditable(True)
    combo.addItems(COMMON_REASONS)
    combo.setCurrentIndex(-1)
    combo.lineEdit().setPlaceholderText(REASON_HINT)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    return combo


def reason_text(combo: QComboBox) -> str:
    return " ".join(combo.currentText().split())


class ReasonDialog(QDialog):
    """The question, and a reason field; OK stays disabled until there is a reason."""

    def __init__(self, parent: QWidget | None, title: str, question: str) -> None:
        super().__init__(parent)
        self.setObjectName("reasonDialog")
        self.setWindowTitle(title)
        self.question = QLabel(question, objectName="reasonQuestion")
        self.question.setWordWrap(True)
        self.reason_edit = reason_field()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addWidget(QLabel("&Reason:", buddy=self.reason_edit))
        layout.addWidget(self.reason_edit)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)
        self.reason_edit.currentTextChanged.connect(self._enable_ok)
        self._enable_ok()
        self.reason_edit.setFocus()

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def reason(self) -> str:
        return reason_text(self.reason_edit)

    def _enable_ok(self) -> None:
        self.ok_button.setEnabled(bool(self.reason()))


def ask_for_reason(parent: QWidget | None, title: str, question: str) -> str | None:
    dialog = ReasonDialog(parent, title, question)
    if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.reason():
        return None
    return dialog.reason()
