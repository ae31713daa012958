"""Interruptions as state, resumes, and the override a start without fit counts needs."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest

from tracker.storage.database import Store
from tracker.storage.operations import courses
from tracker.storage.operations.interruptions import interrupt, resume, withdraw_interruption
from tracker.storage.operations.labs import record_labs
from tracker.storage.operations.settings import START_COUNTS_MAX_AGE_KEY, set_setting
from tracker.storage.queries import (
    course_state,
    cycles_of,
    get_course,
    interruptions_of,
    level_changes_of,
)

from .conftest import COURSE_START

CYCLE_2 = COURSE_START + timedelta(days=28)


def _last_audit(store: Store, table: str) -> dict:
    row = next(
        store.db.query(
            "SELECT * FROM audit_log WHERE table_name = ? ORDER BY id DESC LIMIT 1", [table]
        )
    )
    return {**row, "after": json.loads(row["after_json"] or "null")}


@pytest.fixture
def counted_course(store: Store, patient_id: int) -> int:
    """A course started with fit, fresh counts: no override needed."""
    record_labs(store, patient_id, COURSE_START, anc=2.5, platelets=180)
    return courses.start_course(store, patient_id, COURSE_START)


# -- interruptions ------------------------------------------------------------------------


def test_an_interruption_is_audited_and_holds_until_resumed(
    store: Store, counted_course: int
) -> None:
    interruption_id = interrupt(store, counted_course, date(2027, 3, 10), "ANC 0.8")
    assert _last_audit(store, "interruptions")["row_id"] == interruption_id
    course = get_course(store, counted_course)
    assert course_state(store, course, date(2027, 3, 20)).lenalidomide.due_mg == 0
    resume(store, counted_course, date(2027, 3, 17), level=1, note="ANC 1.4")
    (record,) = interruptions_of(store, counted_course)
    assert (record.end_date, record.resume_level) == (date(2027, 3, 17), 1)
    (change,) = level_changes_of(store, counted_course)
    assert (change.effective_date, change.level) == (date(2027, 3, 17), 1)
    assert course_state(store, course, date(2027, 3, 16)).lenalidomide.due_mg == 0
    assert course_state(store, course, date(2027, 3, 17)).lenalidomide.due_mg == 20


def test_a_resume_at_the_same_level_records_no_level_change(
    store: Store, counted_course: int
) -> None:
    interrupt(store, counted_course, date(2027, 3, 10), "ANC 0.8")
    resume(store, counted_course, date(2027, 3, 17))
    assert level_changes_of(store, counted_course) == []
    assert interruptions_of(store, counted_course)[0].resume_level == 0


@pytest.mark.parametrize(
    ("setup", "change", "message"),
    [
        (None, lambda s, c: interrupt(s, c, date(2027, 2, 27), "x"), "before the course start"),
        (None, lambda s, c: interrupt(s, c, date(2027, 3, 9), " "), "reason"),
        (None, lambda s, c: resume(s, c, date(2027, 3, 9)), "nothing to resume"),
        (
            lambda s, c: interrupt(s, c, date(2027, 3, 10), "ANC"),
            lambda s, c: interrupt(s, c, date(2027, 3, 12), "again"),
            "already interrupted since 2027-03-10",
        ),
        (
            lambda s, c: interrupt(s, c, date(2027, 3, 10), "ANC"),
            lambda s, c: resume(s, c, date(2027, 3, 10)),
            "must be after the interruption start",
        ),
        (
            lambda s, c: interrupt(s, c, date(2027, 3, 10), "ANC"),
            lambda s, c: resume(s, c, date(2027, 3, 12), level=6),
            "not on the regimen's ladder",
        ),
        (
            lambda s, c: (
                interrupt(s, c, date(2027, 3, 10), "ANC"),
                resume(s, c, date(2027, 3, 20)),
            ),
            lambda s, c: interrupt(s, c, date(2027, 3, 15), "inside the earlier one"),
            "already interrupted on 2027-03-15",
        ),
    ],
)
def test_bad_interruptions_and_resumes_are_refused(
    store: Store, counted_course: int, assert_refused: Callable, setup, change, message
) -> None:
    if setup:
        setup(store, counted_course)
    assert_refused(lambda: change(store, counted_course), message)


def test_an_interruption_entered_in_error_is_withdrawn(store: Store, counted_course: int) -> None:
    interruption_id = interrupt(store, counted_course, date(2027, 3, 10), "wrong patient")
    withdraw_interruption(store, interruption_id, reason="entered in error")
    assert interruptions_of(store, counted_course) == []
    assert _last_audit(store, "interruptions")["action"] == "archive"


# -- starting with or without fit counts ------------------------------------------------------


def test_a_course_starts_without_override_on_fit_recent_counts(
    store: Store, counted_course: int
) -> None:
    row = next(store.db.query("SELECT * FROM courses WHERE id = ?", [counted_course]))
    assert (row["start_override"], row["start_problems"]) == (None, None)


@pytest.mark.parametrize(
    ("anc", "platelets", "counted", "problem"),
    [
        (None, None, None, "no ANC is recorded"),
        (0.4, 150, COURSE_START, "ANC 0.4 x10^9/L on 2027-03-01 is below the hold threshold 1.0"),
        (2.0, 15, COURSE_START, "platelets 15 x10^9/L on 2027-03-01 is below"),
        (2.0, 150, COURSE_START - timedelta(days=8), "the latest ANC is 8 days old"),
    ],
)
def test_a_course_start_without_fit_counts_needs_an_override_reason(
    store: Store, patient_id: int, assert_refused: Callable, anc, platelets, counted, problem
) -> None:
    if counted is not None:
        record_labs(store, patient_id, counted, anc=anc, platelets=platelets)
    assert_refused(
        lambda: courses.start_course(store, patient_id, COURSE_START),
        f"needs a clinician's override reason: .*{re.escape(problem)}",
    )
    course_id = courses.start_course(
        store, patient_id, COURSE_START, override_reason="counts drawn this morning, not back"
    )
    audit = _last_audit(store, "courses")["after"]
    assert audit["start_override"] == "counts drawn this morning, not back"
    assert problem in audit["start_problems"]
    assert get_course(store, course_id).is_active


def test_the_clinic_sets_how_old_the_counts_may_be(store: Store, patient_id: int) -> None:
    record_labs(store, patient_id, COURSE_START - timedelta(days=10), anc=2.0, platelets=150)
    set_setting(store, START_COUNTS_MAX_AGE_KEY, "14")
    courses.start_course(store, patient_id, COURSE_START)  # no override needed


def test_the_next_cycle_with_low_counts_needs_an_override_reason_and_keeps_it(
    store: Store, patient_id: int, counted_course: int, assert_refused: Callable
) -> None:
    record_labs(store, patient_id, CYCLE_2, anc=0.6, platelets=150)
    assert_refused(
        lambda: courses.start_next_cycle(store, counted_course, CYCLE_2),
        "starting cycle 2 on 2027-03-29 needs a clinician's override reason: ANC 0.6",
    )
    cycle_id = courses.start_next_cycle(
        store, counted_course, CYCLE_2, override_reason="myeloma progressing: clinician's call"
    )
    row = next(store.db.query("SELECT * FROM cycles WHERE id = ?", [cycle_id]))
    assert row["start_override"] == "myeloma progressing: clinician's call"
    assert "ANC 0.6" in row["start_problems"]
    assert _last_audit(store, "cycles")["after"]["start_override"] == row["start_override"]


def test_an_open_interruption_needs_a_resume_or_an_override_to_start_a_cycle(
    store: Store, patient_id: int, counted_course: int, assert_refused: Callable
) -> None:
    record_labs(store, patient_id, date(2027, 3, 20), anc=2.0, platelets=20)
    interrupt(store, counted_course, date(2027, 3, 20), "platelets 20")
    record_labs(store, patient_id, CYCLE_2, anc=2.0, platelets=80)
    assert_refused(
        lambda: courses.start_next_cycle(store, counted_course, CYCLE_2),
        "interrupted since 2027-03-20",
    )
    courses.start_next_cycle(store, counted_course, CYCLE_2, resume_level=1)
    assert [c.len_level for c in cycles_of(store, counted_course)] == [0, 1]
    (record,) = interruptions_of(store, counted_course)
    assert (record.end_date, record.resume_level) == (CYCLE_2, 1)
    state = course_state(store, get_course(store, counted_course), CYCLE_2)
    assert (state.cycle, state.lenalidomide.due_mg, state.on_hold) == (2, 20, False)


def test_a_resume_with_a_cycle_when_nothing_is_interrupted_is_refused(
    store: Store, patient_id: int, counted_course: int, assert_refused: Callable
) -> None:
    record_labs(store, patient_id, CYCLE_2, anc=2.0, platelets=80)
    assert_refused(
        lambda: courses.start_next_cycle(store, counted_course, CYCLE_2, resume_level=1),
        "nothing to resume",
    )


def test_the_vte_risk_factors_are_kept_with_the_course(store: Store, patient_id: int) -> None:
    record_labs(store, patient_id, COURSE_START, anc=2.5, platelets=180)
    course_id = courses.start_course(
        store, patient_id, COURSE_START, vte_risk_factors=["diabetes", "previous_vte"]
    )
    assert get_course(store, course_id).risk_factors == ("diabetes", "previous_vte")


def test_an_unknown_vte_risk_factor_is_refused(
    store: Store, patient_id: int, assert_refused: Callable
) -> None:
    assert_refused(
        lambda: courses.start_course(
            store, patient_id, COURSE_START, override_reason="x", vte_risk_factors=["smoking"]
        ),
        "unknown VTE risk factor 'smoking'",
    )
