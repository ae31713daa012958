"""When blood counts are due, by cycle day, from ``resources/monitoring.toml``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from tracker.resources import load_toml


@dataclass(frozen=True)
class _Run:
    from_cycle: int
    to_cycle: int | None
    days: tuple[int, ...]

    def covers(self, cycle: int) -> bool:
        return cycle >= self.from_cycle and (self.to_cycle is None or cycle <= self.to_cycle)


@dataclass(frozen=True)
class CountSchedule:
    source: str
    runs: tuple[_Run, ...]
    while_interrupted_every_days: int
    accepted_days_before: int
    start_counts_max_age_days: int
    # Each cycle's count days as offsets from its start, worked out once: Today asks for
    # every cycle of thousands of courses.
    _offsets: dict[int, tuple[timedelta, ...]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def cycle_days(self, cycle: int) -> tuple[int, ...]:
        """The days of ``cycle`` a blood count is due."""
        for run in self.runs:
            if run.covers(cycle):
                return run.days
        return ()

    def due_dates(self, cycle: int, cycle_start: date) -> list[date]:
        offsets = self._offsets.get(cycle)
        if offsets is None:
            offsets = tuple(timedelta(days=day - 1) for day in self.cycle_days(cycle))
            self._offsets[cycle] = offsets
        return [cycle_start + offset for offset in offsets]


@cache
def count_schedule() -> CountSchedule:
    data = load_toml("monitoring.toml")
    counts = data["blood_counts"]
    clinic = data.get("clinic", {})
    return CountSchedule(
        source=data["source"],
        runs=tuple(
            _Run(int(run["from_cycle"]), run.get("to_cycle"), tuple(int(d) for d in run["days"]))
            for run in counts["schedule"]
        ),
        while_interrupted_every_days=int(counts["while_interrupted_every_days"]),
        accepted_days_before=int(clinic.get("count_accepted_days_before", 0)),
        start_counts_max_age_days=int(clinic.get("start_counts_max_age_days", 7)),
    )
