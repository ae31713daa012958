"""What stands in the way of starting a cycle or a course on a day: the latest counts must
be recorded, recent and not below the label's hold thresholds, and lenalidomide must not be
interrupted. Anything else needs a clinician's override reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tracker.domain.grading import NEUTROPENIA, THROMBOCYTOPENIA
from tracker.domain.label_rules import load_label_rules
from tracker.domain.treatment.drops import number_text, reading_text
from tracker.domain.treatment.history import (
    COUNT_TYPES,
    CountResult,
    CourseHistory,
    Interruption,
    Reading,
)
from tracker.domain.treatment.monitoring import count_schedule


@dataclass(frozen=True)
class StartCheck:
    """What the label and the clinic's rules say about starting treatment on a day.

    ``problems`` empty: start as planned. Otherwise each is one reason in words, and the
    start needs a clinician's override reason.
    """

    on: date
    anc: Reading | None
    platelets: Reading | None
    problems: tuple[str, ...]

    @property
    def needs_override(self) -> bool:
        return bool(self.problems)

    def counts_text(self) -> str:
        parts = [
            reading_text(reading) if reading else f"no {name} recorded"
            for name, reading in (("ANC", self.anc), ("platelets", self.platelets))
        ]
        return "; ".join(parts)


def _latest(counts: Sequence[CountResult], count_type: str, on: date) -> Reading | None:
    for count in sorted(counts, key=lambda c: c.on, reverse=True):
        value = count.value(count_type)
        if count.on <= on and value is not None:
            return Reading(count_type, count.on, value)
    return None


def start_check(
    counts: Sequence[CountResult],
    on: date,
    *,
    interruption: Interruption | None = None,
    max_age_days: int | None = None,
) -> StartCheck:
    """Can treatment start on ``on``? The latest counts must be recorded, recent, and not
    below the hold thresholds, and lenalidomide must not be interrupted."""
    rules = load_label_rules()
    limit = count_schedule().start_counts_max_age_days if max_age_days is None else max_age_days
    readings = {count_type: _latest(counts, count_type, on) for count_type in COUNT_TYPES}
    problems = []
    for count_type, reading in readings.items():
        name = "ANC" if count_type == NEUTROPENIA else "platelet count"
        if reading is None:
            problems.append(f"no {name} is recorded")
            continue
        if rules.is_low(count_type, reading.value):
            threshold = number_text(rules.hold_below(count_type))
            problems.append(f"{reading_text(reading)} is below the hold threshold {threshold}")
        age = (on - reading.on).days
        if age > limit:
            problems.append(f"the latest {name} is {age} days old (more than {limit})")
    if interruption is not None:
        problems.append(
            f"lenalidomide is interrupted since {interruption.start.isoformat()}"
            + (f" ({interruption.reason})" if interruption.reason else "")
            + " and no resume is recorded"
        )
    return StartCheck(on, readings[NEUTROPENIA], readings[THROMBOCYTOPENIA], tuple(problems))


def cycle_start_check(
    history: CourseHistory, on: date, *, resuming: bool = False, max_age_days: int | None = None
) -> StartCheck:
    """``start_check`` for the next cycle of the course; ``resuming``: the start records the
    resume, so an open interruption is not in the way."""
    interruption = None if resuming else history.interruption_on(on)
    return start_check(history.counts, on, interruption=interruption, max_age_days=max_age_days)
