"""The blood-count monitoring cadence, read from ``resources/monitoring.toml``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from tracker.resources import load_toml


@dataclass(frozen=True)
class MonitoringCadence:
    early_phase_days: int
    early_interval_days: int
    later_interval_days: int
    confirmed: bool

    def interval_days(self, course_start: date, on: date) -> int:
        """Days allowed between blood counts on ``on`` for a course started ``course_start``."""
        in_early_phase = (on - course_start).days < self.early_phase_days
        return self.early_interval_days if in_early_phase else self.later_interval_days

    def labs_due(self, course_start: date, on: date, last_count: date | None) -> bool:
        if last_count is None:
            return True
        return (on - last_count).days >= self.interval_days(course_start, on)


@cache
def monitoring_cadence() -> MonitoringCadence:
    data = load_toml("monitoring.toml")
    counts = data["blood_counts"]
    return MonitoringCadence(
        early_phase_days=int(counts["early_phase_days"]),
        early_interval_days=int(counts["early_interval_days"]),
        later_interval_days=int(counts["later_interval_days"]),
        confirmed=data.get("status") != "unconfirmed",
    )
