"""Whether a form holds input nobody saved, judged from its editors alone.

A form is a dialog with a Save button (or one that answers ``has_unsaved_input`` itself).
When it opens, the value of every editor in it is remembered; its input is unsaved while the
values differ from those. Typing a value and deleting it again leaves nothing unsaved. A form
whose opening values were never remembered falls back to what Qt knows was typed by hand.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

_BASELINE_NAME = "unsavedInputBaseline"
_NOT_AN_EDITOR = object()


class _Baseline(QObject):
    """The editors' values when the form opened; lives and dies with the form."""

    def __init__(self, form: QWidget, values: list[Any]) -> None:
        super().__init__(form)
        self.setObjectName(_BASELINE_NAME)
        self.values = values


def _value(widget: QWidget) -> Any:
    if isinstance(widget, QLineEdit):
        # The line edit inside a spin box or an editable combo box is read through its owner.
        if isinstance(widget.parent(), (QAbstractSpinBox, QComboBox)):
            return _NOT_AN_EDITOR
        return widget.text()
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QComboBox):
        return widget.currentIndex(), widget.currentText()
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        return _NOT_AN_EDITOR if widget.isReadOnly() else widget.toPlainText()
    if isinstance(widget, QAbstractButton) and widget.isCheckable():
        return widget.isChecked()
    return _NOT_AN_EDITOR


def editor_values(form: QWidget) -> list[Any]:
    """(object name, value) of every editor in ``form``, in the order they were made."""
    values = []
    for widget in form.findChildren(QWidget):
        value = _value(widget)
        if value is not _NOT_AN_EDITOR:
            values.append((widget.objectName(), value))
    return values


def is_form(dialog: QDialog) -> bool:
    """A dialog that saves what is typed into it."""
    if callable(getattr(dialog, "has_unsaved_input", None)):
        return True
    return any(
        box.button(QDialogButtonBox.StandardButton.Save) is not None
        for box in dialog.findChildren(QDialogButtonBox)
    )


def _baseline(form: QWidget) -> _Baseline | None:
    found = form.findChild(QObject, _BASELINE_NAME, Qt.FindChildOption.FindDirectChildrenOnly)
    return found if isinstance(found, _Baseline) else None


def remember_input(form: QWidget) -> None:
    """Take the form's current values as the saved state; only the first call counts."""
    if _baseline(form) is None:
        _Baseline(form, editor_values(form))


def _typed_by_hand(form: QWidget) -> bool:
    """Qt's own record of edits made by the user, for a form opened unobserved."""
    for line in form.findChildren(QLineEdit):
        if line.isModified():
            return True
    for kind in (QPlainTextEdit, QTextEdit):
        for edit in form.findChildren(kind):
            if not edit.isReadOnly() and edit.document().isModified():
                return True
    return False


def has_unsaved_input(dialog: QDialog) -> bool:
    """True for a form with input that differs from what it opened with."""
    if not is_form(dialog):
        return False
    own = getattr(dialog, "has_unsaved_input", None)
    if callable(own):
        return bool(own())
    baseline = _baseline(dialog)
    if baseline is not None:
        return editor_values(dialog) != baseline.values
    return _typed_by_hand(dialog)
