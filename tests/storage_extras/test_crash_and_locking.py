"""The database survives a killed writer and refuses, rather than corrupts, under contention."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tracker.storage.database import open_database
from tracker.storage.errors import StorageError
from tracker.storage.operations.patients import add_patient
from tracker.storage.verify import verify_store

HERE = Path(__file__).parent
REPOSITORY = HERE.parent.parent


def child(script: str, *arguments: str) -> subprocess.Popen:
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY)}
    return subprocess.Popen(
        [sys.executable, str(HERE / script), *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )


def integrity(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [row[0] for row in connection.execute("PRAGMA integrity_check")]
    finally:
        connection.close()


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_writer_loses_no_committed_patient(tmp_path):
    database = tmp_path / "crash.sqlite"
    open_database(database).close()
    writer = child("crash_writer.py", str(database))
    try:
        assert writer.stdout is not None
        first = writer.stdout.readline()  # wait for the first commit, past interpreter start-up
        assert first.startswith("CRASH-"), writer.stderr.read() if writer.stderr else first
        time.sleep(1.0)
        os.kill(writer.pid, signal.SIGKILL)
        output, _errors = writer.communicate(timeout=10)
    finally:
        if writer.poll() is None:
            writer.kill()
    assert writer.returncode == -signal.SIGKILL
    # A line cut off by the kill has no newline; only whole lines were committed.
    text = first + output
    reported = [line for line in text.splitlines(keepends=True) if line.endswith("\n")]
    reported = [line.strip() for line in reported]
    assert len(reported) > 10
    # The -wal left by the kill is recovered on the next open.
    assert Path(f"{database}-wal").exists()
    assert integrity(database) == ["ok"]
    with open_database(database) as store:
        stored = {row["mrn"] for row in store.db.query("SELECT mrn FROM patients")}
        audited = store.db.execute(
            "SELECT COUNT(*) FROM audit_log WHERE table_name = 'patients'"
        ).fetchone()[0]
        # The kill cut no link of the audit chain and left no row without its audit row.
        assert verify_store(store).intact
    assert set(reported) <= stored
    # At most the one being written when killed was committed without being reported.
    assert len(stored) - len(reported) in (0, 1)
    assert audited == len(stored)


def _hold_lock(database: Path, seconds: float) -> subprocess.Popen:
    holder = child("lock_holder.py", str(database), str(seconds))
    assert holder.stdout is not None
    line = holder.stdout.readline()
    assert line == "locked\n", holder.stderr.read() if holder.stderr else line
    return holder


def test_writer_gives_up_with_a_clear_error_while_another_holds_the_lock(tmp_path):
    database = tmp_path / "busy.sqlite"
    with open_database(database) as store:
        add_patient(store, mrn="BEFORE", name="Before Lock")
    holder = _hold_lock(database, seconds=3.0)
    try:
        with open_database(database) as store:
            store.db.execute("PRAGMA busy_timeout = 300")
            started = time.monotonic()
            with pytest.raises(StorageError, match=r"busy in another program.*locked"):
                add_patient(store, mrn="DURING", name="During Lock")
            waited = time.monotonic() - started
            # It waited out the busy timeout, and did not hang until the lock went away.
            assert 0.25 <= waited < 2.5
    finally:
        holder.communicate(timeout=15)
    assert holder.returncode == 0
    assert integrity(database) == ["ok"]
    with open_database(database) as store:
        mrns = [row["mrn"] for row in store.db.query("SELECT mrn FROM patients")]
        holder_setting = store.db.execute(
            "SELECT value FROM settings WHERE key = 'held by'"
        ).fetchone()
        patient_audits = store.db.execute(
            "SELECT COUNT(*) FROM audit_log WHERE table_name = 'patients'"
        ).fetchone()[0]
    assert mrns == ["BEFORE"]
    assert patient_audits == 1
    assert holder_setting == ("lock_holder",)


def test_writer_waits_for_a_lock_released_within_the_timeout(tmp_path):
    database = tmp_path / "wait.sqlite"
    open_database(database).close()
    holder = _hold_lock(database, seconds=0.5)
    try:
        with open_database(database) as store:
            store.db.execute("PRAGMA busy_timeout = 5000")
            started = time.monotonic()
            add_patient(store, mrn="AFTER", name="After Lock")
            waited = time.monotonic() - started
    finally:
        holder.communicate(timeout=15)
    assert holder.returncode == 0
    assert 0.2 <= waited < 4.5
    assert integrity(database) == ["ok"]
    with open_database(database) as store:
        assert [row["mrn"] for row in store.db.query("SELECT mrn FROM patients")] == ["AFTER"]
        assert store.db.execute("SELECT value FROM settings WHERE key = 'held by'").fetchone() == (
            "lock_holder",
        )
