"""The calendar's day menu and what it does: record a dose taken or missed, clear a mistaken
record, interrupt lenalidomide from the day, resume it on the day, or withdraw an
interruption recorded in error. Clearing a record, recording another status over it, or
withdrawing an interruption asks why (kept in the audit log).

Every write goes through ``context.run``, so the screens refresh after it. Whether a day is
interrupted, and whether lenalidomide should be withheld on it, is the treatment engine's
answer for that day (``day_state``), never worked out here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint
from PySide6.QtWidgets import QDialog, QMenu, QWidget

from tracker.domain.regimen import DEXAMETHASONE, LENALIDOMIDE, format_mg
from tracker.storage import queries
from tracker.storage.operations.doses import clear_dose, record_doses, recorded_differently
from tracker.storage.operations.interruptions import withdraw_interruption
from tracker.ui.common.confirmation import Confirm, ask_to_confirm
from tracker.ui.common.context import AppContext
from tracker.ui.common.dates import long_date, weekday_date
from tracker.ui.common.reason_prompt import AskReason, ask_for_reason
from tracker.ui.common.role_access import show_what_the_role_may_do
from tracker.ui.patient.calendar_cells import DOSE_STATUSES, DRUG_LABELS, DayCell
from tracker.ui.patient.patient_status import advice_headline

if TYPE_CHECKING:
    from tracker.domain.treatment.engine import DayState
    from tracker.ui.patient.patient_read import CourseSnapshot


def withheld_question(state: DayState) -> str:
    """Why the engine says no lenalidomide on the day, as a question before recording it."""
    if state.interruption is not None:
        interruption = state.interruption
        reason = f" ({interruption.reason})" if interruption.reason else ""
        why = f"Lenalidomide is interrupted since {long_date(interruption.start)}{reason}."
    else:
        why = f"The label advice for this day is: {advice_headline(state)}."
    return (
        f"{why}\n\nRecord lenalidomide as taken on {weekday_date(state.on)} anyway?\n"
        "Only if it was given; nothing changes in the interruption or the advice."
    )


class DayCommands(QObject):
    """Builds the day menu for the course ``shown()`` and carries out its choices.

    ``open_dialog`` shows a form the way the patient screen shows its others.
    """

    def __init__(
        self,
        owner: QWidget,
        context: AppContext,
        shown: Callable[[], CourseSnapshot | None],
        open_dialog: Callable[[QDialog], QDialog],
    ) -> None:
        super().__init__(owner)
        self._owner = owner
        self._context = context
        self._shown = shown
        self._open_dialog = open_dialog
        self.menu: QMenu | None = None
        # Tests answer here instead of in a modal box.
        self.confirm: Confirm = ask_to_confirm
        self.ask_reason: AskReason = ask_for_reason

    # -- the menu ---------------------------------------------------------------------------
    def open_menu(self, cell: DayCell, anchor: QPoint) -> QMenu:
        """The per-day menu: taken / missed / clear for each drug planned that day, and
        interrupting or resuming lenalidomide from the day."""
        menu = QMenu(self._owner)
        menu.setObjectName("doseMenu")
        day = cell.planned
        menu.addSection(f"{weekday_date(day.date)} · cycle {day.cycle} day {day.day}")
        today = self._context.store.today()
        future = day.date > today
        drugs = [drug for drug in (LENALIDOMIDE, DEXAMETHASONE) if cell.is_planned(drug)]
        if not cell.started:
            menu.addAction(f"Cycle {day.cycle} has not started yet").setEnabled(False)
            drugs = []
        elif not drugs:
            menu.addAction("Rest day: no dose planned").setEnabled(False)
        if future and drugs:
            menu.addAction("A future day: record doses on or after the day").setEnabled(False)
        for drug in drugs:
            self._add_drug(menu, cell, drug, future)
        if len(drugs) == 2:
            menu.addSection("Both drugs")
            for status in DOSE_STATUSES:
                action = menu.addAction(f"Both {status}")
                action.setObjectName(f"both-{status}")
                action.setEnabled(not future)
                action.triggered.connect(
                    lambda _checked=False, s=status: self.record(day.date, tuple(drugs), s)
                )
        if cell.started:
            self._add_interruption(menu, day.date, future)
        show_what_the_role_may_do(menu, self._context)
        self.menu = menu
        menu.popup(anchor)
        return menu

    def _add_drug(self, menu: QMenu, cell: DayCell, drug: str, future: bool) -> None:
        day = cell.planned.date
        if cell.is_held(drug):
            withheld = f" {format_mg(cell.held_mg(drug))} mg" if cell.held_mg(drug) else ""
            menu.addSection(f"{DRUG_LABELS[drug]}{withheld}: held (interrupted)")
        else:
            menu.addSection(f"{DRUG_LABELS[drug]} {format_mg(cell.planned_mg(drug))} mg")
        for status in DOSE_STATUSES:
            action = menu.addAction(status.capitalize())
            action.setObjectName(f"{drug}-{status}")
            action.setCheckable(True)
            action.setChecked(cell.recorded(drug) == status)
            # Dose records are facts of a day that has come.
            action.setEnabled(not future)
            action.triggered.connect(
                lambda _checked=False, d=(drug,), s=status: self.record(day, d, s)
            )
        if cell.recorded(drug):
            clear = menu.addAction("Clear record")
            clear.setObjectName(f"{drug}-clear")
            clear.setStatusTip("Withdraw a record made by mistake; the history keeps it")
            clear.triggered.connect(lambda _checked=False, d=drug: self.clear(day, d))

    def _add_interruption(self, menu: QMenu, day: date, future: bool) -> None:
        shown = self._shown()
        if shown is None or not shown.course.is_active:
            return
        menu.addSection("Lenalidomide interruption")
        history = shown.history
        covering = history.interruption_on(day)
        still_open = next(
            (i for i in history.interruptions if i.drug == LENALIDOMIDE and i.end is None), None
        )
        if covering is None:
            action = menu.addAction("Interrupt lenalidomide from this day…")
            action.setObjectName("interrupt")
            if still_open is not None:
                # Storage refuses a second open interruption; say so before anyone tries.
                action.setText(
                    f"Interrupt lenalidomide from this day… (already interrupted since "
                    f"{long_date(still_open.start)})"
                )
                action.setEnabled(False)
            else:
                action.setEnabled(not future)
            action.triggered.connect(lambda _checked=False: self.interrupt_from(day))
            return
        if covering.end is not None:
            text = f"Interrupted {long_date(covering.start)} until {long_date(covering.end)}" + (
                f" ({covering.reason})" if covering.reason else ""
            )
            menu.addAction(text).setEnabled(False)
        else:
            action = menu.addAction("Resume lenalidomide on this day…")
            action.setObjectName("resume")
            if day <= covering.start:
                # Storage takes a resume from the day after the interruption starts.
                after = long_date(covering.start + timedelta(days=1))
                action.setText(f"Resume lenalidomide on this day… (possible from {after})")
                action.setEnabled(False)
            else:
                action.setEnabled(not future)
            action.triggered.connect(lambda _checked=False: self.resume_on(day))
        withdraw = menu.addAction("Withdraw this interruption (recorded in error)…")
        withdraw.setObjectName("withdraw-interruption")
        withdraw.triggered.connect(lambda _checked=False: self.withdraw_interruption(day))

    # -- what the choices do ----------------------------------------------------------------
    def record(self, day: date, drugs: tuple[str, ...], status: str) -> bool:
        """Record ``status`` for ``drugs`` on ``day``; lenalidomide taken on a day the engine
        withholds it asks first (default No). True when something was recorded."""
        shown = self._shown()
        if shown is None:
            return False
        if status == "taken" and LENALIDOMIDE in drugs:
            state = shown.state_on(day)
            if state.withholds_lenalidomide:
                question = withheld_question(state)
                if not self.confirm(self._owner, "Lenalidomide is held", question):
                    return False
        reason = None
        store = self._context.store
        corrected = recorded_differently(store, shown.course.id, day, drugs, status)
        if corrected:
            names = " and ".join(DRUG_LABELS[drug].lower() for drug in corrected)
            reason = self.ask_reason(
                self._owner,
                "Correct the dose record",
                f"{names.capitalize()} is recorded otherwise on {weekday_date(day)}. "
                f"Record it as {status} instead?",
            )
            if reason is None:
                return False
        result = self._context.run(
            record_doses, shown.course.id, day, drugs, status, reason=reason, parent=self._owner
        )
        return result is not None

    def clear(self, day: date, drug: str) -> bool:
        """Withdraw the day's record of ``drug`` after asking why; True when cleared."""
        shown = self._shown()
        if shown is None:
            return False
        reason = self.ask_reason(
            self._owner,
            "Clear the dose record",
            f"Clear the {DRUG_LABELS[drug].lower()} record of {weekday_date(day)}? The day "
            "reads “not recorded” again; the history keeps what it said, with the reason.",
        )
        if reason is None:
            return False
        result = self._context.run(
            clear_dose, shown.course.id, day, drug, reason=reason, parent=self._owner
        )
        return result is not None

    def withdraw_interruption(self, day: date) -> bool:
        """Withdraw the interruption covering ``day`` after asking why; True when done."""
        shown = self._shown()
        covering = shown.history.interruption_on(day) if shown is not None else None
        if shown is None or covering is None:
            return False
        record = next(
            (
                record
                for record in queries.interruptions_of(self._context.store, shown.course.id)
                if record.drug == covering.drug and record.start_date == covering.start
            ),
            None,
        )
        if record is None:
            return False
        reason = self.ask_reason(
            self._owner,
            "Withdraw the interruption",
            f"Withdraw the interruption of lenalidomide from {long_date(covering.start)}, "
            "recorded in error? Its days read as planned again; the history keeps it, with the "
            "reason.",
        )
        if reason is None:
            return False
        result = self._context.run(
            withdraw_interruption, record.id, reason=reason, parent=self._owner
        )
        return result is not None

    def interrupt_from(self, day: date) -> QDialog | None:
        from tracker.ui.patient.interruption_dialogs import InterruptDialog

        shown = self._shown()
        if shown is None:
            return None
        state = shown.state_on(day)
        return self._open_dialog(
            InterruptDialog(self._context, shown.course, day, state, parent=self._owner)
        )

    def resume_on(self, day: date) -> QDialog | None:
        from tracker.ui.patient.interruption_dialogs import ResumeDialog

        shown = self._shown()
        if shown is None:
            return None
        state = shown.state_on(day)
        return self._open_dialog(
            ResumeDialog(self._context, shown.course, day, shown.history, state, parent=self._owner)
        )
