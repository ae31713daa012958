"""Kaplan-Meier curves, bands and medians: a small curve worked out by hand, and a published
worked example."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from scipy.stats import norm

from tracker.domain.errors import DomainError
from tracker.domain.survival import (
    DAYS_PER_MONTH,
    NOT_REACHED,
    Observation,
    kaplan_meier,
    months,
)

Z = norm.ppf(0.975)

# Nine courses: progression on days 2, 4, 4, 7 and 10; censored on days 3, 4, 8 and 12. Day 4
# has two progressions and a censoring (the censored course is still at risk on day 4).
HAND = [
    *(Observation(days, True) for days in (2, 4, 4, 7, 10)),
    *(Observation(days, False) for days in (3, 4, 8, 12)),
]
# Worked out by hand, time by time: (day, at risk, events, censored, survival after it).
HAND_STEPS = [
    (2, 9, 1, 0, Fraction(8, 9)),
    (3, 8, 0, 1, Fraction(8, 9)),
    (4, 7, 2, 1, Fraction(8, 9) * Fraction(5, 7)),  # 40/63
    (7, 4, 1, 0, Fraction(40, 63) * Fraction(3, 4)),  # 10/21
    (8, 3, 0, 1, Fraction(10, 21)),
    (10, 2, 1, 0, Fraction(10, 21) * Fraction(1, 2)),  # 5/21
    (12, 1, 0, 1, Fraction(5, 21)),
]


def log_log_band(survival: float, greenwood_sum: float) -> tuple[float, float]:
    """The 95% log-log ("exponential Greenwood") interval of a survival probability, from
    the textbook formula: S ** exp(+-z * sqrt(sum d / (n (n - d))) / |log S|)."""
    spread = Z * math.sqrt(greenwood_sum) / abs(math.log(survival))
    return survival ** math.exp(spread), survival ** math.exp(-spread)


def test_a_curve_with_ties_and_censoring_step_by_step():
    curve = kaplan_meier(HAND)
    assert curve.times == tuple(float(step[0]) for step in HAND_STEPS)
    assert curve.at_risk == tuple(step[1] for step in HAND_STEPS)
    assert curve.events == tuple(step[2] for step in HAND_STEPS)
    assert curve.censored == tuple(step[3] for step in HAND_STEPS)
    assert curve.survival == pytest.approx([float(step[4]) for step in HAND_STEPS], abs=1e-12)
    assert (curve.subjects, curve.event_count, curve.censored_count) == (9, 5, 4)

    # The band, step by step, from Greenwood's sum of d / (n (n - d)) over the events so far.
    greenwood = 0.0
    for index, (_, at_risk, events, _, survival) in enumerate(HAND_STEPS):
        if events:
            greenwood += events / (at_risk * (at_risk - events))
        low, high = log_log_band(float(survival), greenwood)
        assert curve.band_low[index] == pytest.approx(low, rel=1e-9)
        assert curve.band_high[index] == pytest.approx(high, rel=1e-9)

    # Between steps the curve keeps its value; before the first event it is 1.
    assert curve.survival_at(0) == 1 and curve.survival_at(1.9) == 1
    assert curve.survival_at(5) == pytest.approx(40 / 63)
    assert curve.survival_at(100) == pytest.approx(5 / 21)
    # Numbers at risk: everyone followed at least that long.
    assert [curve.at_risk_at(day) for day in (0, 2, 3, 4, 5, 8, 9, 12, 13)] == [
        9, 9, 8, 7, 4, 3, 2, 1, 0,
    ]  # fmt: skip
    # Censorings sit on the curve where they happened.
    assert curve.censored_points() == (
        [3.0, 4.0, 8.0, 12.0],
        pytest.approx([8 / 9, 40 / 63, 10 / 21, 5 / 21]),
    )


def test_the_median_and_its_interval_of_the_hand_curve():
    curve = kaplan_meier(HAND)
    # The curve first gets to 0.5 or below on day 7 (10/21).
    assert curve.median.point == 7
    # Worked out independently: the first day each edge of the band is at or below 0.5.
    greenwood, lows, highs = 0.0, [], []
    for day, at_risk, events, _, survival in HAND_STEPS:
        if events:
            greenwood += events / (at_risk * (at_risk - events))
        low, high = log_log_band(float(survival), greenwood)
        lows.append((day, low))
        highs.append((day, high))
    expected_low = next(day for day, value in lows if value <= 0.5)
    expected_high = next((day for day, value in highs if value <= 0.5), None)
    assert (expected_low, expected_high) == (2, None)
    assert (curve.median.low, curve.median.high) == (expected_low, expected_high)


# Published worked example: the bone marrow transplant data of Klein and Moeschberger
# (Survival Analysis, 1997), ALL group: 38 patients, disease-free days, 24 events. SAS/STAT
# User's Guide, The LIFETEST Procedure, "Product-Limit Method" (table "Constructing 95%
# Confidence Limits for the 25th Percentile") gives the first quartile 122 days and its 95%
# interval with the log-log transform (SAS's default) as 86 to 230 days; the same figures are
# used by statsmodels' tests (statsmodels/duration/tests/test_survfunc.py, test_bmt).
BMT_ALL_EVENTS = (
    418, 383, 276, 104, 609, 172, 487, 662, 194, 230, 526, 122, 129, 74, 122, 86, 466, 192,
    109, 55, 1, 107, 110, 332,
)  # fmt: skip
BMT_ALL_CENSORED = (
    2081, 1602, 1496, 1462, 1433, 1377, 1330, 996, 226, 1199, 1111, 530, 1182, 1167,
)  # fmt: skip


def bmt_all():
    return kaplan_meier(
        [Observation(days, True) for days in BMT_ALL_EVENTS]
        + [Observation(days, False) for days in BMT_ALL_CENSORED]
    )


def test_the_quartile_interval_of_the_published_worked_example():
    curve = bmt_all()
    assert (curve.subjects, curve.event_count) == (38, 24)
    quartile = curve.quantile(0.75)
    assert (quartile.point, quartile.low, quartile.high) == (122, 86, 230)


def test_the_median_of_the_worked_example_computed_independently():
    """The published example gives the quartile; the median takes the same path, and is
    checked here against Greenwood's formula worked through in the test itself."""
    curve = bmt_all()
    times = sorted({*BMT_ALL_EVENTS, *BMT_ALL_CENSORED})
    survival, greenwood = 1.0, 0.0
    point = low = high = None
    for day in times:
        at_risk = sum(1 for value in (*BMT_ALL_EVENTS, *BMT_ALL_CENSORED) if value >= day)
        events = BMT_ALL_EVENTS.count(day)
        if not events:
            continue
        survival *= 1 - events / at_risk
        greenwood += events / (at_risk * (at_risk - events)) if at_risk > events else math.inf
        band_low, band_high = log_log_band(survival, greenwood)
        point = point or (day if survival <= 0.5 else None)
        low = low or (day if band_low <= 0.5 else None)
        high = high or (day if band_high <= 0.5 else None)
    assert (point, low, high) == (418, 192, None)
    assert (curve.median.point, curve.median.low, curve.median.high) == (point, low, high)


def test_a_curve_flat_at_one_half_takes_the_middle_of_the_flat():
    # Four progressions on days 10, 20, 30 and 40: the curve is 0.5 from day 20 to day 30.
    curve = kaplan_meier([Observation(days, True) for days in (10, 20, 30, 40)])
    assert curve.survival == pytest.approx([0.75, 0.5, 0.25, 0.0])
    assert curve.median.point == 25
    # At 0 the band's upper edge is undefined: the upper limit is not reached.
    assert curve.band_low[-1] == 0 and math.isnan(curve.band_high[-1])
    assert curve.median.high is None


def test_no_event_no_median_and_no_subject_no_curve():
    censored = kaplan_meier([Observation(days, False) for days in (30, 60)])
    assert censored.survival == (1.0, 1.0)
    assert censored.band_low == (1.0, 1.0) and censored.band_high == (1.0, 1.0)
    assert censored.median == NOT_REACHED
    empty = kaplan_meier([])
    assert empty.subjects == 0 and empty.times == () and empty.median == NOT_REACHED
    assert empty.survival_at(10) == 1 and empty.at_risk_at(0) == 0


def test_impossible_input_is_refused():
    with pytest.raises(DomainError, match="negative"):
        kaplan_meier([Observation(-1, True)])
    with pytest.raises(DomainError, match="confidence level"):
        kaplan_meier(HAND, confidence=1.0)


def test_months_are_days_over_30_4375():
    assert DAYS_PER_MONTH == 30.4375
    assert months(365.25) == pytest.approx(12.0)
    assert months(None) is None
    assert kaplan_meier(HAND).median.in_months().point == pytest.approx(7 / 30.4375)
