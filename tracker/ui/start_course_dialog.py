"""Start a course: start date, the latest counts and what stands in the way of starting,
starting doses (the renal suggestion from Cockcroft-Gault), thromboprophylaxis."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QWidget

from tracker.domain import renal
from tracker.domain.errors import DomainError
from tracker.domain.regimen import (
    DEFAULT_REGIMEN_ID,
    DEXAMETHASONE,
    LENALIDOMIDE,
    Regimen,
    format_mg,
    load_regimen,
)
from tracker.storage.operations import courses as course_operations
from tracker.ui.context import AppContext
from tracker.ui.patient_header import age_on
from tracker.ui.record_dialog import (
    RecordDialog,
    WrappedLabel,
    clearance_text,
    combo_box,
    date_edit,
    date_of,
    select_data,
)
from tracker.ui.start_check_rows import StartCheckRows

if TYPE_CHECKING:
    from tracker.storage.records import Patient

THROMBOPROPHYLAXIS = ("aspirin", "LMWH", "warfarin", "DOAC", "none")


def _dose_combo(regimen: Regimen, drug: str, object_name: str) -> QComboBox:
    combo = QComboBox(objectName=object_name)
    for level, mg in enumerate(regimen.drug(drug).dose_ladder_mg):
        combo.addItem(f"{format_mg(mg)} mg", level)
    return combo


@dataclass(frozen=True)
class RenalSuggestion:
    explanation: str
    band: str | None = None
    len_level: int | None = None
    every_days: int = 1


def renal_start_suggestion(patient: Patient, today: date, regimen: Regimen) -> RenalSuggestion:
    """The label's renal starting dose from Cockcroft-Gault, with how it was worked out."""
    if patient.on_dialysis:
        dose = renal.renal_starting_dose(0.0, True)
        return _suggest(regimen, dose, "On dialysis")
    missing = [
        label
        for label, value in (
            ("date of birth", patient.date_of_birth),
            ("sex", patient.sex),
            ("weight", patient.weight_kg),
            ("creatinine", patient.creatinine),
        )
        if not value
    ]
    if missing:
        return RenalSuggestion(
            "No renal dose suggestion: the patient record has no " + ", ".join(missing) + "."
        )
    try:
        age = renal.age_on(patient.date_of_birth, today)
        crcl = renal.creatinine_clearance(
            age,
            patient.weight_kg,
            patient.creatinine,
            patient.creatinine_unit or renal.MG_PER_DL,
            patient.sex,
        )
        dose = renal.renal_starting_dose(crcl, False)
    except DomainError as error:
        return RenalSuggestion(f"No renal dose suggestion: {error}.")
    return _suggest(regimen, dose, f"Cockcroft-Gault CrCl {clearance_text(crcl)} mL/min")


def _suggest(regimen: Regimen, dose: renal.RenalDose, basis: str) -> RenalSuggestion:
    try:
        level = regimen.lenalidomide.level_for_dose(dose.dose_mg)
    except DomainError:
        return RenalSuggestion(f"{basis}: label start {dose.text}; not a rung of this regimen.")
    return RenalSuggestion(
        f"{basis}: label start {dose.text}. Preselected below; change it if you decide otherwise.",
        band=dose.band,
        len_level=level,
        every_days=dose.every_days,
    )


class StartCourseDialog(RecordDialog):
    """Start date, latest counts (an override reason when they are missing, old or low),
    starting doses (renal suggestion from Cockcroft-Gault), thromboprophylaxis."""

    def __init__(
        self,
        context: AppContext,
        patient: Patient,
        parent: QWidget | None = None,
        regimen_id: str = DEFAULT_REGIMEN_ID,
    ) -> None:
        super().__init__(context, "Start a course", parent)
        self.setObjectName("startCourseDialog")
        self.setMinimumWidth(540)
        self.patient = patient
        self.regimen = load_regimen(regimen_id)
        self.course_id: int | None = None
        self.set_intro(f"{patient.name} ({patient.mrn}): {self.regimen.name}")
        # Made in the order they are shown, which is the order Tab visits them.
        self.start_edit = date_edit(self.today(), "startDateEdit")
        self.form.addRow("&Start date", self.start_edit)
        self.start_check = StartCheckRows(self.form, self)
        self.renal_label = WrappedLabel(objectName="renalSuggestion")
        self.len_combo = _dose_combo(self.regimen, LENALIDOMIDE, "lenalidomideDoseCombo")
        self.schedule_combo = combo_box(
            (("once daily", 1), ("every 48 hours", 2)), "lenalidomideScheduleCombo"
        )
        self.dex_combo = _dose_combo(self.regimen, DEXAMETHASONE, "dexamethasoneDoseCombo")
        self.dex_hint = WrappedLabel(objectName="dexamethasoneHint")
        self.prophylaxis_combo = QComboBox(objectName="thromboprophylaxisCombo")
        self.prophylaxis_combo.addItems(THROMBOPROPHYLAXIS)
        prophylaxis_hint = WrappedLabel(
            "IMWG: aspirin for 0-1 VTE risk factors; LMWH for 2 or more, or with "
            "high-dose dexamethasone."
        )
        self.form.addRow("Renal function", self.renal_label)
        self.form.addRow("&Lenalidomide", self.len_combo)
        self.form.addRow("Sc&hedule", self.schedule_combo)
        self.form.addRow("&Dexamethasone", self.dex_combo)
        self.form.addRow("", self.dex_hint)
        self.form.addRow("&Thromboprophylaxis", self.prophylaxis_combo)
        self.form.addRow("", prophylaxis_hint)
        self.renal_band: str | None = None
        self._suggest_starting_doses()
        self.start_edit.dateChanged.connect(self.check_start)
        self.check_start()

    def check_start(self) -> None:
        """Show the latest counts and what stands in the way of starting on the date."""
        check = course_operations.start_check_for_course(
            self.context.store, self.patient.id, date_of(self.start_edit)
        )
        self.start_check.show_check(check)
        self.fit_to_contents()

    def _suggest_starting_doses(self) -> None:
        suggestion = renal_start_suggestion(self.patient, self.today(), self.regimen)
        self.renal_label.setText(suggestion.explanation)
        if suggestion.len_level is not None:
            self.renal_band = suggestion.band
            select_data(self.len_combo, suggestion.len_level)
            select_data(self.schedule_combo, suggestion.every_days)
        dexamethasone = self.regimen.dexamethasone
        if self.patient.date_of_birth:
            age = age_on(self.patient.date_of_birth, self.today())
            level = dexamethasone.starting_level_for_age(age)
            if level:
                self.dex_hint.setText(
                    f"Over {dexamethasone.reduced_start_above_age}: consider dexamethasone "
                    f"{format_mg(dexamethasone.dose_for_level(level))} mg."
                )
        self.dex_hint.setVisible(bool(self.dex_hint.text()))

    def submit(self) -> bool:
        override = self.start_check.override_reason("The course", self.today())
        outcome = self.run(
            course_operations.start_course,
            self.patient.id,
            date_of(self.start_edit),
            len_level=self.len_combo.currentData(),
            dex_level=self.dex_combo.currentData(),
            len_every_days=self.schedule_combo.currentData(),
            renal_band=self.renal_band,
            thromboprophylaxis=self.prophylaxis_combo.currentText(),
            regimen_id=self.regimen.id,
            override_reason=override,
        )
        if outcome is None:
            return False
        self.course_id = outcome.value
        return True
