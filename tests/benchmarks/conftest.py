"""One 10,000-patient demo database for every benchmark, and the table of figures at the end.

The database is generated once per run with the real demo generator (the cohort that
``tracker demo --patients 10000`` writes today, seed 1), timed so that ``test_demo_speed``
can report the generation itself without a second 20-second fill. Today, not a fixed date:
the start-up and memory benchmarks run the application as a user starts it, on the real
date, and a cohort simulated up to that date is what such a clinic's database holds.

Each benchmark prints one line (figure, baseline measured in the same run, ratio, goal, PASS
or MISS) and records it; after the run a Markdown table of the scale figures is printed,
ready to paste. A missed goal is a MISS in the table, not a failed test: timings on
a shared machine wander, and the other figures are wanted all the same. Tests fail when what
was timed is wrong (counts that disagree, a page missing, a screen left empty).

Fresh processes (start-up, memory, the cohort report's first open) run with their bytecode compiled once into a folder of
this run, as an installed application has it: without that every run would compile the
application's sources again when ``PYTHONDONTWRITEBYTECODE`` is set.

To rerun one benchmark without waiting for a new database, point ``TRACKER_BENCH_DATABASE``
at a demo database of 10,000 patients made today (``tracker demo --patients 10000``); the
generation figure is then skipped.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from tracker.storage.database import open_database
from tracker.storage.demo import fill_demo_database

PATIENTS = 10_000
TODAY = date.today()
SEED = 1
REUSE_DATABASE_VARIABLE = "TRACKER_BENCH_DATABASE"

# The order of the rows in the closing table: the scale figures, each with its goal.
SCALE_FIGURES = (
    "start-up",
    "Today filled",
    "cohort first open",
    "patient filter",
    "cohort report",
    "outcomes report",
    "cycle sheet PDF",
    "peak memory",
    "server write latency (8 writers)",
    "Today filled on the server",
)


@dataclass(frozen=True)
class DemoDatabase:
    path: Path
    seconds: float | None  # generation, with the simulation, inserts and audit rows
    rows: dict[str, int]


@dataclass(frozen=True)
class Figure:
    name: str
    measured: str
    baseline: str
    ratio: str
    goal: str
    met: bool

    @property
    def verdict(self) -> str:
        return "PASS" if self.met else "MISS"

    def line(self) -> str:
        return (
            f"{self.name}: {self.measured}; baseline {self.baseline}; ratio {self.ratio}; "
            f"goal {self.goal}: {self.verdict}"
        )


_FIGURES = pytest.StashKey[dict[str, Figure]]()


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> DemoDatabase:
    given = os.environ.get(REUSE_DATABASE_VARIABLE)
    if given:
        # To rerun one benchmark quickly: a database an earlier run's generation wrote.
        with open_database(given, clock=lambda: TODAY) as store:
            tables = [row[0] for row in store.db.execute("SELECT name FROM sqlite_master")]
            rows = {
                table: store.db.execute(f"SELECT COUNT(*) FROM [{table}]").fetchone()[0]
                for table in ("patients", "courses", "cycles", "dose_records", "labs")
                if table in tables
            }
        return DemoDatabase(Path(given), None, rows)
    path = tmp_path_factory.mktemp("demo") / "demo-10000.sqlite"
    started = time.perf_counter()
    with open_database(path, clock=lambda: TODAY) as store:
        summary = fill_demo_database(store, PATIENTS, seed=SEED)
    seconds = time.perf_counter() - started
    return DemoDatabase(path, seconds, dict(summary.rows))


@pytest.fixture(scope="session")
def record_figure(request: pytest.FixtureRequest):
    """Print a benchmark's line and keep it for the closing table."""
    figures = request.config.stash.setdefault(_FIGURES, {})

    def record(figure: Figure) -> Figure:
        figures[figure.name] = figure
        print(f"\n{figure.line()}")
        return figure

    return record


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    figures = config.stash.get(_FIGURES, {})
    if not figures:
        return
    terminalreporter.section("scale figures (Markdown)")
    terminalreporter.write_line(
        "| measure | measured | baseline (same run) | ratio | goal | result |"
    )
    terminalreporter.write_line("|---|---|---|---|---|---|")
    ordered = [figures[name] for name in SCALE_FIGURES if name in figures]
    ordered += [figure for name, figure in figures.items() if name not in SCALE_FIGURES]
    for figure in ordered:
        terminalreporter.write_line(
            f"| {figure.name} | {figure.measured} | {figure.baseline} | {figure.ratio} | "
            f"{figure.goal} | {figure.verdict} |"
        )
    met = sum(figures[name].met for name in SCALE_FIGURES if name in figures)
    present = sum(name in figures for name in SCALE_FIGURES)
    terminalreporter.write_line(f"\n{met} of {present} goals met ({len(SCALE_FIGURES)} asked).")


@pytest.fixture(scope="session")
def fresh_python(tmp_path_factory: pytest.TempPathFactory):
    """Run a Python script in a new interpreter and return the JSON object it prints last.

    The child is given the wall-clock time just before it was started (``sys.argv[1]``), so
    it can report times from process creation, interpreter start and imports included.
    """
    bytecode = tmp_path_factory.mktemp("bytecode")
    environment = {
        key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"
    }
    environment["PYTHONPYCACHEPREFIX"] = str(bytecode)
    environment.setdefault("QT_QPA_PLATFORM", "offscreen")

    def run(script: str, *arguments: str) -> dict:
        started = time.time()
        result = subprocess.run(
            [sys.executable, "-c", script, repr(started), *arguments],
            capture_output=True,
            text=True,
            env=environment,
            timeout=120,
        )
        if result.returncode != 0:
            raise AssertionError(f"benchmark process failed:\n{result.stderr}")
        return json.loads(result.stdout.strip().splitlines()[-1])

    return run


def peak_rss_megabytes_code() -> str:
    """Python source of an expression: this process's peak resident memory in MB.

    On Linux that is VmHWM, the high-water mark of this program's own memory: ``ru_maxrss``
    there keeps the size of the parent the child was forked from (the test process, holding
    hundreds of MB after generating the demo), since ``exec`` carries it over. Elsewhere it
    is ``ru_maxrss`` (bytes on macOS).
    """
    if sys.platform.startswith("linux"):
        return (
            "int(next(line for line in open('/proc/self/status') "
            "if line.startswith('VmHWM:')).split()[1]) / 1e3"
        )
    return "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6"
