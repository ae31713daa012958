"""The clinic's grade 3-4 rates against the trial, from the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from tracker.domain.references import ReferenceArm, load_reference
from tracker.domain.statistics import (
    COHORT_EVENT_TYPES,
    CohortStatistics,
    rate_definitions,
    statistics_of_counts,
)
from tracker.storage.cohort import count_cohort
from tracker.storage.database import Store

TRIAL_REFERENCE = "mm010"
TRIAL_ARM = "lenalidomide"
PLACEBO_ARM = "placebo"


@dataclass(frozen=True)
class CohortReport:
    statistics: CohortStatistics
    trial_arm: ReferenceArm
    placebo_arm: ReferenceArm

    @property
    def references(self) -> tuple[ReferenceArm, ReferenceArm]:
        return self.trial_arm, self.placebo_arm

    def as_json(self) -> dict[str, Any]:
        events = []
        for event_type in COHORT_EVENT_TYPES:
            rate = self.statistics.rate(event_type)
            events.append(
                {
                    "event": event_type,
                    "patients_with_event": rate.patients_with_event,
                    "rate": rate.rate,
                    "ci_low": rate.ci_low,
                    "ci_high": rate.ci_high,
                    "p_value": rate.p_value,
                    "reference_rate": self.trial_arm.rate(event_type),
                    "placebo_reference_rate": self.placebo_arm.rate(event_type),
                    "events_per_100_cycles": rate.events_per_100_cycles,
                    "grade5_patients": rate.grade5_patients,
                    "from_counts_only": rate.from_counts_only,
                }
            )
        return {
            "patients": self.statistics.patients,
            "cycles": self.statistics.cycles,
            "from": _iso(self.statistics.period_from),
            "to": _iso(self.statistics.period_to),
            "reference": self.trial_arm.trial_name,
            "events": events,
            "definitions": definitions_in_words(),
        }


def definitions_in_words() -> dict[str, str]:
    """How each number of the report is counted, as the report prints it."""
    texts = rate_definitions().texts
    return {
        "denominator": texts["denominator"],
        **{event_type: texts[event_type] for event_type in COHORT_EVENT_TYPES},
        "grade5_patients": texts["grade5"],
        "from_counts_only": texts["from_counts_only"],
        "source": rate_definitions().source,
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def cohort_report(
    store: Store, *, period_from: date | None = None, period_to: date | None = None
) -> CohortReport:
    """Rates of the courses started in the period, tested against the MM-010 lenalidomide arm."""
    reference = load_reference(TRIAL_REFERENCE)
    trial_arm, placebo_arm = reference.arm(TRIAL_ARM), reference.arm(PLACEBO_ARM)
    # SQLite counts the courses; Python adds the exact intervals and tests.
    statistics = statistics_of_counts(
        count_cohort(store, period_from=period_from, period_to=period_to),
        reference=trial_arm,
        period_from=period_from,
        period_to=period_to,
    )
    return CohortReport(statistics, trial_arm, placebo_arm)
