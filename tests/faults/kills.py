"""SIGKILL at a random moment of a write, a backup, a restore or an export, and what survived.

Each trial starts the work in a child process (``killed_child.py``), kills it at a random
point of the work (timed from when the child is ready, over the time the work takes), then
checks what the kill left:

* writes: the database is intact and holds every change the child reported committed, each
  with its audit row;
* backups: the database is unchanged, every backup under its final name is whole and holds
  every row, and the next backup removes the temporary files the kill left;
* restores: the database is intact and is either the one replaced or the backup, never a
  mixture or nothing; a kept safety copy is whole; the next restore cleans up;
* exports: the output folder is either absent or complete (every table, every row), and the
  next export cleans up.

A trial survived when all of that held; rows lost counts committed or copied rows missing.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.faults.damage import integrity_problems
from tracker.storage.backup import automatic_backups, rotate_backups
from tracker.storage.database import open_database
from tracker.storage.export import export_csv
from tracker.storage.restore import restore_database

HERE = Path(__file__).parent
REPOSITORY = HERE.parent.parent
CLINICAL_TABLES = ("patients", "labs", "courses", "dose_records")


@dataclass(frozen=True)
class Trial:
    kind: str
    survived: bool
    rows_lost: int
    detail: str
    acknowledged: int = 0  # changes the child reported committed before it was killed


def _child(*arguments: str | Path) -> subprocess.Popen:
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY)}
    return subprocess.Popen(
        [sys.executable, str(HERE / "killed_child.py"), *map(str, arguments)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )


def _kill_after(child: subprocess.Popen, seconds: float) -> list[str]:
    """Wait for ``ready``, kill ``seconds`` later; the whole lines the child printed."""
    assert child.stdout is not None
    first = child.stdout.readline()
    if first != "ready\n":
        child.kill()
        _out, errors = child.communicate(timeout=30)
        raise AssertionError(f"the child did not start: {first!r} {errors}")
    time.sleep(seconds)
    child.send_signal(signal.SIGKILL)
    output, _errors = child.communicate(timeout=30)
    return [line for line in output.splitlines(keepends=True) if line.endswith("\n")]


def _counts(path: Path) -> dict[str, int]:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            table: connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            for table in tables
        }
    finally:
        connection.close()


def _content(path: Path) -> str:
    """A digest of every table's rows (not of the bytes: a restore may change the page
    layout or the journal mode of the same content)."""
    hashed = hashlib.sha256()
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        for table in sorted(_counts(path)):
            for row in connection.execute(f'SELECT * FROM "{table}" ORDER BY rowid'):
                hashed.update(repr(row).encode())
    finally:
        connection.close()
    return hashed.hexdigest()


def _leftovers(folder: Path) -> list[str]:
    if not folder.exists():
        return []
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(
        (".partial", ".restoring", ".creating")
    ))


def time_child(*arguments: str | Path) -> float:
    """Seconds from the child's ``ready`` to its ``done``: the span a kill is aimed at."""
    child = _child(*arguments)
    assert child.stdout is not None
    assert child.stdout.readline() == "ready\n"
    started = time.perf_counter()
    line = child.stdout.readline()
    seconds = time.perf_counter() - started
    child.kill()
    child.communicate(timeout=30)
    assert line.startswith("done"), line
    return seconds


# --- writes ----------------------------------------------------------------------------------


def write_trial(folder: Path, rng: random.Random) -> Trial:
    database = folder / "written.sqlite"
    open_database(database).close()
    lines = _kill_after(_child("write", database), rng.uniform(0.05, 1.5))
    reported = [line.split() for line in lines if not line.startswith("ready")]
    problems = integrity_problems(database)
    lost = 0
    unaudited = 0
    with open_database(database) as store:
        mrns = {row[0] for row in store.execute("SELECT mrn FROM patients")}
        lab_ids = {row[0] for row in store.execute("SELECT id FROM labs")}
        dose_ids = {row[0] for row in store.execute("SELECT id FROM dose_records")}
        for kind, value in reported:
            if kind == "patient":
                lost += value not in mrns
            else:
                lost += int(value) not in (lab_ids if kind == "labs" else dose_ids)
        for table in CLINICAL_TABLES:
            unaudited += store.execute(
                f"SELECT COUNT(*) FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM audit_log a "
                f"WHERE a.table_name = '{table}' AND a.row_id = t.id AND a.action = 'insert')"
            ).fetchone()[0]
    survived = not problems and lost == 0 and unaudited == 0
    return Trial(
        "write", survived, lost,
        f"{len(reported)} commits reported, {lost} lost, {unaudited} rows without audit, "
        f"integrity {problems or 'ok'}",
        acknowledged=len(reported),
    )


# --- backups ---------------------------------------------------------------------------------


def backup_trial(folder: Path, rng: random.Random, source: Path, seconds: float) -> Trial:
    database = folder / "clinic.sqlite"
    shutil.copyfile(source, database)
    before = database.read_bytes()
    expected = _counts(database)
    backups = folder / "backups"
    lines = _kill_after(_child("backup", database, backups), rng.uniform(0, 2.5 * seconds))
    finished = sum(line.startswith("done") for line in lines)
    problems, lost = [], 0
    if database.read_bytes() != before:
        problems.append("the database changed")
    for copy in automatic_backups(database, backups):
        found = integrity_problems(copy)
        if found:
            problems.append(f"{copy.name}: {found[0]}")
            continue
        counts = _counts(copy)
        lost += sum(max(0, expected[table] - counts.get(table, 0)) for table in expected)
    left = _leftovers(backups)
    rotate_backups(database, backups, keep=3)
    if _leftovers(backups):
        problems.append(f"leftovers not removed by the next backup: {_leftovers(backups)}")
    survived = not problems and lost == 0
    return Trial(
        "backup", survived, lost,
        f"killed after {finished} whole backups; {len(left)} leftovers; {problems}",
    )


# --- restores --------------------------------------------------------------------------------


def restore_trial(
    folder: Path, rng: random.Random, current: Path, backup: Path, seconds: float
) -> Trial:
    database = folder / "clinic.sqlite"
    kept = folder / "kept"
    shutil.copyfile(current, database)
    old, new = _content(current), _content(backup)
    backup_bytes = backup.read_bytes()
    lines = _kill_after(_child("restore", database, backup, kept), rng.uniform(0, 1.2 * seconds))
    finished = "done\n" in lines
    problems, lost = [], 0
    if not database.exists():
        problems.append("the database is gone")
    else:
        # Opened as the application opens it: a change the kill left half-made in a rollback
        # journal (restore switches the file out of WAL mode) is rolled back first.
        open_database(database).close()
        found = integrity_problems(database)
        if found:
            problems.append(f"the database is damaged: {found[0]}")
        elif _content(database) not in (old, new):
            problems.append("the database is neither the replaced one nor the backup")
            lost = sum(_counts(current).values()) - sum(_counts(database).values())
    for safety in sorted(kept.glob("*.sqlite")) if kept.exists() else []:
        if integrity_problems(safety) or _content(safety) != old:
            problems.append(f"the safety copy {safety.name} is not the replaced database")
    if backup.read_bytes() != backup_bytes:
        problems.append("the backup file changed")
    left = _leftovers(folder) + _leftovers(kept)
    restore_database(backup, database, safety_dir=kept)
    if _content(database) != new:
        problems.append("the restore after the kill did not restore the backup")
    if _leftovers(folder) or _leftovers(kept):
        problems.append("leftovers not removed by the next restore")
    return Trial(
        "restore", not problems, lost,
        f"killed {'after' if finished else 'during'} the work; {len(left)} leftovers; {problems}",
    )


# --- exports ---------------------------------------------------------------------------------


def export_trial(folder: Path, rng: random.Random, source: Path, seconds: float) -> Trial:
    database = folder / "clinic.sqlite"
    shutil.copyfile(source, database)
    expected = _counts(database)
    out = folder / "export"
    lines = _kill_after(_child("export", database, out), rng.uniform(0, 1.2 * seconds))
    finished = "done\n" in lines
    problems, lost = [], 0
    if out.exists():
        for table, rows in expected.items():
            path = out / f"{table}.csv"
            if not path.exists():
                problems.append(f"{table}.csv missing from a folder that looks complete")
                lost += rows
                continue
            import csv

            with path.open(newline="", encoding="utf-8") as handle:
                found = sum(1 for _row in csv.reader(handle)) - 1
            if found != rows:
                problems.append(f"{table}.csv has {found} rows of {rows}")
                lost += max(0, rows - found)
    left = _leftovers(folder)
    shutil.rmtree(out, ignore_errors=True)
    export_csv(database, out)
    if _leftovers(folder):
        problems.append(f"leftovers not removed by the next export: {_leftovers(folder)}")
    return Trial(
        "export", not problems and lost == 0, lost,
        f"killed {'after' if finished else 'during'} the work; {len(left)} leftovers; {problems}",
    )


# --- running trials --------------------------------------------------------------------------


@dataclass(frozen=True)
class Sources:
    """The databases the trials copy: a clinic, and a backup of it with one patient more."""

    clinic: Path
    backup: Path
    seconds: dict[str, float]


def prepare_sources(folder: Path, clinic: Path) -> Sources:
    from tests.storage_extras.helpers import add_plain_patient

    folder.mkdir(parents=True, exist_ok=True)
    backup = folder / "backup-source.sqlite"
    shutil.copyfile(clinic, backup)
    with open_database(backup) as store:
        add_plain_patient(store, "RESTORED-1")
    scratch = folder / "timing"
    scratch.mkdir()
    target = scratch / "target.sqlite"
    shutil.copyfile(clinic, target)
    seconds = {
        "backup": time_child("backup", clinic, scratch / "b"),
        "restore": time_child("restore", target, backup, scratch / "kept"),
        "export": time_child("export", clinic, scratch / "export"),
    }
    shutil.rmtree(scratch)
    return Sources(clinic, backup, seconds)


def run_trials(kind: str, trials: int, folder: Path, sources: Sources, seed: int) -> list[Trial]:
    """``trials`` SIGKILL trials of one ``kind`` of work, each in a folder of its own."""
    rng = random.Random(seed)
    results = []
    for number in range(trials):
        here = folder / f"{kind}-{number}"
        here.mkdir(parents=True)
        if kind == "write":
            results.append(write_trial(here, rng))
        elif kind == "backup":
            results.append(backup_trial(here, rng, sources.clinic, sources.seconds["backup"]))
        elif kind == "restore":
            results.append(restore_trial(
                here, rng, sources.clinic, sources.backup, sources.seconds["restore"]
            ))
        elif kind == "export":
            results.append(export_trial(here, rng, sources.clinic, sources.seconds["export"]))
        else:
            raise ValueError(kind)
        shutil.rmtree(here, ignore_errors=True)
    return results
