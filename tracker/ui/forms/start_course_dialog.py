"""Start a course: start date, the latest counts and what stands in the way of starting,
starting doses (the renal suggestion from Cockcroft-Gault), thromboprophylaxis."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QWidget

from tracker.domain import prophylaxis, renal
from tracker.domain.errors import DomainError
from tracker.domain.regimen import (
    DEFAULT_REGIMEN_ID,
    DEXAMETHASONE,
    LENALIDOMIDE,
    Regimen,
    format_mg,
    load_regimen,
)
from tracker.domain.treatment.rems_start import cycle_capsules
from tracker.storage.operations import courses as course_operations
from tracker.storage.operations import rems as rems_operations
from tracker.storage.operations import start_checks
from tracker.storage.signatures import OVERRIDE_START
from tracker.ui.common.context import AppContext
from tracker.ui.forms.prescription_box import PrescriptionBox
from tracker.ui.forms.record_dialog import (
    InputProblem,
    RecordDialog,
    WrappedLabel,
    combo_box,
    date_edit,
    date_of,
    select_data,
    set_date,
)
from tracker.ui.forms.risk_factor_box import RiskFactorBox
from tracker.ui.forms.start_check_rows import StartCheckRows

if TYPE_CHECKING:
    from tracker.storage.records import Patient

NOT_CHOSEN = "- choose -"


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
    """The label's renal starting dose (``renal.assess_renal_function``) as the form offers
    it: a starting dose chosen for kidney function, not a reduction."""
    assessment = renal.assess_renal_function(
        date_of_birth=patient.date_of_birth,
        sex=patient.sex,
        weight_kg=patient.weight_kg,
        creatinine=patient.creatinine,
        creatinine_unit=patient.creatinine_unit,
        on_dialysis=patient.on_dialysis,
        on=today,
    )
    dose = assessment.dose
    if dose is None:
        return RenalSuggestion(f"No renal dose suggestion: {assessment.basis}.")
    try:
        level = regimen.lenalidomide.level_for_dose(dose.dose_mg)
    except DomainError:
        return RenalSuggestion(
            f"{assessment.basis}: renal starting dose {dose.text}; not a rung of this regimen."
        )
    return RenalSuggestion(
        f"{assessment.basis}: renal starting dose {dose.text}. Preselected below; change it "
        "if you decide otherwise.",
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
        self.form.addRow("Renal function", self.renal_label)
        self.form.addRow("&Lenalidomide", self.len_combo)
        self.form.addRow("Sc&hedule", self.schedule_combo)
        self.form.addRow("&Dexamethasone", self.dex_combo)
        self.risk_box = RiskFactorBox(self)
        self.form.addRow(self.risk_box)
        self.prophylaxis_combo = QComboBox(objectName="thromboprophylaxisCombo")
        # Nothing is chosen for the clinician: the first entry is no choice at all.
        self.prophylaxis_combo.addItem(NOT_CHOSEN, None)
        for agent in course_operations.THROMBOPROPHYLAXIS:
            self.prophylaxis_combo.addItem(agent, agent)
        self.suggestion_label = WrappedLabel(objectName="prophylaxisSuggestion")
        self.form.addRow("&Thromboprophylaxis", self.prophylaxis_combo)
        self.form.addRow("", self.suggestion_label)
        self.prescription_box = PrescriptionBox(self.today(), self._capsules())
        self.form.addRow(self.prescription_box)
        self.renal_band: str | None = None
        self._suggest_starting_doses()
        self._schedule_changed()
        self.start_edit.dateChanged.connect(self._start_moved)
        self.schedule_combo.currentIndexChanged.connect(self._schedule_changed)
        self.prescription_box.changed.connect(self.check_rems)
        self.risk_box.changed.connect(self._suggest_prophylaxis)
        self.dex_combo.currentIndexChanged.connect(self._suggest_prophylaxis)
        self._suggest_prophylaxis()
        self.check_start()

    def check_start(self) -> None:
        """Show the latest counts and what stands in the way of starting on the date."""
        check = start_checks.start_check_for_course(
            self.context.store, self.patient.id, date_of(self.start_edit)
        )
        self.start_check.show_check(check)
        self.check_rems()

    def check_rems(self) -> None:
        """What the REMS still needs before the start (refused on Save, no override)."""
        needs = rems_operations.course_start_needs(
            self.context.store,
            self.patient.id,
            date_of(self.start_edit),
            self.prescription_box.prescription(),
        )
        self.prescription_box.show_needs(needs)
        self.fit_to_contents()

    def _capsules(self) -> int:
        return cycle_capsules(self.regimen, 1, self.schedule_combo.currentData() or 1)

    def _start_moved(self) -> None:
        # The first prescription is usually authorized on the day treatment starts.
        set_date(self.prescription_box.authorized_on_edit, date_of(self.start_edit))
        self.check_start()

    def _schedule_changed(self) -> None:
        self.prescription_box.capsules_spin.setValue(self._capsules())

    def _suggest_starting_doses(self) -> None:
        suggestion = renal_start_suggestion(self.patient, self.today(), self.regimen)
        self.renal_label.setText(suggestion.explanation)
        if suggestion.len_level is not None:
            self.renal_band = suggestion.band
            select_data(self.len_combo, suggestion.len_level)
            select_data(self.schedule_combo, suggestion.every_days)

    def _suggest_prophylaxis(self) -> None:
        suggestion = prophylaxis.suggest(
            self.risk_box.chosen(), self.regimen, dex_level=self.dex_combo.currentData()
        )
        self.suggestion_label.setText(
            f"IMWG suggests {suggestion.text}: {suggestion.why}. Decision support only: "
            "choose the agent."
        )
        self.fit_to_contents()

    def submit(self) -> bool:
        override = self.start_check.override_reason("The course", self.today())
        agent = self.prophylaxis_combo.currentData()
        if agent is None:
            raise InputProblem("Choose the thromboprophylaxis agent, or 'none'")
        outcome = self.run_signed(
            OVERRIDE_START if override else None,
            course_operations.start_course,
            self.patient.id,
            date_of(self.start_edit),
            len_level=self.len_combo.currentData(),
            dex_level=self.dex_combo.currentData(),
            len_every_days=self.schedule_combo.currentData(),
            renal_band=self.renal_band,
            thromboprophylaxis=agent,
            regimen_id=self.regimen.id,
            override_reason=override,
            vte_risk_factors=self.risk_box.chosen(),
            prescription=self.prescription_box.prescription(),
        )
        if outcome is None:
            return False
        self.course_id = outcome.value
        return True
