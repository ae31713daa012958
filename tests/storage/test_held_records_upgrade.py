"""An older file's single-day 'held' records become interruptions when it is opened."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils
from sqlite_utils import Migrations

from tracker.storage.database import open_database
from tracker.storage.queries import course_calendar, dose_records_of, interruptions_of
from tracker.storage.schema import MIGRATION_SET, m001_initial

STAMP = "2027-01-01T00:00:00+00:00"
BOOK = {"archived": 0, "created_at": STAMP, "updated_at": STAMP}


def _older_file(path: Path) -> None:
    """A file as the first release wrote it: cycle 1 from 2027-03-01, cycle 2 from 03-29."""
    db = sqlite_utils.Database(path)
    migrations = Migrations(MIGRATION_SET)
    migrations()(m001_initial)
    migrations.apply(db)
    db["patients"].insert({"id": 1, "mrn": "OLD-1", "name": "Old File", **BOOK})
    db["courses"].insert(
        {"id": 1, "patient_id": 1, "regimen_id": "mm010-rd", "start_date": "2027-03-01"}
        | {"status": "active", **BOOK}
    )
    for number, start in ((1, "2027-03-01"), (2, "2027-03-29")):
        db["cycles"].insert(
            {"course_id": 1, "number": number, "planned_start": start, "actual_start": start}
            | BOOK
        )
    records = [
        ("2027-03-09", "taken"),
        ("2027-03-10", "held"),  # held 10-11, given again on the 12th
        ("2027-03-11", "held"),
        ("2027-03-12", "taken"),
        ("2027-03-20", "held"),  # held on the 20th: the hold ran until cycle 2 began
        ("2027-04-02", "held"),  # held in cycle 2 with nothing after it: still open
    ]
    for day, status in records:
        db["dose_records"].insert(
            {"course_id": 1, "date": day, "drug": "lenalidomide", "status": status}
            | {"dose_mg": 25.0, "note": "ANC 0.8" if status == "held" else "", **BOOK}
        )
    db.close()


def test_held_runs_become_interruptions_with_their_audit_rows(tmp_path: Path) -> None:
    path = tmp_path / "older.sqlite"
    _older_file(path)
    with open_database(path) as store:
        spans = [(i.start_date.isoformat(), i.end_date and i.end_date.isoformat())
                 for i in interruptions_of(store, 1)]
        assert spans == [
            ("2027-03-10", "2027-03-12"),
            ("2027-03-20", "2027-03-29"),
            ("2027-04-02", None),
        ]
        assert {record.status for record in dose_records_of(store, 1)} == {"taken"}
        calendar = {day.date.isoformat(): day for day in course_calendar(store, 1)}
        assert calendar["2027-03-11"].held and not calendar["2027-03-12"].held
        assert calendar["2027-03-21"].held  # no longer a one-day hold
        assert calendar["2027-04-20"].held
        audit = list(store.db.query(
            "SELECT table_name, action, staff FROM audit_log ORDER BY id"
        ))
        assert audit.count(
            {"table_name": "interruptions", "action": "insert", "staff": "schema upgrade"}
        ) == 3
        assert audit.count(
            {"table_name": "dose_records", "action": "archive", "staff": "schema upgrade"}
        ) == 4
