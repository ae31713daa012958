"""Every write leaves an audit row: who, when, which row, and the row before and after."""

from __future__ import annotations

import getpass
from datetime import UTC, date, datetime, timedelta

from tests.starts import start_course, start_next_cycle
from tracker.storage.database import Store
from tracker.storage.operations.courses import change_dose_level, end_course, update_course
from tracker.storage.operations.doses import record_dose
from tracker.storage.operations.events import archive_event, log_event, update_event
from tracker.storage.operations.labs import archive_labs, record_labs
from tracker.storage.operations.patients import add_patient, archive_patient, update_patient
from tracker.storage.operations.responses import archive_response, record_response
from tracker.storage.operations.settings import set_setting
from tracker.storage.queries import audit_of_patient
from tracker.storage.records import AuditEntry

from .conftest import COURSE_START


def _all_audit(store: Store) -> list[AuditEntry]:
    return [AuditEntry.from_row(row) for row in store.db["audit_log"].rows_where(order_by="id")]


def _new_entries(store: Store, since: int) -> list[AuditEntry]:
    return [entry for entry in _all_audit(store) if entry.id > since]


def _last_id(store: Store) -> int:
    return max((entry.id for entry in _all_audit(store)), default=0)


def test_adding_a_patient_is_audited_with_who_when_and_the_new_row(store: Store) -> None:
    before = datetime.now(UTC)
    patient_id = add_patient(store, mrn="A1", name="Alan Turing", weight_kg=70)
    (entry,) = _all_audit(store)
    assert entry.action == "insert"
    assert entry.table_name == "patients" and entry.row_id == patient_id
    assert entry.patient_id == patient_id
    assert entry.os_user == getpass.getuser()
    assert entry.staff == "JD"
    at = datetime.fromisoformat(entry.at)
    assert at.utcoffset() == timedelta(0)
    assert before - timedelta(seconds=1) <= at <= datetime.now(UTC) + timedelta(seconds=1)
    assert entry.before is None
    assert entry.after is not None
    assert entry.after["mrn"] == "A1" and entry.after["weight_kg"] == 70.0
    assert entry.after["archived"] == 0
    assert entry.after["created_at"] == entry.after["updated_at"]


def test_an_update_records_the_row_before_and_after(store: Store, patient_id: int) -> None:
    since = _last_id(store)
    update_patient(store, patient_id, reason="entered in error", name="Ada King")
    (entry,) = _new_entries(store, since)
    assert entry.action == "update" and entry.row_id == patient_id
    assert entry.before is not None and entry.after is not None
    assert entry.before["name"] == "Ada Lovelace" and entry.after["name"] == "Ada King"
    assert entry.after["updated_at"] >= entry.before["updated_at"]
    assert entry.after["created_at"] == entry.before["created_at"]
    changed = {key for key in entry.after if entry.after[key] != entry.before[key]}
    assert changed <= {"name", "updated_at", "version"}
    assert entry.after["version"] == entry.before["version"] + 1
    assert entry.reason == "entered in error"


def test_an_update_that_changes_nothing_writes_nothing(store: Store, patient_id: int) -> None:
    since = _last_id(store)
    update_patient(store, patient_id, reason="entered in error", name="Ada Lovelace")
    assert _new_entries(store, since) == []


def test_archiving_is_audited_as_archive(store: Store, patient_id: int) -> None:
    since = _last_id(store)
    archive_patient(store, patient_id, reason="entered in error")
    (entry,) = _new_entries(store, since)
    assert entry.action == "archive"
    assert entry.before is not None and entry.after is not None
    assert (entry.before["archived"], entry.after["archived"]) == (0, 1)


def test_staff_initials_are_those_set_at_the_time(store: Store) -> None:
    store.staff = None
    first = add_patient(store, mrn="A1", name="Alan Turing")
    store.staff = "MC"
    second = add_patient(store, mrn="A2", name="Marie Curie")
    assert audit_of_patient(store, first)[0].staff is None
    assert audit_of_patient(store, second)[0].staff == "MC"


def test_starting_a_course_audits_the_course_and_its_first_cycle(
    store: Store, patient_id: int
) -> None:
    since = _last_id(store)
    course_id = start_course(store, patient_id, COURSE_START)
    course_entry, cycle_entry = _new_entries(store, since)
    assert (course_entry.table_name, course_entry.action, course_entry.row_id) == (
        "courses",
        "insert",
        course_id,
    )
    assert cycle_entry.table_name == "cycles" and cycle_entry.action == "insert"
    assert cycle_entry.after is not None and cycle_entry.after["number"] == 1
    assert {course_entry.patient_id, cycle_entry.patient_id} == {patient_id}


def test_every_operation_writes_audit_rows_for_the_patient(store: Store, patient_id: int) -> None:
    """One pass through every kind of write, checking each one's audit rows."""
    expected: list[tuple[str, str]] = []

    def expect(*entries: tuple[str, str]) -> None:
        expected.extend(entries)
        got = [
            (entry.table_name, entry.action)
            for entry in reversed(audit_of_patient(store, patient_id))
        ]
        assert got[-len(expected) :] == expected

    since_start = _last_id(store)
    course_id = start_course(store, patient_id, COURSE_START)
    expect(("courses", "insert"), ("cycles", "insert"))
    record_dose(store, course_id, COURSE_START, "lenalidomide", "taken")
    expect(("dose_records", "insert"))
    record_dose(store, course_id, COURSE_START, "lenalidomide", "missed", reason="misread")
    expect(("dose_records", "update"))
    change_dose_level(store, course_id, "lenalidomide", 2, date(2027, 3, 10), "neutropenia")
    expect(("level_changes", "insert"))
    start_next_cycle(store, course_id, date(2027, 4, 5), delay_reason="neutropenia")
    expect(("cycles", "update"), ("cycles", "insert"))
    change_dose_level(store, course_id, "dexamethasone", 1, date(2027, 4, 5))
    expect(("level_changes", "insert"), ("cycles", "update"))
    update_course(store, course_id, reason="entered in error", thromboprophylaxis="LMWH")
    expect(("courses", "update"))
    lab_id = record_labs(store, patient_id, date(2027, 3, 9), anc=0.8, platelets=120)
    expect(("labs", "insert"))
    event_id = log_event(store, patient_id, "neutropenia", 3, date(2027, 3, 9), lab_id=lab_id)
    expect(("adverse_events", "insert"))
    update_event(store, event_id, reason="entered in error", resolution_date=date(2027, 3, 20))
    expect(("adverse_events", "update"))
    archive_event(store, event_id, reason="entered in error")
    expect(("adverse_events", "archive"))
    archive_labs(store, lab_id, reason="entered in error")
    expect(("labs", "archive"))
    response_id = record_response(store, course_id, date(2027, 5, 1), "PR")
    expect(("responses", "insert"))
    archive_response(store, response_id, reason="entered in error")
    expect(("responses", "archive"))
    end_course(store, course_id, date(2027, 5, 20), "progression")
    expect(("courses", "update"), ("cycles", "update"))

    entries = _new_entries(store, since_start)
    assert len(entries) == len(expected)
    assert all(entry.patient_id == patient_id for entry in entries)
    for entry in entries:
        assert entry.after is not None and entry.after["id"] == entry.row_id
        assert (entry.before is None) == (entry.action == "insert")


def test_audit_of_patient_is_newest_first_and_only_that_patient(
    store: Store, patient_id: int
) -> None:
    other = add_patient(store, mrn="B2", name="Other Person")
    update_patient(store, patient_id, reason="entered in error", notes="first")
    update_patient(store, other, reason="entered in error", notes="other")
    update_patient(store, patient_id, reason="entered in error", notes="second")
    entries = audit_of_patient(store, patient_id)
    assert [entry.after["notes"] for entry in entries if entry.after] == ["second", "first", ""]
    assert [entry.id for entry in entries] == sorted((entry.id for entry in entries), reverse=True)
    assert {entry.patient_id for entry in entries} == {patient_id}


def test_settings_changes_are_audited(store: Store) -> None:
    set_setting(store, "clinic_name", "Haematology Day Unit")
    set_setting(store, "clinic_name", "Haematology Day Unit")  # unchanged: no row
    set_setting(store, "clinic_name", "Ward 7")
    first, second = _all_audit(store)
    assert (first.table_name, first.action, first.before) == ("settings", "insert", None)
    assert first.after == {"key": "clinic_name", "value": "Haematology Day Unit"}
    assert second.action == "update"
    assert second.before == {"key": "clinic_name", "value": "Haematology Day Unit"}
    assert second.after == {"key": "clinic_name", "value": "Ward 7"}
    assert first.patient_id is None
