"""Shared frame of the small forms that record one clinical fact through ``context.run``.

Save validates what the form can check itself, then calls the storage operation. Any refusal
is shown in a dialog and the form stays open with everything typed still in it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tracker.ui.context import AppContext

Value = TypeVar("Value")


class InputProblem(ValueError):
    """Something the form can see is wrong before anything is sent to the database."""


@dataclass(frozen=True)
class Completed(Generic[Value]):
    """Wraps an operation's result so that a None result still reads as success."""

    value: Value


def completed(operation: Callable[..., Value]) -> Callable[..., Completed[Value]]:
    def call(store: Any, *args: Any, **kwargs: Any) -> Completed[Value]:
        return Completed(operation(store, *args, **kwargs))

    return call


def parse_number(text: str, field: str, *, required: bool = False) -> float | None:
    """'' -> None; '0,8' -> 0.8 (decimal comma accepted); negatives and words refused."""
    cleaned = text.strip().replace(" ", "")
    if not cleaned:
        if required:
            raise InputProblem(f"{field} is required")
        return None
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise InputProblem(f"{field}: {text.strip()!r} is not a number") from None
    if value < 0 or value != value or value in (float("inf"), float("-inf")):
        raise InputProblem(f"{field} must be a number of 0 or more")
    return value


def date_edit(initial: date, object_name: str) -> QDateEdit:
    edit = QDateEdit(objectName=object_name)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setCalendarPopup(True)
    edit.setDate(QDate(initial.year, initial.month, initial.day))
    return edit


def date_of(edit: QDateEdit) -> date:
    return edit.date().toPython()


def set_date(edit: QDateEdit, value: date) -> None:
    edit.setDate(QDate(value.year, value.month, value.day))


class WrappedLabel(QLabel):
    """A word-wrapped label exactly as tall as its text at the width it was given.

    Form layouts size a wrapped label from a guessed width, which leaves gaps or clips text;
    fixing the height to the real width's need after each resize avoids both.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None, **kwargs: Any) -> None:
        super().__init__(text, parent, **kwargs)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

    def _fit(self) -> None:
        height = self.heightForWidth(self.width())
        if height > 0 and height != self.height():
            self.setFixedHeight(height)

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()


class RecordDialog(QDialog):
    """A form plus Save/Cancel; subclasses fill ``form`` and implement ``submit``."""

    def __init__(self, context: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.intro = WrappedLabel(objectName="dialogIntro")
        self.intro.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)

    @property
    def save_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Save)

    def set_intro(self, text: str) -> None:
        self.intro.setText(text)
        self.intro.setVisible(bool(text))

    def today(self) -> date:
        return self.context.store.today()

    def run(
        self, operation: Callable[..., Value], *args: Any, **kwargs: Any
    ) -> Completed[Value] | None:
        """Call a storage operation via the context; None when it was refused."""
        return self.context.run(completed(operation), *args, parent=self, **kwargs)

    def submit(self) -> bool:
        """Write the record; True when it was saved. Raise InputProblem for bad input."""
        raise NotImplementedError

    def accept(self) -> None:
        try:
            saved = self.submit()
        except InputProblem as problem:
            self.context.report_error(self, str(problem))
            return
        if saved:
            super().accept()
