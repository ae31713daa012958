"""Yes/no questions before something that cannot be taken back from the screen."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

# (parent, title, question) -> True to go ahead. Views keep one as an attribute so tests can
# answer without a modal dialog.
Confirm = Callable[[QWidget | None, str, str], bool]


def ask_to_confirm(parent: QWidget | None, title: str, question: str) -> bool:
    box = QMessageBox(
        QMessageBox.Icon.Question,
        title,
        question,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.setObjectName("confirmDialog")
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes
