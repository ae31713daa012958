"""The clinic's outcomes against a trial: overall and complete response with exact intervals
and binomial tests, and Kaplan-Meier estimates of time to progression and overall survival
with their medians.

The rules of each number are ``tracker.domain.outcomes``'s; the response rates are by
intention to treat (every course started in the period in the denominator, a course with no
assessment a non-responder) and tested against the trial arm's published rate with an exact
two-sided binomial test; intervals are Clopper-Pearson. Medians and their intervals are
``tracker.domain.survival``'s.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from tracker.domain.exact_tests import binomial_p_value, clopper_pearson
from tracker.domain.outcomes import (
    COMPLETE_RESPONSES,
    IMWG_RESPONSES,
    NOT_ASSESSED,
    OVERALL_RESPONSES,
    CourseOutcome,
    overall_survival,
    time_to_progression,
)
from tracker.domain.periods import check_period, period_text
from tracker.domain.references import ReferenceArm
from tracker.domain.survival import SurvivalCurve, kaplan_meier, months

OVERALL_RESPONSE = "response"
COMPLETE_RESPONSE = "complete_response"


@dataclass(frozen=True)
class ResponseRate:
    """Courses whose best response counts for ``measure`` (overall or complete response),
    among every course in the period."""

    measure: str
    responders: int
    courses: int
    rate: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    reference_rate: float | None
    placebo_reference_rate: float | None

    @property
    def fraction_text(self) -> str:
        return f"{self.responders}/{self.courses}"

    def as_json(self) -> dict[str, float | int | None]:
        return {
            "n": self.courses,
            "responders": self.responders,
            "rate": self.rate,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "p_value": self.p_value,
            "reference_rate": self.reference_rate,
            "placebo_reference_rate": self.placebo_reference_rate,
        }


@dataclass(frozen=True)
class TimeToEvent:
    """A Kaplan-Meier estimate over the courses that add to it, and the trial's medians."""

    curve: SurvivalCurve
    not_counted: int
    reference_median_months: float | None
    placebo_reference_median_months: float | None

    @property
    def median_months(self) -> float | None:
        return months(self.curve.median.point)

    @property
    def median_ci_months(self) -> tuple[float | None, float | None]:
        return months(self.curve.median.low), months(self.curve.median.high)

    def as_json(self) -> dict[str, float | int | None]:
        low, high = self.median_ci_months
        return {
            "n": self.curve.subjects,
            "events": self.curve.event_count,
            "censored": self.curve.censored_count,
            "not_counted": self.not_counted,
            "median_months": self.median_months,
            "median_ci_low": low,
            "median_ci_high": high,
            "reference_median_months": self.reference_median_months,
            "placebo_reference_median_months": self.placebo_reference_median_months,
        }


@dataclass(frozen=True)
class OutcomeStatistics:
    courses: int
    period_from: date | None
    period_to: date | None
    confidence: float
    best_responses: dict[str, int]
    response: ResponseRate
    complete_response: ResponseRate
    ttp: TimeToEvent
    os: TimeToEvent
    trial_arm: ReferenceArm
    placebo_arm: ReferenceArm | None

    @property
    def period_text(self) -> str:
        """'courses started 2025-01-01 to 2025-06-30', or 'all courses' with no limits."""
        return period_text(self.period_from, self.period_to)


def check_request(
    period_from: date | None, period_to: date | None, confidence: float = 0.95
) -> None:
    """Refuse a period that ends before it starts, or an impossible confidence level."""
    check_period(period_from, period_to, confidence)


def outcome_statistics(
    outcomes: Iterable[CourseOutcome],
    *,
    trial_arm: ReferenceArm,
    placebo_arm: ReferenceArm | None = None,
    period_from: date | None = None,
    period_to: date | None = None,
    confidence: float = 0.95,
) -> OutcomeStatistics:
    """Response, time to progression and overall survival of the courses started from
    ``period_from`` to ``period_to`` (both inclusive, either open), against ``trial_arm``."""
    check_request(period_from, period_to, confidence)
    counted = [
        outcome
        for outcome in outcomes
        if (period_from is None or outcome.start >= period_from)
        and (period_to is None or outcome.start <= period_to)
    ]
    best = dict.fromkeys((*IMWG_RESPONSES, NOT_ASSESSED), 0)
    progression_times = []
    for outcome in counted:
        best[outcome.best_response or NOT_ASSESSED] += 1
        observed = time_to_progression(outcome)
        if observed is not None:
            progression_times.append(observed)
    survival_times = [overall_survival(outcome) for outcome in counted]
    courses = len(counted)

    def rate(measure: str, responses: frozenset[str]) -> ResponseRate:
        return _response_rate(
            measure,
            sum(best[response] for response in responses),
            courses,
            confidence,
            trial_arm,
            placebo_arm,
        )

    trial, placebo = trial_arm.efficacy, placebo_arm.efficacy if placebo_arm else None
    return OutcomeStatistics(
        courses=courses,
        period_from=period_from,
        period_to=period_to,
        confidence=confidence,
        best_responses=best,
        response=rate(OVERALL_RESPONSE, OVERALL_RESPONSES),
        complete_response=rate(COMPLETE_RESPONSE, COMPLETE_RESPONSES),
        ttp=TimeToEvent(
            kaplan_meier(progression_times, confidence),
            courses - len(progression_times),
            trial.median_ttp_months,
            placebo.median_ttp_months if placebo else None,
        ),
        os=TimeToEvent(
            kaplan_meier(survival_times, confidence),
            0,
            trial.median_os_months,
            placebo.median_os_months if placebo else None,
        ),
        trial_arm=trial_arm,
        placebo_arm=placebo_arm,
    )


def _response_rate(
    measure: str,
    responders: int,
    courses: int,
    confidence: float,
    trial_arm: ReferenceArm,
    placebo_arm: ReferenceArm | None,
) -> ResponseRate:
    def published(arm: ReferenceArm | None) -> float | None:
        if arm is None:
            return None
        efficacy = arm.efficacy
        return (
            efficacy.response_rate
            if measure == OVERALL_RESPONSE
            else efficacy.complete_response_rate
        )

    expected = published(trial_arm)
    interval = clopper_pearson(responders, courses, confidence)
    return ResponseRate(
        measure=measure,
        responders=responders,
        courses=courses,
        rate=responders / courses if courses else None,
        ci_low=interval[0] if interval else None,
        ci_high=interval[1] if interval else None,
        p_value=binomial_p_value(responders, courses, expected),
        reference_rate=expected,
        placebo_reference_rate=published(placebo_arm),
    )
