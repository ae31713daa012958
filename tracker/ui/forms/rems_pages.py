"""The pages of the pregnancy-prevention form: one per thing a clinic records under the
Lenalidomide REMS. Each page reads its own fields into the storage operation's arguments,
raising InputProblem for what it can see is wrong before anything is sent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLineEdit, QWidget

from tracker.domain.rems_rules import rems_rules
from tracker.domain.treatment.rems_facts import FLAG_KINDS, NEGATIVE, POSITIVE, SERUM, URINE
from tracker.storage.operations import rems as rems_operations
from tracker.ui.forms.record_dialog import (
    InputProblem,
    WrappedLabel,
    combo_box,
    date_edit,
    date_of,
    note_box,
    parse_number,
)

CHOOSE = "- choose -"


@dataclass(frozen=True)
class Write:
    """A storage operation and its arguments, as a page read them."""

    operation: Callable[..., Any]
    args: tuple
    kwargs: dict[str, Any]


class Page(QWidget):
    """A form of its own inside the dialog's stack."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)

    def write(self) -> Write:
        raise NotImplementedError


class PregnancyTestPage(Page):
    """A pregnancy test: day and time, serum or urine, sensitivity and result."""

    def __init__(self, patient_id: int, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.patient_id = patient_id
        self.date_edit = date_edit(today, "testDateEdit")
        self.time_edit = QLineEdit(objectName="testTimeEdit")
        self.time_edit.setPlaceholderText("HH:MM (optional: needed for a test the day before)")
        self.kind_combo = combo_box((("Urine", URINE), ("Serum", SERUM)), "testKindCombo")
        self.sensitivity_edit = QLineEdit(objectName="sensitivityEdit")
        limit = f"{rems_rules().min_sensitivity_miu_ml:g}"
        self.sensitivity_edit.setPlaceholderText(f"hCG it detects; {limit} or lower counts")
        # No result is chosen for the clinician.
        self.result_combo = combo_box(
            ((CHOOSE, None), ("Negative", NEGATIVE), ("Positive", POSITIVE)), "resultCombo"
        )
        self.note_edit = note_box("testNoteEdit")
        self.form.addRow("&Date", self.date_edit)
        self.form.addRow("&Time", self.time_edit)
        self.form.addRow("&Kind", self.kind_combo)
        self.form.addRow("&Sensitivity (mIU/mL)", self.sensitivity_edit)
        self.form.addRow("&Result", self.result_combo)
        self.form.addRow("&Note", self.note_edit)

    def write(self) -> Write:
        sensitivity = parse_number(
            self.sensitivity_edit.text(), "Sensitivity (mIU/mL)", required=True, above_zero=True
        )
        result = self.result_combo.currentData()
        if result is None:
            raise InputProblem("Choose the test's result: negative or positive")
        return Write(
            rems_operations.record_pregnancy_test,
            (self.patient_id, date_of(self.date_edit)),
            {
                "kind": self.kind_combo.currentData(),
                "sensitivity_miu_ml": sensitivity,
                "result": result,
                "at": self.time_edit.text().strip() or None,
                "note": self.note_edit.toPlainText(),
            },
        )


class ContraceptionPage(Page):
    """Counselling on two reliable methods at the same time, or continuous abstinence."""

    def __init__(self, patient_id: int, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.patient_id = patient_id
        self.date_edit = date_edit(today, "counselledOnEdit")
        methods = rems_rules().contraception_methods
        self.method_combos = []
        for number in (1, 2):
            combo = QComboBox(objectName=f"method{number}Combo")
            combo.setEditable(True)
            combo.addItem("")
            combo.addItems(methods)
            self.method_combos.append(combo)
        self.abstinence_check = QCheckBox(
            "Continuous abstinence instead of two methods", objectName="abstinenceCheck"
        )
        self.abstinence_check.toggled.connect(self._abstinence_toggled)
        self.reminder = WrappedLabel(rems_rules().contraception_females)
        self.form.addRow("&Counselled on", self.date_edit)
        self.form.addRow("&First method", self.method_combos[0])
        self.form.addRow("&Second method", self.method_combos[1])
        self.form.addRow("", self.abstinence_check)
        self.form.addRow(self.reminder)

    def _abstinence_toggled(self, abstinence: bool) -> None:
        for combo in self.method_combos:
            combo.setEnabled(not abstinence)

    def write(self) -> Write:
        abstinence = self.abstinence_check.isChecked()
        methods = () if abstinence else tuple(c.currentText().strip() for c in self.method_combos)
        return Write(
            rems_operations.record_contraception,
            (self.patient_id, date_of(self.date_edit)),
            {"methods": tuple(method for method in methods if method), "abstinence": abstinence},
        )


class MenstrualPage(Page):
    """A missed period or abnormal bleeding: lenalidomide stops until a clinician clears it."""

    def __init__(self, patient_id: int, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.patient_id = patient_id
        self.date_edit = date_edit(today, "reportedOnEdit")
        self.kind_combo = combo_box(
            tuple((kind.capitalize(), kind) for kind in FLAG_KINDS), "menstrualKindCombo"
        )
        self.note_edit = note_box("menstrualNoteEdit")
        self.form.addRow("&Reported on", self.date_edit)
        self.form.addRow("&What", self.kind_combo)
        self.form.addRow("&Note", self.note_edit)
        self.form.addRow(WrappedLabel(rems_rules().wording["missed_period"]))

    def write(self) -> Write:
        return Write(
            rems_operations.report_menstrual_change,
            (self.patient_id, date_of(self.date_edit), self.kind_combo.currentData()),
            {"note": self.note_edit.toPlainText()},
        )


class ClearPage(Page):
    """A clinician records a positive test or a missed-period report as no longer standing.

    ``findings`` are (what is shown, "test" or "report", the record's id)."""

    def __init__(
        self, findings: list[tuple[str, str, int]], today: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.finding_combo = QComboBox(objectName="findingCombo")
        for text, kind, record_id in findings:
            self.finding_combo.addItem(text, (kind, record_id))
        self.date_edit = date_edit(today, "clearedOnEdit")
        self.reason_edit = QLineEdit(objectName="clearanceEdit")
        self.reason_edit.setMaxLength(500)
        self.reason_edit.setPlaceholderText("e.g. serum hCG negative on repeat; counselled")
        self.form.addRow("&Finding", self.finding_combo)
        self.form.addRow("&Cleared on", self.date_edit)
        self.form.addRow("&Why (clinician)", self.reason_edit)

    def write(self) -> Write:
        chosen = self.finding_combo.currentData()
        if chosen is None:
            raise InputProblem("Nothing stands to be cleared")
        reason = self.reason_edit.text().strip()
        if not reason:
            raise InputProblem("Say why the finding no longer stands (the clinician's reason)")
        kind, record_id = chosen
        operation = (
            rems_operations.clear_positive_test
            if kind == "test"
            else rems_operations.clear_menstrual_change
        )
        return Write(operation, (record_id, date_of(self.date_edit), reason), {})
