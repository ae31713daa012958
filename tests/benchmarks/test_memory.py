"""Peak memory with the 10,000-patient demo database open, against a bare PySide6 window.

A fresh process starts the tracker as ``tracker gui --db`` does, waits until Today lists
everyone on treatment, then opens the Patients list, the Cohort report (its chart and exact
intervals) and a patient's screen with the chart tab, as a clinician's first minute would;
then it reads its peak resident set size. The baseline is the same reading in a process that
only shows a bare PySide6 window.
"""

from __future__ import annotations

import statistics

from tests.benchmarks.conftest import PATIENTS, Figure
from tests.benchmarks.startup_scripts import APP_WINDOW, BARE_WINDOW

RUNS = 3
GOAL_MB = 300


def test_peak_memory_with_the_database_open(demo_database, fresh_python, record_figure):
    bare, app = [], []
    for _ in range(RUNS):
        bare.append(fresh_python(BARE_WINDOW))
        app.append(fresh_python(APP_WINDOW, str(demo_database.path), "tour"))

    bare_mb = statistics.median(run["peak_mb"] for run in bare)
    runs = [run["peak_mb"] for run in app]
    app_mb = statistics.median(runs)
    print(
        f"\npeak memory, median of {RUNS} fresh processes: bare window {bare_mb:.0f} MB; "
        f"tracker after Today, Patients, Cohort report and a patient's chart {app_mb:.0f} MB "
        f"(runs {' '.join(f'{megabytes:.0f}' for megabytes in sorted(runs))})"
    )
    record_figure(
        Figure(
            name="peak memory",
            measured=f"{app_mb:.0f} MB (Today, Patients, Cohort report, a patient's chart)",
            baseline=f"{bare_mb:.0f} MB bare PySide6 window",
            ratio=f"{app_mb / bare_mb:.2f}x",
            goal=f"under {GOAL_MB} MB",
            met=app_mb < GOAL_MB,
        )
    )

    for run in app:
        assert run["patients_listed"] == PATIENTS
        assert run["cohort_patients"] > 0
        assert run["chart_drawn"]
