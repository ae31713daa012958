"""Course histories written the way a clinic tells them: by cycle day, for engine tests."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from tracker.domain.calendar import LevelChange
from tracker.domain.regimen import LENALIDOMIDE, load_regimen
from tracker.domain.treatment.history import (
    CountResult,
    CourseHistory,
    Interruption,
    ResponseFact,
    ToxicityEvent,
)

START = date(2027, 1, 4)  # a Monday
CYCLE = 28


def day(cycle: int, day_of_cycle: int, *, delays: int = 0) -> date:
    """The date of a cycle day when every cycle started on time (plus ``delays`` days)."""
    return START + timedelta(days=(cycle - 1) * CYCLE + day_of_cycle - 1 + delays)


@dataclass
class Course:
    """A course being told: add facts, then ``history()``."""

    cycles: int = 1
    len_start_level: int = 0
    starts: dict[int, date] = field(default_factory=dict)
    counts: list[CountResult] = field(default_factory=list)
    interruptions: list[Interruption] = field(default_factory=list)
    changes: list[LevelChange] = field(default_factory=list)
    events: list[ToxicityEvent] = field(default_factory=list)
    responses: list[ResponseFact] = field(default_factory=list)
    ended_on: date | None = None

    def count(self, on: date, anc: float | None = None, platelets: float | None = None) -> Course:
        self.counts.append(CountResult(on, anc, platelets))
        return self

    def interrupt(self, on: date, until: date | None = None, reason: str = "") -> Course:
        self.interruptions.append(Interruption(LENALIDOMIDE, on, until, reason))
        return self

    def resume(self, on: date, level: int | None = None) -> Course:
        last = self.interruptions[-1]
        self.interruptions[-1] = replace(last, end=on, resume_level=level)
        if level is not None:
            self.changes.append(LevelChange(on, LENALIDOMIDE, level))
        return self

    def level(self, on: date, level: int) -> Course:
        self.changes.append(LevelChange(on, LENALIDOMIDE, level))
        return self

    def event(
        self, kind: str, grade: int, onset: date, resolved: date | None = None
    ) -> Course:
        self.events.append(ToxicityEvent(kind, grade, onset, resolved, None))
        return self

    def history(self) -> CourseHistory:
        starts = [self.starts.get(number, day(number, 1)) for number in range(1, self.cycles + 1)]
        for number in range(2, self.cycles + 1):
            # A delayed cycle moves every later start.
            starts[number - 1] = max(starts[number - 1], starts[number - 2] + timedelta(CYCLE))
        return CourseHistory(
            regimen=load_regimen(),
            start=START,
            cycle_starts=tuple(starts),
            len_start_level=self.len_start_level,
            level_changes=tuple(self.changes),
            interruptions=tuple(self.interruptions),
            counts=tuple(self.counts),
            events=tuple(self.events),
            responses=tuple(self.responses),
            ended_on=self.ended_on,
            end_reason="toxicity" if self.ended_on else None,
        )
