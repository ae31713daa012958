"""Record a blood count: the CTCAE grade shows as you type, a grade 3-4 count offers to log
the adverse event, and the treatment engine's advice for the typed counts is offered for the
clinician to accept. A value that does not fit its unit shows, instead of a grade, the refusal
Save would give (``lab_fields``); it offers no event and no advice rests on it.

The advice is the engine's answer for the day of the result with the typed counts added to
the course history, so it is what Today, the patient view and ``tracker status`` say once the
result is saved. Nothing about dosing changes unless the clinician ticks the advice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QCheckBox, QGroupBox, QLineEdit, QVBoxLayout, QWidget

from tracker.domain import grading
from tracker.domain.errors import DomainError
from tracker.domain.grading import to_per_litre_e9
from tracker.domain.label_rules import load_label_rules
from tracker.domain.regimen import LENALIDOMIDE, format_mg
from tracker.domain.treatment.drops import reading_text
from tracker.domain.treatment.engine import DayState, day_state
from tracker.domain.treatment.history import CountResult, CourseHistory
from tracker.domain.treatment.label import DELAY_CYCLE, HOLD, RESUME, Advice
from tracker.storage.course_history import course_history
from tracker.storage.operations.lab_entry import EventToLog, LabEntry, SavedLabs, save_labs
from tracker.ui.common.context import AppContext
from tracker.ui.common.dates import long_date
from tracker.ui.forms.lab_fields import SEVERE_GRADE, CountField, creatinine_field
from tracker.ui.forms.record_dialog import (
    InputProblem,
    RecordDialog,
    WrappedLabel,
    date_edit,
    date_of,
    with_unit_symbols,
)

if TYPE_CHECKING:
    from tracker.storage.records import Course, Cycle, Patient

# Record labs wrote these here before they moved to storage; callers may still import them.
__all__ = ["EventToLog", "LabEntry", "LabsDialog", "SavedLabs", "save_labs"]

# The interruption reason column holds at most 200 characters.
REASON_MAX_LENGTH = 200
# Advice under which lenalidomide should not be given and no interruption may be open yet.
INTERRUPTING = (HOLD, DELAY_CYCLE)


def interruption_reason(state: DayState) -> str:
    """Why lenalidomide is interrupted, in the words of the counts and events behind it."""
    rules = load_label_rules()
    parts = [
        f"{reading_text(reading)} (below {rules.hold_below(reading.count_type):g})"
        for reading in state.low_counts
    ]
    parts += [f"{event.name} grade {event.grade}" for event in state.open_other_toxicities]
    reason = "; ".join(parts) or "label advice"
    return reason if len(reason) <= REASON_MAX_LENGTH else reason[: REASON_MAX_LENGTH - 1] + "…"


class LabsDialog(RecordDialog):
    """``levels`` and ``cycles`` are accepted for existing callers and not used: the levels
    and cycles come from the course history the engine reads."""

    def __init__(
        self,
        context: AppContext,
        patient: Patient,
        course: Course | None,
        levels: dict[str, int] | None = None,
        cycles: Sequence[Cycle] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, "Record labs", parent)
        self.setObjectName("labsDialog")
        self.patient = patient
        self.course = course
        self.saved: SavedLabs | None = None
        # Read once: the form previews each typed count against this same history.
        self.history: CourseHistory | None = (
            course_history(context.store, course) if course is not None else None
        )
        self.set_intro(f"{patient.name} ({patient.mrn}) — grading {grading.CTCAE_VERSION}")

        self.date_edit = date_edit(self.today(), "labDateEdit")
        self.anc = CountField("ANC", "neutropenia", grading.grade_anc, "anc")
        self.platelets = CountField(
            "Platelets", "thrombocytopenia", grading.grade_platelets, "platelets"
        )
        self.creatinine = creatinine_field(side_label=True)  # its unit under the counts'
        # Shown in the patient's usual unit; nothing is typed yet, so nothing is converted.
        self.creatinine.set_value(None, patient.creatinine_unit)
        self.creatinine_edit = self.creatinine.edit
        self.creatinine_unit = self.creatinine.unit_combo
        self.note_edit = QLineEdit(objectName="labNoteEdit")
        self.form.addRow("&Date", self.date_edit)
        self.form.addRow("&ANC", self.anc)
        self.form.addRow("&Platelets", self.platelets)
        self.form.addRow("&Creatinine", self.creatinine)
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
        self.state: DayState | None = None
        self.advice: Advice | None = None
        # What ticking the resume box records: the interruption's end, or a new level.
        self._resume_ends_interruption = False

        for lab_field in (self.anc, self.platelets, self.creatinine):
            lab_field.changed.connect(self.update_assessment)
        self.date_edit.dateChanged.connect(self.update_assessment)
        self.setMinimumWidth(560)
        self.update_assessment()

    # -- live assessment ------------------------------------------------------------------
    def update_assessment(self) -> None:
        for lab_field in (self.anc, self.platelets, self.creatinine):
            lab_field.refresh()
        self._update_event_offers()
        self._update_advice()
        self.fit_to_contents()

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

    def typed_counts(self) -> CountResult | None:
        """The typed ANC and platelets in x10^9/L on the result's date; None when neither
        is there. A count that is unreadable or not plausible in its unit is left out: Save
        refuses it, so no advice may rest on it."""
        values: list[float | None] = []
        for count in (self.anc, self.platelets):
            value = count.plausible_value()
            try:
                values.append(None if value is None else to_per_litre_e9(value, count.unit()))
            except DomainError:
                values.append(None)
        if values == [None, None]:
            return None
        return CountResult(date_of(self.date_edit), values[0], values[1])

    def _left_out(self) -> str:
        """The note under advice given without a count Save would refuse."""
        names = [count.name for count in (self.anc, self.platelets) if count.problem()]
        if not names:
            return ""
        return f"\n{' and '.join(names)} left out of this advice: see the problem above."

    def _update_advice(self) -> None:
        self.state = self.advice = None
        self._resume_ends_interruption = False
        self.accept_hold_check.hide()
        self.accept_resume_check.hide()
        counts = self.typed_counts()
        if self.history is None or counts is None:
            self.advice_box.hide()
            return
        day = counts.on
        self.state = day_state(self.history.with_count(counts), day)
        self.advice = self.state.advice
        text = self.advice.text
        if self.state.course_active and self.advice.action in INTERRUPTING:
            text += self._offer_interruption(self.state)
        elif self.state.course_active and self.advice.action == RESUME:
            self._offer_resume(self.state)
        self.advice_label.setText(with_unit_symbols(text + self._left_out()))
        self.advice_box.show()

    def _offer_interruption(self, state: DayState) -> str:
        """Offer to interrupt lenalidomide from the day of the result; the note to add."""
        if state.interruption is not None:
            return ""
        day = long_date(state.on)
        self.accept_hold_check.setText(f"Accept: interrupt lenalidomide from {day}")
        self.accept_hold_check.show()
        if state.lenalidomide.planned_mg > 0:
            return ""
        # An interruption is a state, not a day: on a rest day it still holds what comes next.
        return (
            f"\nNo lenalidomide is planned on {day}; an interruption recorded now holds every "
            "dose from then on, the next cycle's too, until a resume is recorded."
        )

    def _offer_resume(self, state: DayState) -> None:
        """Offer the resume the advice names: the end of the open interruption, or, after a
        drop that passed with none, the level the label resumes at."""
        advice = state.advice
        assert self.history is not None
        if advice.resume_level is None:
            return
        ladder = self.history.regimen.lenalidomide
        mg = format_mg(ladder.dose_for_level(advice.resume_level))
        day = long_date(state.on)
        if state.interruption is not None:
            self._resume_ends_interruption = True
            before = self.history.level_on(LENALIDOMIDE, state.interruption.start)
            self.accept_resume_check.setText(
                f"Accept: resume lenalidomide at {mg} mg from {day} "
                f"(was {format_mg(ladder.dose_for_level(before))} mg)"
            )
        elif advice.resume_level != state.lenalidomide_level:
            now = format_mg(ladder.dose_for_level(state.lenalidomide_level))
            self.accept_resume_check.setText(
                f"Accept: give lenalidomide at {mg} mg (now {now} mg) from {day}"
            )
        else:
            return
        self.accept_resume_check.show()

    # -- saving ---------------------------------------------------------------------------
    def _accepted(self, check: QCheckBox) -> bool:
        return not check.isHidden() and check.isChecked()

    def entry(self) -> LabEntry:
        anc = self.anc.value()
        platelets = self.platelets.value()
        creatinine = self.creatinine.value()
        if anc is None and platelets is None and creatinine is None:
            raise InputProblem("Enter at least one of ANC, platelets or creatinine")
        events = tuple(
            EventToLog(count.event_type, grade)
            for count in (self.anc, self.platelets)
            if (grade := count.grade()) is not None
            and grade >= SEVERE_GRADE
            and self.event_checks[count.event_type].isChecked()
        )
        interrupt = self._accepted(self.accept_hold_check)
        resume = self._accepted(self.accept_resume_check) and self.advice is not None
        level = self.advice.resume_level if resume and self.advice is not None else None
        return LabEntry(
            patient_id=self.patient.id,
            on=date_of(self.date_edit),
            anc=anc,
            anc_unit=self.anc.unit(),
            platelets=platelets,
            platelets_unit=self.platelets.unit(),
            creatinine=creatinine,
            creatinine_unit=self.creatinine.unit() if creatinine is not None else None,
            note=self.note_edit.text().strip(),
            course_id=self.course.id if self.course else None,
            events=events,
            interrupt_lenalidomide=interrupt,
            resume_level=level if self._resume_ends_interruption else None,
            change_level=None if self._resume_ends_interruption else level,
            interruption_reason=interruption_reason(self.state)
            if interrupt and self.state is not None
            else "",
        )

    def submit(self) -> bool:
        outcome = self.run(save_labs, self.entry())
        if outcome is None:
            return False
        self.saved = outcome.value
        return True
