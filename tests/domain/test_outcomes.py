"""Each course's outcome (best response, progression, censoring) and the clinic's outcome
statistics against MM-010."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from scipy.stats import binomtest

from tracker.domain.errors import DomainError
from tracker.domain.outcome_statistics import outcome_statistics
from tracker.domain.outcomes import (
    NOT_ASSESSED,
    Assessment,
    course_outcome,
    overall_survival,
    progression_of,
    summarise_assessments,
    time_to_progression,
)
from tracker.domain.references import load_reference
from tracker.domain.survival import Observation

START = date(2026, 1, 5)
MM010 = load_reference("mm010")
TRIAL, PLACEBO = MM010.arm("lenalidomide"), MM010.arm("placebo")


def day(offset: int) -> date:
    return START + timedelta(days=offset)


def test_assessments_give_the_best_response_first_progression_and_last_date():
    summary = summarise_assessments(
        [
            Assessment(day(56), "PR"),
            Assessment(day(112), "VGPR"),
            Assessment(day(168), "CR"),
            Assessment(day(224), "PD", day(210)),
            Assessment(day(252), "PD"),
        ]
    )
    assert summary == (  # best, first progression (its date, not the visit's), last
        "CR",
        day(210),
        day(252),
    )
    # A PD assessment without a date progresses on the day of the assessment.
    assert summarise_assessments([Assessment(day(56), "SD"), Assessment(day(112), "PD")]) == (
        "SD",
        day(112),
        day(112),
    )
    assert summarise_assessments([]) == (None, None, None)
    with pytest.raises(DomainError, match="'nCR' is not an IMWG response"):
        summarise_assessments([Assessment(day(56), "nCR")])


# -- the censoring rules of time to progression ----------------------------------------------


def test_a_progression_is_an_event_at_its_date():
    outcome = course_outcome(1, START, [Assessment(day(56), "PR"), Assessment(day(140), "PD")])
    assert time_to_progression(outcome) == Observation(140, True)


def test_no_progression_is_censored_at_the_last_assessment():
    outcome = course_outcome(1, START, [Assessment(day(56), "PR"), Assessment(day(112), "VGPR")])
    assert time_to_progression(outcome) == Observation(112, False)


def test_a_death_without_progression_is_censored_at_the_last_assessment():
    outcome = course_outcome(
        1,
        START,
        [Assessment(day(56), "PR")],
        end_date=day(90),
        end_reason="death",
        date_of_death=day(90),
    )
    assert time_to_progression(outcome) == Observation(56, False)
    assert overall_survival(outcome) == Observation(90, True)


def test_an_end_for_toxicity_is_censored_at_the_last_assessment():
    outcome = course_outcome(
        1, START, [Assessment(day(56), "SD")], end_date=day(80), end_reason="toxicity"
    )
    assert time_to_progression(outcome) == Observation(56, False)


def test_a_course_with_no_assessment_yet_adds_nothing():
    outcome = course_outcome(1, START)
    assert time_to_progression(outcome) is None
    ended = course_outcome(1, START, end_date=day(20), end_reason="toxicity")
    assert time_to_progression(ended) is None


def test_an_end_for_progression_is_a_progression_when_none_was_recorded_earlier():
    unassessed = course_outcome(1, START, end_date=day(70), end_reason="progression")
    assert progression_of(unassessed) == day(70)
    assert time_to_progression(unassessed) == Observation(70, True)
    # Recorded earlier than the end: the recorded date.
    recorded = course_outcome(
        1, START, [Assessment(day(60), "PD")], end_date=day(70), end_reason="progression"
    )
    assert time_to_progression(recorded) == Observation(60, True)


def test_overall_survival_is_censored_at_the_last_date_known_alive():
    outcome = course_outcome(1, START, [Assessment(day(56), "PR")], last_known_alive=day(300))
    assert overall_survival(outcome) == Observation(300, False)
    assert overall_survival(course_outcome(1, START)) == Observation(0, False)
    with pytest.raises(DomainError, match="after its date of death"):
        overall_survival(course_outcome(7, START, date_of_death=day(-3)))


# -- the statistics ---------------------------------------------------------------------------


def cohort() -> list:
    """Ten courses: responses CR, sCR, VGPR, PR, PR, SD, PD, MR, and two never assessed."""
    outcomes = []
    plans = [
        ("CR", None),
        ("sCR", None),
        ("VGPR", 300),
        ("PR", 200),
        ("PR", None),
        ("SD", 150),
        ("PD", 60),
        ("MR", None),
    ]
    for number, (best, progression) in enumerate(plans, start=1):
        assessments = [Assessment(day(56), best if best != "PD" else "SD")]
        if best != "PD":
            assessments.append(Assessment(day(112), best))
        if progression is not None:
            assessments.append(Assessment(day(progression), "PD"))
        outcomes.append(course_outcome(number, START + timedelta(days=number), assessments))
    outcomes.append(course_outcome(9, START + timedelta(days=9)))
    outcomes.append(course_outcome(10, START + timedelta(days=10), end_date=day(40),
                                   end_reason="toxicity"))  # fmt: skip
    return outcomes


def test_response_rates_by_intention_to_treat_with_exact_intervals_and_tests():
    stats = outcome_statistics(cohort(), trial_arm=TRIAL, placebo_arm=PLACEBO)
    assert stats.courses == 10
    assert stats.best_responses == {
        "sCR": 1, "CR": 1, "VGPR": 1, "PR": 2, "MR": 1, "SD": 2, "PD": 0, NOT_ASSESSED: 2,
    }  # fmt: skip
    response, complete = stats.response, stats.complete_response
    assert (response.responders, response.courses, response.rate) == (5, 10, 0.5)
    assert (complete.responders, complete.courses, complete.rate) == (2, 10, 0.2)
    for rate, reference, placebo in ((response, 0.602, 0.24), (complete, 0.159, 0.034)):
        test = binomtest(rate.responders, rate.courses, reference)
        interval = test.proportion_ci(confidence_level=0.95, method="exact")
        assert (rate.ci_low, rate.ci_high) == pytest.approx((interval.low, interval.high))
        assert rate.p_value == pytest.approx(test.pvalue)
        assert rate.reference_rate == pytest.approx(reference)
        assert rate.placebo_reference_rate == pytest.approx(placebo)


def test_time_to_progression_counts_and_the_trial_medians():
    stats = outcome_statistics(cohort(), trial_arm=TRIAL, placebo_arm=PLACEBO)
    ttp = stats.ttp
    # Eight assessed courses: four progressed, four censored; two add nothing.
    assert (ttp.curve.subjects, ttp.curve.event_count, ttp.curve.censored_count) == (8, 4, 4)
    assert ttp.not_counted == 2
    assert (ttp.reference_median_months, ttp.placebo_reference_median_months) == (11.3, 4.7)
    # Days from each course's start: progressions on 53, 144, 196 and 297; censored on 104,
    # 107, 110 and 111. The curve: 7/8 after day 53, x 2/3 after 144 (0.583), x 1/2 after 196.
    assert ttp.curve.times == (53, 104, 107, 110, 111, 144, 196, 297)
    assert ttp.curve.survival == pytest.approx([7 / 8] * 5 + [7 / 12, 7 / 24, 0])
    data = ttp.as_json()
    assert data["median_months"] == pytest.approx(196 / 30.4375)
    assert (data["n"], data["events"], data["censored"]) == (8, 4, 4)
    # No death recorded: overall survival has no event and no median.
    assert stats.os.curve.event_count == 0 and stats.os.median_months is None
    assert stats.os.reference_median_months is None  # MM-010's abstract gives a hazard ratio


def test_the_period_keeps_the_courses_started_in_it():
    stats = outcome_statistics(
        cohort(), trial_arm=TRIAL, period_from=START + timedelta(days=3),
        period_to=START + timedelta(days=8),
    )  # fmt: skip
    assert stats.courses == 6
    assert stats.period_text == "courses started 2026-01-08 to 2026-01-13"
    assert stats.response.placebo_reference_rate is None
    with pytest.raises(DomainError, match="after its end"):
        outcome_statistics([], trial_arm=TRIAL, period_from=day(5), period_to=day(1))


def test_no_course_no_rate():
    stats = outcome_statistics([], trial_arm=TRIAL, placebo_arm=PLACEBO)
    assert stats.courses == 0
    assert stats.response.rate is None and stats.response.ci_low is None
    assert stats.response.p_value is None
    assert stats.ttp.median_months is None and stats.ttp.curve.subjects == 0
