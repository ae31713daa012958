"""Reading a course's counts and events the way the label's rules need them.

A *drop* of a count is a result below its hold threshold whose previous result of that count
in the course was not below it. Drops are counted per count over the whole course, so a first
ANC drop stays "first" after any number of platelet drops, and the reverse. A count that dips
again while the interruption it caused is still open is the same drop: nothing was resumed in
between.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker.domain.label_rules import LabelRules
from tracker.domain.regimen import LENALIDOMIDE
from tracker.domain.treatment.history import (
    COUNT_NAMES,
    COUNT_TYPES,
    CourseHistory,
    Interruption,
    Reading,
    ToxicityEvent,
)


@dataclass(frozen=True)
class Drop:
    """A count below its hold threshold, from ``start`` until ``recovered_on`` (None: not
    back yet, or not measured since). ``ordinal`` 1 is the first drop of that count."""

    count_type: str
    start: date
    ordinal: int
    lowest: float
    recovered_on: date | None = None

    @property
    def name(self) -> str:
        return COUNT_NAMES[self.count_type]

    def overlaps(self, first: date, last: date) -> bool:
        return self.start <= last and (self.recovered_on is None or self.recovered_on > first)


def number_text(value: float) -> str:
    """1.0 stays '1.0' (as the label writes the ANC threshold), 30.0 becomes '30'."""
    return f"{value:.1f}" if value < 10 and float(value).is_integer() else f"{value:g}"


def reading_text(reading: Reading) -> str:
    return f"{reading.name} {number_text(reading.value)} x10^9/L on {reading.on.isoformat()}"


def _same_episode(interruptions: tuple[Interruption, ...], recovered: date, again: date) -> bool:
    """A dip after a recovery is the same drop when an interruption ran through both."""
    return any(
        i.drug == LENALIDOMIDE and i.start <= recovered and (i.end is None or i.end > again)
        for i in interruptions
    )


def find_drops(history: CourseHistory, until: date, rules: LabelRules) -> list[Drop]:
    """Every drop of ANC and platelets in the course up to ``until``, oldest first."""
    drops: list[Drop] = []
    for count_type in COUNT_TYPES:
        of_type: list[Drop] = []
        was_low = False
        below = rules.hold_below(count_type)  # ``rules.is_low``, looked up once per count
        for count in history.counts:
            if count.on > until:
                break
            value = count.value(count_type)
            if value is None or count.on < history.start:
                continue
            low = value < below
            if low and not was_low:
                last = of_type[-1] if of_type else None
                if last is not None and last.recovered_on is not None and _same_episode(
                    history.interruptions, last.recovered_on, count.on
                ):
                    of_type[-1] = Drop(
                        count_type, last.start, last.ordinal, min(last.lowest, value)
                    )
                else:
                    of_type.append(Drop(count_type, count.on, len(of_type) + 1, value))
            elif low and of_type:
                last = of_type[-1]
                of_type[-1] = Drop(count_type, last.start, last.ordinal, min(last.lowest, value))
            elif not low and was_low:
                last = of_type[-1]
                of_type[-1] = Drop(count_type, last.start, last.ordinal, last.lowest, count.on)
            was_low = low
        drops.extend(of_type)
    return sorted(drops, key=lambda drop: (drop.start, drop.count_type))


def other_toxicities(history: CourseHistory, until: date, rules: LabelRules) -> list[ToxicityEvent]:
    """Grade 3-4 toxicities other than low counts, begun in the course by ``until``."""
    return [
        event
        for event in history.events
        if event.event_type not in COUNT_TYPES
        and rules.other_hold_from_grade <= event.grade < 5
        and history.start <= event.onset <= until
    ]
