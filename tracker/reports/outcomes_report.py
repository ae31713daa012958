"""The clinic's outcomes against MM-010 (response, time to progression, overall survival),
from the database, with the pooled MM-009/010 analysis beside it for reference."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from tracker.domain.outcome_statistics import (
    OutcomeStatistics,
    check_request,
    outcome_statistics,
)
from tracker.domain.outcomes import DEFINITIONS
from tracker.domain.references import (
    LENALIDOMIDE_ARM,
    PLACEBO_ARM,
    ReferenceArm,
    TrialReference,
    load_reference,
)
from tracker.domain.survival import BAND_TEXT
from tracker.storage.database import Store
from tracker.storage.outcomes import course_outcomes

TRIAL_REFERENCE = "mm010"
POOLED_REFERENCE = "mm009-mm010-pooled"
CLINIC_CRITERIA = "IMWG uniform response criteria"


@dataclass(frozen=True)
class OutcomesReport:
    statistics: OutcomeStatistics
    trial: TrialReference
    pooled: TrialReference

    @property
    def trial_arm(self) -> ReferenceArm:
        return self.trial.arm(LENALIDOMIDE_ARM)

    @property
    def placebo_arm(self) -> ReferenceArm:
        return self.trial.arm(PLACEBO_ARM)

    @property
    def references(self) -> tuple[ReferenceArm, ReferenceArm]:
        return self.trial_arm, self.placebo_arm

    def as_json(self) -> dict[str, Any]:
        statistics = self.statistics
        return {
            "courses": statistics.courses,
            "from": _iso(statistics.period_from),
            "to": _iso(statistics.period_to),
            "reference": self.trial.name,
            "confidence": statistics.confidence,
            "best_response": dict(statistics.best_responses),
            "response": statistics.response.as_json(),
            "complete_response": statistics.complete_response.as_json(),
            "ttp": statistics.ttp.as_json(),
            "os": {
                **statistics.os.as_json(),
                "reference_hazard_ratio": self.trial.efficacy.overall_survival_hazard_ratio,
            },
            "criteria": {
                "clinic": CLINIC_CRITERIA,
                "reference": self.trial.efficacy.response_criteria,
            },
            "pooled_reference": _pooled_json(self.pooled),
            "definitions": {**DEFINITIONS, "interval": BAND_TEXT},
        }


def _pooled_json(pooled: TrialReference) -> dict[str, Any]:
    arms = {}
    for name, arm in pooled.arms.items():
        efficacy = arm.efficacy
        arms[name] = {
            "patients": arm.patients,
            "response_rate": efficacy.response_rate,
            "complete_response_rate": efficacy.complete_response_rate,
            "median_ttp_months": efficacy.median_ttp_months,
            "median_os_months": efficacy.median_os_months,
        }
    return {
        "name": pooled.name,
        "citation": pooled.citation,
        "confirmed": pooled.confirmed,
        "arms": arms,
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def outcomes_report(
    store: Store, *, period_from: date | None = None, period_to: date | None = None
) -> OutcomesReport:
    """Outcomes of the courses started in the period, tested against MM-010's Len+Dex arm."""
    trial = load_reference(TRIAL_REFERENCE)
    check_request(period_from, period_to)  # before anything is read
    statistics = outcome_statistics(
        course_outcomes(store, period_from=period_from, period_to=period_to),
        trial_arm=trial.arm(LENALIDOMIDE_ARM),
        placebo_arm=trial.arm(PLACEBO_ARM),
        period_from=period_from,
        period_to=period_to,
    )
    return OutcomesReport(statistics, trial, load_reference(POOLED_REFERENCE))
