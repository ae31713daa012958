"""Cohort toxicity statistics: how many patients had a grade 3-4 event, with exact intervals
and a test against a trial's published rate.

The input is either one ``CohortPatient`` per course (a row per course from a query is
enough; several courses of one patient count that patient once), or the ``CohortCounts``
those records come to, which a database can count itself without handing every course over.
With no patient in the period the rate, its interval, the p-value and the per-cycle rate are
all None: nothing was measured, and a (0, 1) interval would draw as if something had been.

A patient counts in an event type's numerator when the worst grade of that toxicity, from
logged events or from recorded counts, lies from the type's counted-from grade (3; 2 for VTE,
to compare like for like with the trial's NCI CTC v2.0) to 4. A grade 5 event is counted
beside the rate, not inside it. ``resources/grading/rate-definitions.toml`` says so in words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from types import MappingProxyType
from typing import NamedTuple

from tracker.domain.errors import DomainError
from tracker.domain.exact_tests import binomial_p_value, clopper_pearson
from tracker.domain.grading import NEUTROPENIA, THROMBOCYTOPENIA, VTE
from tracker.domain.periods import check_period, period_text
from tracker.domain.references import ReferenceArm
from tracker.resources import load_toml

COHORT_EVENT_TYPES = (NEUTROPENIA, THROMBOCYTOPENIA, VTE)
SEVERE_GRADE = 3
HIGHEST_COUNTED_GRADE = 4
DEATH_GRADE = 5
MAX_GRADE = 5
PER_CYCLES = 100


@dataclass(frozen=True)
class RateDefinitions:
    """How each event type's rate is counted, from ``resources/grading/rate-definitions.toml``."""

    counted_from: Mapping[str, int]
    texts: Mapping[str, str]
    short_texts: Mapping[str, str]
    source: str

    def counts(self, event_type: str, grade: int) -> bool:
        """Is a worst grade inside the rate's numerator?"""
        return self.counted_from[event_type] <= grade <= HIGHEST_COUNTED_GRADE


@cache
def rate_definitions() -> RateDefinitions:
    data = load_toml("grading", "rate-definitions.toml")
    return RateDefinitions(
        counted_from=MappingProxyType(
            {kind: int(data[kind]["counted_from_grade"]) for kind in COHORT_EVENT_TYPES}
        ),
        texts=MappingProxyType(
            {key: spec["definition"] for key, spec in data.items() if isinstance(spec, dict)}
        ),
        short_texts=MappingProxyType(
            {key: spec["short"] for key, spec in data.items() if "short" in spec}
        ),
        source=data["source"],
    )


# No events: shared by every record without any, and read-only so that sharing is safe.
NO_EVENTS: Mapping[str, int] = MappingProxyType({})


class CohortPatient(NamedTuple):
    """One course of one patient: when it started, how many cycles were started in it, the
    worst logged CTCAE grade of each event type (absent: none), how many logged events of each
    type fall in its rate's grades (``RateDefinitions``), and the worst grade of the counts
    recorded during the course (ANC for neutropenia, platelets for thrombocytopenia).

    A named tuple rather than a dataclass: a clinic's cohort is tens of thousands of these,
    made from query rows, and a tuple is made and unpacked several times faster.
    """

    patient_id: int
    course_start: date
    cycles_started: int = 0
    worst_grade: Mapping[str, int] = NO_EVENTS
    events_grade34: Mapping[str, int] = NO_EVENTS
    worst_count_grade: Mapping[str, int] = NO_EVENTS


@dataclass(frozen=True)
class CohortCounts:
    """What the statistics need of the courses started in a period: how many patients started
    one, how many cycles those courses started, and per event type how many of those patients
    were counted (``RateDefinitions``), how many events that makes (a logged event counting
    once for each course it belongs to, a patient counted from counts alone once), how many
    died of it (grade 5, beside the rate), and how many were counted from counts alone."""

    patients: int
    cycles: int
    patients_with_event: Mapping[str, int]
    events: Mapping[str, int]
    grade5_patients: Mapping[str, int] = field(default_factory=dict)
    from_counts_only: Mapping[str, int] = field(default_factory=dict)


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
    grade5_patients: int = 0
    from_counts_only: int = 0

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
        return period_text(self.period_from, self.period_to)


@dataclass
class _Merged:
    """The courses in the period, merged: per patient their cycles, and per event type their
    worst logged grade, worst count grade and counted events."""

    cycles: dict[int, int] = field(default_factory=dict)
    worst: dict[str, dict[int, int]] = field(
        default_factory=lambda: {event_type: {} for event_type in COHORT_EVENT_TYPES}
    )
    worst_count: dict[str, dict[int, int]] = field(
        default_factory=lambda: {event_type: {} for event_type in COHORT_EVENT_TYPES}
    )
    events: dict[str, dict[int, int]] = field(
        default_factory=lambda: {event_type: {} for event_type in COHORT_EVENT_TYPES}
    )


def _check(record: CohortPatient) -> None:
    if record.cycles_started < 0:
        raise DomainError(f"patient {record.patient_id}: cycles started cannot be negative")
    for event_type, grade in record.worst_grade.items():
        if not 0 <= grade <= MAX_GRADE:
            raise DomainError(
                f"patient {record.patient_id}: {event_type} grade must be 0 to {MAX_GRADE}, "
                f"not {grade}"
            )
    for count in record.events_grade34.values():
        if count < 0:
            raise DomainError(f"patient {record.patient_id}: event counts cannot be negative")


def _in_period(start: date, period_from: date | None, period_to: date | None) -> bool:
    return (period_from is None or start >= period_from) and (
        period_to is None or start <= period_to
    )


def _merge(
    records: Iterable[CohortPatient], period_from: date | None, period_to: date | None
) -> _Merged:
    merged = _Merged()
    definitions = rate_definitions()
    for record in records:
        _check(record)
        if not _in_period(record.course_start, period_from, period_to):
            continue
        patient = record.patient_id
        merged.cycles[patient] = merged.cycles.get(patient, 0) + record.cycles_started
        for event_type in COHORT_EVENT_TYPES:
            for into, grade in (
                (merged.worst[event_type], record.worst_grade.get(event_type, 0)),
                (merged.worst_count[event_type], record.worst_count_grade.get(event_type, 0)),
            ):
                into[patient] = max(into.get(patient, 0), grade)
            # A worst logged grade inside the rate is at least one such event, counted or not.
            floor = int(definitions.counts(event_type, record.worst_grade.get(event_type, 0)))
            events = merged.events[event_type]
            events[patient] = events.get(patient, 0) + max(
                record.events_grade34.get(event_type, 0), floor
            )
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


def _check_request(
    reference: ReferenceArm | Mapping[str, float] | None,
    period_from: date | None,
    period_to: date | None,
    confidence: float,
) -> tuple[Mapping[str, float], str | None]:
    """Refuse an impossible period, confidence level or reference; the reference's rates and
    label."""
    check_period(period_from, period_to, confidence)
    return _reference_rates(reference)


def cohort_counts(
    records: Iterable[CohortPatient],
    *,
    period_from: date | None = None,
    period_to: date | None = None,
) -> CohortCounts:
    """What the courses started from ``period_from`` to ``period_to`` (both inclusive,
    either open) come to, several courses of one patient counting the patient once."""
    check_period(period_from, period_to)
    merged = _merge(records, period_from, period_to)
    definitions = rate_definitions()
    counted: dict[str, int] = dict.fromkeys(COHORT_EVENT_TYPES, 0)
    events: dict[str, int] = dict.fromkeys(COHORT_EVENT_TYPES, 0)
    grade5: dict[str, int] = dict.fromkeys(COHORT_EVENT_TYPES, 0)
    counts_only: dict[str, int] = dict.fromkeys(COHORT_EVENT_TYPES, 0)
    for event_type in COHORT_EVENT_TYPES:
        for patient in merged.cycles:
            logged = merged.worst[event_type].get(patient, 0)
            from_counts = merged.worst_count[event_type].get(patient, 0)
            if logged >= DEATH_GRADE:
                grade5[event_type] += 1
                continue
            if not definitions.counts(event_type, max(logged, from_counts)):
                continue
            counted[event_type] += 1
            events[event_type] += merged.events[event_type].get(patient, 0)
            if not definitions.counts(event_type, logged):
                counts_only[event_type] += 1
                events[event_type] += 1
    return CohortCounts(
        patients=len(merged.cycles),
        cycles=sum(merged.cycles.values()),
        patients_with_event=counted,
        events=events,
        grade5_patients=grade5,
        from_counts_only=counts_only,
    )


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
    # The request is checked before the records are read through.
    _check_request(reference, period_from, period_to, confidence)
    counts = cohort_counts(records, period_from=period_from, period_to=period_to)
    return statistics_of_counts(
        counts,
        reference=reference,
        period_from=period_from,
        period_to=period_to,
        confidence=confidence,
    )


def statistics_of_counts(
    counts: CohortCounts,
    *,
    reference: ReferenceArm | Mapping[str, float] | None = None,
    period_from: date | None = None,
    period_to: date | None = None,
    confidence: float = 0.95,
) -> CohortStatistics:
    """The rates, exact intervals and p-values of ``counts``, those of the courses started
    from ``period_from`` to ``period_to`` (the period is recorded, not applied, here)."""
    reference_rates, reference_label = _check_request(reference, period_from, period_to, confidence)
    _check_counts(counts)
    patients, cycles = counts.patients, counts.cycles
    rates = {}
    for event_type in COHORT_EVENT_TYPES:
        with_event = counts.patients_with_event.get(event_type, 0)
        events = counts.events.get(event_type, 0)
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
            grade5_patients=counts.grade5_patients.get(event_type, 0),
            from_counts_only=counts.from_counts_only.get(event_type, 0),
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


def _check_counts(counts: CohortCounts) -> None:
    if counts.patients < 0 or counts.cycles < 0:
        raise DomainError("patient and cycle counts cannot be negative")
    for event_type in COHORT_EVENT_TYPES:
        with_event = counts.patients_with_event.get(event_type, 0)
        if not 0 <= with_event <= counts.patients:
            raise DomainError(
                f"{with_event} patients with {event_type} is not within 0 to the "
                f"{counts.patients} patients"
            )
        if counts.events.get(event_type, 0) < with_event:
            raise DomainError(f"fewer {event_type} events than patients with one")
