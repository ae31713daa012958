"""The lenalidomide prescription a start form records with the cycle (Lenalidomide REMS): the
authorization number, when it was given, capsules and days of supply, and, in red, what the
REMS still needs before the start: that is refused on Save, with no override.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from tracker.domain.rems_rules import rems_rules
from tracker.storage.operations.rems import Prescription
from tracker.ui.forms.record_dialog import (
    WrappedLabel,
    buddy_label,
    date_edit,
    date_of,
    with_unit_symbols,
)
from tracker.ui.forms.start_check_rows import FINE_STYLE, PROBLEM_STYLE

# Days of supply the field takes: more than the REMS allows can be typed, and is refused.
MOST_DAYS_TYPED = 90


def _spin(object_name: str, value: int, most: int) -> QSpinBox:
    spin = QSpinBox(objectName=object_name)
    spin.setRange(1, most)
    spin.setValue(value)
    return spin


class PrescriptionBox(QWidget):
    """The prescription's fields; ``prescription()`` reads them (None with no authorization
    number typed), ``show_needs`` shows what the REMS still needs."""

    changed = Signal()

    def __init__(self, day: date, capsules: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("prescriptionBox")
        rules = rems_rules()
        self.authorization_edit = QLineEdit(objectName="authorizationEdit")
        self.authorization_edit.setPlaceholderText("number from the REMS program")
        self.authorization_edit.setMaxLength(40)
        self.authorized_on_edit = date_edit(day, "authorizedOnEdit")
        self.authorized_at_edit = QLineEdit(objectName="authorizedAtEdit")
        self.authorized_at_edit.setPlaceholderText("HH:MM")
        self.authorized_at_edit.setToolTip(
            "The time of the prescription (optional): a pregnancy test the day before counts "
            "for the first prescription only when both times are recorded"
        )
        self.authorized_at_edit.setFixedWidth(64)
        self.authorized_at_edit.setMaxLength(5)
        self.capsules_spin = _spin("capsulesSpin", capsules, 10 * rules.max_supply_days)
        self.days_spin = _spin("daysSupplySpin", rules.max_supply_days, MOST_DAYS_TYPED)
        self.needs_label = WrappedLabel(objectName="remsNeedsLabel")
        # Two rows: a start form is already tall, and must fit a 768-pixel screen.
        when = QHBoxLayout()
        when.addWidget(self.authorization_edit, 1)
        when.addWidget(QLabel("authorized on"))
        when.addWidget(self.authorized_on_edit)
        when.addWidget(QLabel("at"))
        when.addWidget(self.authorized_at_edit)
        supply = QHBoxLayout()
        supply.addWidget(self.capsules_spin)
        supply.addWidget(QLabel("capsules for"))
        supply.addWidget(self.days_spin)
        supply.addWidget(QLabel(f"days (at most {rules.max_supply_days}, no refills)"))
        supply.addStretch(1)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(buddy_label("REMS authori&zation", self.authorization_edit), when)
        form.addRow("Lenalidomide supply", supply)
        form.addRow(self.needs_label)
        for edit in (self.authorization_edit, self.authorized_at_edit):
            edit.textChanged.connect(self.changed)
        self.authorized_on_edit.dateChanged.connect(self.changed)
        self.capsules_spin.valueChanged.connect(self.changed)
        self.days_spin.valueChanged.connect(self.changed)

    def prescription(self) -> Prescription | None:
        number = self.authorization_edit.text().strip()
        if not number:
            return None
        return Prescription(
            authorization_number=number,
            authorized_on=date_of(self.authorized_on_edit),
            capsules=self.capsules_spin.value(),
            days_supply=self.days_spin.value(),
            authorized_at=self.authorized_at_edit.text().strip() or None,
        )

    def show_needs(self, needs: tuple[str, ...]) -> None:
        if not needs:
            self.needs_label.setText("REMS: nothing missing for this start.")
            self.needs_label.setStyleSheet(FINE_STYLE)
            return
        # One paragraph: the form must still fit a 768-pixel screen.
        self.needs_label.setText(
            "The REMS does not allow this start yet (no override). Still needed: "
            + with_unit_symbols("; ".join(needs))
            + "."
        )
        self.needs_label.setStyleSheet(PROBLEM_STYLE)
