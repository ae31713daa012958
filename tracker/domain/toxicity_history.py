"""What the label's hold/resume rules need to know about a patient's past, and how to read it
from recorded labs, adverse events and lenalidomide dose records.

Records are read by attribute, so storage records or any look-alike work; nothing here
touches a database.

How the record trail is interpreted:
- A hold is the trailing run of 'held' lenalidomide dose records; it started on the first.
- A drop is a count below the label's hold threshold whose previous count of that kind was
  not (or was not there). Earlier drops are those that started before the current hold's
  episode and on or after ``since``: by default the first lenalidomide dose record, so drops
  from an earlier course do not count against this one.
- "Other toxicity" is a grade 3 or higher adverse event other than a low count (the label's
  other-toxicity rule starts at grade 3) that overlaps the current episode; it is
  unresolved while the event has no resolution date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from tracker.domain.grading import COUNT_EVENT_TYPES, NEUTROPENIA, THROMBOCYTOPENIA, to_per_litre_e9
from tracker.domain.label_rules import load_label_rules
from tracker.domain.regimen import LENALIDOMIDE

HELD = "held"


class LabLike(Protocol):
    @property
    def date(self) -> date: ...
    @property
    def anc(self) -> float | None: ...
    @property
    def anc_unit(self) -> str | None: ...
    @property
    def platelets(self) -> float | None: ...
    @property
    def platelets_unit(self) -> str | None: ...


class EventLike(Protocol):
    @property
    def event_type(self) -> str: ...
    @property
    def grade(self) -> int: ...
    @property
    def onset_date(self) -> date: ...
    @property
    def resolution_date(self) -> date | None: ...


class DoseLike(Protocol):
    @property
    def date(self) -> date: ...
    @property
    def drug(self) -> str: ...
    @property
    def status(self) -> str: ...


@dataclass(frozen=True)
class ToxicityHistory:
    """The facts the hold/resume rules depend on besides today's counts.

    ``held_for`` names the counts ('neutropenia', 'thrombocytopenia') that were below the
    hold threshold during the current hold; ``previous_drops`` counts earlier drops of each
    kind in this course. ``starting_level`` None means unknown: a first neutropenia-only
    resume then goes back to the dose in use before the hold.
    """

    held: bool = False
    held_since: date | None = None
    held_for: frozenset[str] = frozenset()
    previous_drops: Mapping[str, int] = field(default_factory=dict)
    other_toxicity: bool = False
    other_unresolved: bool = False
    starting_level: int | None = None

    @property
    def earlier_drops(self) -> int:
        return sum(self.previous_drops.values())


def _counts(lab: LabLike) -> dict[str, float | None]:
    anc = to_per_litre_e9(lab.anc, lab.anc_unit or "10^9/L") if lab.anc is not None else None
    platelets = (
        to_per_litre_e9(lab.platelets, lab.platelets_unit or "10^9/L")
        if lab.platelets is not None
        else None
    )
    return {NEUTROPENIA: anc, THROMBOCYTOPENIA: platelets}


def hold_start(doses: Iterable[DoseLike], drug: str = LENALIDOMIDE) -> date | None:
    """First day of the hold still running: the trailing run of 'held' records."""
    records = sorted((dose for dose in doses if dose.drug == drug), key=lambda dose: dose.date)
    start = None
    for record in reversed(records):
        if record.status != HELD:
            break
        start = record.date
    return start


def _drop_starts(labs: Sequence[LabLike], event_type: str) -> list[date]:
    rules = load_label_rules()
    starts: list[date] = []
    was_low = False
    for lab in labs:
        count = _counts(lab)[event_type]
        if count is None:
            continue
        low = rules.is_low(event_type, count)
        if low and not was_low:
            starts.append(lab.date)
        was_low = low
    return starts


def _episode_start(labs: Sequence[LabLike], held_since: date) -> date:
    """The date of the count that led to the hold: the last one on or before it."""
    before = [lab.date for lab in labs if lab.date <= held_since]
    return before[-1] if before else held_since


def history_from(
    *,
    labs: Iterable[LabLike],
    events: Iterable[EventLike],
    doses: Iterable[DoseLike],
    since: date | None = None,
    starting_level: int | None = None,
) -> ToxicityHistory:
    """The toxicity history of the current course from its records."""
    rules = load_label_rules()
    lenalidomide_doses = [dose for dose in doses if dose.drug == LENALIDOMIDE]
    if since is None and lenalidomide_doses:
        since = min(dose.date for dose in lenalidomide_doses)
    ordered = sorted(labs, key=lambda lab: lab.date)
    held_since = hold_start(lenalidomide_doses)
    episode = _episode_start(ordered, held_since) if held_since else None

    previous: dict[str, int] = {}
    held_for: set[str] = set()
    for event_type in COUNT_EVENT_TYPES:
        starts = _drop_starts(ordered, event_type)
        previous[event_type] = sum(
            1
            for start in starts
            if since is not None and start >= since and (episode is None or start < episode)
        )
        if episode is not None and any(
            rules.is_low(event_type, _counts(lab)[event_type])
            for lab in ordered
            if lab.date >= episode
        ):
            held_for.add(event_type)

    other = [
        event
        for event in events
        if event.event_type not in COUNT_EVENT_TYPES
        and event.grade >= rules.other_hold_from_grade
        and (since is None or event.onset_date >= since)
        and (
            event.resolution_date is None
            or (episode is not None and event.resolution_date >= episode)
        )
    ]
    return ToxicityHistory(
        held=held_since is not None,
        held_since=held_since,
        held_for=frozenset(held_for),
        previous_drops=previous,
        other_toxicity=bool(other),
        other_unresolved=any(event.resolution_date is None for event in other),
        starting_level=starting_level,
    )
