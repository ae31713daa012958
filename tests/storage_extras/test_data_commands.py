"""``tracker backup / restore / export / demo`` end to end, as a user runs them."""

from __future__ import annotations

import csv
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.storage_extras.helpers import patient_mrns

REPOSITORY = Path(__file__).resolve().parent.parent.parent


def tracker(*arguments: str | Path, home: Path | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY)}
    environment.pop("RD_TRACKER_DATABASE", None)
    if home is not None:
        # The default database lives in the user data folder, which follows these.
        environment.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"))
    return subprocess.run(
        [sys.executable, "-m", "tracker", *map(str, arguments)],
        capture_output=True,
        text=True,
        check=False,
        env=environment,
        cwd=REPOSITORY,
    )


def assert_refused(result: subprocess.CompletedProcess, message: str) -> None:
    assert result.returncode == 2, result
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("tracker: error: ")
    assert message in lines[0]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_backup_then_restore_round_trip(database, tmp_path):
    backup = tmp_path / "saved.sqlite"
    result = tracker("backup", "--db", database, "-o", backup)
    assert result.returncode == 0, result.stderr
    assert str(backup) in result.stdout
    assert patient_mrns(backup) == ["MRN001", "MRN002", "MRN003"]

    database.unlink()
    restored = tracker("restore", "--db", database, backup, "--backup-dir", tmp_path / "keep")
    assert restored.returncode == 0, restored.stderr
    assert patient_mrns(database) == ["MRN001", "MRN002", "MRN003"]

    again = tracker("restore", "--db", database, "--from", backup, "--backup-dir", tmp_path / "k")
    assert again.returncode == 0, again.stderr
    assert "kept as" in again.stdout
    assert len(list((tmp_path / "k").iterdir())) == 1


def test_backup_refuses_to_overwrite_without_force(database, tmp_path):
    existing = tmp_path / "existing.sqlite"
    existing.write_text("keep")
    assert_refused(tracker("backup", "--db", database, "-o", existing), "already exists")
    assert existing.read_text() == "keep"
    assert tracker("backup", "--db", database, "-o", existing, "--force").returncode == 0
    assert patient_mrns(existing) == ["MRN001", "MRN002", "MRN003"]


def test_rotating_backup_into_a_folder(database, tmp_path):
    folder = tmp_path / "rotating"
    for _ in range(3):
        result = tracker(
            "backup", "--db", database, "--rotate", "--backup-dir", folder, "--keep", "2"
        )
        assert result.returncode == 0, result.stderr
    assert len(list(folder.glob("tracker-*.sqlite"))) == 2


@pytest.mark.parametrize("command", ["backup", "export"])
def test_a_missing_database_is_an_error_and_is_not_created(command, tmp_path):
    missing = tmp_path / "nowhere.sqlite"
    output = tmp_path / "out"
    assert_refused(tracker(command, "--db", missing, "-o", output), "no database file")
    assert not missing.exists() and not output.exists()


def test_the_default_database_is_used_without_db(tmp_path):
    """No --db: the user data folder's database, which here does not exist yet."""
    result = tracker("backup", "-o", tmp_path / "x.sqlite", home=tmp_path)
    assert_refused(result, "tracker.sqlite")
    assert str(tmp_path / "data") in result.stderr


def test_restore_refuses_bad_files_and_leaves_the_database_alone(database, tmp_path):
    before = digest(database)
    text = tmp_path / "notes.txt"
    text.write_text("not a database")
    assert_refused(tracker("restore", "--db", database, text), "not an SQLite database")
    assert_refused(
        tracker("restore", "--db", database, tmp_path / "missing.sqlite"), "does not exist"
    )
    assert_refused(tracker("restore", "--db", database), "required")
    assert digest(database) == before


def test_export_writes_csv_files_that_read_back(database, tmp_path):
    out = tmp_path / "csv"
    result = tracker("export", "--db", database, "--format", "csv", "-o", out)
    assert result.returncode == 0, result.stderr
    with (out / "patients.csv").open(newline="") as handle:
        patients = list(csv.DictReader(handle))
    assert [row["mrn"] for row in patients] == ["MRN001", "MRN002", "MRN003"]
    assert (out / "audit_log.csv").exists()
    assert_refused(tracker("export", "--db", database, "-o", out), "--force")
    assert_refused(tracker("export", "--db", database, "--format", "xlsx", "-o", out), "xlsx")
    assert tracker("export", "--db", database, "-o", out, "--force").returncode == 0


def test_a_damaged_database_gives_one_line(tmp_path):
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    assert_refused(tracker("export", "--db", damaged, "-o", tmp_path / "out"), str(damaged))
    assert_refused(tracker("backup", "--db", damaged, "-o", tmp_path / "b.sqlite"), str(damaged))


def test_demo_fills_a_new_database_once(tmp_path):
    database = tmp_path / "demo.sqlite"
    result = tracker("demo", "--db", database, "--patients", "30", "--seed", "5")
    assert result.returncode == 0, result.stderr
    assert "30 patients (seed 5)" in result.stdout
    mrns = patient_mrns(database)
    assert mrns == [f"DEMO-{number:05d}" for number in range(1, 31)]
    before = digest(database)
    assert_refused(tracker("demo", "--db", database, "--patients", "5"), "already holds 30")
    assert digest(database) == before


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--patients", "0"], "must be 1 or more"),
        (["--patients", "100000"], "at most 99999"),
        (["--seed", "x"], "invalid int"),
    ],
)
def test_demo_refuses_bad_arguments_without_creating_a_file(arguments, message, tmp_path):
    database = tmp_path / "demo.sqlite"
    assert_refused(tracker("demo", "--db", database, *arguments), message)
    assert list(tmp_path.iterdir()) == []
