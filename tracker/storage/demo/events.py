"""The adverse events of a demo course: low-count spells as the counts showed them, and
venous thromboembolism graded by CTCAE v5.0.

The cohort's VTE rate is the trial's, whose grading (NCI CTC v2.0) made a deep-vein
thrombosis that needed anticoagulation grade 3 and an embolism grade 4. The same clots are
graded here as CTCAE v5.0 grades them (``shared/domain.md``): a DVT treated with
anticoagulation is grade 2 (medical intervention indicated), a pulmonary embolism grade 3
(urgent intervention), or grade 4 with haemodynamic instability. For a grade 3-4 event the
resolution date is the day it is back to grade 2 or less, as the label's restart rule reads it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from tracker.domain.grading import VTE, term_name
from tracker.domain.label_rules import load_label_rules
from tracker.domain.treatment.history import ToxicityEvent
from tracker.storage.demo.counts import LowSpell

DEEP_VEIN_THROMBOSIS = "Deep vein thrombosis"
PULMONARY_EMBOLISM = "Pulmonary embolism"
PULMONARY_EMBOLISM_SHARE = 0.4
UNSTABLE_EMBOLISM_SHARE = 0.25  # of embolisms: haemodynamic instability, grade 4


@dataclass
class DemoEvent:
    """An event as it will be stored; ``held``/``reduced`` say what lenalidomide did."""

    event_type: str
    grade: int
    term: str
    onset: date
    resolved: date | None = None
    spell: LowSpell | None = None
    note: str = "synthetic"
    calls_for_hold: bool = False  # a finding the label holds lenalidomide for
    held: bool = False
    reduced: bool = False

    @classmethod
    def of_spell(cls, spell: LowSpell) -> DemoEvent:
        assert spell.onset is not None
        return cls(
            spell.count_type,
            spell.grade,
            term_name(spell.count_type),
            spell.onset,
            spell=spell,
            calls_for_hold=spell.below_hold,
        )

    def resolved_by(self, today: date) -> date | None:
        """The resolution as known on ``today`` (a later one has not happened yet)."""
        return self.resolved if self.resolved is not None and self.resolved <= today else None

    def fact(self, today: date) -> ToxicityEvent:
        return ToxicityEvent(
            self.event_type, self.grade, self.onset, self.resolved_by(today), self.term
        )

    @property
    def action(self) -> str:
        return "reduced" if self.reduced else "held" if self.held else "none"


@dataclass
class PlannedClot:
    """A clot that needed treatment, due in cycle ``cycle`` (placed when that cycle starts)."""

    grade: int
    term: str
    cycle: int
    onset: date | None = None
    resolved: date | None = None

    @classmethod
    def drawn(cls, rng: random.Random, cycle: int) -> PlannedClot:
        if rng.random() < PULMONARY_EMBOLISM_SHARE:
            grade = 4 if rng.random() < UNSTABLE_EMBOLISM_SHARE else 3
            return cls(grade, PULMONARY_EMBOLISM, cycle)
        return cls(2, DEEP_VEIN_THROMBOSIS, cycle)

    def place(self, cycle_start: date, rng: random.Random, today: date) -> None:
        """Onset between days 8 and 21 of the cycle, never after today. A grade 2 DVT
        resolves when anticoagulation ends; an embolism is back to grade 2 (stable on
        anticoagulation) after one to three weeks."""
        self.onset = min(cycle_start + timedelta(days=rng.randint(7, 20)), today)
        lasts = rng.randint(60, 180) if self.grade < 3 else rng.randint(7, 21)
        self.resolved = self.onset + timedelta(days=lasts)

    def event(self) -> DemoEvent:
        assert self.onset is not None
        return DemoEvent(
            VTE,
            self.grade,
            self.term,
            self.onset,
            self.resolved,
            note="synthetic; anticoagulation started",
            calls_for_hold=self.grade >= load_label_rules().other_hold_from_grade,
        )
