"""What one calendar cell stands for: a planned day, the doses recorded on it, whether it is held.

The days come from the treatment engine (``queries.course_calendar``): a day inside an
interruption arrives with its drug in ``PlannedDay.held`` and no dose, whatever the cycle.
The colours and glyphs every painter of the calendar shares live here too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtGui import QColor

from tracker.domain.calendar import PlannedDay
from tracker.domain.regimen import DEXAMETHASONE, LENALIDOMIDE, format_mg
from tracker.ui.common.dates import weekday_date

TAKEN, MISSED, HELD = "taken", "missed", "held"
# What the day menu records. A hold is not a dose record: it is an interruption.
DOSE_STATUSES = (TAKEN, MISSED)
DRUGS = (LENALIDOMIDE, DEXAMETHASONE)
DRUG_LABELS = {LENALIDOMIDE: "Lenalidomide", DEXAMETHASONE: "Dexamethasone"}

# Colour-blind friendly (Okabe-Ito based); every status also has a glyph.
COLOURS = {
    "lenalidomide": QColor("#9ecae1"),
    "dexamethasone": QColor("#f6c177"),
    "rest": QColor("#e6e6e6"),
    "off": QColor("#fbfbfb"),
    TAKEN: QColor("#2e9e6a"),
    MISSED: QColor("#c0392b"),
    HELD: QColor("#e69f00"),
    "today": QColor("#111111"),
    "grid": QColor("#b8b8b8"),
}
GLYPHS = {TAKEN: "✓", MISSED: "✗", HELD: "H"}


@dataclass(frozen=True)
class DayCell:
    """What one cell shows: the planned day, the recorded status of each drug, and whether
    its cycle has started."""

    planned: PlannedDay
    statuses: Mapping[str, str]
    started: bool
    # The same day as the engine plans it without interruptions: what a held day withholds.
    unheld: PlannedDay | None = None

    def planned_mg(self, drug: str) -> float:
        """The dose the engine plans to give (0 on a held day, a rest day, after the end)."""
        return _mg(self.planned, drug)

    def held_mg(self, drug: str) -> float:
        """The dose the interruption withholds on this day (0 when it withholds none)."""
        if not self.is_held(drug):
            return 0.0
        return _mg(self.unheld, drug) if self.unheld is not None else 0.0

    def is_held(self, drug: str) -> bool:
        """The drug is interrupted on this day."""
        return drug in self.planned.held

    def is_planned(self, drug: str) -> bool:
        """A dose is planned, or would be but for the interruption (a rest day inside an
        interruption stays a rest day)."""
        if self.planned_mg(drug) > 0:
            return True
        return self.is_held(drug) and (self.unheld is None or self.held_mg(drug) > 0)

    def recorded(self, drug: str) -> str | None:
        """The dose record of the day (taken / missed), if any."""
        return self.statuses.get(drug)

    def status(self, drug: str) -> str | None:
        """What the cell shows: the record if one was made, else held inside an interruption."""
        recorded = self.recorded(drug)
        if recorded:
            return recorded
        return HELD if self.is_held(drug) else None

    @property
    def is_rest_day(self) -> bool:
        return not any(self.is_planned(drug) for drug in DRUGS)

    def describe(self) -> str:
        day = self.planned
        lines = [f"{weekday_date(day.date)} — cycle {day.cycle}, day {day.day}"]
        if not self.started:
            lines[0] += " (planned)"
        for drug in DRUGS:
            if not self.is_planned(drug):
                continue
            recorded = self.recorded(drug) or "not recorded"
            if self.is_held(drug):
                withheld = f"{format_mg(self.held_mg(drug))} mg " if self.held_mg(drug) else ""
                lines.append(f"{DRUG_LABELS[drug]}: {withheld}held (interrupted), {recorded}")
            else:
                lines.append(
                    f"{DRUG_LABELS[drug]}: {format_mg(self.planned_mg(drug))} mg, {recorded}"
                )
        if self.is_rest_day:
            lines.append("Rest day")
        return "\n".join(lines)


def _mg(day: PlannedDay, drug: str) -> float:
    return day.lenalidomide_mg if drug == LENALIDOMIDE else day.dexamethasone_mg


def cycle_dose_text(days: Sequence[PlannedDay]) -> str:
    """'Len 25 · Dex 40 mg', with an arrow when a dose changed inside the cycle and 'held'
    when lenalidomide is interrupted on some of its days."""

    def doses(values: Iterable[float]) -> str:
        seen: list[str] = []
        for value in values:
            text = format_mg(value)
            if value > 0 and (not seen or seen[-1] != text):
                seen.append(text)
        return "→".join(seen) if seen else "–"

    len_text = doses(day.lenalidomide_mg for day in days)
    if any(LENALIDOMIDE in day.held for day in days):
        len_text = "held" if len_text == "–" else f"{len_text}, held"
    dex_text = doses(day.dexamethasone_mg for day in days)
    return f"Len {len_text} · Dex {dex_text} mg"
