"""Interrupting lenalidomide from a calendar day, and resuming it on one.

An interruption is state: from its first day no lenalidomide is due, across cycle boundaries,
until a resume is recorded with the dose level it resumes at. The resume form preselects the
level the treatment engine advises for that day; the clinician may choose another.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QWidget

from tracker.domain.regimen import LENALIDOMIDE, format_mg
from tracker.storage.operations import interruptions
from tracker.ui.common.context import AppContext
from tracker.ui.common.dates import long_date, weekday_date
from tracker.ui.forms.record_dialog import (
    InputProblem,
    RecordDialog,
    WrappedLabel,
    with_unit_symbols,
)
from tracker.ui.patient.patient_status import DISCLAIMER, advice_headline

if TYPE_CHECKING:
    from tracker.domain.treatment.engine import DayState
    from tracker.domain.treatment.history import CourseHistory
    from tracker.storage.records import Course

INTERRUPTION_REASONS = (
    "neutropenia (ANC below 1.0)",
    "thrombocytopenia (platelets below 30)",
    "other grade 3-4 toxicity",
    "infection",
    "surgery or procedure",
    "patient's request",
)


def _advice_text(state: DayState) -> str:
    """The engine's advice for the day, as the forms show it beside the choice."""
    return with_unit_symbols(
        f"Advice for {long_date(state.on)}: {advice_headline(state)}.\n"
        f"{state.advice.text}\n{DISCLAIMER}"
    )


class InterruptDialog(RecordDialog):
    """Interrupt lenalidomide from ``day``: asks why, then ``interruptions.interrupt``."""

    def __init__(
        self,
        context: AppContext,
        course: Course,
        day: date,
        state: DayState,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, "Interrupt lenalidomide", parent)
        self.setObjectName("interruptDialog")
        self.course = course
        self.day = day
        self.set_intro(
            f"Lenalidomide will not be due from {weekday_date(day)} on, in this cycle and the "
            "next, until a resume is recorded."
        )
        self.reason_combo = QComboBox(objectName="interruptionReasonCombo")
        self.reason_combo.setEditable(True)
        self.reason_combo.addItems(INTERRUPTION_REASONS)
        self.reason_combo.setCurrentIndex(-1)
        self.reason_combo.lineEdit().setPlaceholderText("why lenalidomide is interrupted")
        self.advice_label = WrappedLabel(_advice_text(state), objectName="interruptAdvice")
        self.form.addRow("From", WrappedLabel(weekday_date(day)))
        self.form.addRow("&Reason", self.reason_combo)
        self.form.addRow("", self.advice_label)

    def submit(self) -> bool:
        reason = self.reason_combo.currentText().strip()
        if not reason:
            raise InputProblem("Give the reason for interrupting lenalidomide")
        outcome = self.run(interruptions.interrupt, self.course.id, self.day, reason)
        return outcome is not None


class ResumeDialog(RecordDialog):
    """Resume lenalidomide on ``day`` at a chosen dose level (the advised one preselected)."""

    def __init__(
        self,
        context: AppContext,
        course: Course,
        day: date,
        history: CourseHistory,
        state: DayState,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, "Resume lenalidomide", parent)
        self.setObjectName("resumeDialog")
        self.course = course
        self.day = day
        schedule = history.regimen.drug(LENALIDOMIDE)
        in_force = history.level_on(LENALIDOMIDE, day)
        advised = state.advice.resume_level
        interruption = state.interruption
        since = f" (interrupted since {long_date(interruption.start)})" if interruption else ""
        self.set_intro(f"Lenalidomide is given again from {weekday_date(day)}{since}.")
        self.level_combo = QComboBox(objectName="resumeLevelCombo")
        for level, mg in enumerate(schedule.dose_ladder_mg):
            notes = []
            if level == advised:
                notes.append("advised")
            if level == in_force:
                notes.append("before the interruption")
            suffix = f" ({', '.join(notes)})" if notes else ""
            self.level_combo.addItem(f"{format_mg(mg)} mg{suffix}", level)
        preselect = advised if advised is not None else in_force
        self.level_combo.setCurrentIndex(max(0, self.level_combo.findData(preselect)))
        self.advised_level = advised
        self.advice_label = WrappedLabel(_advice_text(state), objectName="resumeAdvice")
        self.form.addRow("On", WrappedLabel(weekday_date(day)))
        self.form.addRow("&Dose", self.level_combo)
        self.form.addRow("", self.advice_label)

    def level(self) -> int:
        return self.level_combo.currentData()

    def submit(self) -> bool:
        outcome = self.run(interruptions.resume, self.course.id, self.day, level=self.level())
        return outcome is not None
