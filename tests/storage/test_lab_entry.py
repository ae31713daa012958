"""Record labs' write: the result, its events and the accepted dose decision, all or nothing."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tracker.storage import queries
from tracker.storage.database import Store
from tracker.storage.operations.interruptions import interrupt
from tracker.storage.operations.lab_entry import EventToLog, LabEntry, save_labs
from tracker.storage.operations.labs import record_labs

DAY = date(2027, 3, 10)


def entry(patient_id: int, course_id: int | None, **decision: object) -> LabEntry:
    return LabEntry(
        patient_id,
        DAY,
        0.6,
        "10^9/L",
        140.0,
        "10^9/L",
        None,
        None,
        "",
        course_id,
        (EventToLog("neutropenia", 3),),
        **decision,
    )


def audited_tables(store: Store) -> list[tuple[str, str]]:
    rows = store.db.query("SELECT table_name, action FROM audit_log ORDER BY id")
    return [(row["table_name"], row["action"]) for row in rows]


def test_an_accepted_interruption_is_written_with_the_labs_and_audited(
    store, patient_id, course_id
):
    before = audited_tables(store)
    saved = save_labs(
        store,
        entry(patient_id, course_id, interrupt_lenalidomide=True, interruption_reason="ANC 0.6"),
    )
    [held] = queries.interruptions_of(store, course_id)
    assert (held.id, held.start_date, held.end_date, held.reason) == (
        saved.interruption_id,
        DAY,
        None,
        "ANC 0.6",
    )
    [event] = queries.events_of(store, patient_id)
    assert (event.id, event.lab_id, event.action) == (saved.event_ids[0], saved.lab_id, "held")
    assert audited_tables(store)[len(before) :] == [
        ("labs", "insert"),
        ("interruptions", "insert"),
        ("adverse_events", "insert"),
    ]


def test_a_new_level_without_an_interruption_is_a_level_change(store, patient_id, course_id):
    saved = save_labs(store, entry(patient_id, course_id, change_level=1))
    [change] = queries.level_changes_of(store, course_id)
    assert (change.id, change.level, change.effective_date) == (saved.level_change_id, 1, DAY)
    [event] = queries.events_of(store, patient_id)
    assert event.action == "reduced"
    row = store.db.execute(
        "SELECT after_json FROM audit_log WHERE table_name = 'level_changes'"
    ).fetchone()
    assert json.loads(row[0])["level"] == 1


def test_a_resume_ends_the_open_interruption(store, patient_id, course_id):
    record_labs(store, patient_id, date(2027, 3, 5), platelets=20)
    interruption_id = interrupt(store, course_id, date(2027, 3, 5), "platelets 20")
    saved = save_labs(store, entry(patient_id, course_id, resume_level=1))
    [held] = queries.interruptions_of(store, course_id)
    assert (saved.interruption_id, held.end_date, held.resume_level) == (interruption_id, DAY, 1)
    assert [c.level for c in queries.level_changes_of(store, course_id)] == [1]


@pytest.mark.parametrize(
    ("decision", "course", "match"),
    [
        ({"interrupt_lenalidomide": True, "resume_level": 0}, True, "accept one dose decision"),
        ({"interrupt_lenalidomide": True}, False, "needs a course in progress"),
        ({"resume_level": 0}, True, "not interrupted"),
        ({"change_level": 9}, True, "not on the regimen's ladder"),
    ],
)
def test_a_refused_decision_writes_nothing(
    store, patient_id, course_id, assert_refused, decision, course, match
):
    refused = entry(patient_id, course_id if course else None, **decision)
    assert_refused(lambda: save_labs(store, refused), match)
