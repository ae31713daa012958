"""A cycle sheet from a course's history, as the treatment engine answers it.

The days, the doses due, the held days, the level in force and the days counts are due all
come from ``tracker.domain.treatment``; this module only turns its answers into cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from tracker.domain import renal
from tracker.domain.calendar import PlannedDay
from tracker.domain.label_rules import LabelRules, load_label_rules
from tracker.domain.regimen import LENALIDOMIDE, DrugSchedule, format_mg
from tracker.domain.renal import RenalDose
from tracker.domain.treatment.count_dates import count_due_dates
from tracker.domain.treatment.engine import course_days, day_state
from tracker.domain.treatment.history import CourseHistory, Interruption
from tracker.reports.sheet_counts import lab_rows
from tracker.reports.sheet_model import (
    CycleSheet,
    DoseLevelLine,
    DoseMark,
    DrugCell,
    HoldThresholds,
    SheetError,
    SheetRow,
    day_ranges_text,
)
from tracker.reports.sheet_rems import rems_part


def build_cycle_sheet(
    history: CourseHistory,
    cycle_number: int,
    *,
    patient_name: str,
    mrn: str,
    date_of_birth: date | None,
    clinic_name: str = "Clinic",
    thromboprophylaxis: str | None = None,
    start_is_planned: bool = False,
    calendar: Sequence[PlannedDay] | None = None,
    rules: LabelRules | None = None,
    renal_band: str | None = None,
) -> CycleSheet:
    """The sheet of cycle ``cycle_number`` of the course ``history`` describes.

    ``calendar`` is ``course_days(history, ...)`` when the caller has it already; a cycle
    after the started ones is planned ahead, with any open interruption holding its days.
    """
    rules = rules or load_label_rules()
    days = calendar if calendar is not None else course_days(history, cycle_number)
    cycle_days = [planned for planned in days if planned.cycle == cycle_number]
    if not cycle_days:
        raise SheetError(f"the course has no cycle {cycle_number}")
    first, last = cycle_days[0].date, cycle_days[-1].date
    stopped_from = _first_stopped_day(history, cycle_days)
    due = count_due_dates(history, cycle_days, stopped_from)
    regimen = history.regimen
    prophylaxis_box = thromboprophylaxis != "none"
    rems = rems_part(history, cycle_number, cycle_days)
    tests_due = rems.due_dates if rems is not None else frozenset()
    rows = []
    for planned in cycle_days:
        stopped = stopped_from is not None and planned.date >= stopped_from
        rows.append(
            SheetRow(
                date=planned.date,
                cycle_day=planned.day,
                lenalidomide=_drug_cell(
                    regimen.lenalidomide, planned, planned.lenalidomide_mg, stopped
                ),
                dexamethasone=_drug_cell(
                    regimen.dexamethasone, planned, planned.dexamethasone_mg, stopped
                ),
                thromboprophylaxis_box=prophylaxis_box and not stopped,
                counts_due=planned.date in due,
                pregnancy_test_due=planned.date in tests_due and not stopped,
            )
        )
    return CycleSheet(
        clinic_name=clinic_name,
        regimen_name=regimen.name,
        patient_name=patient_name,
        mrn=mrn,
        date_of_birth=date_of_birth,
        cycle_number=cycle_number,
        cycle_start=first,
        start_is_planned=start_is_planned,
        lenalidomide=_level_line(
            history,
            regimen.lenalidomide,
            cycle_number,
            first,
            last,
            history.len_every_days,
            renal_start=renal.dose_for_band(renal_band),
        ),
        dexamethasone=_level_line(history, regimen.dexamethasone, cycle_number, first, last),
        thromboprophylaxis=thromboprophylaxis,
        rows=tuple(rows),
        labs=lab_rows(history, cycle_days, due, rules),
        thresholds=HoldThresholds.of(rules),
        held_notes=_held_notes(history, first, last, stopped_from),
        stopped_note=_stopped_note(history, stopped_from),
        rems=rems,
    )


def _first_stopped_day(history: CourseHistory, cycle_days: Sequence[PlannedDay]) -> date | None:
    """The first day of the cycle the engine says the course is over, else None.

    ``course_days`` gives such days 0 mg without saying why, so ``day_state`` is asked; once
    over, a course stays over, so it is asked about a handful of days only."""
    if day_state(history, cycle_days[-1].date).course_active:
        return None
    low, high = 0, len(cycle_days) - 1  # cycle_days[high] is stopped
    while low < high:
        middle = (low + high) // 2
        if day_state(history, cycle_days[middle].date).course_active:
            low = middle + 1
        else:
            high = middle
    return cycle_days[high].date


def _drug_cell(
    schedule: DrugSchedule, planned: PlannedDay, due_mg: float, stopped: bool
) -> DrugCell:
    if not schedule.is_dosing_day(planned.cycle, planned.day):
        return DrugCell(DoseMark.REST if schedule.name == LENALIDOMIDE else DoseMark.NONE)
    if stopped:
        return DrugCell(DoseMark.STOPPED)
    if schedule.name in planned.held:
        return DrugCell(DoseMark.HELD)
    if due_mg > 0:
        return DrugCell(DoseMark.DOSE, due_mg)
    # A dosing day of the drug with nothing due, neither held nor stopped: the off day of
    # the every-48-hours renal schedule.
    return DrugCell(DoseMark.NOT_DUE)


def _level_line(
    history: CourseHistory,
    schedule: DrugSchedule,
    cycle_number: int,
    first: date,
    last: date,
    every_days: int = 1,
    *,
    renal_start: RenalDose | None = None,
) -> DoseLevelLine:
    level = history.level_on(schedule.name, first)
    within = []
    current = level
    for change in history.level_changes:
        if change.drug != schedule.name or not first < change.effective <= last:
            continue
        in_force = history.level_on(schedule.name, change.effective)
        if in_force != current:
            within.append((change.effective, in_force, schedule.dose_for_level(in_force)))
            current = in_force
    days_text = day_ranges_text(schedule.days_in_cycle(cycle_number))
    phase = next((phase for phase in schedule.phases if phase.covers(cycle_number)), None)
    if phase is not None and phase.from_cycle > 1:
        days_text += f" (taper from cycle {phase.from_cycle})"
    still_open = history.interruption_on(last, schedule.name)
    return DoseLevelLine(
        label=schedule.label,
        dose_mg=schedule.dose_for_level(level),
        level=level,
        standard_mg=schedule.standard_dose_mg,
        days_text=days_text,
        every_days=every_days,
        changes=tuple(within),
        held_from=still_open.start if still_open is not None else None,
        renal_start=renal_start,
    )


def _held_notes(
    history: CourseHistory, first: date, last: date, stopped_from: date | None
) -> tuple[str, ...]:
    """One line per interruption that holds days of the cycle, oldest first."""
    until = last if stopped_from is None else min(last, stopped_from)
    return tuple(
        _held_note(history, interruption)
        for interruption in history.interruptions
        if interruption.start <= until and (interruption.end is None or interruption.end > first)
    )


def _held_note(history: CourseHistory, interruption: Interruption) -> str:
    label = history.regimen.drug(interruption.drug).label
    reason = f" ({interruption.reason})" if interruption.reason else ""
    text = f"{label} interrupted from {interruption.start.isoformat()}{reason}"
    if interruption.end is None:
        return f"{text}: no resume recorded."
    level = history.level_on(interruption.drug, interruption.end)
    mg = format_mg(history.regimen.drug(interruption.drug).dose_for_level(level))
    return f"{text}: resumed {interruption.end.isoformat()} at {mg} mg (level {level})."


def _stopped_note(history: CourseHistory, stopped_from: date | None) -> str | None:
    if stopped_from is None:
        return None
    why = day_state(history, stopped_from).status_text
    return f"{why}: nothing is given from {stopped_from.isoformat()} on."
