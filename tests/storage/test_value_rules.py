"""Every enumerated column, grade, date and count keeps its rule: bad values are refused on
writing, from the program or any SQLite client, and one already in the file is named, with
its table and row, by every reader and by ``verify``."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from tests.storage.tampering import raw, refused, without_guards
from tracker.domain.grading import EVENT_TYPES
from tracker.domain.regimen import DEXAMETHASONE, LENALIDOMIDE
from tracker.storage import value_rules
from tracker.storage.cohort import cohort_records, count_cohort
from tracker.storage.database import Store, open_database
from tracker.storage.errors import BadStoredValueError
from tracker.storage.operations import courses, doses, events, labs, patients, responses
from tracker.storage.operations.doses import record_dose
from tracker.storage.operations.events import log_event
from tracker.storage.queries import (
    active_courses,
    course_calendar,
    dose_records_of,
    events_of,
    get_patient,
)
from tracker.storage.verify import verify_store

from .conftest import COURSE_START

SAMPLES = (
    None, "", "2020-01-01", "1950-02-31", "2020-02-29", "2021-02-29", "2020-1-1", "20200101",
    "2020-01-01 ", "abc", 0, 1, 2, 3, 5, 6, 9, -1, 0.0, 0.5, 25.0, -2.5, float("inf"),
    "taken", "missed", "held", "eaten", "F", "M", "x", "mg/dL", "10^9/L", "active", "none",
    "CR", "neutropenia", "lenalidomide", "3",
)  # fmt: skip


def test_the_rules_allow_what_the_operations_write() -> None:
    assert value_rules.SEXES == patients.SEXES
    assert value_rules.CREATININE_UNITS == patients.CREATININE_UNITS
    assert value_rules.COUNT_UNITS == labs.COUNT_UNITS
    assert value_rules.THROMBOPROPHYLAXIS == courses.THROMBOPROPHYLAXIS
    assert value_rules.END_REASONS == courses.END_REASONS
    assert set(doses.DOSE_STATUSES) < set(value_rules.DOSE_STATUSES)
    assert value_rules.EVENT_TYPES == EVENT_TYPES
    assert value_rules.EVENT_ACTIONS == events.EVENT_ACTIONS
    assert value_rules.RESPONSES == responses.RESPONSES
    assert set(value_rules.DRUGS) == {LENALIDOMIDE, DEXAMETHASONE}
    assert (value_rules.GRADES[1], value_rules.GRADES[0]) == (events.DEATH_GRADE, 1)


@pytest.mark.file_only
def test_the_sql_and_the_python_of_each_rule_agree(store: Store) -> None:
    """The triggers and ``verify`` use the SQL, readers the Python: one rule, one answer,
    for each value as the column's type stores it."""
    connection = store.connection
    for rule in value_rules.RULES:
        declared = {
            row[1]: row[2] for row in connection.execute(f"PRAGMA table_info([{rule.table}])")
        }
        connection.execute(f"CREATE TEMP TABLE probe (value {declared[rule.column]})")
        try:
            for sample in SAMPLES:
                connection.execute("DELETE FROM probe")
                connection.execute("INSERT INTO probe VALUES (?)", [sample])
                stored, by_sql = connection.execute(
                    f"SELECT value, {rule.sql('value')} FROM probe"
                ).fetchone()
                assert bool(by_sql) == rule.accepts(stored), (rule, sample, stored)
        finally:
            connection.execute("DROP TABLE probe")


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        (
            "UPDATE patients SET date_of_birth = '1950-02-31', version = version + 1",
            "patients.date_of_birth must be a real date written YYYY-MM-DD",
        ),
        (
            "UPDATE adverse_events SET grade = 9, version = version + 1",
            "adverse_events.grade must be a whole number from 1 to 5",
        ),
        (
            "UPDATE dose_records SET status = 'eaten', version = version + 1",
            "dose_records.status must be one of 'taken', 'missed', 'held'",
        ),
        (
            "UPDATE labs SET anc = -1, version = version + 1",
            "labs.anc must be a number of 0 or more",
        ),
        (
            "INSERT INTO courses (patient_id, regimen_id, start_date, status, archived, "
            "created_at, updated_at) VALUES (1, 'mm010-rd', '2027-13-01', 'active', 0, 'x', 'x')",
            "courses.start_date must be a real date",
        ),
        (
            "UPDATE courses SET thromboprophylaxis = 'garlic', version = version + 1",
            "courses.thromboprophylaxis must be one of",
        ),
    ],
)
def test_a_bad_value_from_another_sqlite_client_is_refused(
    store: Store, patient_id: int, course_id: int, statement: str, message: str
) -> None:
    record_dose(store, course_id, COURSE_START, "lenalidomide", "taken")
    log_event(store, patient_id, "neutropenia", 3, date(2027, 3, 9))
    labs.record_labs(store, patient_id, date(2027, 3, 9), anc=0.8, platelets=120)
    assert message in refused(store.path, statement)
    assert verify_store(store).intact


def _bad_file(store: Store, patient_id: int, course_id: int) -> None:
    """Three bad values written as a sqlite3 shell user who dropped the guards would."""
    record_dose(store, course_id, COURSE_START, "lenalidomide", "taken")
    log_event(store, patient_id, "neutropenia", 3, date(2027, 3, 9), course_id=course_id)
    raw(
        store.path,
        *without_guards("patients", "adverse_events", "dose_records"),
        "UPDATE patients SET date_of_birth = '1950-02-31'",
        "UPDATE adverse_events SET grade = 9",
        "UPDATE dose_records SET status = 'eaten'",
    )


def test_readers_name_the_table_row_and_value_instead_of_failing_later(
    store: Store, patient_id: int, course_id: int
) -> None:
    _bad_file(store, patient_id, course_id)
    with pytest.raises(BadStoredValueError) as found:
        get_patient(store, patient_id)
    assert str(found.value).startswith(
        f"patients row {patient_id} holds a value the program cannot use: date_of_birth "
        "'1950-02-31' is not a real date written YYYY-MM-DD"
    )
    with pytest.raises(BadStoredValueError, match=r"patients row 1 .*1950-02-31"):
        active_courses(store)
    with pytest.raises(BadStoredValueError, match=r"adverse_events row 1 .*grade 9 is not"):
        events_of(store, patient_id)
    with pytest.raises(BadStoredValueError, match=r"dose_records row 1 .*'eaten' is not one of"):
        dose_records_of(store, course_id)
    with pytest.raises(BadStoredValueError, match=r"(dose_records|adverse_events) row 1 holds"):
        course_calendar(store, course_id)
    # A grade 9 is not counted as a death in the cohort report: it is refused.
    with pytest.raises(BadStoredValueError, match=r"adverse_events row 1 .*grade 9"):
        count_cohort(store)
    with pytest.raises(BadStoredValueError, match="adverse_events row 1"):
        cohort_records(store)


def test_verify_reports_bad_values_and_deletes_nothing(
    store: Store, patient_id: int, course_id: int
) -> None:
    _bad_file(store, patient_id, course_id)
    report = verify_store(store)
    assert [str(value) for value in report.values] == [
        f"patients row {patient_id}: date_of_birth '1950-02-31' is not a real date written "
        "YYYY-MM-DD",
        "dose_records row 1: status 'eaten' is not one of 'taken', 'missed', 'held'",
        "adverse_events row 1: grade 9 is not a whole number from 1 to 5",
    ]
    assert store.connection.execute("SELECT COUNT(*) FROM dose_records").fetchone() == (1,)


def test_a_row_with_an_old_bad_value_can_still_be_corrected(
    store: Store, patient_id: int, course_id: int, db_path: Path
) -> None:
    _bad_file(store, patient_id, course_id)
    with open_database(db_path) as fresh:
        # The triggers are back (as a newer program would restore them): the update checks
        # only what it changes, so the bad date can be replaced.
        from tracker.storage import guards

        guards.install(fresh.db, {name: sql for name, sql in guards.expected_triggers().items()
                                  if name.startswith(("patients_", "adverse_events_"))})
        fresh.connection.commit()
    with pytest.raises(sqlite3.IntegrityError, match="date_of_birth must be a real date"):
        raw(db_path, "UPDATE patients SET date_of_birth = '1950-02-30', version = version + 1")
    raw(db_path, "UPDATE patients SET date_of_birth = '1950-02-28', version = version + 1")
    raw(db_path, "UPDATE patients SET notes = 'checked', version = version + 1")
    assert "grade" not in refused(db_path, "UPDATE adverse_events SET archived = 1, version = 2")
