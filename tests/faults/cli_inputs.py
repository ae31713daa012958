"""Malformed command lines and files for every ``tracker`` command, and how each was answered.

Every case must be refused as a user's mistake is: exit status 2, nothing on stdout, one
line on stderr beginning "tracker: error:", no traceback, and every file in the case's
folder byte for byte as it was (no -wal, -shm, partial or output file left either).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tests.faults.damage import (
    flip_bit,
    folder_digest,
    make_foreign_database,
    mark_too_new,
    truncate,
    used_pages,
)

LONG_NAME = "n" * 300
HUGE = "9" * 30
ENORMOUS = "1" * 5000
LONG_TEXT = "x" * 100_000
CONTROL = "\x1b[2J\x07bell"
BAD_DATES = ("2026-02-30", "yesterday", "", "2026-1-1", "-1", "9999-99-99", "0000-01-01")
BAD_COUNTS = ("0", "-1", "abc", HUGE, ENORMOUS, "1.5", "", "nan")
# The good database and the bad files every --db is tried with.
BAD_DATABASES = (
    "missing.sqlite",
    "empty.sqlite",
    "text.sqlite",
    "truncated.sqlite",
    "damaged.sqlite",
    "foreign.sqlite",
    "newer.sqlite",
    "folder",
    # A named pipe stands for a device: no test ever aims a write at the real /dev/null.
    "device",
    "loop.sqlite",
    f"{LONG_NAME}.sqlite",
)


def make_inputs(folder: Path, good_database: Path) -> None:
    """The files the cases read: a good database (``clinic.sqlite``) and bad ones beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    clinic = folder / "clinic.sqlite"
    shutil.copyfile(good_database, clinic)
    (folder / "empty.sqlite").write_bytes(b"")
    os.mkfifo(folder / "device")
    (folder / "text.sqlite").write_text("patients: none\n")
    for name in ("truncated.sqlite", "damaged.sqlite", "newer.sqlite", "backup.sqlite"):
        shutil.copyfile(good_database, folder / name)
    truncate(folder / "truncated.sqlite")
    damaged = folder / "damaged.sqlite"
    import random

    rng = random.Random(13)
    for _ in range(40):
        flip_bit(damaged, rng, pages=used_pages(good_database)[1:])
    make_foreign_database(folder / "foreign.sqlite")
    mark_too_new(folder / "newer.sqlite")
    (folder / "folder").mkdir()
    (folder / "loop.sqlite").symlink_to(folder / "loop.sqlite")
    (folder / "existing.pdf").write_bytes(b"%PDF-1.4 an earlier sheet")
    (folder / "existing.png").write_bytes(b"\x89PNG an earlier chart")
    (folder / "out").mkdir()
    (folder / "out" / "patients.csv").write_text("an earlier export\n")
    (folder / "a-file").write_text("not a folder")


@dataclass(frozen=True)
class Case:
    name: str
    argv: tuple[str, ...]


def _cases_for(folder: Path, mrn: str, week: date) -> Iterator[Case]:
    d = str(folder)
    db = f"{d}/clinic.sqlite"
    reading = {
        "report": [],
        "chart": ["-o", f"{d}/new-chart.png"],
        "sheet": ["--mrn", mrn, "--cycle", "1", "-o", f"{d}/new-sheet.pdf"],
        "sheets": ["--week-of", week.isoformat(), "-o", f"{d}/new-week.pdf"],
        "status": ["--mrn", mrn],
        "backup": ["-o", f"{d}/new-backup.sqlite"],
        "export": ["-o", f"{d}/new-export"],
    }
    for command, rest in reading.items():
        for bad in BAD_DATABASES:
            path = bad if bad.startswith("/") else f"{d}/{bad}"
            yield Case(f"{command} --db {bad[:20]}", (command, "--db", path, *rest))
    for bad in BAD_DATABASES:
        path = bad if bad.startswith("/") else f"{d}/{bad}"
        yield Case(f"restore from {bad[:20]}", ("restore", "--db", db, "--backup-dir",
                                                  f"{d}/kept", path))
    yield Case("backup --rotate of a damaged file",
               ("backup", "--db", f"{d}/damaged.sqlite", "--rotate", "--backup-dir", f"{d}/rot"))

    # Dates and counts.
    for bad in BAD_DATES:
        yield Case(f"schedule --start {bad!r}", ("schedule", "--start", bad, "--cycles", "2"))
        yield Case(f"sheets --week-of {bad!r}",
                   ("sheets", "--db", db, "--week-of", bad, "-o", f"{d}/w.pdf"))
        yield Case(f"status --on {bad!r}", ("status", "--db", db, "--mrn", mrn, "--on", bad))
        yield Case(f"report --from {bad!r}", ("report", "--db", db, "--from", bad))
    for bad in BAD_COUNTS:
        yield Case(f"schedule --cycles {bad[:12]!r}",
                   ("schedule", "--start", "2026-01-05", "--cycles", bad))
        yield Case(f"sheet --cycle {bad[:12]!r}",
                   ("sheet", "--db", db, "--mrn", mrn, "--cycle", bad, "-o", f"{d}/s.pdf"))
        yield Case(f"backup --keep {bad[:12]!r}",
                   ("backup", "--db", db, "--rotate", "--keep", bad, "--backup-dir", f"{d}/rot"))
        yield Case(f"demo --patients {bad[:12]!r}",
                   ("demo", "--db", f"{d}/new-demo.sqlite", "--patients", bad))
    for bad in ("0", "-5", "abc", "nan", "inf", HUGE, "7.5", "1e400"):
        yield Case(f"schedule --len-dose {bad[:12]!r}",
                   ("schedule", "--start", "2026-01-05", "--cycles", "1", "--len-dose", bad))
    yield Case("schedule --cycles 201", ("schedule", "--start", "2026-01-05", "--cycles", "201"))
    for bad in ("../advice/lenalidomide-label", "../../pyproject", "", "/etc/passwd",
                "mm010-rd/../mm010-rd", LONG_TEXT, CONTROL, "MM010-RD"):
        yield Case(f"schedule --regimen {bad[:30]!r}",
                   ("schedule", "--start", "2026-01-05", "--cycles", "1", "--regimen", bad))
    yield Case("report --from after --to",
               ("report", "--db", db, "--from", "2026-02-01", "--to", "2026-01-01"))
    yield Case("demo --seed abc", ("demo", "--db", f"{d}/new-demo.sqlite", "--seed", "abc"))
    yield Case("demo into a database with patients", ("demo", "--db", db, "--patients", "2"))
    yield Case("demo --patients 100001", ("demo", "--db", f"{d}/new-demo.sqlite",
                                          "--patients", "100001"))
    for bad in BAD_DATABASES[1:8]:
        yield Case(f"demo --db {bad}", ("demo", "--db", f"{d}/{bad}", "--patients", "2"))

    # Patients that are not there.
    for bad in ("", "NOBODY", LONG_TEXT, CONTROL, "%", "_", "' OR 1=1 --", HUGE):
        yield Case(f"status --mrn {bad[:20]!r}", ("status", "--db", db, "--mrn", bad))
        yield Case(f"sheet --mrn {bad[:20]!r}",
                   ("sheet", "--db", db, "--mrn", bad, "--cycle", "1", "-o", f"{d}/s.pdf"))
    yield Case("sheet of a cycle not started",
               ("sheet", "--db", db, "--mrn", mrn, "--cycle", "999", "-o", f"{d}/s.pdf"))
    yield Case("sheets of a week with nobody treated",
               ("sheets", "--db", db, "--week-of", "1990-01-01", "-o", f"{d}/s.pdf"))

    # Outputs that must not be written.
    for command, base in (
        ("sheet", ("sheet", "--db", db, "--mrn", mrn, "--cycle", "1")),
        ("chart", ("chart", "--db", db)),
    ):
        suffix = ".pdf" if command == "sheet" else ".png"
        existing = f"{d}/existing{suffix}"
        for label, target, force in (
            ("onto the database", db, True),
            ("onto its -wal", f"{db}-wal", True),
            ("onto its -shm", f"{db}-shm", True),
            ("onto another database", f"{d}/backup.sqlite", True),
            ("over a file without --force", existing, False),
            ("onto a device", f"{d}/device", True),
            ("into a folder", f"{d}/folder", True),
            ("into a missing folder", f"{d}/missing/x{suffix}", False),
            ("with a 300-character name", f"{d}/{LONG_NAME}{suffix}", False),
            ("with the wrong suffix", f"{d}/x.txt", False),
            ("onto a symlink loop", f"{d}/loop.sqlite", True),
        ):
            argv = (*base, "-o", target, *(("--force",) if force else ()))
            yield Case(f"{command} {label}", argv)
    yield Case("chart with the database named as a chart",
               ("chart", "--db", db, "-o", db, "--force"))
    for label, target, force in (
        ("onto the database", db, True),
        ("onto its -wal", f"{db}-wal", True),
        ("over a file without --force", f"{d}/backup.sqlite", False),
        ("onto a device", f"{d}/device", True),
        ("into a folder", f"{d}/folder", True),
        ("into a missing folder", f"{d}/missing/b.sqlite", False),
        ("with a 300-character name", f"{d}/{LONG_NAME}.sqlite", False),
        ("onto a symlink loop", f"{d}/loop.sqlite", True),
    ):
        yield Case(f"backup -o {label}",
                   ("backup", "--db", db, "-o", target, *(("--force",) if force else ())))
    yield Case("backup with -o and --rotate", ("backup", "--db", db, "-o", f"{d}/b.sqlite",
                                               "--rotate"))
    yield Case("backup with neither -o nor --rotate", ("backup", "--db", db))
    yield Case("backup --rotate into a file", ("backup", "--db", db, "--rotate",
                                               "--backup-dir", f"{d}/a-file"))
    for label, target in (
        ("into a file", f"{d}/a-file"),
        ("over an earlier export without --force", f"{d}/out"),
        ("with a 300-character name", f"{d}/{LONG_NAME}"),
    ):
        yield Case(f"export {label}", ("export", "--db", db, "-o", target))
    yield Case("export --format xml", ("export", "--db", db, "-o", f"{d}/x", "--format", "xml"))
    yield Case("restore the database onto itself", ("restore", "--db", db, db))
    yield Case("restore into a folder", ("restore", "--db", f"{d}/folder", f"{d}/backup.sqlite"))
    yield Case("restore with no file", ("restore", "--db", db))
    for bad in ("-1", "0", "abc", "nan"):
        yield Case(f"gui --smoke-test-timeout {bad}",
                   ("gui", "--db", db, "--smoke-test", "--smoke-test-timeout", bad))

    # The command line itself.
    yield Case("an unknown command", ("frobnicate",))
    yield Case("an unknown option", ("report", "--db", db, "--frobnicate"))
    for command in ("sheet", "sheets", "status", "schedule", "backup", "restore", "export",
                    "chart"):
        yield Case(f"{command} without its required options", (command, "--db", db))
    yield Case("a 100,000-character option", ("report", "--db", db, LONG_TEXT))


def cases(folder: Path, mrn: str, week: date) -> list[Case]:
    return list(_cases_for(folder, mrn, week))


# Where a case must run in a process of its own: the smoke test starts Qt's event loop.
def smoke_test_cases(folder: Path) -> list[Case]:
    d = str(folder)
    return [
        Case(f"gui --smoke-test --db {bad[:20]}", ("gui", "--db", f"{d}/{bad}", "--smoke-test"))
        for bad in ("missing.sqlite", "empty.sqlite", "text.sqlite", "damaged.sqlite",
                    "newer.sqlite", "foreign.sqlite", "folder")
    ]


@dataclass(frozen=True)
class Answer:
    case: Case
    status: int | None
    stdout: str
    stderr: str
    traceback: str | None
    changed: list[str]

    @property
    def clean(self) -> bool:
        lines = self.stderr.strip().splitlines()
        return (
            self.status == 2
            and self.traceback is None
            and self.stdout == ""
            and len(lines) == 1
            and lines[0].startswith("tracker: error: ")
            and "Traceback" not in self.stderr
            and not self.changed
        )


def _changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))


def answer_in_process(case: Case, folder: Path) -> Answer:
    """Run ``tracker.cli.main`` on the case here, capturing what it prints and raises."""
    from tracker.cli.main import main

    before = folder_digest(folder)
    out, err = io.StringIO(), io.StringIO()
    status: int | None
    caught = None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(list(case.argv))
        except SystemExit as exit_:
            status = exit_.code if isinstance(exit_.code, int) else 1
        except BaseException:
            status, caught = None, traceback.format_exc()
    return Answer(case, status, out.getvalue(), err.getvalue(), caught,
                  _changes(before, folder_digest(folder)))


def answer_in_subprocess(case: Case, folder: Path, timeout: float = 120) -> Answer:
    before = folder_digest(folder)
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "tracker", *case.argv],
        capture_output=True, text=True, check=False, timeout=timeout, env=environment,
    )
    caught = result.stderr if "Traceback" in result.stderr else None
    return Answer(case, result.returncode, result.stdout, result.stderr, caught,
                  _changes(before, folder_digest(folder)))
