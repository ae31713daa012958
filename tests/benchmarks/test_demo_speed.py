"""How long ``fill_demo_database`` takes for 10,000 patients, against plain inserts.

The baseline, measured in the same run on the same disk, is the time ``executemany`` needs to
insert the same number of rows (of about the same width) into one plain table in one
transaction with the same PRAGMAs. The ratio says how much the simulation, the seven tables
with their indexes and foreign keys, and the audit rows cost on top of raw SQLite.
Run with ``make bench``; add ``-s`` to see the figures.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import date
from pathlib import Path

from tracker.storage.database import open_database
from tracker.storage.demo import fill_demo_database

PATIENTS = 10_000
LIMIT_SECONDS = 60.0
TODAY = date(2026, 3, 2)


def plain_insert_seconds(path: Path, rows: int) -> float:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute(
        "CREATE TABLE plain (id INTEGER PRIMARY KEY, owner INTEGER, day TEXT, kind TEXT, "
        "status TEXT, amount REAL, note TEXT, archived INTEGER, created_at TEXT, updated_at TEXT)"
    )
    stamp = "2026-03-02T12:00:00.000+00:00"
    values = (
        (n, n // 240, "2025-06-01", "lenalidomide", "taken", 25.0, "", 0, stamp, stamp)
        for n in range(1, rows + 1)
    )
    started = time.perf_counter()
    connection.execute("BEGIN")
    connection.executemany("INSERT INTO plain VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values)
    connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def test_demo_of_10000_patients_within_a_minute(tmp_path):
    started = time.perf_counter()
    with open_database(tmp_path / "demo.sqlite", clock=lambda: TODAY) as store:
        summary = fill_demo_database(store, PATIENTS, seed=1)
    demo_seconds = time.perf_counter() - started
    total_rows = sum(summary.rows.values())
    baseline_seconds = plain_insert_seconds(tmp_path / "plain.sqlite", total_rows)
    size_mb = (tmp_path / "demo.sqlite").stat().st_size / 1e6
    print(
        f"\ndemo: {PATIENTS} patients, {total_rows:,} rows ({size_mb:.0f} MB) in "
        f"{demo_seconds:.1f} s; plain executemany of {total_rows:,} rows: "
        f"{baseline_seconds:.1f} s; ratio {demo_seconds / baseline_seconds:.2f}"
    )
    print("rows per table: " + ", ".join(f"{t} {n:,}" for t, n in summary.rows.items()))
    assert summary.rows["patients"] == PATIENTS
    assert demo_seconds < LIMIT_SECONDS
