"""A database file as the version before the audit chain wrote it (schema m005), holding
values no rule allows, for the tests of the upgrade and of what readers make of them."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import sqlite_utils
from sqlite_utils import Migrations

from tracker.domain.identifiers import mrn_key
from tracker.storage.schema import _MIGRATIONS, MIGRATION_SET

STAMP = "2027-01-01T00:00:00+00:00"
BOOK = {"archived": 0, "created_at": STAMP, "updated_at": STAMP}


def write_older_file(path: Path, course_start: str = "2027-03-01") -> None:
    """As version m005 wrote it, with audit rows (no hash, no reason), a setting, and three
    values no rule allows: a 31 February, a grade 9 and a dose 'eaten'."""
    db = sqlite_utils.Database(path)
    migrations = Migrations(MIGRATION_SET)
    for migration in _MIGRATIONS[:5]:
        migrations()(migration)
    migrations.apply(db)
    patient = {"id": 1, "mrn": "OLD-1", "mrn_key": mrn_key("OLD-1"), "name": "Old, File", **BOOK}
    db["patients"].insert(patient | {"date_of_birth": "1950-02-31"})
    db["patients"].insert({**patient, "id": 2, "mrn": "OLD-2", "mrn_key": mrn_key("OLD-2")})
    db["courses"].insert(
        {"id": 1, "patient_id": 2, "regimen_id": "mm010-rd", "start_date": course_start}
        | {"status": "active", **BOOK}
    )
    db["cycles"].insert(
        {"course_id": 1, "number": 1, "planned_start": course_start, "actual_start": course_start}
        | {"status": "active", **BOOK}
    )
    next_day = (date.fromisoformat(course_start) + timedelta(days=1)).isoformat()
    for day, status in ((course_start, "taken"), (next_day, "eaten")):
        db["dose_records"].insert(
            {"course_id": 1, "date": day, "drug": "lenalidomide", "status": status}
            | {"dose_mg": 25.0, "note": "", **BOOK}
        )
    db["adverse_events"].insert(
        {"patient_id": 2, "event_type": "neutropenia", "grade": 9, "ctcae_version": "CTCAE v5.0"}
        | {"onset_date": course_start, "action": "none", "note": "", **BOOK}
    )
    db["settings"].insert({"key": "clinic_name", "value": "Old Ward"})
    for row_id in (1, 2):
        db["audit_log"].insert(
            {"at": STAMP, "os_user": "nurse", "staff": None, "table_name": "patients"}
            | {"row_id": row_id, "patient_id": row_id, "action": "insert"}
            | {"before_json": None, "after_json": json.dumps({"id": row_id})}
        )
    db.close()
