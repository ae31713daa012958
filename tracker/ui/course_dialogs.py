"""Forms that change the course: start it, start the next cycle, reduce a dose, record the
response, end it. Each writes through ``context.run`` and stays open when refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QWidget

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
from tracker.storage.operations import responses as response_operations
from tracker.ui.context import AppContext
from tracker.ui.dates import long_date, weekday_date
from tracker.ui.patient_header import age_on
from tracker.ui.record_dialog import (
    InputProblem,
    RecordDialog,
    WrappedLabel,
    clearance_text,
    combo_box,
    date_edit,
    date_of,
    select_data,
)

if TYPE_CHECKING:
    from tracker.storage.records import Course, Cycle, Patient

THROMBOPROPHYLAXIS = ("aspirin", "LMWH", "warfarin", "DOAC", "none")
END_REASONS = (("Progression", "progression"), ("Toxicity", "toxicity"), ("Other", "other"))
# IMWG uniform response criteria, best first.
RESPONSES = (
    ("sCR", "stringent complete response"),
    ("CR", "complete response"),
    ("VGPR", "very good partial response"),
    ("PR", "partial response"),
    ("MR", "minimal response"),
    ("SD", "stable disease"),
    ("PD", "progressive disease"),
)
REDUCTION_REASONS = (
    "neutropenia",
    "thrombocytopenia",
    "other grade 3-4 toxicity",
    "renal function",
    "steroid toxicity",
    "age over 75",
)


def _note_edit(object_name: str) -> QPlainTextEdit:
    edit = QPlainTextEdit(objectName=object_name)
    edit.setFixedHeight(60)
    return edit


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
    """Start date, starting doses (renal suggestion from Cockcroft-Gault), thromboprophylaxis."""

    def __init__(
        self,
        context: AppContext,
        patient: Patient,
        parent: QWidget | None = None,
        regimen_id: str = DEFAULT_REGIMEN_ID,
    ) -> None:
        super().__init__(context, "Start a course", parent)
        self.setObjectName("startCourseDialog")
        self.patient = patient
        self.regimen = load_regimen(regimen_id)
        self.course_id: int | None = None
        self.set_intro(f"{patient.name} ({patient.mrn}): {self.regimen.name}")
        self.start_edit = date_edit(self.today(), "startDateEdit")
        self.len_combo = _dose_combo(self.regimen, LENALIDOMIDE, "lenalidomideDoseCombo")
        self.schedule_combo = combo_box(
            (("once daily", 1), ("every 48 hours", 2)), "lenalidomideScheduleCombo"
        )
        self.renal_label = WrappedLabel(objectName="renalSuggestion")
        self.dex_combo = _dose_combo(self.regimen, DEXAMETHASONE, "dexamethasoneDoseCombo")
        self.dex_hint = WrappedLabel(objectName="dexamethasoneHint")
        self.prophylaxis_combo = QComboBox(objectName="thromboprophylaxisCombo")
        self.prophylaxis_combo.addItems(THROMBOPROPHYLAXIS)
        prophylaxis_hint = WrappedLabel(
            "IMWG: aspirin for 0-1 VTE risk factors; LMWH for 2 or more, or with "
            "high-dose dexamethasone."
        )
        self.form.addRow("&Start date", self.start_edit)
        self.form.addRow("Renal function", self.renal_label)
        self.form.addRow("&Lenalidomide", self.len_combo)
        self.form.addRow("Sc&hedule", self.schedule_combo)
        self.form.addRow("&Dexamethasone", self.dex_combo)
        self.form.addRow("", self.dex_hint)
        self.form.addRow("&Thromboprophylaxis", self.prophylaxis_combo)
        self.form.addRow("", prophylaxis_hint)
        self.renal_band: str | None = None
        self._suggest_starting_doses()

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
        )
        if outcome is None:
            return False
        self.course_id = outcome.value
        return True


class NextCycleDialog(RecordDialog):
    """Start the cycle after ``last_cycle``; a start later than planned needs a reason."""

    def __init__(
        self,
        context: AppContext,
        course: Course,
        last_cycle: Cycle,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, f"Start cycle {last_cycle.number + 1}", parent)
        self.setObjectName("nextCycleDialog")
        self.course = course
        regimen = load_regimen(course.regimen_id)
        self.number = last_cycle.number + 1
        self.planned = last_cycle.actual_start + timedelta(days=regimen.cycle_length_days)
        self.cycle_id: int | None = None
        intro = (
            f"Cycle {self.number} is planned for {weekday_date(self.planned)} "
            f"(cycle {last_cycle.number} started {long_date(last_cycle.actual_start)})."
        )
        # A cycle starts on the day the patient begins it: never early, never ahead of time.
        self.not_due_yet = self.today() < self.planned
        if self.not_due_yet:
            intro += f"\nIt is not due yet: start it on or after {long_date(self.planned)}."
        self.set_intro(intro)
        self.start_edit = date_edit(
            self.planned if self.not_due_yet else self.today(), "cycleStartEdit"
        )
        self.delay_label = QLabel(objectName="delayLabel")
        self.reason_edit = QLineEdit(objectName="delayReasonEdit")
        self.reason_edit.setPlaceholderText("e.g. neutropenia, patient choice, holiday")
        self.form.addRow("&Start date", self.start_edit)
        self.form.addRow("", self.delay_label)
        self.form.addRow("Delay &reason", self.reason_edit)
        self.start_edit.dateChanged.connect(self._show_delay)
        self._show_delay()
        self.save_button.setEnabled(not self.not_due_yet)

    def delay_days(self) -> int:
        return (date_of(self.start_edit) - self.planned).days

    def _show_delay(self) -> None:
        delay = self.delay_days()
        delayed = delay > 0
        self.reason_edit.setEnabled(delayed)
        if delayed:
            self.delay_label.setText(f"{delay} day{'s' if delay != 1 else ''} later than planned")
        elif delay < 0:
            self.delay_label.setText(f"{-delay} days earlier than planned")
        else:
            self.delay_label.setText("On the planned date")

    def submit(self) -> bool:
        reason = self.reason_edit.text().strip() if self.delay_days() > 0 else None
        if self.delay_days() > 0 and not reason:
            raise InputProblem(
                f"Cycle {self.number} starts {self.delay_days()} days late: give a delay reason"
            )
        outcome = self.run(
            course_operations.start_next_cycle,
            self.course.id,
            date_of(self.start_edit),
            delay_reason=reason,
        )
        if outcome is None:
            return False
        self.cycle_id = outcome.value
        return True


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


class EndCourseDialog(RecordDialog):
    def __init__(self, context: AppContext, course: Course, parent: QWidget | None = None) -> None:
        super().__init__(context, "End the course", parent)
        self.setObjectName("endCourseDialog")
        self.course = course
        self.set_intro(
            f"Course started {long_date(course.start_date)}. Ending it stops all dosing."
        )
        self.end_edit = date_edit(self.today(), "endDateEdit")
        self.reason_combo = combo_box(END_REASONS, "endReasonCombo")
        self.note_edit = _note_edit("endNoteEdit")
        self.form.addRow("&End date", self.end_edit)
        self.form.addRow("&Reason", self.reason_combo)
        self.form.addRow("&Note", self.note_edit)

    def submit(self) -> bool:
        reason = self.reason_combo.currentData()
        note = self.note_edit.toPlainText().strip()
        if reason == "other" and not note:
            raise InputProblem("Say in the note why the course ends")
        outcome = self.run(
            course_operations.end_course, self.course.id, date_of(self.end_edit), reason, note=note
        )
        return outcome is not None


class ResponseDialog(RecordDialog):
    """Response assessment (IMWG); progressive disease also asks for the progression date."""

    def __init__(self, context: AppContext, course: Course, parent: QWidget | None = None) -> None:
        super().__init__(context, "Record response or progression", parent)
        self.setObjectName("responseDialog")
        self.course = course
        self.assessed_edit = date_edit(self.today(), "assessedOnEdit")
        self.response_combo = QComboBox(objectName="responseCombo")
        for code, meaning in RESPONSES:
            self.response_combo.addItem(f"{code} — {meaning}", code)
        self.response_combo.setCurrentIndex(-1)
        self.progression_edit = date_edit(self.today(), "progressionDateEdit")
        self.note_edit = _note_edit("responseNoteEdit")
        self.form.addRow("&Assessed on", self.assessed_edit)
        self.form.addRow("&Response", self.response_combo)
        self.form.addRow("&Progression date", self.progression_edit)
        self.form.addRow("&Note", self.note_edit)
        self.response_combo.currentIndexChanged.connect(self._show_progression)
        self._show_progression()

    def _is_progression(self) -> bool:
        return self.response_combo.currentData() == "PD"

    def _show_progression(self) -> None:
        self.progression_edit.setEnabled(self._is_progression())

    def submit(self) -> bool:
        response = self.response_combo.currentData()
        if response is None:
            raise InputProblem("Choose the response")
        outcome = self.run(
            response_operations.record_response,
            self.course.id,
            date_of(self.assessed_edit),
            response,
            progression_date=date_of(self.progression_edit) if self._is_progression() else None,
            note=self.note_edit.toPlainText().strip(),
        )
        return outcome is not None
