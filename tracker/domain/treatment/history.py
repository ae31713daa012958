"""What the engine reads: a course's history as plain, ordered facts.

Counts are in x10^9/L. Dates are ``datetime.date``. Storage builds these from its rows; tests
build them by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import NamedTuple

from tracker.domain.calendar import LevelChange
from tracker.domain.grading import COUNT_EVENT_TYPES, NEUTROPENIA, THROMBOCYTOPENIA
from tracker.domain.regimen import LENALIDOMIDE, Regimen
from tracker.domain.treatment.rems_facts import RemsFacts

COUNT_TYPES = COUNT_EVENT_TYPES
COUNT_NAMES = {NEUTROPENIA: "ANC", THROMBOCYTOPENIA: "platelets"}
DEATH_GRADE = 5


class CountResult(NamedTuple):
    """One blood count: ANC and platelets in x10^9/L (None: not measured).

    A named tuple: a clinic's Today reads tens of thousands of these, and a tuple is made
    several times faster than a frozen dataclass."""

    on: date
    anc: float | None = None
    platelets: float | None = None

    def value(self, count_type: str) -> float | None:
        return self.anc if count_type == NEUTROPENIA else self.platelets

    @property
    def measured(self) -> bool:
        """A blood count: ANC or platelets (a creatinine-only result is not one)."""
        return self.anc is not None or self.platelets is not None


@dataclass(frozen=True)
class Reading:
    """The latest value of one count: what it was and when."""

    count_type: str
    on: date
    value: float

    @property
    def name(self) -> str:
        return COUNT_NAMES[self.count_type]


@dataclass(frozen=True)
class ToxicityEvent:
    """A logged adverse event. ``resolved`` None: still open (for the label, resolution means
    back to grade 2 or less)."""

    event_type: str
    grade: int
    onset: date
    resolved: date | None = None
    term: str | None = None

    def open_on(self, day: date) -> bool:
        return self.onset <= day and (self.resolved is None or self.resolved > day)

    @property
    def name(self) -> str:
        names = {NEUTROPENIA: "neutropenia", THROMBOCYTOPENIA: "thrombocytopenia", "vte": "VTE"}
        return names.get(self.event_type) or self.term or self.event_type


@dataclass(frozen=True)
class Interruption:
    """``drug`` is interrupted from ``start``; ``end`` is the first day it is given again
    (None: still interrupted). ``resume_level`` is the level chosen at the resume."""

    drug: str
    start: date
    end: date | None = None
    reason: str = ""
    resume_level: int | None = None

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True)
class ResponseFact:
    assessed_on: date
    response: str
    progression_date: date | None = None


@dataclass(frozen=True)
class CourseHistory:
    """Everything recorded about one course, in date order.

    ``cycle_starts`` are the actual starts of the cycles begun so far (cycle 1 first).
    ``counts`` and ``events`` are the patient's, from any date: the engine decides which
    belong to the course.
    """

    regimen: Regimen
    start: date
    cycle_starts: tuple[date, ...]
    len_start_level: int = 0
    dex_start_level: int = 0
    len_every_days: int = 1
    level_changes: tuple[LevelChange, ...] = ()
    interruptions: tuple[Interruption, ...] = ()
    counts: tuple[CountResult, ...] = ()
    events: tuple[ToxicityEvent, ...] = ()
    responses: tuple[ResponseFact, ...] = ()
    ended_on: date | None = None
    end_reason: str | None = None
    # The patient's pregnancy prevention (None: not read, as in a history built by hand).
    rems: RemsFacts | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "counts", tuple(sorted(self.counts, key=lambda c: c.on)))
        object.__setattr__(
            self, "level_changes", tuple(sorted(self.level_changes, key=lambda c: c.effective))
        )
        object.__setattr__(
            self, "interruptions", tuple(sorted(self.interruptions, key=lambda i: i.start))
        )

    # -- derived facts -----------------------------------------------------------------
    @property
    def cycle_length(self) -> int:
        return self.regimen.cycle_length_days

    def start_level(self, drug: str) -> int:
        return self.len_start_level if drug == LENALIDOMIDE else self.dex_start_level

    def level_on(self, drug: str, day: date) -> int:
        """The dose level of ``drug`` in force on ``day``: the start level or the latest
        change already effective (changes on the same day apply in the order recorded)."""
        level = self.start_level(drug)
        for change in self.level_changes:
            if change.effective > day:
                break
            if change.drug == drug:
                level = change.level
        return level

    def cycle_on(self, day: date) -> tuple[int, int] | None:
        """(cycle, day of cycle) of a started cycle that ``day`` falls in, else None."""
        for number in range(len(self.cycle_starts), 0, -1):
            begun = self.cycle_starts[number - 1]
            if begun <= day:
                offset = (day - begun).days
                return (number, offset + 1) if offset < self.cycle_length else None
        return None

    @property
    def next_cycle_due(self) -> date:
        """The planned start of the cycle after the last one begun."""
        return self.cycle_starts[-1] + timedelta(days=self.cycle_length)

    def interruption_on(self, day: date, drug: str = LENALIDOMIDE) -> Interruption | None:
        for interruption in reversed(self.interruptions):
            if interruption.drug == drug and interruption.covers(day):
                return interruption
        return None

    def death_on_or_before(self, day: date) -> ToxicityEvent | None:
        return next(
            (e for e in self.events if e.grade >= DEATH_GRADE and e.onset <= day), None
        )

    def progression_on_or_before(self, day: date) -> date | None:
        dates = [
            r.progression_date or r.assessed_on
            for r in self.responses
            if (r.progression_date or r.assessed_on) <= day
            and (r.progression_date is not None or r.response == "PD")
        ]
        return min(dates, default=None)

    def counts_until(self, day: date) -> tuple[CountResult, ...]:
        return tuple(count for count in self.counts if count.on <= day)

    def latest(self, count_type: str, day: date) -> Reading | None:
        for count in reversed(self.counts):
            value = count.value(count_type)
            if count.on <= day and value is not None:
                return Reading(count_type, count.on, value)
        return None

    def with_count(self, count: CountResult) -> CourseHistory:
        """This history with one more count, as if it were recorded (for a form's preview)."""
        return replace(self, counts=(*self.counts, count))


def drugs_interrupted(interruptions: Iterable[Interruption], day: date) -> frozenset[str]:
    return frozenset(i.drug for i in interruptions if i.covers(day))
