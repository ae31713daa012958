"""Reduce a dose level: one rung down the ladder for the chosen drug, never below the last."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from tracker.domain.regimen import DEXAMETHASONE, LENALIDOMIDE, format_mg, load_regimen
from tracker.storage.operations import courses as course_operations
from tracker.ui.common.context import AppContext
from tracker.ui.forms.record_dialog import (
    InputProblem,
    RecordDialog,
    date_edit,
    date_of,
    select_data,
)

if TYPE_CHECKING:
    from tracker.storage.records import Course

REDUCTION_REASONS = (
    "neutropenia",
    "thrombocytopenia",
    "other grade 3-4 toxicity",
    "renal function",
    "steroid toxicity",
)


class ReduceDoseDialog(RecordDialog):
    """One rung down the ladder for the chosen drug, never below the last rung."""

    def __init__(
        self,
        context: AppContext,
        course: Course,
        current_levels: dict[str, int],
        parent: QWidget | None = None,
        drug: str = LENALIDOMIDE,
    ) -> None:
        super().__init__(context, "Reduce a dose level", parent)
        self.setObjectName("reduceDoseDialog")
        self.course = course
        self.regimen = load_regimen(course.regimen_id)
        self.current_levels = current_levels
        self.drug_combo = QComboBox(objectName="drugCombo")
        for name in (LENALIDOMIDE, DEXAMETHASONE):
            self.drug_combo.addItem(self.regimen.drug(name).label, name)
        self.change_label = QLabel(objectName="doseChangeLabel")
        font = self.change_label.font()
        font.setBold(True)
        self.change_label.setFont(font)
        self.effective_edit = date_edit(self.today(), "effectiveDateEdit")
        self.reason_combo = QComboBox(objectName="reductionReasonCombo")
        self.reason_combo.setEditable(True)
        self.reason_combo.addItems(REDUCTION_REASONS)
        self.reason_combo.setCurrentIndex(-1)
        self.reason_combo.lineEdit().setPlaceholderText("why the dose is reduced")
        self.form.addRow("&Drug", self.drug_combo)
        self.form.addRow("", self.change_label)
        self.form.addRow("&Effective from", self.effective_edit)
        self.form.addRow("&Reason", self.reason_combo)
        self.drug_combo.currentIndexChanged.connect(self._show_change)
        select_data(self.drug_combo, drug)
        self._show_change()

    def drug(self) -> str:
        return self.drug_combo.currentData()

    def new_level(self) -> int | None:
        """The next lower level, or None when the drug is already on the last rung."""
        schedule = self.regimen.drug(self.drug())
        level = self.current_levels.get(self.drug(), 0)
        lower = schedule.next_lower_level(level)
        return None if lower == level else lower

    def _show_change(self) -> None:
        schedule = self.regimen.drug(self.drug())
        level = self.current_levels.get(self.drug(), 0)
        current_mg = format_mg(schedule.dose_for_level(level))
        lower = self.new_level()
        if lower is None:
            self.change_label.setText(
                f"{schedule.label} is already at the lowest dose ({current_mg} mg)."
            )
        else:
            lower_mg = format_mg(schedule.dose_for_level(lower))
            self.change_label.setText(f"{schedule.label}: {current_mg} mg → {lower_mg} mg")
        self.save_button.setEnabled(lower is not None)

    def submit(self) -> bool:
        level = self.new_level()
        if level is None:
            raise InputProblem(self.change_label.text())
        reason = self.reason_combo.currentText().strip()
        if not reason:
            raise InputProblem("Give the reason for the dose reduction")
        outcome = self.run(
            course_operations.change_dose_level,
            self.course.id,
            self.drug(),
            level,
            date_of(self.effective_edit),
            reason=reason,
        )
        return outcome is not None
