"""What one printed cycle sheet says: the content of a page, free of Qt and of the database."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import Protocol

from tracker.domain.calendar import LevelChange, PlannedDay
from tracker.domain.errors import DomainError
from tracker.domain.regimen import LENALIDOMIDE, DrugSchedule, Regimen, format_mg

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MIN_LAB_ROWS = 4
MAX_LAB_ROWS = 6


def count_text(value: float) -> str:
    """A count as written on the sheet, never rounded: 1 -> '1.0', 0.75 -> '0.75', 30 -> '30'."""
    text = f"{value:g}"
    if "." not in text and "e" not in text and abs(value) < 10:
        text = f"{value:.1f}"
    return text


class SheetError(DomainError):
    """A sheet that cannot be made from the data given; the message is written for the user."""


class CountCadence(Protocol):
    def interval_days(self, course_start: date, on: date) -> int:
        """Days between blood counts on ``on`` for a course started ``course_start``."""
        ...


@dataclass(frozen=True)
class HoldThresholds:
    """Counts below which lenalidomide is interrupted, in x10^9/L."""

    anc_below: float
    platelets_below: float

    def describe(self) -> str:
        return (
            f"Hold lenalidomide if ANC < {count_text(self.anc_below)} x10^9/L "
            f"or platelets < {count_text(self.platelets_below)} x10^9/L"
        )


class DoseMark(Enum):
    DOSE = "dose"
    REST = "rest"
    HELD = "held"
    NOT_DUE = "not due"  # an off day of the every-48-hours renal schedule
    NONE = "none"


@dataclass(frozen=True)
class DrugCell:
    """One drug on one day of the grid."""

    mark: DoseMark
    dose_mg: float = 0.0

    @property
    def text(self) -> str:
        if self.mark is DoseMark.DOSE:
            return f"{format_mg(self.dose_mg)} mg"
        return {
            DoseMark.REST: "rest",
            DoseMark.HELD: "HELD",
            DoseMark.NOT_DUE: "no dose",
            DoseMark.NONE: "",
        }[self.mark]

    @property
    def has_tick_box(self) -> bool:
        return self.mark is DoseMark.DOSE


@dataclass(frozen=True)
class SheetRow:
    date: date
    cycle_day: int
    lenalidomide: DrugCell
    dexamethasone: DrugCell
    thromboprophylaxis_box: bool
    counts_due: bool

    @property
    def weekday(self) -> str:
        return WEEKDAYS[self.date.weekday()]


@dataclass(frozen=True)
class LabRow:
    """A blood-count line: a planned date with empty boxes, or counts already recorded."""

    date: date | None
    cycle_day: int | None
    anc: float | None = None  # x10^9/L
    platelets: float | None = None  # x10^9/L

    @property
    def recorded(self) -> bool:
        return self.anc is not None or self.platelets is not None

    def below(self, thresholds: HoldThresholds) -> list[str]:
        """Which recorded counts fall under the hold thresholds, as short phrases."""
        found = []
        if self.anc is not None and self.anc < thresholds.anc_below:
            found.append(f"ANC < {count_text(thresholds.anc_below)}")
        if self.platelets is not None and self.platelets < thresholds.platelets_below:
            found.append(f"Plt < {count_text(thresholds.platelets_below)}")
        return found


@dataclass(frozen=True)
class LabEntry:
    """Counts recorded on a day, already converted to x10^9/L."""

    date: date
    anc: float | None
    platelets: float | None


@dataclass(frozen=True)
class DoseLevelLine:
    """A drug's dose level for the cycle, as the header states it."""

    label: str
    dose_mg: float
    level: int
    standard_mg: float
    days_text: str
    every_days: int = 1
    # Later changes inside the cycle: (effective date, level, mg).
    changes: tuple[tuple[date, int, float], ...] = ()

    def detail(self) -> str:
        """'15 mg (level 2, reduced from 25 mg), days 1-21': the line after the drug's name."""
        interval = f" every {self.every_days * 24} h" if self.every_days > 1 else ""
        text = f"{format_mg(self.dose_mg)} mg{interval} ({_level_text(self)})"
        for effective, level, mg in self.changes:
            text += f"; {format_mg(mg)} mg (level {level}) from {effective.isoformat()}"
        return f"{text}, {self.days_text}"

    def describe(self) -> str:
        return f"{self.label} {self.detail()}"


def _level_text(line: DoseLevelLine) -> str:
    if line.dose_mg == line.standard_mg:
        return f"level {line.level}, standard dose"
    return f"level {line.level}, reduced from {format_mg(line.standard_mg)} mg"


@dataclass(frozen=True)
class CycleSheet:
    """Everything printed on one page for one patient and one cycle."""

    clinic_name: str
    regimen_name: str
    patient_name: str
    mrn: str
    date_of_birth: date | None
    cycle_number: int
    cycle_start: date
    start_is_planned: bool
    lenalidomide: DoseLevelLine
    dexamethasone: DoseLevelLine
    thromboprophylaxis: str | None
    rows: tuple[SheetRow, ...]
    labs: tuple[LabRow, ...]
    thresholds: HoldThresholds

    @property
    def cycle_end(self) -> date:
        return self.rows[-1].date

    @property
    def cycle_length_days(self) -> int:
        return len(self.rows)

    @property
    def next_cycle_due(self) -> date:
        return self.cycle_end + timedelta(days=1)

    @property
    def thromboprophylaxis_text(self) -> str:
        if not self.thromboprophylaxis:
            return "not recorded"
        if self.thromboprophylaxis == "none":
            return "none prescribed"
        return f"{self.thromboprophylaxis}, tick each day it is taken"


def day_ranges_text(days: Iterable[int]) -> str:
    """{1, 2, 3, 4, 9, 10} -> 'days 1-4, 9-10'."""
    ordered = sorted(days)
    if not ordered:
        return "no days"
    runs: list[list[int]] = [[ordered[0], ordered[0]]]
    for day in ordered[1:]:
        if day == runs[-1][1] + 1:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    parts = [f"{first}-{last}" if first != last else f"{first}" for first, last in runs]
    return ("days " if len(ordered) > 1 else "day ") + ", ".join(parts)


def _level_on(start_level: int, changes: Sequence[LevelChange], drug: str, day: date) -> int:
    level = start_level
    for change in sorted(changes, key=lambda change: change.effective):
        if change.drug == drug and change.effective <= day:
            level = change.level
    return level


def _level_line(
    schedule: DrugSchedule,
    cycle_number: int,
    first: date,
    last: date,
    start_level: int,
    changes: Sequence[LevelChange],
    every_days: int = 1,
) -> DoseLevelLine:
    level = _level_on(start_level, changes, schedule.name, first)
    within = []
    current = level
    for change in sorted(changes, key=lambda change: change.effective):
        if change.drug == schedule.name and first < change.effective <= last:
            if change.level != current:
                within.append(
                    (change.effective, change.level, schedule.dose_for_level(change.level))
                )
            current = change.level
    days_text = day_ranges_text(schedule.days_in_cycle(cycle_number))
    phase = next((phase for phase in schedule.phases if phase.covers(cycle_number)), None)
    if phase is not None and phase.from_cycle > 1:
        days_text += f" (taper from cycle {phase.from_cycle})"
    return DoseLevelLine(
        label=schedule.label,
        dose_mg=schedule.dose_for_level(level),
        level=level,
        standard_mg=schedule.standard_dose_mg,
        days_text=days_text,
        every_days=every_days,
        changes=tuple(within),
    )


def _drug_cell(
    schedule: DrugSchedule, planned: PlannedDay, dose_mg: float, every_days: int = 1
) -> DrugCell:
    scheduled = schedule.is_dosing_day(planned.cycle, planned.day)
    if not scheduled:
        return DrugCell(DoseMark.REST if schedule.name == LENALIDOMIDE else DoseMark.NONE)
    if (planned.day - 1) % every_days != 0:
        return DrugCell(DoseMark.NOT_DUE)
    if schedule.name in planned.held:
        return DrugCell(DoseMark.HELD)
    return DrugCell(DoseMark.DOSE, dose_mg)


def _count_days(
    cycle_days: Sequence[PlannedDay], course_start: date, cadence: CountCadence
) -> set[int]:
    """Cycle days a blood count is planned: day 1, then every interval the cadence asks for."""
    return {
        planned.day
        for planned in cycle_days
        if (planned.day - 1) % max(cadence.interval_days(course_start, planned.date), 1) == 0
    }


def _lab_rows(
    cycle_days: Sequence[PlannedDay], count_days: set[int], labs: Iterable[LabEntry]
) -> tuple[LabRow, ...]:
    day_of = {planned.date: planned.day for planned in cycle_days}
    by_date: dict[date, LabRow] = {
        planned.date: LabRow(planned.date, planned.day)
        for planned in cycle_days
        if planned.day in count_days
    }
    for entry in labs:
        if entry.date in day_of:
            by_date[entry.date] = LabRow(entry.date, day_of[entry.date], entry.anc, entry.platelets)
    rows = sorted(by_date.values(), key=lambda row: row.date or date.min)
    while len(rows) > MAX_LAB_ROWS:
        empty = [row for row in rows if not row.recorded]
        rows.remove(empty[-1] if empty else rows[0])
    rows += [LabRow(None, None)] * (MIN_LAB_ROWS - len(rows))
    return tuple(rows)


def build_cycle_sheet(
    *,
    regimen: Regimen,
    calendar: Sequence[PlannedDay],
    cycle_number: int,
    course_start: date,
    patient_name: str,
    mrn: str,
    date_of_birth: date | None,
    thresholds: HoldThresholds,
    lenalidomide_start_level: int,
    dexamethasone_start_level: int,
    cadence: CountCadence,
    clinic_name: str = "Clinic",
    level_changes: Sequence[LevelChange] = (),
    lenalidomide_every_days: int = 1,
    thromboprophylaxis: str | None = None,
    labs: Iterable[LabEntry] = (),
    start_is_planned: bool = False,
) -> CycleSheet:
    """The sheet of cycle ``cycle_number`` from the course's planned calendar.

    The start levels and ``level_changes`` must be those the calendar was planned with: the
    header states levels, the rows the mg the calendar plans. ``cadence`` says when blood
    counts are due; it comes from ``resources/monitoring.toml`` (the cadence is unconfirmed,
    so there is no built-in default).
    """
    cycle_days = [planned for planned in calendar if planned.cycle == cycle_number]
    if not cycle_days:
        raise SheetError(f"the course has no cycle {cycle_number}")
    first, last = cycle_days[0].date, cycle_days[-1].date
    count_days = _count_days(cycle_days, course_start, cadence)
    prophylaxis_box = thromboprophylaxis != "none"
    rows = tuple(
        SheetRow(
            date=planned.date,
            cycle_day=planned.day,
            lenalidomide=_drug_cell(
                regimen.lenalidomide, planned, planned.lenalidomide_mg, lenalidomide_every_days
            ),
            dexamethasone=_drug_cell(regimen.dexamethasone, planned, planned.dexamethasone_mg),
            thromboprophylaxis_box=prophylaxis_box,
            counts_due=planned.day in count_days,
        )
        for planned in cycle_days
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
            regimen.lenalidomide,
            cycle_number,
            first,
            last,
            lenalidomide_start_level,
            level_changes,
            lenalidomide_every_days,
        ),
        dexamethasone=_level_line(
            regimen.dexamethasone,
            cycle_number,
            first,
            last,
            dexamethasone_start_level,
            level_changes,
        ),
        thromboprophylaxis=thromboprophylaxis,
        rows=rows,
        labs=_lab_rows(cycle_days, count_days, labs),
        thresholds=thresholds,
    )
