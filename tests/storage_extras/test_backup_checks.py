"""Backups that can be trusted: only an intact database is copied, each copy is checked
before it is put in place, rotation never loses the newest good copy, and an interrupted run
leaves nothing the next one does not clean up."""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.damaged_files import write_damaged_database
from tests.faults.damage import flip_bit, integrity_problems, used_pages
from tests.helpers import assert_cli_refusal
from tests.helpers import run_tracker_here as run_tracker
from tests.storage_extras.helpers import FIXED_TODAY, add_plain_patient, patient_mrns
from tracker.storage import backup as backup_module
from tracker.storage.backup import automatic_backups, backup_database, rotate_backups
from tracker.storage.errors import NotADatabaseError, StorageError
from tracker.storage.restore import restore_database

ORIGINAL = ["MRN001", "MRN002", "MRN003"]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ticking(start: datetime = datetime(2026, 1, 1, 9, tzinfo=UTC), step: int = 1):
    moments = (start + timedelta(minutes=step * minute) for minute in range(10_000))
    return lambda: next(moments)


def damage_so_the_check_finds_it(database: Path) -> None:
    """Flip single bits in the database's pages until ``PRAGMA integrity_check`` objects."""
    rng = random.Random(5)
    pages = used_pages(database)
    while not integrity_problems(database):
        flip_bit(database, rng, pages=pages)


def test_damaged_database_never_rotates_a_good_backup_out(database, tmp_path):
    """Three good copies kept; the file is damaged; three more rotations are each refused."""
    backups = tmp_path / "backups"
    for _ in range(3):
        result = run_tracker("backup", "--db", database, "--rotate", "--keep", "3",
                             "--backup-dir", backups)
        assert result.returncode == 0, result.stderr
    good = automatic_backups(database, backups)
    good_digests = [digest(copy) for copy in good]
    damage_so_the_check_finds_it(database)
    for _ in range(3):
        result = run_tracker("backup", "--db", database, "--rotate", "--keep", "3",
                             "--backup-dir", backups)
        assert_cli_refusal(result, "is damaged")
        assert "no backup was made and no earlier backup was removed" in result.stderr
    assert automatic_backups(database, backups) == good
    assert [digest(copy) for copy in good] == good_digests
    assert sorted(path.name for path in backups.iterdir()) == [copy.name for copy in good]
    # The newest good copy restores the damaged database.
    restored = run_tracker("restore", "--db", database, "--backup-dir", tmp_path / "kept",
                           good[-1])
    assert restored.returncode == 0, restored.stderr
    assert patient_mrns(database) == ORIGINAL


def test_a_damaged_database_is_never_copied_to_a_named_file(tmp_path):
    damaged = tmp_path / "damaged.sqlite"
    write_damaged_database(damaged, FIXED_TODAY)
    with pytest.raises(NotADatabaseError, match=r"is damaged.*no backup was made"):
        backup_database(damaged, tmp_path / "copy.sqlite")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["damaged.sqlite"]


def test_a_copy_that_fails_its_check_is_removed_and_nothing_rotates(
    database, tmp_path, monkeypatch
):
    backups = tmp_path / "backups"
    clock = ticking()
    kept = [rotate_backups(database, backups, keep=2, now=clock) for _ in range(2)]
    real_snapshot = backup_module._snapshot

    def snapshot_then_lose_bytes(reader, source, partial):
        # What a failing disk or a torn write would leave: the copy's second half gone.
        real_snapshot(reader, source, partial)
        data = partial.read_bytes()
        partial.write_bytes(data[: len(data) // 2])

    monkeypatch.setattr(backup_module, "_snapshot", snapshot_then_lose_bytes)
    with pytest.raises(StorageError, match=r"failed its check.*removed and nothing else changed"):
        rotate_backups(database, backups, keep=2, now=clock)
    assert automatic_backups(database, backups) == kept
    assert sorted(path.name for path in backups.iterdir()) == [path.name for path in kept]


def test_the_newest_checked_copy_is_kept_whatever_keep_says(database, tmp_path):
    backups = tmp_path / "backups"
    later = ticking(datetime(2030, 1, 1, tzinfo=UTC))
    for _ in range(2):
        rotate_backups(database, backups, keep=2, now=later)
    # A clock set back years gives the new copy the oldest name of all.
    written = rotate_backups(database, backups, keep=2, now=lambda: datetime(2020, 1, 1, tzinfo=UTC))
    assert written in automatic_backups(database, backups)
    assert integrity_problems(written) == []


def _leftover(folder: Path, name: str, pid: int) -> Path:
    path = folder / f".{name}.{pid}.0a1b2c3d.partial"
    path.write_bytes(b"half a copy")
    return path


def _ended_process_id() -> int:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)
    return int(finished.stdout)


def test_leftovers_of_an_interrupted_backup_are_removed_by_the_next(database, tmp_path):
    backups = tmp_path / "backups"
    backups.mkdir()
    abandoned = _leftover(backups, "tracker-20260101-000000-000000.sqlite", _ended_process_id())
    older_version = backups / ".tracker-20250101-000000-000000.sqlite.partial"
    older_version.write_bytes(b"left by an earlier version")
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"]) as running:
        in_progress = _leftover(backups, "tracker-20260101-000001-000000.sqlite", running.pid)
        someone_elses = backups / ".notes.partial.txt"
        someone_elses.write_text("not ours")
        rotate_backups(database, backups, keep=3)
        running.kill()
    assert not abandoned.exists() and not older_version.exists()
    assert in_progress.exists()  # its process still runs: it may still be writing
    assert someone_elses.exists()


def test_leftovers_of_an_interrupted_restore_are_removed_by_the_next(database, tmp_path):
    saved = backup_database(database, tmp_path / "saved.sqlite")
    staged = database.parent / f".{database.name}.{_ended_process_id()}.0a1b2c3d.restoring"
    staged.write_bytes(b"half a staged copy")
    restore_database(saved, database, safety_dir=tmp_path / "kept")
    assert not staged.exists()
    assert sorted(path.name for path in database.parent.iterdir()) == [database.name]


@pytest.mark.parametrize("target", ["{device}", "{db}-wal", "{db}", "{backups}/{stem}"])
def test_backup_replaces_only_regular_files_that_are_not_the_database_or_its_copies(
    database, tmp_path, target
):
    backups = tmp_path / "backups"
    kept = rotate_backups(database, backups)
    Path(f"{database}-wal").write_bytes(b"")  # as an open database has one
    device = tmp_path / "device"  # a named pipe: the real /dev/null is never a target
    os.mkfifo(device)
    destination = target.format(db=database, backups=backups, stem=kept.name, device=device)
    before = {path: digest(path) for path in (database, kept)}
    result = run_tracker("backup", "--db", database, "-o", destination, "--force")
    assert_cli_refusal(result)
    assert {path: digest(path) for path in (database, kept)} == before


def test_an_older_backup_is_replaced_only_with_force_and_then_by_a_checked_copy(
    database, tmp_path
):
    target = backup_database(database, tmp_path / "copy.sqlite")
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE patients SET name = 'Changed', version = version + 1 WHERE mrn = 'MRN001'")
    assert_cli_refusal(run_tracker("backup", "--db", database, "-o", target), "--force")
    result = run_tracker("backup", "--db", database, "-o", target, "--force")
    assert result.returncode == 0 and "checked: intact" in result.stdout
    assert integrity_problems(target) == []
    with sqlite3.connect(target) as connection:
        assert connection.execute("SELECT name FROM patients WHERE mrn = 'MRN001'").fetchone() == (
            "Changed",
        )


def test_backups_restores_and_exports_are_recorded_in_the_audit_trail(database, tmp_path):
    for arguments in (
        ("backup", "-o", tmp_path / "copy.sqlite"),
        ("backup", "--rotate", "--backup-dir", tmp_path / "backups"),
        ("export", "-o", tmp_path / "csv"),
        ("restore", "--backup-dir", tmp_path / "kept", tmp_path / "copy.sqlite"),
    ):
        result = run_tracker(arguments[0], "--db", database, *arguments[1:])
        assert result.returncode == 0 and result.stderr == "", result.stderr
    with sqlite3.connect(database) as connection:
        recorded = connection.execute(
            "SELECT action, after_json, os_user FROM audit_log WHERE table_name = 'actions' "
            "ORDER BY id"
        ).fetchall()
    # The restore replaced the file with the copy taken first, so the trail it holds is the
    # copy's: nothing recorded yet, then the restore itself.
    assert [action for action, _detail, _user in recorded] == ["restore"]
    assert str(tmp_path / "copy.sqlite") in recorded[0][1]
    assert "kept" in recorded[0][1] and recorded[0][2]
    with sqlite3.connect(tmp_path / "kept" / os.listdir(tmp_path / "kept")[0]) as connection:
        before_restore = [row[0] for row in connection.execute(
            "SELECT action FROM audit_log WHERE table_name = 'actions' ORDER BY id")]
    assert before_restore == ["backup", "backup", "export"]


def test_a_database_changed_after_a_backup_is_copied_with_the_change(database, tmp_path):
    first = backup_database(database, tmp_path / "first.sqlite")
    from tracker.storage.database import open_database

    with open_database(database) as store:
        add_plain_patient(store, "MRN004")
        second = backup_database(database, tmp_path / "second.sqlite")
    assert patient_mrns(first) == ORIGINAL
    assert patient_mrns(second) == [*ORIGINAL, "MRN004"]


def test_a_backup_of_an_older_file_copies_it_without_upgrading_it(tmp_path):
    from tests.storage.test_held_records_upgrade import _older_file

    older = tmp_path / "older.sqlite"
    _older_file(older)
    before = digest(older)
    result = run_tracker("backup", "--db", older, "-o", tmp_path / "copy.sqlite")
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("tracker: warning: the backup is done but could not be recorded")
    assert "older version" in result.stderr and len(result.stderr.splitlines()) == 1
    assert digest(older) == before
    assert integrity_problems(tmp_path / "copy.sqlite") == []
