"""One bit flipped in a random page of a copy of the clinic database, then checked.

Each trial flips one bit in a page holding a table or an index, runs ``verify_database`` on
the file (``damage.py``: the whole-file check, the hook for the audit chain's check), and
runs the commands a clinic would run next: a rotating backup must refuse a file found
damaged (exit 2, nothing rotated out), and the reading commands must answer or refuse in one
line, never with a traceback. A flip that only changed a stored value (a digit of a count,
a letter of a name) passes SQLite's structure checks; the trial says so, as "changed a value
only": that is what the audit chain's hashes are for.
"""

from __future__ import annotations

import contextlib
import io
import random
import shutil
import sqlite3
import traceback
from dataclasses import dataclass
from pathlib import Path

from tests.faults.damage import flip_bit, integrity_problems, used_pages, verify_database
from tests.faults.kills import _content
from tracker.storage.backup import automatic_backups


@dataclass(frozen=True)
class Flip:
    page: int
    structural: bool  # found by PRAGMA integrity_check: the backup must refuse the file
    detected: bool  # found by verify_database (the check, or a value that cannot be read)
    content_changed: bool
    answered_cleanly: bool
    rotated_out: bool
    detail: str


def _run(argv: list[str]) -> tuple[int | None, str]:
    from tracker.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            return main(argv), err.getvalue()
        except SystemExit as exit_:
            return (exit_.code if isinstance(exit_.code, int) else 1), err.getvalue()
        except BaseException:
            return None, traceback.format_exc()


def _content_or_none(path: Path) -> str | None:
    try:
        return _content(path)
    except (sqlite3.DatabaseError, MemoryError):
        return None


def flip_trial(folder: Path, rng: random.Random, clinic: Path, mrn: str) -> Flip:
    database = folder / "clinic.sqlite"
    shutil.copyfile(clinic, database)
    backups = folder / "backups"
    assert _run(["backup", "--db", str(database), "--rotate", "--keep", "2",
                 "--backup-dir", str(backups)])[0] == 0
    good = automatic_backups(database, backups)
    before = _content(database)
    page, _offset = flip_bit(database, rng, pages=used_pages(database))
    structural = bool(integrity_problems(database))
    problems = verify_database(database)
    detected = bool(problems)
    changed = _content_or_none(database) != before

    answers = {}
    for command in (["report"], ["status", "--mrn", mrn], ["backup", "--rotate", "--keep", "2"]):
        extra = ["--backup-dir", str(backups)] if command[0] == "backup" else []
        answers[command[0]] = _run([command[0], "--db", str(database), *command[1:], *extra])
    clean = all(
        status == 0 or (status == 2 and len(stderr.strip().splitlines()) == 1)
        for status, stderr in answers.values()
    )
    backup_status = answers["backup"][0]
    if structural:
        # A damaged file never pushes a good backup out.
        clean = clean and backup_status == 2
    rotated_out = not set(good) <= set(automatic_backups(database, backups))
    return Flip(
        page, structural, detected, changed, clean, rotated_out,
        f"page {page}: {problems[:1]}; answers {[(s, e[-200:]) for s, e in answers.values()]}",
    )


def run_flips(trials: int, folder: Path, clinic: Path, mrn: str, seed: int) -> list[Flip]:
    rng = random.Random(seed)
    results = []
    for number in range(trials):
        here = folder / f"flip-{number}"
        here.mkdir(parents=True)
        results.append(flip_trial(here, rng, clinic, mrn))
        shutil.rmtree(here, ignore_errors=True)
    return results
