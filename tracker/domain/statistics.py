"""Cohort toxicity statistics: how many patients had a grade 3-4 event, with exact intervals
and a test against a trial's published rate.

The input is one ``CohortPatient`` per course (a row per course from a query is enough);
several courses of one patient count that patient once. With no patient in the period the
rate, its interval, the p-value and the per-cycle rate are all None: nothing was measured,
and a (0, 1) interval would draw as if something had been.

A "grade 3-4 event" here is a worst grade of 3 or more: a fatal (grade 5) event counts too,
so a death is never hidden from the comparison.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from tracker.domain.errors import DomainError
from tracker.domain.grading import NEUTROPENIA, THROMBOCYTOPENIA, VTE
from tracker.domain.references import ReferenceArm

COHORT_EVENT_TYPES = (NEUTROPENIA, THROMBOCYTOPENIA, VTE)
SEVERE_GRADE = 3
MAX_GRADE = 5
PER_CYCLES = 100


@dataclass(frozen=True)
class CohortPatient:
    """One course of one patient: when it started, how many cycles were started in it, the
    worst CTCAE grade of each event type (absent: none), and how many events of grade 3 or
    more there were of each type (at least one when the worst grade is 3 or more)."""

    patient_id: int
    course_start: date
    cycles_started: int = 0
    worst_grade: Mapping[str, int] = field(default_factory=dict)
    events_grade34: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class EventRate:
    """Patients with a grade 3-4 ``event_type`` event among those who started a course."""

    event_type: str
    patients_with_event: int
    patients: int
    rate: float | None
    ci_low: float | None
    ci_high: float | None
    reference_rate: float | None
    p_value: float | None
    events: int
    cycles: int
    events_per_100_cycles: float | None

    @property
    def ci(self) -> tuple[float, float] | None:
        if self.ci_low is None or self.ci_high is None:
            return None
        return self.ci_low, self.ci_high

    @property
    def fraction_text(self) -> str:
        return f"{self.patients_with_event}/{self.patients}"


@dataclass(frozen=True)
class CohortStatistics:
    patients: int
    cycles: int
    period_from: date | None
    period_to: date | None
    confidence: float
    reference_label: str | None
    rates: dict[str, EventRate]

    def rate(self, event_type: str) -> EventRate:
        try:
            return self.rates[event_type]
        except KeyError:
            raise DomainError(f"no cohort rate for {event_type!r}") from None

    @property
    def period_text(self) -> str:
        """'courses started 2025-01-01 to 2025-06-30', or 'all courses' with no limits."""
        start, end = self.period_from, self.period_to
        if start and end:
            return f"courses started {start.isoformat()} to {end.isoformat()}"
        if start:
            return f"courses started from {start.isoformat()}"
        if end:
            return f"courses started up to {end.isoformat()}"
        return "all courses"


def clopper_pearson(
    successes: int, trials: int, confidence: float = 0.95
) -> tuple[float, float] | None:
    """The exact (Clopper-Pearson) interval of a binomial proportion; None when trials is 0."""
    if trials == 0:
        return None
    from scipy.stats import binomtest

    interval = binomtest(successes, trials).proportion_ci(
        confidence_level=confidence, method="exact"
    )
    return float(interval.low), float(interval.high)


def binomial_p_value(successes: int, trials: int, expected_rate: float | None) -> float | None:
    """Exact two-sided binomial test of the observed count against ``expected_rate``."""
    if trials == 0 or expected_rate is None:
        return None
    from scipy.stats import binomtest

    return float(binomtest(successes, trials, expected_rate, alternative="two-sided").pvalue)


@dataclass
class _Merged:
    cycles: int = 0
    worst: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)


def _check(record: CohortPatient) -> None:
    if record.cycles_started < 0:
        raise DomainError(f"patient {record.patient_id}: cycles started cannot be negative")
    for event_type, grade in record.worst_grade.items():
        if not 0 <= grade <= MAX_GRADE:
            raise DomainError(
                f"patient {record.patient_id}: {event_type} grade must be 0 to {MAX_GRADE}, "
                f"not {grade}"
            )
    if any(count < 0 for count in record.events_grade34.values()):
        raise DomainError(f"patient {record.patient_id}: event counts cannot be negative")


def _in_period(start: date, period_from: date | None, period_to: date | None) -> bool:
    return (period_from is None or start >= period_from) and (
        period_to is None or start <= period_to
    )


def _merge(
    records: Iterable[CohortPatient], period_from: date | None, period_to: date | None
) -> dict[int, _Merged]:
    merged: dict[int, _Merged] = {}
    for record in records:
        _check(record)
        if not _in_period(record.course_start, period_from, period_to):
            continue
        patient = merged.setdefault(record.patient_id, _Merged())
        patient.cycles += record.cycles_started
        for event_type in COHORT_EVENT_TYPES:
            grade = record.worst_grade.get(event_type, 0)
            patient.worst[event_type] = max(patient.worst.get(event_type, 0), grade)
            floor = 1 if grade >= SEVERE_GRADE else 0
            count = max(record.events_grade34.get(event_type, 0), floor)
            patient.events[event_type] = patient.events.get(event_type, 0) + count
    return merged


def _reference_rates(
    reference: ReferenceArm | Mapping[str, float] | None,
) -> tuple[Mapping[str, float], str | None]:
    if reference is None:
        return {}, None
    rates, label = (
        (reference.rates, reference.short_label)
        if isinstance(reference, ReferenceArm)
        else (reference, None)
    )
    for event_type, rate in rates.items():
        # Written so that NaN fails too.
        if not 0 <= rate <= 1:
            raise DomainError(f"the reference rate of {event_type} must be 0 to 1, not {rate}")
    return rates, label


def cohort_statistics(
    records: Iterable[CohortPatient],
    *,
    reference: ReferenceArm | Mapping[str, float] | None = None,
    period_from: date | None = None,
    period_to: date | None = None,
    confidence: float = 0.95,
) -> CohortStatistics:
    """Grade 3-4 rates of the courses started from ``period_from`` to ``period_to``
    (both inclusive, either open), with p-values against ``reference`` (rates 0..1)."""
    if period_from and period_to and period_from > period_to:
        raise DomainError(
            f"the period starts on {period_from.isoformat()}, after its end {period_to.isoformat()}"
        )
    if not 0 < confidence < 1:
        raise DomainError(f"the confidence level must be between 0 and 1, not {confidence}")
    reference_rates, reference_label = _reference_rates(reference)
    merged = _merge(records, period_from, period_to)
    patients = len(merged)
    cycles = sum(patient.cycles for patient in merged.values())
    rates = {}
    for event_type in COHORT_EVENT_TYPES:
        with_event = sum(
            1 for patient in merged.values() if patient.worst[event_type] >= SEVERE_GRADE
        )
        events = sum(patient.events[event_type] for patient in merged.values())
        interval = clopper_pearson(with_event, patients, confidence)
        expected = reference_rates.get(event_type)
        rates[event_type] = EventRate(
            event_type=event_type,
            patients_with_event=with_event,
            patients=patients,
            rate=with_event / patients if patients else None,
            ci_low=interval[0] if interval else None,
            ci_high=interval[1] if interval else None,
            reference_rate=expected,
            p_value=binomial_p_value(with_event, patients, expected),
            events=events,
            cycles=cycles,
            events_per_100_cycles=PER_CYCLES * events / cycles if cycles else None,
        )
    return CohortStatistics(
        patients=patients,
        cycles=cycles,
        period_from=period_from,
        period_to=period_to,
        confidence=confidence,
        reference_label=reference_label,
        rates=rates,
    )
