"""Opening database files: creation, migration, PRAGMAs, and refusing files it must not touch."""


from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from tests.damaged_files import write_damaged_database
from tracker.storage.database import (
    DATABASE_PATH_ENVIRONMENT,
    Store,
    default_database_path,
    open_database,
)
from tracker.storage.errors import (
    DatabaseTooNewError,
    NotADatabaseError,
    StorageError,
    ValidationError,
)
from tracker.storage.operations.patients import add_patient
from tracker.storage.queries import count_patients, patient_by_mrn
from tracker.storage.schema import known_migration_names

from .conftest import TODAY

CLINICAL_TABLES = {
    "settings",
    "patients",
    "courses",
    "cycles",
    "level_changes",
    "dose_records",
    "labs",
    "adverse_events",
    "responses",
    "audit_log",
}


def _file_state(path: Path) -> tuple[bytes, int, int]:
    status = path.stat()
    return path.read_bytes(), status.st_mtime_ns, status.st_size


def _siblings(path: Path) -> set[str]:
    return {entry.name for entry in path.parent.iterdir()}


def _applied_migrations(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [row[0] for row in connection.execute("SELECT name FROM _sqlite_migrations")]
    finally:
        connection.close()


def _too_new_database(path: Path) -> None:
    """A tracker database that a later version has upgraded with a migration we do not know."""
    store = open_database(path, clock=lambda: TODAY)
    add_patient(store, mrn="KEEP-1", name="Grace Hopper")
    store.db["_sqlite_migrations"].insert(
        {"migration_set": "tracker", "name": "m999_from_the_future", "applied_at": "2030-01-01"}
    )
    store.close()


def test_a_new_file_gets_the_whole_schema_through_migrations(db_path: Path) -> None:
    store = open_database(db_path)
    try:
        assert set(store.db.table_names()) >= CLINICAL_TABLES
        assert store.path == db_path
    finally:
        store.close()
    assert set(_applied_migrations(db_path)) == known_migration_names()


@pytest.mark.parametrize("read_only", [False, True], ids=["for writing", "read-only"])
def test_an_empty_file_is_refused_not_made_a_new_database(db_path: Path, read_only: bool) -> None:
    """A database truncated to nothing must not turn silently into an empty new one."""
    db_path.write_bytes(b"")
    with pytest.raises(NotADatabaseError, match="empty file: not a tracker database"):
        open_database(db_path, read_only=read_only)
    assert db_path.read_bytes() == b""
    assert sorted(path.name for path in db_path.parent.iterdir()) == [db_path.name]


def test_the_folder_of_a_new_database_is_created(tmp_path: Path) -> None:
    path = tmp_path / "not" / "yet" / "there.sqlite"
    with open_database(path) as store:
        assert store.db["patients"].count == 0
    assert path.is_file()


def test_reopening_keeps_data_and_applies_no_migration_twice(db_path: Path) -> None:
    with open_database(db_path, clock=lambda: TODAY) as store:
        add_patient(store, mrn="A1", name="Alan Turing")
    with open_database(db_path) as store:
        assert patient_by_mrn(store, "A1").name == "Alan Turing"
    assert sorted(_applied_migrations(db_path)) == sorted(known_migration_names())


@pytest.mark.file_only
def test_pragmas_are_set_on_every_connection(store: Store) -> None:
    def pragma(name: str) -> object:
        return store.db.execute(f"PRAGMA {name}").fetchone()[0]

    assert pragma("foreign_keys") == 1
    assert pragma("journal_mode") == "wal"
    assert pragma("synchronous") == 2  # FULL
    assert pragma("busy_timeout") == 5000


@pytest.mark.file_only
def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError), store.transaction() as db:
        db["courses"].insert(
            {"patient_id": 12345, "regimen_id": "mm010-rd", "start_date": "2027-01-01"}
            | {"status": "active"}
        )


def test_a_database_from_a_newer_version_is_refused_and_untouched(db_path: Path) -> None:
    _too_new_database(db_path)
    before, files_before = _file_state(db_path), _siblings(db_path)

    with pytest.raises(DatabaseTooNewError, match="newer version of Rd Cycle Tracker"):
        open_database(db_path)

    assert _file_state(db_path) == before
    assert _siblings(db_path) == files_before  # not even -wal or -shm files appear
    assert "m001_initial" in _applied_migrations(db_path)


def test_a_newer_database_still_open_elsewhere_is_refused_and_untouched(db_path: Path) -> None:
    _too_new_database(db_path)
    other_program = sqlite3.connect(db_path)
    try:
        other_program.execute("PRAGMA journal_mode = WAL")
        other_program.execute(
            "UPDATE patients SET notes = 'seen elsewhere', version = version + 1"
        )
        other_program.commit()
        before = _file_state(db_path)
        with pytest.raises(DatabaseTooNewError, match="m999_from_the_future"):
            open_database(db_path)
        assert _file_state(db_path) == before
    finally:
        other_program.close()


def test_a_text_file_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("Clinic notes, not a database.\n" * 200, encoding="utf-8")
    before, files_before = _file_state(path), _siblings(path)

    with pytest.raises(NotADatabaseError, match="not an Rd Cycle Tracker database") as raised:
        open_database(path)

    assert "\n" not in str(raised.value)
    assert _file_state(path) == before
    assert _siblings(path) == files_before


def test_a_sqlite_file_damaged_in_the_middle_of_a_page_is_refused_and_untouched(
    db_path: Path,
) -> None:
    write_damaged_database(db_path, TODAY)
    before, files_before = _file_state(db_path), _siblings(db_path)

    with pytest.raises(NotADatabaseError, match="damaged") as raised:
        open_database(db_path)

    assert "\n" not in str(raised.value)
    assert _file_state(db_path) == before
    assert _siblings(db_path) == files_before


def test_a_damaged_header_is_refused_and_untouched(db_path: Path) -> None:
    with open_database(db_path, clock=lambda: TODAY) as store:
        add_patient(store, mrn="A1", name="Alan Turing")
    data = bytearray(db_path.read_bytes())
    data[0:16] = b"Not SQLite here!"
    db_path.write_bytes(bytes(data))
    before = _file_state(db_path)

    with pytest.raises(NotADatabaseError):
        open_database(db_path)
    assert _file_state(db_path) == before


def test_another_programs_sqlite_database_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    connection.commit()
    connection.close()
    before = _file_state(path)

    with pytest.raises(NotADatabaseError, match="another program"):
        open_database(path)
    assert _file_state(path) == before


def test_a_first_run_cut_short_before_the_schema_is_finished(db_path: Path) -> None:
    connection = sqlite3.connect(db_path)
    connection.execute(
        "CREATE TABLE _sqlite_migrations (id INTEGER PRIMARY KEY, migration_set TEXT, "
        "name TEXT, applied_at TEXT)"
    )
    connection.commit()
    connection.close()
    with open_database(db_path) as store:
        assert set(store.db.table_names()) >= CLINICAL_TABLES


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotADatabaseError, match="folder"):
        open_database(tmp_path)


def test_default_path_is_in_the_user_data_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DATABASE_PATH_ENVIRONMENT, raising=False)
    path = default_database_path()
    assert path.name == "tracker.sqlite"
    assert path.parent.name == "rd-cycle-tracker"


def test_default_path_can_be_set_by_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(DATABASE_PATH_ENVIRONMENT, str(tmp_path / "shared.sqlite"))
    assert default_database_path() == tmp_path / "shared.sqlite"


def test_store_tells_the_day_from_its_clock_and_keeps_staff_initials(db_path: Path) -> None:
    with open_database(db_path, staff="  AB ", clock=lambda: date(2030, 1, 2)) as store:
        assert store.today() == date(2030, 1, 2)
        assert store.staff == "AB"
        store.staff = ""
        assert store.staff is None


def test_changed_is_set_only_by_a_committed_write(store: Store) -> None:
    assert not store.changed
    with pytest.raises(ValidationError):
        add_patient(store, mrn="", name="Nobody")
    assert not store.changed
    add_patient(store, mrn="A1", name="Alan Turing")
    assert store.changed


def test_a_change_failing_halfway_leaves_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        add_patient(store, mrn="A1", name="Alan Turing")
        raise RuntimeError("power cut")
    assert count_patients(store) == 0
    assert store.db["audit_log"].count == 0
    assert not store.changed


def test_a_closed_store_refuses_writes(db_path: Path) -> None:
    store = open_database(db_path, clock=lambda: TODAY)
    store.close()
    store.close()  # closing twice is harmless
    assert store.closed
    with pytest.raises(StorageError, match="closed"):
        add_patient(store, mrn="A1", name="Alan Turing")


def test_a_background_check_finds_the_damage_and_no_write_reaches_the_file(
    db_path: Path,
) -> None:
    write_damaged_database(db_path, TODAY)
    before = db_path.read_bytes()

    store = open_database(db_path, clock=lambda: TODAY, check_in_background=True)
    try:
        with pytest.raises(NotADatabaseError, match="damaged"):
            store.wait_for_integrity()
        assert not store.integrity_pending
        with pytest.raises(NotADatabaseError, match="damaged"):
            add_patient(store, mrn="NEW-1", name="Never Written")
    finally:
        store.close()
    assert db_path.read_bytes() == before


def test_a_background_check_of_an_intact_file_lets_writes_through(db_path: Path) -> None:
    with open_database(db_path, clock=lambda: TODAY) as store:
        add_patient(store, mrn="MRN-1", name="First")
    with open_database(db_path, clock=lambda: TODAY, check_in_background=True) as store:
        add_patient(store, mrn="MRN-2", name="Second")
        store.wait_for_integrity()
        assert not store.integrity_pending
        assert store.db["patients"].count == 2


def test_a_text_file_is_refused_at_once_even_with_a_background_check(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("not a database\n" * 50)
    with pytest.raises(NotADatabaseError):
        open_database(path, check_in_background=True)
    assert path.read_text() == "not a database\n" * 50
