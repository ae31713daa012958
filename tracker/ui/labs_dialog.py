"""Record a blood count: the CTCAE grade shows as you type, a grade 3-4 count offers to log
the adverse event, and the label's hold/resume advice is offered for the clinician to accept.

Nothing about dosing changes unless the clinician ticks the advice: the form only proposes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from tracker.domain import advice as advice_rules
from tracker.domain import grading
from tracker.domain.advice import Advice, ToxicityHistory
from tracker.domain.errors import DomainError
from tracker.domain.grading import to_per_litre_e9
from tracker.domain.regimen import DEFAULT_REGIMEN_ID, LENALIDOMIDE, format_mg, load_regimen
from tracker.storage import queries
from tracker.storage.operations import courses as course_operations
from tracker.storage.operations import doses as dose_operations
from tracker.storage.operations import events as event_operations
from tracker.storage.operations import labs as lab_operations
from tracker.ui.context import AppContext
from tracker.ui.dates import long_date
from tracker.ui.record_dialog import (
    CREATININE_UNITS,
    InputProblem,
    RecordDialog,
    WrappedLabel,
    buddy_label,
    combo_box,
    date_edit,
    date_of,
    field_row,
    parse_number,
    select_data,
    with_unit_symbols,
)

if TYPE_CHECKING:
    from tracker.storage.database import Store
    from tracker.storage.records import Course, Cycle, Patient

COUNT_UNITS = (("×10⁹/L", "10^9/L"), ("/mm³", "/mm3"))
SEVERE_GRADE = 3
GRADE_COLOURS = {0: "#2e7d32", 1: "#6b6b00", 2: "#a15c00", 3: "#c0392b", 4: "#8e0000"}


@dataclass(frozen=True)
class EventToLog:
    event_type: str
    grade: int


@dataclass(frozen=True)
class LabEntry:
    """Everything the form asks the database to do, in one transaction."""

    patient_id: int
    on: date
    anc: float | None
    anc_unit: str
    platelets: float | None
    platelets_unit: str
    creatinine: float | None
    creatinine_unit: str | None
    note: str
    course_id: int | None = None
    events: tuple[EventToLog, ...] = ()
    hold_lenalidomide: bool = False
    resume_level: int | None = None


@dataclass(frozen=True)
class SavedLabs:
    lab_id: int
    event_ids: list[int] = field(default_factory=list)
    hold_id: int | None = None
    level_change_id: int | None = None


def save_labs(store: Store, entry: LabEntry) -> SavedLabs:
    """Record the labs and whatever the clinician accepted with them, all or nothing."""
    with store.transaction():
        lab_id = lab_operations.record_labs(
            store,
            entry.patient_id,
            entry.on,
            anc=entry.anc,
            anc_unit=entry.anc_unit,
            platelets=entry.platelets,
            platelets_unit=entry.platelets_unit,
            creatinine=entry.creatinine,
            creatinine_unit=entry.creatinine_unit,
            note=entry.note,
        )
        hold_id = level_change_id = None
        if entry.hold_lenalidomide and entry.course_id is not None:
            hold_id = dose_operations.record_dose(
                store,
                entry.course_id,
                entry.on,
                LENALIDOMIDE,
                "held",
                note="held for low counts",
            )
        if entry.resume_level is not None and entry.course_id is not None:
            level_change_id = course_operations.change_dose_level(
                store,
                entry.course_id,
                LENALIDOMIDE,
                entry.resume_level,
                entry.on,
                reason="counts recovered: resume",
            )
        action = "held" if hold_id else "reduced" if level_change_id else "none"
        event_ids = [
            event_operations.log_event(
                store,
                entry.patient_id,
                event.event_type,
                event.grade,
                entry.on,
                course_id=entry.course_id,
                lab_id=lab_id,
                action=action,
                ctcae_version=grading.CTCAE_VERSION,
            )
            for event in entry.events
        ]
    return SavedLabs(lab_id, event_ids, hold_id, level_change_id)


def grade_text(grade: int | None) -> str:
    if grade is None:
        return ""
    if grade == 0:
        return "within normal limits"
    return f"grade {grade}"


class CountField(QWidget):
    """A count with its unit and the live CTCAE grade beside it."""

    def __init__(
        self,
        name: str,
        event_type: str,
        grader: Callable[[float, str], int | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.name = name
        self.event_type = event_type
        self._grader = grader
        self.edit = QLineEdit(objectName=f"{event_type}Edit")
        self.edit.setPlaceholderText("value")
        self.unit_combo = combo_box(COUNT_UNITS, f"{event_type}UnitCombo")
        self.grade_label = QLabel(objectName=f"{event_type}Grade")
        self.grade_label.setMinimumWidth(150)
        self.setFocusProxy(self.edit)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.unit_combo)
        layout.addWidget(self.grade_label)

    def unit(self) -> str:
        return self.unit_combo.currentData()

    def value(self) -> float | None:
        return parse_number(self.edit.text(), self.name)

    def grade(self) -> int | None:
        """The CTCAE grade of what is typed, or None while it is empty or not a number."""
        try:
            value = self.value()
        except InputProblem:
            return None
        return None if value is None else self._grader(value, self.unit())

    def refresh(self) -> None:
        try:
            value = self.value()
        except InputProblem as problem:
            self.grade_label.setText(str(problem).split(": ", 1)[-1])
            self.grade_label.setStyleSheet("QLabel { color: #c0392b; }")
            return
        grade = None if value is None else self._grader(value, self.unit())
        self.grade_label.setText(grade_text(grade))
        colour = GRADE_COLOURS.get(grade or 0, "#000000")
        weight = "bold" if (grade or 0) >= SEVERE_GRADE else "normal"
        self.grade_label.setStyleSheet(f"QLabel {{ color: {colour}; font-weight: {weight}; }}")


class LabsDialog(RecordDialog):
    def __init__(
        self,
        context: AppContext,
        patient: Patient,
        course: Course | None,
        levels: dict[str, int],
        cycles: Sequence[Cycle] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, "Record labs", parent)
        self.setObjectName("labsDialog")
        self.patient = patient
        self.course = course
        self.levels = levels
        self.cycles = list(cycles)
        self.saved: SavedLabs | None = None
        self.regimen = load_regimen(course.regimen_id if course else DEFAULT_REGIMEN_ID)
        self.set_intro(f"{patient.name} ({patient.mrn}) — grading {grading.CTCAE_VERSION}")

        self.date_edit = date_edit(self.today(), "labDateEdit")
        self.anc = CountField("ANC", "neutropenia", grading.grade_anc)
        self.platelets = CountField("Platelets", "thrombocytopenia", grading.grade_platelets)
        self.creatinine_edit = QLineEdit(objectName="creatinineEdit")
        self.creatinine_edit.setPlaceholderText("optional")
        self.creatinine_unit = combo_box(CREATININE_UNITS, "creatinineUnitCombo")
        if patient.creatinine_unit:
            select_data(self.creatinine_unit, patient.creatinine_unit)
        self.note_edit = QLineEdit(objectName="labNoteEdit")
        self.form.addRow("&Date", self.date_edit)
        self.form.addRow("&ANC", self.anc)
        self.form.addRow("&Platelets", self.platelets)
        self.form.addRow(
            buddy_label("&Creatinine", self.creatinine_edit),
            field_row(self.creatinine_edit, self.creatinine_unit),
        )
        self.form.addRow("&Note", self.note_edit)

        self.event_box = QGroupBox("Adverse events from this result", objectName="eventBox")
        event_layout = QVBoxLayout(self.event_box)
        self.event_checks: dict[str, QCheckBox] = {}
        for field_ in (self.anc, self.platelets):
            check = QCheckBox(objectName=f"log{field_.event_type.capitalize()}Check")
            check.setChecked(True)
            event_layout.addWidget(check)
            self.event_checks[field_.event_type] = check
        self.form.addRow(self.event_box)

        self.advice_box = QGroupBox(
            "Dose advice (US label) — decision support", objectName="adviceBox"
        )
        advice_layout = QVBoxLayout(self.advice_box)
        self.advice_label = WrappedLabel(objectName="adviceLabel")
        self.accept_hold_check = QCheckBox(objectName="acceptHoldCheck")
        self.accept_resume_check = QCheckBox(objectName="acceptResumeCheck")
        advice_layout.addWidget(self.advice_label)
        advice_layout.addWidget(self.accept_hold_check)
        advice_layout.addWidget(self.accept_resume_check)
        self.form.addRow(self.advice_box)
        self.advice: Advice | None = None
        self._resume_level: int | None = None

        for count in (self.anc, self.platelets):
            count.edit.textChanged.connect(self.update_assessment)
            count.unit_combo.currentIndexChanged.connect(self.update_assessment)
        self.date_edit.dateChanged.connect(self.update_assessment)
        self.setMinimumWidth(560)
        self.update_assessment()

    # -- live assessment ------------------------------------------------------------------
    def update_assessment(self) -> None:
        for count in (self.anc, self.platelets):
            count.refresh()
        self._update_event_offers()
        self._update_advice()
        self.adjustSize()

    def _update_event_offers(self) -> None:
        any_offer = False
        for count in (self.anc, self.platelets):
            check = self.event_checks[count.event_type]
            grade = count.grade()
            severe = grade is not None and grade >= SEVERE_GRADE
            check.setVisible(severe)
            if severe:
                any_offer = True
                check.setText(f"Log {count.event_type}, grade {grade}, linked to this result")
                check.setToolTip(
                    f"{grading.term_name(count.event_type)} ({grading.CTCAE_VERSION})\n"
                    + grading.definition_text(count.event_type, grade)
                )
        self.event_box.setVisible(any_offer)

    def _lenalidomide_planned_on(self, day: date) -> bool:
        if self.course is None:
            return False
        for planned in queries.course_calendar(self.context.store, self.course.id):
            if planned.date == day:
                return planned.lenalidomide_mg > 0 or LENALIDOMIDE in planned.held
        return False

    def _update_advice(self) -> None:
        self.advice = None
        self._resume_level = None
        self.accept_hold_check.hide()
        self.accept_resume_check.hide()
        anc, platelets = self._counts_or_none()
        if self.course is None or (anc is None and platelets is None):
            self.advice_box.hide()
            return
        current = self.levels.get(LENALIDOMIDE, self.course.len_start_level)
        try:
            self.advice = advice_rules.advise(
                anc,
                platelets,
                history=self._history(),
                current_level=current,
                regimen=self.regimen,
            )
        except DomainError as error:
            self.advice_label.setText(f"No advice: {error}")
            self.advice_box.show()
            return
        self.advice_box.show()
        text = self.advice.text
        day = date_of(self.date_edit)
        if self.advice.action in (advice_rules.INTERRUPT, advice_rules.KEEP_HOLDING):
            if self._lenalidomide_planned_on(day):
                verb = "hold" if self.advice.action == advice_rules.INTERRUPT else "keep holding"
                self.accept_hold_check.setText(
                    f"Accept: {verb} lenalidomide — record it held on {long_date(day)}"
                )
                self.accept_hold_check.show()
            else:
                text += (
                    f"\nNo lenalidomide dose is planned on {long_date(day)}, so there is no dose "
                    "to hold; delay the next cycle if it is due."
                )
        elif self.advice.action == advice_rules.RESUME and self.advice.level is not None:
            ladder = self.regimen.lenalidomide
            if self.advice.level != current:
                self._resume_level = self.advice.level
                self.accept_resume_check.setText(
                    f"Accept: resume lenalidomide at "
                    f"{format_mg(ladder.dose_for_level(self.advice.level))} mg (now "
                    f"{format_mg(ladder.dose_for_level(current))} mg) from {long_date(day)}"
                )
                self.accept_resume_check.show()
        self.advice_label.setText(with_unit_symbols(text))

    def _counts_or_none(self) -> tuple[float | None, float | None]:
        """The typed counts in x10^9/L (None where empty or unreadable)."""
        values: list[float | None] = []
        for count in (self.anc, self.platelets):
            try:
                value = count.value()
                values.append(None if value is None else to_per_litre_e9(value, count.unit()))
            except (InputProblem, DomainError):
                values.append(None)
        return values[0], values[1]

    def _history(self) -> ToxicityHistory:
        store = self.context.store
        assert self.course is not None
        return advice_rules.history_from(
            labs=queries.labs_of(store, self.patient.id),
            events=queries.events_of(store, self.patient.id),
            doses=queries.dose_records_of(store, self.course.id),
            starting_level=self.course.len_start_level,
        )

    # -- saving ---------------------------------------------------------------------------
    def entry(self) -> LabEntry:
        anc = self.anc.value()
        platelets = self.platelets.value()
        creatinine = parse_number(self.creatinine_edit.text(), "Creatinine")
        if anc is None and platelets is None and creatinine is None:
            raise InputProblem("Enter at least one of ANC, platelets or creatinine")
        events = tuple(
            EventToLog(count.event_type, grade)
            for count in (self.anc, self.platelets)
            if (grade := count.grade()) is not None
            and grade >= SEVERE_GRADE
            and self.event_checks[count.event_type].isChecked()
        )
        return LabEntry(
            patient_id=self.patient.id,
            on=date_of(self.date_edit),
            anc=anc,
            anc_unit=self.anc.unit(),
            platelets=platelets,
            platelets_unit=self.platelets.unit(),
            creatinine=creatinine,
            creatinine_unit=self.creatinine_unit.currentData() if creatinine is not None else None,
            note=self.note_edit.text().strip(),
            course_id=self.course.id if self.course else None,
            events=events,
            hold_lenalidomide=not self.accept_hold_check.isHidden()
            and self.accept_hold_check.isChecked(),
            resume_level=self._resume_level
            if not self.accept_resume_check.isHidden() and self.accept_resume_check.isChecked()
            else None,
        )

    def submit(self) -> bool:
        outcome = self.run(save_labs, self.entry())
        if outcome is None:
            return False
        self.saved = outcome.value
        return True
