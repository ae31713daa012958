"""A full disk and a read-only folder: one clear message, no partial file, nothing changed.

The disks are small tmpfs mounts; where the machine does not allow mounting, these tests are
skipped with the reason (``mounts.small_tmpfs``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.faults.damage import folder_digest, integrity_problems
from tests.faults.mounts import fill_up, make_read_only, small_tmpfs
from tests.helpers import assert_cli_refusal
from tests.helpers import run_tracker_here as run_tracker
from tracker.storage.backup import automatic_backups, rotate_backups
from tracker.storage.database import open_database
from tracker.storage.errors import StorageError
from tracker.storage.failures import DiskFullError
from tracker.storage.operations.patients import add_patient
from tracker.ui.common.context import AppContext

pytestmark = pytest.mark.slow


@pytest.fixture
def full_disk(tmp_path: Path):
    """A 1 MiB tmpfs to fill up; the clinic database stays on the ordinary disk."""
    with small_tmpfs(tmp_path / "small", 1024) as folder:
        yield folder


def _nothing_but(folder: Path, *names: str) -> None:
    assert sorted(path.name for path in folder.iterdir()) == sorted(names)


def test_a_sheet_onto_a_full_disk_is_refused_and_leaves_no_file(qapp, clinic, full_disk):
    fill_up(full_disk, leave_bytes=12_000)
    result = run_tracker(
        "sheets", "--db", clinic.path, "--week-of", clinic.week.isoformat(),
        "-o", full_disk / "week.pdf",
    )
    assert_cli_refusal(result, "the disk is full")
    _nothing_but(full_disk, "ballast")


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_a_chart_onto_a_full_disk_is_refused_and_leaves_no_file(qapp, clinic, full_disk, suffix):
    fill_up(full_disk, leave_bytes=8_000)
    result = run_tracker("chart", "--db", clinic.path, "-o", full_disk / f"chart{suffix}")
    assert_cli_refusal(result, "the disk is full")
    _nothing_but(full_disk, "ballast")


def test_an_export_onto_a_full_disk_leaves_no_partial_csv(clinic, full_disk):
    fill_up(full_disk, leave_bytes=30_000)
    result = run_tracker("export", "--db", clinic.path, "-o", full_disk / "export")
    assert_cli_refusal(result, "the disk is full")
    _nothing_but(full_disk, "ballast")


def test_a_backup_onto_a_full_disk_leaves_no_partial_copy(clinic, full_disk):
    fill_up(full_disk, leave_bytes=20_000)
    result = run_tracker("backup", "--db", clinic.path, "-o", full_disk / "copy.sqlite")
    assert_cli_refusal(result, "full")
    _nothing_but(full_disk, "ballast")


def test_rotating_into_a_full_folder_keeps_every_earlier_backup(clinic, tmp_path):
    with small_tmpfs(tmp_path / "small", 4096) as folder:
        _rotate_into_a_full_folder(clinic, folder)


def _rotate_into_a_full_folder(clinic, full_disk: Path) -> None:
    earlier = [rotate_backups(clinic.path, full_disk, keep=2) for _ in range(2)]
    digests = folder_digest(full_disk)
    fill_up(full_disk, leave_bytes=10_000)
    with pytest.raises(StorageError, match="full"):
        rotate_backups(clinic.path, full_disk, keep=2)
    assert automatic_backups(clinic.path, full_disk) == earlier
    assert {key: value for key, value in folder_digest(full_disk).items() if key != "ballast"} == digests
    assert all(integrity_problems(copy) == [] for copy in earlier)


def _fill_with_patients(store) -> int:
    added = 0
    with pytest.raises(DiskFullError, match="is full: the change was not saved") as refused:
        for number in range(100_000):
            add_patient(store, mrn=f"FULL-{number:05d}", name=f"Patient {number}", notes="n" * 500)
            added += 1
    assert "free some space" in str(refused.value)
    return added


def test_writes_on_a_full_disk_are_refused_clearly_and_nothing_committed_is_lost(tmp_path):
    with small_tmpfs(tmp_path / "db", 1024) as folder:
        database = folder / "clinic.sqlite"
        with open_database(database) as store:
            added = _fill_with_patients(store)
            assert added > 10
            # The refused change left nothing behind; what was committed reads back.
            assert store.execute("SELECT COUNT(*) FROM patients").fetchone()[0] == added
            assert (
                store.execute("SELECT COUNT(*) FROM audit_log WHERE table_name = 'patients'")
                .fetchone()[0] == added
            )
        assert integrity_problems(database) == []


def test_the_application_says_the_disk_is_full_instead_of_something_went_wrong(tmp_path):
    messages: list[str] = []
    with small_tmpfs(tmp_path / "db", 1024) as folder, open_database(folder / "c.sqlite") as store:
        context = AppContext(store)
        context.report_error = lambda _parent, message: messages.append(message)
        for number in range(100_000):
            if context.run(add_patient, mrn=f"GUI-{number:05d}", name="Full Disk", notes="n" * 500) is None:
                break
    assert len(messages) == 1
    assert "is full: the change was not saved; free some space" in messages[0]


@pytest.fixture
def read_only_folder(tmp_path: Path, clinic):
    """A read-only folder holding a copy of the clinic database (and nothing else)."""
    with small_tmpfs(tmp_path / "ro", 4096) as folder:
        shutil.copyfile(clinic.path, folder / "clinic.sqlite")
        make_read_only(folder)
        yield folder


def test_export_from_a_read_only_folder_exports_and_says_it_could_not_record(
    read_only_folder, tmp_path
):
    before = folder_digest(read_only_folder)
    result = run_tracker("export", "--db", read_only_folder / "clinic.sqlite", "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("tracker: warning: the export is done but could not be recorded")
    assert len(result.stderr.splitlines()) == 1
    assert folder_digest(read_only_folder) == before
    assert (tmp_path / "out" / "patients.csv").exists()


@pytest.mark.parametrize(
    "command",
    [
        ("export", "-o", "{ro}/out"),
        ("backup", "-o", "{ro}/copy.sqlite"),
        ("backup", "--rotate", "--backup-dir", "{ro}/backups"),
        ("chart", "-o", "{ro}/chart.png"),
        ("report",),
        ("status", "--mrn", "{mrn}"),
    ],
    ids=lambda command: command[0] + (" " + command[1] if len(command) > 1 else ""),
)
def test_commands_in_a_read_only_folder_answer_without_a_traceback(
    qapp, read_only_folder, clinic, command
):
    before = folder_digest(read_only_folder)
    arguments = [part.format(ro=read_only_folder, mrn=clinic.mrn) for part in command]
    result = run_tracker(arguments[0], "--db", read_only_folder / "clinic.sqlite", *arguments[1:])
    assert "Traceback" not in result.stderr
    if command[0] in ("report", "status"):
        assert result.returncode == 0 and result.stderr == ""
    else:
        assert_cli_refusal(result, "read-only")
    assert folder_digest(read_only_folder) == before
