"""CSV export: one file per table, every row (archived ones and the audit log included)."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest

from tests.storage_extras.helpers import add_plain_patient
from tracker.storage.audit import archive_row, update_row
from tracker.storage.database import open_database
from tracker.storage.errors import DatabaseTooNewError, NotADatabaseError, StorageError
from tracker.storage.export import export_csv


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    return header, rows


def table_as_text(database: Path, table: str) -> tuple[list[str], list[list[str]]]:
    """The table as the CSV should show it: None as an empty field, numbers as Python prints them."""
    connection = sqlite3.connect(database)
    try:
        cursor = connection.execute(f'SELECT * FROM "{table}" ORDER BY rowid')
        header = [column[0] for column in cursor.description]
        rows = [["" if value is None else str(value) for value in row] for row in cursor]
    finally:
        connection.close()
    return header, rows


@pytest.fixture
def varied_database(database: Path) -> Path:
    """Archived rows, awkward text (commas, quotes, newlines, accents) and floats."""
    with open_database(database) as store:
        archived = add_plain_patient(store, "MRN-ARCH")
        archive_row(store, "patients", archived, patient_id=archived)
        add_plain_patient(store, "MRN,005", 'Zoë "Quoted", line\nbreak')
        update_row(
            store, "patients", 1, {"weight_kg": 71.35, "creatinine": 0.1 + 0.2}, patient_id=1
        )
        store.db["settings"].insert({"key": "clinic", "value": "Ward 7"})
    return database


def test_every_table_is_exported_and_reads_back_equal(varied_database, tmp_path):
    written = export_csv(varied_database, tmp_path / "out")
    connection = sqlite3.connect(varied_database)
    tables = {
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    connection.close()
    assert set(written) == tables
    assert {"patients", "audit_log", "courses", "adverse_events"} <= tables
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == sorted(
        f"{table}.csv" for table in tables
    )
    for table, path in written.items():
        assert read_csv(path) == table_as_text(varied_database, table), table


def test_archived_rows_and_the_audit_log_are_included(varied_database, tmp_path):
    written = export_csv(varied_database, tmp_path / "out")
    header, rows = read_csv(written["patients"])
    by_mrn = {row[header.index("mrn")]: row for row in rows}
    assert by_mrn["MRN-ARCH"][header.index("archived")] == "1"
    assert by_mrn["MRN,005"][header.index("name")] == 'Zoë "Quoted", line\nbreak'
    audit_header, audit_rows = read_csv(written["audit_log"])
    actions = [row[audit_header.index("action")] for row in audit_rows]
    assert actions.count("insert") == 5 and actions.count("archive") == 1
    _empty_header, empty_rows = read_csv(written["courses"])
    assert empty_rows == []


def test_existing_files_are_replaced_only_when_told(database, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "patients.csv").write_text("keep me")
    with pytest.raises(StorageError, match=r"patients\.csv.*--force"):
        export_csv(database, out)
    assert (out / "patients.csv").read_text() == "keep me"
    assert sorted(path.name for path in out.iterdir()) == ["patients.csv"]
    export_csv(database, out, overwrite=True)
    assert read_csv(out / "patients.csv")[1][0][1] == "MRN001"


def test_export_refuses_a_file_as_folder_and_a_non_database(database, tmp_path):
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    with pytest.raises(StorageError, match="not a folder"):
        export_csv(database, a_file)
    with pytest.raises(NotADatabaseError):
        export_csv(a_file, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_newer_database_is_refused_and_left_exactly_as_it_was(database, tmp_path):
    connection = sqlite3.connect(database)
    with connection:
        connection.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('tracker', 'm999_from_the_future', '2030-01-01')"
        )
    connection.close()
    assert connection_mode(database) == "wal"
    before = database.read_bytes()
    siblings = sorted(path.name for path in database.parent.iterdir())
    with pytest.raises(DatabaseTooNewError, match="newer version"):
        export_csv(database, tmp_path / "out")
    assert database.read_bytes() == before
    # Not even the -wal and -shm files a read of a WAL database would leave.
    assert sorted(path.name for path in database.parent.iterdir()) == siblings
    assert not (tmp_path / "out").exists()


def connection_mode(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        connection.close()
