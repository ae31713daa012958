"""How long ``fill_demo_database`` takes for 10,000 patients, against plain inserts.

The generation timed is the one that writes the benchmarks' shared database (see
``conftest.py``). The baseline, measured in the same run on the same disk, is the time
``executemany`` needs to insert the same number of rows (of about the same width) into one
plain table in one transaction with the same PRAGMAs. The ratio says how much the simulation
(which asks the treatment engine along every course), the eight tables with their indexes and
foreign keys, and the audit rows cost on top of raw SQLite.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from tests.benchmarks.conftest import PATIENTS, REUSE_DATABASE_VARIABLE, Figure

LIMIT_SECONDS = 60.0


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


def test_demo_of_10000_patients_within_a_minute(demo_database, record_figure, tmp_path):
    if demo_database.seconds is None:
        pytest.skip(f"{REUSE_DATABASE_VARIABLE} gave a database: nothing was generated")
    total_rows = sum(demo_database.rows.values())
    baseline_seconds = plain_insert_seconds(tmp_path / "plain.sqlite", total_rows)
    size_mb = demo_database.path.stat().st_size / 1e6
    print(
        "\nrows per table: "
        + ", ".join(f"{table} {count:,}" for table, count in demo_database.rows.items())
    )
    record_figure(
        Figure(
            name="demo generation",
            measured=(
                f"{demo_database.seconds:.1f} s for {PATIENTS:,} patients, "
                f"{total_rows:,} rows ({size_mb:.0f} MB)"
            ),
            baseline=f"{baseline_seconds:.1f} s plain executemany of as many rows",
            ratio=f"{demo_database.seconds / baseline_seconds:.2f}x",
            goal=f"under {LIMIT_SECONDS:g} s",
            met=demo_database.seconds < LIMIT_SECONDS,
        )
    )
    assert demo_database.rows["patients"] == PATIENTS
