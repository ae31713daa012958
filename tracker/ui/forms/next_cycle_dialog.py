"""Start the next cycle: the start date (a later start needs a delay reason), the latest
counts with their dates, and what stands in the way of starting, which needs an override
reason. With lenalidomide interrupted and the engine advising its resume, the start can
record the resume too."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from tracker.domain.regimen import format_mg, load_regimen
from tracker.domain.treatment.engine import day_state
from tracker.domain.treatment.label import RESUME, Advice
from tracker.domain.treatment.rems_start import cycle_capsules
from tracker.storage.course_history import course_history
from tracker.storage.operations import courses as course_operations
from tracker.storage.operations import rems as rems_operations
from tracker.storage.operations import start_checks
from tracker.storage.signatures import OVERRIDE_START
from tracker.ui.common.context import AppContext
from tracker.ui.common.dates import long_date, weekday_date
from tracker.ui.forms.prescription_box import PrescriptionBox
from tracker.ui.forms.record_dialog import (
    InputProblem,
    RecordDialog,
    WrappedLabel,
    date_edit,
    date_of,
    select_data,
    set_date,
    with_unit_symbols,
)
from tracker.ui.forms.start_check_rows import StartCheckRows

if TYPE_CHECKING:
    from tracker.storage.records import Course, Cycle


class NextCycleDialog(RecordDialog):
    """Start the cycle after ``last_cycle``; a start later than planned needs a reason, and
    a start the counts or an open interruption stand against needs an override reason."""

    def __init__(
        self,
        context: AppContext,
        course: Course,
        last_cycle: Cycle,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, f"Start cycle {last_cycle.number + 1}", parent)
        self.setObjectName("nextCycleDialog")
        self.setMinimumWidth(540)
        self.course = course
        self.regimen = load_regimen(course.regimen_id)
        self.history = course_history(context.store, course)
        self.number = last_cycle.number + 1
        self.planned = last_cycle.actual_start + timedelta(days=self.regimen.cycle_length_days)
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
        # Made in the order they are shown, which is the order Tab visits them.
        self.start_edit = date_edit(
            self.planned if self.not_due_yet else self.today(), "cycleStartEdit"
        )
        self.delay_label = QLabel(objectName="delayLabel")
        self.reason_edit = QLineEdit(objectName="delayReasonEdit")
        self.reason_edit.setPlaceholderText("e.g. neutropenia, patient choice, holiday")
        self.form.addRow("&Start date", self.start_edit)
        self.form.addRow("", self.delay_label)
        self.form.addRow("Delay &reason", self.reason_edit)
        self.resume_check = QCheckBox(objectName="resumeWithCycleCheck")
        self.resume_level_combo = QComboBox(objectName="resumeLevelCombo")
        for level, mg in enumerate(self.regimen.lenalidomide.dose_ladder_mg):
            self.resume_level_combo.addItem(f"{format_mg(mg)} mg", level)
        self.resume_advice = WrappedLabel(objectName="resumeAdviceLabel")
        self.resume_row = QHBoxLayout()
        self.resume_row.addWidget(self.resume_check)
        self.resume_row.addWidget(self.resume_level_combo)
        self.resume_row.addStretch(1)
        self.form.addRow(self.resume_row)
        self.form.addRow(self.resume_advice)
        self.start_check = StartCheckRows(self.form, self)
        capsules = cycle_capsules(self.regimen, self.number, course.len_every_days)
        self.prescription_box = PrescriptionBox(date_of(self.start_edit), capsules)
        self.form.addRow(self.prescription_box)
        self.prescription_box.changed.connect(self.check_rems)
        self.resume_advised: Advice | None = None

        self.start_edit.dateChanged.connect(self._date_changed)
        self.resume_check.toggled.connect(self._resume_toggled)
        self.resume_level_combo.currentIndexChanged.connect(self._name_resume)
        self._date_changed()
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

    # -- resuming lenalidomide with the cycle ---------------------------------------------
    def _offer_resume(self, start: date) -> None:
        """Offered only while lenalidomide is interrupted and the engine advises its resume
        on the start date; the level is preselected to the engine's."""
        state = day_state(self.history, start)
        advice = state.advice
        offered = (
            state.interruption is not None
            and advice.action == RESUME
            and advice.resume_level is not None
        )
        changed = offered and (
            self.resume_advised is None or self.resume_advised.resume_level != advice.resume_level
        )
        self.resume_advised = advice if offered else None
        self.form.setRowVisible(self.resume_row, offered)
        self.form.setRowVisible(self.resume_advice, offered)
        if not offered:
            self.resume_check.setChecked(False)
            return
        if changed:
            select_data(self.resume_level_combo, advice.resume_level)
        self.resume_advice.setText(with_unit_symbols(f"Advice: {advice.reason}"))
        self._name_resume()

    def _name_resume(self) -> None:
        self.resume_check.setText(
            f"Res&ume lenalidomide at {self.resume_level_combo.currentText()} with this cycle"
        )
        self.resume_level_combo.setEnabled(self.resume_check.isChecked())

    def resuming(self) -> bool:
        return self.resume_advised is not None and self.resume_check.isChecked()

    def resume_level(self) -> int | None:
        return self.resume_level_combo.currentData() if self.resuming() else None

    # -- re-checking ------------------------------------------------------------------------
    def _date_changed(self) -> None:
        set_date(self.prescription_box.authorized_on_edit, date_of(self.start_edit))
        self._show_delay()
        self._offer_resume(date_of(self.start_edit))
        self.check_start()

    def _resume_toggled(self) -> None:
        self._name_resume()
        self.check_start()

    def check_start(self) -> None:
        """The engine's start check for the date, with the resume if it is ticked."""
        check = start_checks.start_check_for_cycle(
            self.context.store, self.course, date_of(self.start_edit), resuming=self.resuming()
        )
        self.start_check.show_check(check)
        self.check_rems()

    def check_rems(self) -> None:
        """What the REMS still needs before the cycle starts (refused on Save, no override)."""
        needs = rems_operations.cycle_start_needs(
            self.context.store,
            self.history,
            self.number,
            date_of(self.start_edit),
            self.prescription_box.prescription(),
        )
        self.prescription_box.show_needs(needs)
        self.fit_to_contents()

    def submit(self) -> bool:
        reason = self.reason_edit.text().strip() if self.delay_days() > 0 else None
        if self.delay_days() > 0 and not reason:
            raise InputProblem(
                f"Cycle {self.number} starts {self.delay_days()} days late: give a delay reason"
            )
        override = self.start_check.override_reason(f"Cycle {self.number}", self.today())
        outcome = self.run_signed(
            OVERRIDE_START if override else None,
            course_operations.start_next_cycle,
            self.course.id,
            date_of(self.start_edit),
            delay_reason=reason,
            resume_level=self.resume_level(),
            override_reason=override,
            prescription=self.prescription_box.prescription(),
        )
        if outcome is None:
            return False
        self.cycle_id = outcome.value
        return True
