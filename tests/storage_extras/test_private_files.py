"""Private files: no patient's name or MRN in any byte the application writes, and every
file it writes readable by its owner only (0600 in 0700 folders) under the usual umask."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.accounts import PASSWORDS, SECRET_MRN, SECRET_NAME, encrypted_clinic
from tracker.storage.backup import backup_database, rotate_backups
from tracker.storage.crypto import forget_keys
from tracker.storage.database import open_database
from tracker.storage.operations.labs import record_labs
from tracker.storage.operations.patients import add_patient, update_patient
from tracker.storage.restore import restore_database

REPOSITORY = Path(__file__).resolve().parent.parent.parent
POSIX = os.name == "posix"


@contextmanager
def usual_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def every_file(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def holding(paths: list[Path], *texts: str) -> list[str]:
    found = []
    for path in paths:
        data = path.read_bytes()
        found += [f"{path.name}: {text}" for text in texts if text.encode() in data]
    return found


def test_no_name_or_mrn_in_any_byte_written(tmp_path):
    """Database, its WAL while open, the key file, backups, rotating backups, the safety copy
    a restore keeps, and the log of an error about the patient."""
    from tracker.ui.app import LOG_NAME, configure_logging

    clinic = tmp_path / "clinic" / "tracker.sqlite"
    store = encrypted_clinic(clinic)
    patient = add_patient(store, mrn=SECRET_MRN, name=SECRET_NAME, notes=f"{SECRET_NAME} notes")
    update_patient(store, patient, weight_kg=70.5, reason="weighed again")
    record_labs(store, patient, store.today(), anc=1.2, platelets=90)
    written = [clinic, Path(f"{clinic}-wal"), Path(f"{clinic}-keys")]
    assert Path(f"{clinic}-wal").stat().st_size > 0  # the rows are in the log right now
    assert holding(written, SECRET_NAME, SECRET_MRN) == []

    backups = tmp_path / "backups"
    backup = backup_database(clinic, tmp_path / "copy.sqlite")
    rotated = rotate_backups(clinic, backups)
    store.close()
    safety = restore_database(backup, clinic, safety_dir=backups)
    log = tmp_path / "logs" / "tracker.log"
    configure_logging(log)
    try:
        raise ValueError(f"{SECRET_NAME} already has MRN {SECRET_MRN}")
    except ValueError:
        logging.getLogger(LOG_NAME).error("unexpected error (patient %d)", patient, exc_info=True)
    finally:
        for handler in list(logging.getLogger(LOG_NAME).handlers):
            logging.getLogger(LOG_NAME).removeHandler(handler)
            handler.close()
    assert "ValueError: (message withheld)" in log.read_text()
    assert f"(patient {patient})" in log.read_text()

    files = every_file(tmp_path)
    assert {backup, rotated, safety, log, clinic} <= set(files)
    assert holding(files, SECRET_NAME, SECRET_MRN) == []
    # The name is there all the same, for whoever signs in.
    forget_keys()
    from tracker.storage.accounts import sign_in

    with sign_in(clinic, "vic", PASSWORDS["vic"]) as reopened:
        assert reopened.execute("SELECT name FROM patients").fetchone() == (SECRET_NAME,)


@pytest.mark.skipif(not POSIX, reason="file modes are POSIX")
def test_the_library_writes_private_files_whatever_the_umask(tmp_path):
    with usual_umask():
        with open_database(tmp_path / "new" / "plain.sqlite") as store:
            add_patient(store, mrn="M-1", name="Mode, Test")
            created = every_file(tmp_path)
            # The -shm file goes when the database closes: its mode is looked at while open.
            modes = {path: stat.S_IMODE(path.stat().st_mode) for path in created}
        backup = backup_database(tmp_path / "new" / "plain.sqlite", tmp_path / "copy.sqlite")
        rotated = rotate_backups(tmp_path / "new" / "plain.sqlite", tmp_path / "rotating")
    assert {path.name for path in created} >= {"plain.sqlite", "plain.sqlite-wal"}
    modes.update({path: stat.S_IMODE(path.stat().st_mode) for path in (backup, rotated)})
    assert modes == dict.fromkeys(modes, 0o600)
    for folder in (tmp_path / "new", tmp_path / "rotating"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def tracker(*arguments: object, cwd: Path) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "PYTHONPATH": str(REPOSITORY),
        "RD_TRACKER_USER": "boss",
        "RD_TRACKER_PASSWORD": "admin-password-1",
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_DATA_HOME": str(cwd / "data"),
    }
    environment.pop("RD_TRACKER_DATABASE", None)
    return subprocess.run(
        [sys.executable, "-m", "tracker", *map(str, arguments)],
        capture_output=True,
        text=True,
        check=False,
        env=environment,
        cwd=cwd,
        preexec_fn=lambda: os.umask(0o022),
    )


@pytest.mark.skipif(not POSIX, reason="file modes are POSIX")
def test_every_command_writes_private_files_under_umask_022(tmp_path):
    database = tmp_path / "clinic" / "demo.sqlite"
    steps = [
        ("demo", "--db", database, "--patients", "5"),
        ("backup", "--db", database, "-o", tmp_path / "copy.sqlite"),
        ("backup", "--db", database, "--rotate", "--backup-dir", tmp_path / "rotating"),
        ("export", "--db", database, "-o", tmp_path / "exported"),
        ("sheet", "--db", database, "--mrn", "DEMO-00001", "--cycle", "1", "-o",
         tmp_path / "sheet.pdf"),
        ("chart", "--db", database, "-o", tmp_path / "chart.png"),
        ("restore", "--db", database, tmp_path / "copy.sqlite", "--backup-dir",
         tmp_path / "safety"),
    ]
    for step in steps:
        result = tracker(*step, cwd=tmp_path)
        assert result.returncode == 0, (step, result.stderr)
    assert "not encrypted" in tracker(*steps[3], "--force", cwd=tmp_path).stdout
    files = [path for path in every_file(tmp_path) if "data" not in path.parts]
    assert len(files) > 20
    loose = [str(path) for path in files if stat.S_IMODE(path.stat().st_mode) != 0o600]
    assert loose == []
    folders = [tmp_path / name for name in ("clinic", "rotating", "exported", "safety")]
    assert [stat.S_IMODE(folder.stat().st_mode) for folder in folders] == [0o700] * 4
