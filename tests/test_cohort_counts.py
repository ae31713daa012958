"""SQLite's count of the cohort gives the numbers the domain makes of the course records.

The report reads ``count_cohort`` (one query); ``cohort_records`` with the domain's
``cohort_statistics`` is the same rule written out course by course in Python. Both are run
on the same files, for periods that cut through courses, and must agree exactly.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.starts import start_course, start_next_cycle
from tracker.domain.errors import DomainError
from tracker.domain.references import load_reference
from tracker.domain.statistics import (
    CohortCounts,
    cohort_counts,
    cohort_statistics,
    statistics_of_counts,
)
from tracker.storage.audit import archive_row
from tracker.storage.cohort import cohort_records, count_cohort
from tracker.storage.database import Store, open_database
from tracker.storage.demo import fill_demo_database
from tracker.storage.operations.courses import end_course
from tracker.storage.operations.events import archive_event, log_event
from tracker.storage.operations.labs import record_labs
from tracker.storage.operations.patients import add_patient, archive_patient
from tracker.storage.server import open_store

TODAY = date(2027, 6, 1)
ARM = load_reference("mm010").arm("lenalidomide")
PERIODS = [
    (None, None),
    (date(2026, 1, 1), None),
    (None, date(2026, 4, 30)),
    (date(2026, 2, 1), date(2026, 6, 30)),
    (date(2026, 3, 10), date(2026, 3, 10)),
    (date(2030, 1, 1), None),  # nobody
]


def _agree(store: Store, period_from: date | None, period_to: date | None) -> CohortCounts:
    counted = count_cohort(store, period_from=period_from, period_to=period_to)
    records = cohort_records(store)
    assert counted == cohort_counts(records, period_from=period_from, period_to=period_to)
    by_sql = statistics_of_counts(
        counted, reference=ARM, period_from=period_from, period_to=period_to
    )
    by_records = cohort_statistics(
        records, reference=ARM, period_from=period_from, period_to=period_to
    )
    assert by_sql == by_records
    return counted


@pytest.fixture
def clinic(db_target: Path | str) -> Store:
    """Courses that test every part of the rule for which course an event belongs to (on
    each engine)."""
    store = open_store(db_target, clock=lambda: TODAY)
    twice = add_patient(store, mrn="T-1", name="Two Courses")
    first = start_course(store, twice, date(2026, 1, 5))
    start_next_cycle(store, first, date(2026, 2, 2))
    # Unlinked, within the first course: it belongs to that course only.
    log_event(store, twice, "neutropenia", 3, date(2026, 1, 20))
    end_course(store, first, date(2026, 2, 20), "toxicity")
    second = start_course(store, twice, date(2026, 3, 10))
    log_event(store, twice, "neutropenia", 4, date(2026, 3, 20), course_id=second)
    # Unlinked, after the first ended: the second (still running) course's.
    log_event(store, twice, "vte", 5, date(2026, 4, 2))

    mild = add_patient(store, mrn="M-1", name="Mild Only")
    course = start_course(store, mild, date(2026, 2, 14))
    log_event(store, mild, "thrombocytopenia", 2, date(2026, 2, 20), course_id=course)
    log_event(store, mild, "other", 3, date(2026, 2, 21), course_id=course, term="rash")

    early = add_patient(store, mrn="E-1", name="Event Before Course")
    log_event(store, early, "vte", 3, date(2025, 12, 1))  # before any course: nobody's
    record_labs(store, early, date(2025, 12, 1), anc=0.2)  # before the course: not counted
    start_course(store, early, date(2026, 5, 1))
    record_labs(store, early, date(2026, 5, 8), anc=400, anc_unit="/mm3")  # grade 4, no event
    record_labs(store, early, date(2026, 5, 15), platelets=60)  # grade 2: not counted
    log_event(store, early, "vte", 2, date(2026, 5, 20))  # treated DVT: counted like for like

    withdrawn = add_patient(store, mrn="W-1", name="Withdrawn Event")
    course = start_course(store, withdrawn, date(2026, 6, 1))
    wrong = log_event(store, withdrawn, "thrombocytopenia", 4, date(2026, 6, 5), course_id=course)
    archive_event(store, wrong, reason="entered in error")

    gone = add_patient(store, mrn="G-1", name="Archived Patient")
    course = start_course(store, gone, date(2026, 3, 1))
    log_event(store, gone, "neutropenia", 4, date(2026, 3, 5), course_id=course)
    archive_patient(store, gone, reason="entered in error")

    log_event(store, add_patient(store, mrn="N-1", name="No Course"), "vte", 4, date(2026, 1, 1))
    # A cycle recorded by mistake and withdrawn does not count.
    (withdrawn,) = store.query(
        "SELECT id FROM cycles WHERE course_id = ? AND number = 2", [first]
    )
    archive_row(store, "cycles", withdrawn["id"], patient_id=None, reason="entered in error")
    yield store
    store.close()


@pytest.mark.parametrize(("period_from", "period_to"), PERIODS)
def test_sql_counts_agree_with_the_course_records(clinic, period_from, period_to):
    _agree(clinic, period_from, period_to)


def test_the_counts_follow_the_rule_for_which_course_an_event_belongs_to(clinic):
    counted = _agree(clinic, None, None)
    assert counted.patients == 4  # the archived patient and the one without a course are out
    assert counted.cycles == 5  # 1 + 1 + 1 + 1 + 1: the withdrawn second cycle does not count
    # The fatal VTE is beside the rate; the ANC of 0.4 with no event is inside it.
    assert counted.patients_with_event == {"neutropenia": 2, "thrombocytopenia": 0, "vte": 1}
    assert counted.events == {"neutropenia": 3, "thrombocytopenia": 0, "vte": 1}
    assert counted.grade5_patients == {"neutropenia": 0, "thrombocytopenia": 0, "vte": 1}
    assert counted.from_counts_only == {"neutropenia": 1, "thrombocytopenia": 0, "vte": 0}

    second_course_only = _agree(clinic, date(2026, 3, 1), date(2026, 4, 30))
    assert second_course_only.patients == 1
    assert second_course_only.events == {"neutropenia": 1, "thrombocytopenia": 0, "vte": 0}


@pytest.mark.parametrize("seed", [1, 7])
def test_sql_counts_agree_on_a_simulated_clinic(tmp_path, seed):
    with open_database(tmp_path / "demo.sqlite", clock=lambda: TODAY) as store:
        fill_demo_database(store, 300, seed=seed)
        starts = sorted(record.course_start for record in cohort_records(store))
        middle = starts[len(starts) // 2]
        for period_from, period_to in [(None, None), (middle, None), (None, middle)]:
            counted = _agree(store, period_from, period_to)
            assert counted.patients > 0
        assert sum(_agree(store, None, None).events.values()) > 0  # it has grade 3-4 events


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        (CohortCounts(-1, 0, {}, {}), "cannot be negative"),
        (CohortCounts(2, 5, {"vte": 3}, {"vte": 3}), "not within 0 to the 2 patients"),
        (CohortCounts(2, 5, {"vte": 2}, {"vte": 1}), "fewer vte events than patients"),
    ],
)
def test_impossible_counts_are_refused(counts, message):
    with pytest.raises(DomainError, match=message):
        statistics_of_counts(counts)


def test_a_period_ending_before_it_starts_is_refused_by_both_ways_of_counting(clinic):
    backwards = {"period_from": date(2026, 6, 1), "period_to": date(2026, 1, 1)}
    with pytest.raises(DomainError, match="after its end"):
        cohort_counts(cohort_records(clinic), **backwards)
    with pytest.raises(DomainError, match="after its end"):
        statistics_of_counts(count_cohort(clinic, **backwards), **backwards)


def _recomputed(store: Store) -> dict[str, tuple[int, int, int]]:
    """(counted, grade 5, counts only) per event type, from the raw rows in plain Python."""
    from tracker.domain.grading import grade_count

    courses = list(store.db.query(
        "SELECT c.* FROM courses c JOIN patients p ON p.id = c.patient_id "
        "WHERE c.archived = 0 AND p.archived = 0"
    ))
    labs = list(store.db.query("SELECT * FROM labs WHERE archived = 0"))
    events = list(store.db.query("SELECT * FROM adverse_events WHERE archived = 0"))
    result = {}
    for kind, column, counted_from in (
        ("neutropenia", "anc", 3), ("thrombocytopenia", "platelets", 3), ("vte", None, 2)
    ):
        counted = grade5 = only = 0
        for patient_id in {course["patient_id"] for course in courses}:
            spans = [
                (c["id"], c["start_date"], c["end_date"] or "9999-12-31")
                for c in courses if c["patient_id"] == patient_id
            ]
            logged = max(
                (
                    e["grade"] for e in events
                    if e["patient_id"] == patient_id and e["event_type"] == kind
                    and any(
                        e["course_id"] == cid or (e["course_id"] is None and s <= e["onset_date"] <= t)
                        for cid, s, t in spans
                    )
                ),
                default=0,
            )
            from_counts = max(
                (
                    grade_count(kind, lab[column], lab[f"{column}_unit"] or "10^9/L")
                    for lab in labs
                    if column and lab["patient_id"] == patient_id and lab[column] is not None
                    and any(s <= lab["date"] <= t for _, s, t in spans)
                ),
                default=0,
            )
            if logged == 5:
                grade5 += 1
            elif counted_from <= max(logged, from_counts) <= 4:
                counted += 1
                only += logged < counted_from
        result[kind] = (counted, grade5, only)
    return result


@pytest.mark.parametrize("seed", [3])
def test_the_report_fields_recomputed_from_the_tables(tmp_path, seed):
    with open_database(tmp_path / "demo.sqlite", clock=lambda: TODAY) as store:
        fill_demo_database(store, 200, seed=seed)
        counted = count_cohort(store)
        recomputed = _recomputed(store)
        for kind, (in_rate, grade5, only) in recomputed.items():
            assert counted.patients_with_event[kind] == in_rate, kind
            assert counted.grade5_patients[kind] == grade5, kind
            assert counted.from_counts_only[kind] == only, kind
        assert sum(only for _, _, only in recomputed.values()) >= 0
