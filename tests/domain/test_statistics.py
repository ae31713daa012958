from datetime import date
from math import comb

import pytest
from scipy.stats import beta

from tracker.domain.errors import DomainError
from tracker.domain.exact_tests import binomial_p_value, clopper_pearson
from tracker.domain.references import load_reference
from tracker.domain.statistics import (
    CohortPatient,
    cohort_statistics,
)


def exact_two_sided_p(successes: int, trials: int, rate: float) -> float:
    """The textbook exact test: sum the outcomes no more likely than the one observed."""
    pmf = [comb(trials, k) * rate**k * (1 - rate) ** (trials - k) for k in range(trials + 1)]
    observed = pmf[successes]
    return min(1.0, sum(p for p in pmf if p <= observed * (1 + 1e-7)))


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    [(0, 10, 0.0, 0.3085), (5, 10, 0.1871, 0.8129), (10, 10, 0.6915, 1.0), (1, 4, 0.0063, 0.8059)],
)
def test_clopper_pearson_against_published_values(successes, trials, low, high):
    assert clopper_pearson(successes, trials) == pytest.approx((low, high), abs=1e-4)


@pytest.mark.parametrize(("successes", "trials"), [(52, 176), (20, 176), (4, 175), (1, 3)])
def test_clopper_pearson_matches_the_beta_quantiles(successes, trials):
    low, high = clopper_pearson(successes, trials)
    assert low == pytest.approx(beta.ppf(0.025, successes, trials - successes + 1), rel=1e-9)
    assert high == pytest.approx(beta.ppf(0.975, successes + 1, trials - successes), rel=1e-9)


def test_a_90_percent_interval_is_narrower():
    low95, high95 = clopper_pearson(5, 10)
    low90, high90 = clopper_pearson(5, 10, confidence=0.90)
    assert low95 < low90 < 0.5 < high90 < high95
    assert low90 == pytest.approx(beta.ppf(0.05, 5, 6), rel=1e-9)


@pytest.mark.parametrize(
    ("successes", "trials", "rate"),
    [(3, 20, 0.295), (10, 20, 0.295), (0, 12, 0.114), (52, 176, 0.295)],
)
def test_binomial_p_value_is_the_exact_two_sided_test(successes, trials, rate):
    assert binomial_p_value(successes, trials, rate) == pytest.approx(
        exact_two_sided_p(successes, trials, rate), rel=1e-6
    )


def test_binomial_p_value_known_values():
    # 0 of 10 against 0.5: 2 x 0.5^10
    assert binomial_p_value(0, 10, 0.5) == pytest.approx(2 / 1024)
    assert binomial_p_value(5, 10, 0.5) == pytest.approx(1.0)
    assert binomial_p_value(3, 0, 0.5) is None
    assert binomial_p_value(3, 10, None) is None


def patient(pid, start, cycles=4, worst=None, events=None, counts=None):
    return CohortPatient(pid, start, cycles, worst or {}, events or {}, counts or {})


COHORT = [
    patient(1, date(2025, 1, 10), 6, {"neutropenia": 3}, {"neutropenia": 2}),
    patient(2, date(2025, 2, 1), 4, {"neutropenia": 4, "vte": 3}),
    patient(3, date(2025, 3, 15), 2, {"thrombocytopenia": 2}),
    patient(4, date(2025, 6, 30), 8, {"neutropenia": 1, "vte": 5}),
    patient(5, date(2025, 7, 1), 3),
]


def test_rates_intervals_and_events_per_100_cycles():
    stats = cohort_statistics(COHORT, reference=load_reference("mm010").arm("lenalidomide"))
    assert (stats.patients, stats.cycles) == (5, 23)
    assert stats.reference_label == "MM-010 Len+Dex"
    neutro = stats.rate("neutropenia")
    assert (neutro.patients_with_event, neutro.patients, neutro.fraction_text) == (2, 5, "2/5")
    assert neutro.rate == pytest.approx(0.4)
    assert neutro.ci == pytest.approx((beta.ppf(0.025, 2, 4), beta.ppf(0.975, 3, 3)))
    assert neutro.reference_rate == pytest.approx(0.295)
    assert neutro.p_value == pytest.approx(exact_two_sided_p(2, 5, 0.295), rel=1e-6)
    # Patient 1 had two grade 3-4 neutropenia events, patient 2 at least one.
    assert neutro.events == 3
    assert neutro.events_per_100_cycles == pytest.approx(100 * 3 / 23)
    # A fatal VTE is counted beside the rate, not inside it.
    vte = stats.rate("vte")
    assert (vte.patients_with_event, vte.grade5_patients) == (1, 1)
    thrombo = stats.rate("thrombocytopenia")
    assert (thrombo.patients_with_event, thrombo.rate, thrombo.events) == (0, 0.0, 0)
    assert thrombo.ci[0] == 0.0 and thrombo.ci[1] == pytest.approx(1 - 0.025 ** (1 / 5))


@pytest.mark.parametrize(
    ("worst", "counts", "counted", "from_counts_only", "grade5"),
    [
        ({}, {"neutropenia": 3}, 1, 1, 0),  # ANC below 1.0, nothing logged: counted
        ({}, {"neutropenia": 2}, 0, 0, 0),
        ({"neutropenia": 2}, {"neutropenia": 4}, 1, 1, 0),  # logged too mild: from counts
        ({"neutropenia": 3}, {"neutropenia": 4}, 1, 0, 0),
        ({"neutropenia": 3}, {}, 1, 0, 0),
    ],
)
def test_counts_are_the_event_whether_logged_or_not(worst, counts, counted, from_counts_only, grade5):
    rate = cohort_statistics([patient(1, date(2025, 1, 1), 2, worst, {}, counts)]).rate(
        "neutropenia"
    )
    assert (rate.patients_with_event, rate.from_counts_only, rate.grade5_patients) == (
        counted,
        from_counts_only,
        grade5,
    )


@pytest.mark.parametrize(("grade", "counted"), [(1, 0), (2, 1), (3, 1), (4, 1), (5, 0)])
def test_vte_is_counted_like_for_like_with_the_trial(grade: int, counted: int) -> None:
    # A DVT needing anticoagulation is CTCAE v5.0 grade 2, NCI CTC v2.0 grade 3 (MM-010).
    rate = cohort_statistics([patient(1, date(2025, 1, 1), 2, {"vte": grade})]).rate("vte")
    assert rate.patients_with_event == counted
    assert rate.grade5_patients == int(grade == 5)


def test_period_filter_is_inclusive_at_both_ends():
    stats = cohort_statistics(COHORT, period_from=date(2025, 2, 1), period_to=date(2025, 6, 30))
    assert (stats.patients, stats.cycles) == (3, 14)
    assert stats.rate("neutropenia").fraction_text == "1/3"
    assert stats.period_text == "courses started 2025-02-01 to 2025-06-30"
    assert cohort_statistics(COHORT, period_from=date(2025, 7, 1)).patients == 1
    assert cohort_statistics(COHORT, period_to=date(2025, 1, 10)).patients == 1
    assert cohort_statistics(COHORT).period_text == "all courses"


def test_several_courses_of_one_patient_count_the_patient_once():
    records = [
        patient(7, date(2025, 1, 1), 3, {"vte": 3}),
        patient(7, date(2025, 9, 1), 2, {"vte": 1, "neutropenia": 3}),
        patient(8, date(2025, 9, 1), 5),
    ]
    stats = cohort_statistics(records)
    assert (stats.patients, stats.cycles) == (2, 10)
    assert stats.rate("vte").fraction_text == "1/2"
    assert stats.rate("neutropenia").fraction_text == "1/2"
    later = cohort_statistics(records, period_from=date(2025, 6, 1))
    assert later.rate("vte").fraction_text == "0/2"


def test_no_patient_in_the_period_gives_no_numbers():
    stats = cohort_statistics(COHORT, period_from=date(2030, 1, 1), reference={"vte": 0.114})
    assert (stats.patients, stats.cycles) == (0, 0)
    vte = stats.rate("vte")
    assert (vte.rate, vte.ci, vte.p_value, vte.events_per_100_cycles) == (None, None, None, None)
    assert vte.reference_rate == pytest.approx(0.114)
    assert cohort_statistics([]).rate("neutropenia").fraction_text == "0/0"


def test_without_a_reference_there_is_no_p_value():
    stats = cohort_statistics(COHORT)
    assert stats.rate("vte").p_value is None and stats.reference_label is None


def test_zero_cycles_gives_no_per_cycle_rate():
    stats = cohort_statistics([patient(1, date(2025, 1, 1), 0, {"vte": 3})])
    assert stats.rate("vte").rate == 1.0 and stats.rate("vte").events_per_100_cycles is None


@pytest.mark.parametrize(
    ("records", "kwargs", "message"),
    [
        ([], {"period_from": date(2025, 2, 1), "period_to": date(2025, 1, 1)}, "after its end"),
        ([], {"confidence": 1.0}, "between 0 and 1"),
        ([], {"reference": {"vte": 11.4}}, "must be 0 to 1, not 11.4"),
        ([patient(1, date(2025, 1, 1), -1)], {}, "cycles started cannot be negative"),
        ([patient(1, date(2025, 1, 1), 1, {"vte": 6})], {}, "grade must be 0 to 5, not 6"),
        ([patient(1, date(2025, 1, 1), 1, {}, {"vte": -1})], {}, "cannot be negative"),
    ],
)
def test_bad_input_is_refused(records, kwargs, message):
    with pytest.raises(DomainError, match=message):
        cohort_statistics(records, **kwargs)
