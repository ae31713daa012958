"""Commands that only read leave the file byte for byte as it was (no switch to WAL, no -wal
or -shm left beside it), and an empty file is refused as "not a tracker database" everywhere
but where a new database is asked for."""

from __future__ import annotations

import argparse
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import assert_cli_refusal, run_tracker, run_tracker_here
from tests.reports.sheet_data import build_clinic_database
from tracker.cli.database_option import open_existing_store
from tracker.cli.errors import CommandError
from tracker.storage.backup import backup_database
from tracker.storage.database import open_database
from tracker.storage.errors import NotADatabaseError, StorageError
from tracker.storage.operations.patients import add_patient

WEEK = "2027-07-02"
READING_COMMANDS = {
    "report": (),
    "report --json": ("--json",),
    "chart": ("-o", "{out}/chart.png"),
    "sheet": ("--mrn", "A1001", "--cycle", "5", "-o", "{out}/sheet.pdf"),
    "sheets": ("--week-of", WEEK, "-o", "{out}/week.pdf"),
    "status": ("--mrn", "A1001"),
}


@pytest.fixture(scope="module")
def clinic_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_clinic_database(tmp_path_factory.mktemp("clinic") / "clinic.sqlite")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _journal_mode_byte(path: Path) -> int:
    return path.read_bytes()[18]  # 1: rollback journal, 2: write-ahead log


@pytest.fixture(params=["a backup copy (rollback journal)", "a closed WAL database"])
def database(request, clinic_file: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "db"
    folder.mkdir()
    if request.param.startswith("a backup"):
        path = backup_database(clinic_file, folder / "copy.sqlite")
        assert _journal_mode_byte(path) == 1
    else:
        path = folder / "clinic.sqlite"
        path.write_bytes(clinic_file.read_bytes())
        assert _journal_mode_byte(path) == 2
    return path


@pytest.mark.parametrize("command", list(READING_COMMANDS))
def test_reading_commands_leave_the_file_byte_for_byte(
    qapp, database: Path, tmp_path: Path, command
):
    out = tmp_path / "out"
    out.mkdir()
    before, mode = _sha(database), _journal_mode_byte(database)
    arguments = [part.format(out=out) for part in READING_COMMANDS[command]]
    result = run_tracker_here(command.split()[0], "--db", database, *arguments)
    assert result.returncode == 0, result.stderr
    assert _sha(database) == before and _journal_mode_byte(database) == mode
    assert sorted(path.name for path in database.parent.iterdir()) == [database.name]


def test_the_smoke_test_leaves_the_file_byte_for_byte(database: Path):
    before = _sha(database)
    result = run_tracker("--db", database, "--smoke-test",
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    assert _sha(database) == before
    assert sorted(path.name for path in database.parent.iterdir()) == [database.name]


def test_a_read_only_store_refuses_to_write_and_reads_as_usual(database: Path):
    before = _sha(database)
    with open_database(database, read_only=True) as store:
        assert store.execute("SELECT COUNT(*) FROM patients").fetchone()[0] == 6
        with pytest.raises(StorageError, match="open for reading only; nothing was changed"):
            add_patient(store, mrn="NEW-1", name="Not Written")
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            store.connection.execute("DELETE FROM patients")
    assert _sha(database) == before


def test_an_older_file_is_read_upgraded_in_memory_and_left_as_it_was(tmp_path: Path):
    from tests.storage.test_held_records_upgrade import _older_file

    older = tmp_path / "older.sqlite"
    _older_file(older)
    before = _sha(older)
    with open_database(older, read_only=True) as store:
        assert store.copied_to_memory and store.reader_connection() is None
        # The upgrade (held days become interruptions) is there to read.
        assert store.execute("SELECT COUNT(*) FROM interruptions").fetchone()[0] == 3
    assert _sha(older) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["older.sqlite"]


def test_a_file_changed_while_a_command_read_it_is_not_answered_for(database: Path):
    arguments = argparse.Namespace(db=database)
    with (
        pytest.raises(CommandError, match="changed by another program while it was read"),
        open_existing_store(arguments) as store,
    ):
        store.execute("SELECT COUNT(*) FROM patients").fetchone()
        os.utime(database, ns=(1, 1))


# --- empty files -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ("report",),
        ("chart", "-o", "{out}/chart.png"),
        ("sheet", "--mrn", "A1001", "--cycle", "1", "-o", "{out}/s.pdf"),
        ("sheets", "--week-of", WEEK, "-o", "{out}/w.pdf"),
        ("status", "--mrn", "A1001"),
        ("backup", "-o", "{out}/copy.sqlite"),
        ("export", "-o", "{out}/csv"),
        ("demo", "--patients", "2"),
        ("gui", "--smoke-test"),
    ],
    ids=lambda command: command[0],
)
def test_an_empty_file_is_refused_not_taken_for_a_new_database(qapp, tmp_path: Path, command):
    out = tmp_path / "out"
    out.mkdir()
    empty = tmp_path / "truncated.sqlite"
    empty.write_bytes(b"")
    arguments = [part.format(out=out) for part in command[1:]]
    # The smoke test starts Qt's event loop: in a process of its own.
    run = run_tracker if command[0] == "gui" else run_tracker_here
    result = run(command[0], "--db", empty, *arguments)
    assert_cli_refusal(result, "empty file: not a tracker database")
    assert empty.read_bytes() == b""
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out", "truncated.sqlite"]
    assert list(out.iterdir()) == []


def test_demo_on_a_new_path_still_creates_the_database(tmp_path: Path):
    result = run_tracker("demo", "--db", tmp_path / "new.sqlite", "--patients", "2")
    assert result.returncode == 0, result.stderr
    # Encrypted, with its key file beside it; no -wal, -shm or half-made file is left.
    assert sorted(path.name for path in tmp_path.iterdir()) == ["new.sqlite", "new.sqlite-keys"]


def test_a_new_database_is_made_whole_or_not_at_all(tmp_path: Path, monkeypatch):
    from tracker.storage import file_creation

    def refuse(_db):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(file_creation, "apply_migrations", refuse)
    with pytest.raises(StorageError, match="full"):
        open_database(tmp_path / "new.sqlite")
    assert list(tmp_path.iterdir()) == []  # no empty file to be refused ever after


def device(folder: Path) -> Path:
    """A named pipe, standing for a device (the real /dev/null is never a test's target)."""
    pipe = folder / "device"
    os.mkfifo(pipe)
    return pipe


def test_opening_a_folder_or_a_device_is_refused(tmp_path: Path):
    with pytest.raises(NotADatabaseError, match="is a folder"):
        open_database(tmp_path)
    with pytest.raises(NotADatabaseError, match="not a regular file"):
        open_database(device(tmp_path), read_only=True)


def _stopped_mid_change(path: Path) -> None:
    """A program writing to a rollback-journal copy of the database, killed mid-transaction:
    pages of the file half-changed, the journal that undoes them left beside it."""
    script = (
        "import os, signal, sqlite3, sys\n"
        "connection = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "connection.execute('PRAGMA cache_size = 1')\n"
        "connection.execute('BEGIN')\n"
        "connection.execute(\"UPDATE patients SET notes = printf('%0500d', id), "
        "version = version + 1\")\n"
        "connection.execute('UPDATE courses SET version = version + 1')\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(path)], check=False)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_change_left_unfinished_is_refused_by_readers_and_rolled_back_on_opening(
    qapp, clinic_file: Path, tmp_path: Path
):
    copy = backup_database(clinic_file, tmp_path / "copy.sqlite")
    _stopped_mid_change(copy)
    assert Path(f"{copy}-journal").stat().st_size > 0
    before = _sha(copy)
    result = run_tracker_here("report", "--db", copy)
    assert_cli_refusal(result, "unfinished change left by a program that stopped")
    assert _sha(copy) == before
    with open_database(copy) as store:  # as the application opens it: SQLite rolls back
        notes = store.execute("SELECT notes FROM patients").fetchall()
    assert all(len(note or "") < 500 for (note,) in notes)
    assert run_tracker_here("report", "--db", copy).returncode == 0
