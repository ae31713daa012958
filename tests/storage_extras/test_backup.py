"""Backups through the online backup API, rotation, and restoring with a safety copy."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.storage_extras.helpers import add_plain_patient, patient_mrns
from tracker.storage.backup import (
    automatic_backup,
    automatic_backups,
    backup_database,
    check_tracker_database,
    rotate_backups,
)
from tracker.storage.database import open_database
from tracker.storage.errors import DatabaseTooNewError, NotADatabaseError, StorageError
from tracker.storage.restore import restore_database

ORIGINAL = ["MRN001", "MRN002", "MRN003"]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ticking_clock(start: datetime = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)):
    moments = (start + timedelta(minutes=minute) for minute in range(10_000))
    return lambda: next(moments)


def test_backup_is_a_complete_single_file_copy(database, tmp_path):
    copy = backup_database(database, tmp_path / "copy.sqlite")
    # Journal mode byte 1 (rollback), not 2 (WAL): the copy needs no -wal file to be read.
    assert copy.read_bytes()[18] == 1
    check_tracker_database(copy)
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.startswith("copy")) == [
        "copy.sqlite"
    ]
    assert patient_mrns(copy) == ORIGINAL


def test_backup_includes_changes_still_in_the_wal_of_an_open_database(database, tmp_path):
    with open_database(database) as store:
        add_plain_patient(store, "MRN004")
        assert Path(f"{database}-wal").stat().st_size > 0
        copy = backup_database(database, tmp_path / "live.sqlite")
    assert patient_mrns(copy) == [*ORIGINAL, "MRN004"]


def test_backup_refuses_to_overwrite_unless_told(database, tmp_path):
    existing = tmp_path / "existing.sqlite"
    existing.write_text("keep me")
    with pytest.raises(StorageError, match="already exists"):
        backup_database(database, existing)
    assert existing.read_text() == "keep me"
    backup_database(database, existing, overwrite=True)
    assert patient_mrns(existing) == ORIGINAL


def test_backup_into_a_folder_is_refused(database, tmp_path):
    with pytest.raises(StorageError, match="is a folder"):
        backup_database(database, tmp_path, overwrite=True)


def test_backup_of_a_file_that_is_not_sqlite_is_refused(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a database")
    with pytest.raises(NotADatabaseError):
        backup_database(text, tmp_path / "out.sqlite")
    assert not (tmp_path / "out.sqlite").exists()


def test_rotation_keeps_the_newest_ten(database, tmp_path):
    backups = tmp_path / "backups"
    clock = ticking_clock()
    written = [rotate_backups(database, backups, now=clock) for _ in range(13)]
    kept = automatic_backups(database, backups)
    assert kept == written[3:]
    assert len(list(backups.iterdir())) == 10
    assert written[-1].name == "tracker-20260101-091200-000000.sqlite"
    assert patient_mrns(written[-1]) == ORIGINAL


def test_rotation_leaves_other_databases_backups_alone(database, tmp_path):
    backups = tmp_path / "backups"
    backups.mkdir()
    other = backups / "other-20200101-000000-000000.sqlite"
    other.write_bytes(b"")
    clock = ticking_clock()
    for _ in range(3):
        rotate_backups(database, backups, keep=2, now=clock)
    assert other.exists()
    assert len(automatic_backups(database, backups)) == 2


def test_same_moment_backups_do_not_overwrite_each_other(database, tmp_path):
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    first = rotate_backups(database, tmp_path, now=lambda: moment)
    second = rotate_backups(database, tmp_path, now=lambda: moment)
    assert first != second and first.exists() and second.exists()
    assert automatic_backups(database, tmp_path) == [first, second]


def test_automatic_backup_only_after_changes(database, tmp_path):
    backups = tmp_path / "backups"
    with open_database(database) as store:
        assert automatic_backup(store, backups) is None
        add_plain_patient(store, "MRN004")
        written = automatic_backup(store, backups)
    assert written is not None
    assert patient_mrns(written) == [*ORIGINAL, "MRN004"]


def test_restore_round_trip_keeps_a_safety_copy(database, tmp_path):
    saved = backup_database(database, tmp_path / "saved.sqlite")
    with open_database(database) as store:
        add_plain_patient(store, "MRN004")
    safety = restore_database(saved, database, safety_dir=tmp_path / "safety")
    assert patient_mrns(database) == ORIGINAL
    assert safety is not None and safety.parent == tmp_path / "safety"
    assert safety.name.startswith("tracker-before-restore-")
    assert patient_mrns(safety) == [*ORIGINAL, "MRN004"]
    # The restored database is a working tracker database again.
    with open_database(database) as store:
        add_plain_patient(store, "MRN005")
    assert patient_mrns(database) == [*ORIGINAL, "MRN005"]


def test_restore_into_a_new_location(database, tmp_path):
    target = tmp_path / "elsewhere.sqlite"
    assert restore_database(database, target, safety_dir=tmp_path / "safety") is None
    assert patient_mrns(target) == ORIGINAL
    assert not (tmp_path / "safety").exists()


def _too_new(path: Path) -> Path:
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('tracker', 'm999_from_the_future', '2030-01-01')"
        )
    connection.close()
    return path


def _foreign_database(path: Path) -> Path:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE recipes (name TEXT)")
    connection.commit()
    connection.close()
    return path


def _truncated(source: Path, path: Path) -> Path:
    data = backup_database(source, path.with_suffix(".full")).read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


@pytest.mark.parametrize(
    ("make_bad_file", "error", "message"),
    [
        (lambda db, p: p.write_text("hello") and p, NotADatabaseError, "not an SQLite database"),
        (lambda db, p: p.write_bytes(b"") or p, NotADatabaseError, "empty file: not a tracker"),
        (lambda db, p: _foreign_database(p), NotADatabaseError, "not a tracker database"),
        (lambda db, p: _truncated(db, p), NotADatabaseError, None),
        (
            lambda db, p: _too_new(backup_database(db, p)),
            DatabaseTooNewError,
            "newer version",
        ),
    ],
    ids=["text", "empty", "foreign", "truncated", "too-new"],
)
def test_restore_refuses_a_bad_file_and_leaves_the_target_untouched(
    database, tmp_path, make_bad_file, error, message
):
    bad = tmp_path / "bad.sqlite"
    make_bad_file(database, bad)
    before = digest(database)
    siblings = sorted(path.name for path in database.parent.iterdir())
    with pytest.raises(error, match=message):
        restore_database(bad, database, safety_dir=tmp_path / "safety")
    assert digest(database) == before
    assert sorted(path.name for path in database.parent.iterdir()) == siblings
    assert not (tmp_path / "safety").exists()
    assert patient_mrns(database) == ORIGINAL


def test_restore_into_a_folder_is_refused_and_writes_nothing(database, tmp_path):
    folder = tmp_path / "a folder"
    folder.mkdir()
    with pytest.raises(StorageError, match="is a folder"):
        restore_database(database, folder, safety_dir=tmp_path / "safety")
    assert list(folder.iterdir()) == []
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a folder", "clinic"]


def test_restore_refuses_a_missing_file(database, tmp_path):
    with pytest.raises(StorageError, match="does not exist"):
        restore_database(tmp_path / "nowhere.sqlite", database, safety_dir=tmp_path)
    assert patient_mrns(database) == ORIGINAL


def test_restore_refuses_while_another_program_has_the_database_open(database, tmp_path):
    saved = backup_database(database, tmp_path / "saved.sqlite")
    with open_database(database) as store:
        add_plain_patient(store, "MRN004")
        with pytest.raises(StorageError, match="in use"):
            restore_database(saved, database, safety_dir=tmp_path / "safety")
        assert list((tmp_path / "safety").glob("*")) == []
        assert [row["mrn"] for row in store.db.query("SELECT mrn FROM patients")] == [
            *ORIGINAL,
            "MRN004",
        ]
    assert patient_mrns(database) == [*ORIGINAL, "MRN004"]


def test_restore_replaces_a_damaged_database_and_keeps_its_bytes(database, tmp_path):
    saved = backup_database(database, tmp_path / "saved.sqlite")
    damaged = b"SQLite format 3\x00" + b"\xff" * 5000
    database.write_bytes(damaged)
    Path(f"{database}-wal").write_bytes(b"stale wal")
    safety = restore_database(saved, database, safety_dir=tmp_path / "safety")
    assert patient_mrns(database) == ORIGINAL
    assert safety is not None and safety.read_bytes() == damaged
    assert Path(f"{safety}-wal").read_bytes() == b"stale wal"


def test_restore_keeps_changes_that_were_only_in_the_wal(database, tmp_path):
    """A target left by a crash (committed rows still in its -wal) is kept whole."""
    saved = backup_database(database, tmp_path / "saved.sqlite")
    crashed = tmp_path / "crashed" / "tracker.sqlite"
    crashed.parent.mkdir()
    with open_database(database) as store:
        store.db.execute("PRAGMA wal_autocheckpoint = 0")
        add_plain_patient(store, "MRN004")
        # Copy the files while the database is open: what a power cut would leave behind.
        for extension in ("", "-wal"):
            Path(f"{crashed}{extension}").write_bytes(Path(f"{database}{extension}").read_bytes())
    assert Path(f"{crashed}-wal").stat().st_size > 0
    safety = restore_database(saved, crashed, safety_dir=tmp_path / "safety")
    assert patient_mrns(crashed) == ORIGINAL
    assert safety is not None
    assert patient_mrns(safety) == [*ORIGINAL, "MRN004"]
