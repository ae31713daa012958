"""A demo patient's blood counts: values around the patient's own baseline, and the low
spells that the cohort's grade 3-4 rates call for.

A ``LowSpell`` is a grade 3 or 4 fall of one count. It is armed when its cycle starts and
shows in the first count drawn on or after its day; the counts drawn while it lasts stay
below the label's hold threshold, and the first one after it is back to grade 2 or better.
When counts are drawn is not decided here: the course walk draws them on the days the count
schedule and the label's advice call for, so a spell is seen the way a clinic would see it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from tracker.domain.grading import NEUTROPENIA, THROMBOCYTOPENIA, grade_bounds
from tracker.domain.label_rules import load_label_rules
from tracker.domain.treatment.history import COUNT_TYPES, CountResult

# Counts are x10^9/L: ANC to two decimals, platelets whole.
_STEP = {NEUTROPENIA: 0.01, THROMBOCYTOPENIA: 1.0}


@dataclass
class LowSpell:
    """A grade 3-4 fall of one count in cycle ``cycle``, from its day ``cycle_day`` on."""

    count_type: str
    grade: int
    cycle: int
    cycle_day: int
    days: int  # how long the count stays low from the onset
    armed_on: date | None = None
    onset: date | None = None
    onset_value: float | None = None
    below_hold: bool = False  # the onset count is below the label's hold threshold
    back_on: date | None = None  # the first count back to grade 2 or better

    def arm(self, cycle_start: date) -> None:
        self.armed_on = cycle_start + timedelta(days=self.cycle_day - 1)

    @property
    def active(self) -> bool:
        return self.onset is not None and self.back_on is None


class PatientCounts:
    """Draws one patient's counts; a spell that is due turns the next count low."""

    def __init__(self, rng: random.Random, spells: list[LowSpell]) -> None:
        self.rng = rng
        self.spells = spells
        self.base_anc = rng.uniform(1.8, 5.0)
        self.base_platelets = rng.uniform(110, 320)
        rules = load_label_rules()
        self.hold_below = {NEUTROPENIA: rules.anc_below, THROMBOCYTOPENIA: rules.platelets_below}
        self.grade_below = {count_type: grade_bounds(count_type) for count_type in COUNT_TYPES}

    def draw(self, day: date) -> CountResult:
        rng = self.rng
        anc_floor = self.grade_below[NEUTROPENIA][3] + 0.05
        platelets_floor = self.grade_below[THROMBOCYTOPENIA][3] + 5
        # Outside spells: grade 2 at worst.
        values = {
            NEUTROPENIA: round(max(anc_floor, self.base_anc * rng.uniform(0.55, 1.3)), 2),
            THROMBOCYTOPENIA: float(
                round(max(platelets_floor, self.base_platelets * rng.uniform(0.55, 1.2)))
            ),
        }
        for count_type in COUNT_TYPES:
            low = self._spell_value(count_type, day)
            if low is not None:
                values[count_type] = low
        return CountResult(day, values[NEUTROPENIA], values[THROMBOCYTOPENIA])

    def _spell_value(self, count_type: str, day: date) -> float | None:
        """The count of a spell on ``day``, or None when no spell of this count is on."""
        spells = [spell for spell in self.spells if spell.count_type == count_type]
        current = next((spell for spell in spells if spell.active), None)
        if current is not None:
            assert current.onset is not None
            if day < current.onset + timedelta(days=current.days):
                return self._still_low(count_type)
            current.back_on = day
            return None
        for spell in spells:
            if spell.onset is None and spell.armed_on is not None and spell.armed_on <= day:
                spell.onset = day
                spell.onset_value = self._of_grade(count_type, spell.grade)
                spell.below_hold = spell.onset_value < self.hold_below[count_type]
                if not spell.below_hold:
                    # Grade 3 yet above the hold threshold (platelets 30-49): one count only.
                    spell.days = 0
                return spell.onset_value
        return None

    def _of_grade(self, count_type: str, grade: int) -> float:
        """A count in the band of grade 3 or 4; grade 4 nadirs go down to a tenth of the
        grade 4 bound."""
        below, step = self.grade_below[count_type], _STEP[count_type]
        upper = round(below[grade] / step)  # exclusive: the bound itself is the milder grade
        lower = round(below[4] / step / (10 if grade == 4 else 1))
        return round(self.rng.randint(lower, upper - 1) * step, 6)

    def _still_low(self, count_type: str) -> float:
        """A follow-up count of a spell: below the hold threshold, never worse than grade 3."""
        step = _STEP[count_type]
        lower = round(self.grade_below[count_type][4] / step)
        upper = max(lower + 1, round(self.hold_below[count_type] / step))
        return round(self.rng.randint(lower, upper - 1) * step, 6)
