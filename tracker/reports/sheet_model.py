"""What one printed cycle sheet says: the content of a page, free of Qt and of the database.

The sheet works nothing out: ``sheet_build`` fills these from the treatment engine.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from tracker.domain.errors import DomainError
from tracker.domain.label_rules import LabelRules
from tracker.domain.regimen import format_mg
from tracker.domain.renal import RenalDose
from tracker.reports.sheet_rems import RemsPart

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MIN_LAB_ROWS = 4
MAX_LAB_ROWS = 6
# On a held day the cell shows the short form; the footnote it points to says it in full.
HELD_MARK = "*"
HELD_WORDING = "held: give only on the clinician's order to resume"


def count_text(value: float) -> str:
    """A count as written on the sheet, never rounded: 1 -> '1.0', 0.75 -> '0.75', 30 -> '30'."""
    text = f"{value:g}"
    if "." not in text and "e" not in text and abs(value) < 10:
        text = f"{value:.1f}"
    return text


class SheetError(DomainError):
    """A sheet that cannot be made from the data given; the message is written for the user."""


@dataclass(frozen=True)
class HoldThresholds:
    """Counts below which lenalidomide is interrupted, in x10^9/L, as the sheet prints them."""

    anc_below: float
    platelets_below: float

    @classmethod
    def of(cls, rules: LabelRules) -> HoldThresholds:
        return cls(anc_below=rules.anc_below, platelets_below=rules.platelets_below)

    def describe(self) -> str:
        return (
            f"Hold lenalidomide if ANC < {count_text(self.anc_below)} x10^9/L "
            f"or platelets < {count_text(self.platelets_below)} x10^9/L"
        )


class DoseMark(Enum):
    DOSE = "dose"
    REST = "rest"
    HELD = "held"  # inside an interruption: nothing to give until a resume is ordered
    NOT_DUE = "not due"  # an off day of the every-48-hours renal schedule
    STOPPED = "stopped"  # after the course ended
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
            DoseMark.HELD: f"HELD {HELD_MARK}",
            DoseMark.NOT_DUE: "no dose",
            DoseMark.STOPPED: "stopped",
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
    pregnancy_test_due: bool = False

    @property
    def weekday(self) -> str:
        return WEEKDAYS[self.date.weekday()]

    @property
    def held(self) -> bool:
        return DoseMark.HELD in (self.lenalidomide.mark, self.dexamethasone.mark)


@dataclass(frozen=True)
class LabRow:
    """A blood-count line: a planned date with empty boxes, or counts already recorded.

    ``low`` names the recorded counts under the hold thresholds ('ANC < 1.0')."""

    date: date | None
    cycle_day: int | None
    anc: float | None = None  # x10^9/L
    platelets: float | None = None  # x10^9/L
    low: tuple[str, ...] = ()

    @property
    def recorded(self) -> bool:
        return self.anc is not None or self.platelets is not None


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
    # The renal starting dose the course began on (lenalidomide only): a starting dose chosen
    # for kidney function, never printed as a reduction.
    renal_start: RenalDose | None = None
    # The start of an interruption still open at the end of the cycle: no dose is given from
    # then on, whatever the level says.
    held_from: date | None = None

    def detail(self) -> str:
        """'15 mg (level 2, reduced from 25 mg), days 1-21': the line after the drug's name."""
        interval = f" every {self.every_days * 24} h" if self.every_days > 1 else ""
        text = f"{format_mg(self.dose_mg)} mg{interval} ({_level_text(self)})"
        for effective, level, mg in self.changes:
            text += f"; {format_mg(mg)} mg (level {level}) from {effective.isoformat()}"
        text = f"{text}, {self.days_text}"
        if self.held_from is not None:
            text += f"; HELD from {self.held_from.isoformat()} {HELD_MARK}"
        return text

    def describe(self) -> str:
        return f"{self.label} {self.detail()}"


def _level_text(line: DoseLevelLine) -> str:
    renal = line.renal_start
    if renal is not None and renal.dose_mg != line.standard_mg:
        if line.dose_mg == renal.dose_mg:
            timing = f"; {renal.timing}" if renal.timing else ""
            return f"renal starting dose, {renal.condition}{timing}"
        return (
            f"level {line.level}, reduced from the renal starting dose "
            f"{format_mg(renal.dose_mg)} mg"
        )
    if line.dose_mg == line.standard_mg:
        timing = f"; {renal.timing}" if renal is not None and renal.timing else ""
        return f"level {line.level}, standard dose{timing}"
    return f"level {line.level}, reduced from {format_mg(line.standard_mg)} mg"


@dataclass(frozen=True)
class CycleSheet:
    """Everything printed on one page for one patient and one cycle.

    ``held_notes`` say which interruptions the held days belong to; ``stopped_note`` why
    nothing is given after the course stopped (None: it did not stop in this cycle)."""

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
    held_notes: tuple[str, ...] = ()
    stopped_note: str | None = None
    # Pregnancy prevention (Lenalidomide REMS); None for a history without REMS facts.
    rems: RemsPart | None = None

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
    def has_held_days(self) -> bool:
        return any(row.held for row in self.rows)

    @property
    def footnotes(self) -> tuple[str, ...]:
        """The lines under the grid: what a held cell means, and why days are stopped."""
        lines: list[str] = []
        if self.has_held_days:
            lines.append(f"{HELD_MARK} {HELD_WORDING}.")
            lines += self.held_notes
        if self.stopped_note:
            lines.append(self.stopped_note)
        return tuple(lines)

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
