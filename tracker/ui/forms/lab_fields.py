"""A lab value typed with its unit, saying beside it what Save will say about it.

A value that does not fit its unit (ANC 0.8 "/mm3", platelets 2,800 "x10^9/L", creatinine
1.8 "umol/L") shows the refusal storage would give, word for word, and is never graded.
Switching the unit converts the number shown, so the value keeps its meaning: 0.8 x10^9/L
becomes 800 /mm3, 1.8 mg/dL becomes 159 umol/L. A number that was not plausible in the unit
left is kept as typed instead: choosing the unit the refusal named is how the slip is put right.
A number that reads two ways ('2,800': 2.8 or 2800) is refused until it is typed one way.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from tracker.domain.plausibility import convert, plausibility_problem
from tracker.ui.common.context import as_sentence
from tracker.ui.forms.record_dialog import (
    CREATININE_UNITS,
    InputProblem,
    WrappedLabel,
    combo_box,
    parse_number,
    select_data,
)

COUNT_UNITS = (("×10⁹/L", "10^9/L"), ("/mm³", "/mm3"))
# Decimals a converted value is shown with: counts per mm3 are whole numbers, and 1/mm3 is
# 0.001 x10^9/L; a laboratory reports creatinine in umol/L whole, in mg/dL to 2 decimals.
SHOWN_DECIMALS = {"10^9/L": 3, "/mm3": 0, "mg/dL": 2, "umol/L": 0}
SEVERE_GRADE = 3
# One comma before exactly three digits: a decimal comma or a thousands separator.
AMBIGUOUS_COMMA = re.compile(r"[1-9]\d{0,2},\d{3}")
GRADE_COLOURS = {0: "#2e7d32", 1: "#6b6b00", 2: "#a15c00", 3: "#c0392b", 4: "#8e0000"}
PROBLEM_STYLE = "QLabel { color: #c0392b; }"
SIDE_LABEL_WIDTH = 150


def grade_text(grade: int | None) -> str:
    if grade is None:
        return ""
    if grade == 0:
        return "within normal limits"
    return f"grade {grade}"


def shown_number(value: float, unit: str) -> str:
    """A converted value as the field shows it: rounded for its unit, no trailing zeros."""
    text = f"{round(value, SHOWN_DECIMALS[unit]):.{SHOWN_DECIMALS[unit]}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class LabField(QWidget):
    """A lab value of ``quantity`` ('anc', 'platelets', 'creatinine') with its unit chooser,
    and below them, in red, why Save would refuse what is typed.

    ``changed`` is emitted once per edit or unit switch (a conversion included).
    ``show_problem`` False leaves the problem for the form to show elsewhere. ``side_label``
    adds a label after the unit (a count's grade), as wide in every field that has one, so
    the units line up.
    """

    changed = Signal()

    def __init__(
        self,
        name: str,
        quantity: str,
        units: tuple[tuple[str, str], ...],
        object_prefix: str,
        *,
        above_zero: bool = False,
        digit_groups: bool = True,
        show_problem: bool = True,
        side_label: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.name = name
        self.quantity = quantity
        self._above_zero = above_zero
        self._digit_groups = digit_groups
        self.edit = QLineEdit(objectName=f"{object_prefix}Edit")
        self.unit_combo = combo_box(units, f"{object_prefix}UnitCombo")
        self._unit = self.unit()
        self.problem_label = WrappedLabel(objectName=f"{object_prefix}Problem")
        self.problem_label.setStyleSheet(PROBLEM_STYLE)
        self.problem_label.hide()
        self._show_problem = show_problem
        self._converting = False
        self.setFocusProxy(self.edit)
        self.row = QHBoxLayout()
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.addWidget(self.edit, 1)
        self.row.addWidget(self.unit_combo)
        self.side_label = QLabel(objectName=f"{object_prefix}Side")
        self.side_label.setMinimumWidth(SIDE_LABEL_WIDTH)
        self.side_label.setVisible(side_label)
        self.row.addWidget(self.side_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(self.row)
        layout.addWidget(self.problem_label)
        self.edit.textChanged.connect(self._edited)
        self.unit_combo.currentIndexChanged.connect(self._unit_switched)

    # -- reading ---------------------------------------------------------------------------
    def unit(self) -> str:
        return self.unit_combo.currentData()

    def value(self) -> float | None:
        """The typed number, None when empty; InputProblem when it cannot be read, or could
        be read two ways."""
        shown = self.edit.text().strip()
        if AMBIGUOUS_COMMA.fullmatch(shown):
            # '2,800' is 2.8 with a decimal comma and 2800 with a thousands comma: one reading
            # is a grade 4 count, the other a unit slip. Ask instead of choosing.
            decimal, whole = f"{float(shown.replace(',', '.')):g}", shown.replace(",", "")
            raise InputProblem(
                f"{self.name}: {shown!r} could be {decimal} or {whole}: type it with a decimal "
                f"point ({decimal}) or without the comma ({whole})"
            )
        return parse_number(
            self.edit.text(),
            self.name,
            above_zero=self._above_zero,
            digit_groups=self._digit_groups,
        )

    def problem(self) -> str | None:
        """Why Save would refuse what is typed, as its refusal says it; None when empty or
        fine."""
        try:
            value = self.value()
        except InputProblem as problem:
            return str(problem)
        if value is None:
            return None
        problem = plausibility_problem(self.quantity, value, self.unit())
        return None if problem is None else as_sentence(problem)

    def plausible_value(self) -> float | None:
        """The typed number when it is readable and plausible in its unit, else None."""
        if self.problem() is not None:
            return None
        return self.value()

    # -- writing ---------------------------------------------------------------------------
    def set_value(self, value: float | None, unit: str | None) -> None:
        """Show a stored value in its unit, as stored: nothing is converted."""
        self._converting = True
        try:
            if unit:
                select_data(self.unit_combo, unit)
            self._unit = self.unit()
            self.edit.setText("" if value is None else f"{value:.12g}")
        finally:
            self._converting = False
        self._changed()

    def _edited(self) -> None:
        if not self._converting:
            self._changed()

    def _unit_switched(self) -> None:
        left, chosen = self._unit, self.unit()
        self._unit = chosen
        if self._converting:
            return
        try:
            value = self.value()
        except InputProblem:
            value = None
        # Only a value that meant something in the unit left is converted; see the module.
        if value is not None and plausibility_problem(self.quantity, value, left) is None:
            self._converting = True
            try:
                converted = convert(self.quantity, value, left, chosen)
                self.edit.setText(shown_number(converted, chosen))
            finally:
                self._converting = False
        self._changed()

    def _changed(self) -> None:
        self.refresh()
        self.changed.emit()

    def refresh(self) -> None:
        problem = self.problem()
        self.problem_label.setText(problem or "")
        self.problem_label.setVisible(self._show_problem and problem is not None)


class CountField(LabField):
    """A blood count with its unit and the live CTCAE grade beside it; a count Save would
    refuse shows the refusal instead, and has no grade."""

    def __init__(
        self,
        name: str,
        event_type: str,
        grader: Callable[[float, str], int | None],
        quantity: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(name, quantity, COUNT_UNITS, event_type, side_label=True, parent=parent)
        self.event_type = event_type
        self._grader = grader
        self.grade_label = self.side_label
        self.grade_label.setObjectName(f"{event_type}Grade")
        self.edit.setPlaceholderText("value")
        self.refresh()

    def grade(self) -> int | None:
        """The CTCAE grade of what is typed; None while it is empty, unreadable or not
        plausible in its unit."""
        value = self.plausible_value()
        return None if value is None else self._grader(value, self.unit())

    def refresh(self) -> None:
        super().refresh()
        grade = self.grade()
        self.grade_label.setText(grade_text(grade))
        colour = GRADE_COLOURS.get(grade or 0, "#000000")
        weight = "bold" if (grade or 0) >= SEVERE_GRADE else "normal"
        self.grade_label.setStyleSheet(f"QLabel {{ color: {colour}; font-weight: {weight}; }}")


def creatinine_field(
    *, show_problem: bool = True, digit_groups: bool = True, side_label: bool = False
) -> LabField:
    """Serum creatinine in mg/dL or umol/L; more than 0 (storage refuses 0)."""
    field = LabField(
        "Creatinine",
        "creatinine",
        CREATININE_UNITS,
        "creatinine",
        above_zero=True,
        digit_groups=digit_groups,
        show_problem=show_problem,
        side_label=side_label,
    )
    field.edit.setPlaceholderText("optional")
    return field
