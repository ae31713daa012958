"""Shared frame of the small forms that record one clinical fact through ``context.run``,
and the field helpers every form uses.

Save validates what the form can check itself, then calls the storage operation. Any refusal
is shown in a dialog and the form stays open with everything typed still in it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tracker.storage.signatures import signed
from tracker.ui.common.context import AppContext
from tracker.ui.common.signature_prompt import NotSigned, ask_signature

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


def parse_number(
    text: str,
    field: str,
    *,
    required: bool = False,
    above_zero: bool = False,
    digit_groups: bool = True,
) -> float | None:
    """'' -> None; '0,8' -> 0.8 (decimal comma accepted); words refused.

    Accepts 0 and more, or only more than 0 with ``above_zero``. With ``digit_groups`` spaces
    between digits are dropped ('1 500'); without, such text is refused as not a number.
    """
    shown = text.strip()
    cleaned = shown.replace(" ", "") if digit_groups else shown
    if not cleaned:
        if required:
            raise InputProblem(f"{field} is required")
        return None
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise InputProblem(f"{field}: {shown!r} is not a number") from None
    if above_zero:
        if not value > 0:
            raise InputProblem(f"{field} must be greater than 0")
    elif value < 0 or value != value or value in (float("inf"), float("-inf")):
        raise InputProblem(f"{field} must be a number of 0 or more")
    return value


def with_unit_symbols(text: str) -> str:
    """Rule wording writes units in plain ASCII ('x10^9/L'); screens show them as the unit
    choosers do ('×10⁹/L')."""
    return text.replace("x10^9/L", "×10⁹/L").replace("/mm3", "/mm³")


def format_number(value: float | None) -> str:
    """A stored number as the form shows it: '' for none, no trailing zeros."""
    return "" if value is None else f"{value:g}"


class DateEdit(QDateEdit):
    """A date field that Tab leaves, like every other field.

    Qt's date edit spends Tab on moving between year, month and day, so text typed after
    Tab, meant for the next field, lands in the month and changes the date. The arrow keys
    and typed separators still move between the parts.
    """

    def focusNextPrevChild(self, next: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next)


def date_edit(initial: date, object_name: str) -> QDateEdit:
    edit = DateEdit(objectName=object_name)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setCalendarPopup(True)
    edit.setDate(QDate(initial.year, initial.month, initial.day))
    return edit


def date_of(edit: QDateEdit) -> date:
    return edit.date().toPython()


def set_date(edit: QDateEdit, value: date) -> None:
    edit.setDate(QDate(value.year, value.month, value.day))


CREATININE_UNITS = (("mg/dL", "mg/dL"), ("µmol/L", "umol/L"))


def combo_box(items: Iterable[tuple[str, Any]], object_name: str) -> QComboBox:
    """A combo box of (label, value) items; ``currentData()`` gives the chosen value."""
    combo = QComboBox(objectName=object_name)
    for label, value in items:
        combo.addItem(label, value)
    return combo


def select_data(combo: QComboBox, value: Any) -> None:
    """Choose the item holding ``value``; the first item when none does."""
    combo.setCurrentIndex(max(0, combo.findData(value)))


def note_box(object_name: str) -> QPlainTextEdit:
    """A few lines of free text."""
    edit = QPlainTextEdit(objectName=object_name)
    edit.setFixedHeight(60)
    return edit


def buddy_label(text: str, buddy: QWidget) -> QLabel:
    """A label whose '&' shortcut focuses ``buddy``; a form row holding a layout gets none."""
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


def field_row(field: QWidget, *beside: QWidget) -> QHBoxLayout:
    """``field`` taking the spare width, with the widgets (a unit, say) after it."""
    row = QHBoxLayout()
    row.addWidget(field, 1)
    for widget in beside:
        row.addWidget(widget)
    return row


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
        # A label never answers heightForWidth below its minimum height, so a height fixed
        # while it was narrow would stay once it is wide: ask without the minimum.
        minimum = self.minimumHeight()
        self.setMinimumHeight(0)
        height = self.heightForWidth(self.width())
        if height > 0:
            self.setFixedHeight(height)
        else:
            self.setMinimumHeight(minimum)

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()


def buttons_last(dialog: QWidget, buttons: QDialogButtonBox) -> QWidget | None:
    """Put ``buttons`` at the end of the dialog's Tab order; return the first field.

    Qt orders Tab by creation, and a form that makes its buttons before its fields would
    otherwise open on Save and Tab through Save and Cancel before the first field.
    """
    in_box = buttons.buttons()
    fields = []
    widget = dialog.nextInFocusChain()
    while widget is not dialog:
        takes_tab = bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
        if takes_tab and widget not in in_box and not buttons.isAncestorOf(widget):
            fields.append(widget)
        widget = widget.nextInFocusChain()
    if not fields:
        return None
    previous = fields[-1]
    for button in sorted(in_box, key=lambda button: button.x()):
        QWidget.setTabOrder(previous, button)
        previous = button
    return fields[0]


class RecordDialog(QDialog):
    """A form plus Save/Cancel; subclasses fill ``form`` and implement ``submit``.

    It opens with the keyboard on its first field, and Tab reaches Save and Cancel last.
    """

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
        self._keyboard_ordered = False

    def showEvent(self, event: QShowEvent) -> None:
        if not self._keyboard_ordered:
            self._keyboard_ordered = True
            first = buttons_last(self, self.buttons)
            if first is not None:
                first.setFocus(Qt.FocusReason.TabFocusReason)
        super().showEvent(event)

    @property
    def save_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Save)

    def set_intro(self, text: str) -> None:
        self.intro.setText(text)
        self.intro.setVisible(bool(text))

    def today(self) -> date:
        return self.context.store.today()

    def fit_to_contents(self) -> None:
        """Take the size the contents need once the pending layout pass has given wrapped
        labels their heights, which depend on the width they get."""
        QTimer.singleShot(0, self, self.adjustSize)

    def run(
        self, operation: Callable[..., Value], *args: Any, **kwargs: Any
    ) -> Completed[Value] | None:
        """Call a storage operation via the context; None when it was refused."""
        return self.context.run(completed(operation), *args, parent=self, **kwargs)

    def run_signed(
        self, meaning: str | None, operation: Callable[..., Value], *args: Any, **kwargs: Any
    ) -> Completed[Value] | None:
        """``run`` under the signer's electronic signature meaning ``meaning`` (asked first;
        None when the change needs none, or the database has no accounts)."""
        if meaning is None:
            return self.run(operation, *args, **kwargs)
        try:
            signature = ask_signature(self.context, self, meaning)
        except NotSigned:
            return None
        return self.run(signed(operation, signature), *args, **kwargs)

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
