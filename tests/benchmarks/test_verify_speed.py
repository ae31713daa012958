"""What the audit chain costs: ``verify`` of the whole 10,000-patient demo and of its newest
changes (the check on opening), and the hash on each audited write.

The whole check's baseline is reading every row of the clinical tables once, which it cannot
do with less; the start-up check's goal is to go unnoticed beside opening the window. The
write's baseline is the same audited write with the hash left out (its chain head read and
SHA-256), each write its own committed transaction as in the application.
"""

from __future__ import annotations

import statistics
import time
import timeit
from pathlib import Path

from tests.benchmarks.conftest import Figure
from tracker.storage import audit_chain
from tracker.storage.database import open_database, open_read_only
from tracker.storage.operations.patients import add_patient, update_patient
from tracker.storage.value_rules import CLINICAL_TABLES
from tracker.storage.verify import START_UP_TAIL, verify_recent, verify_store

WHOLE_GOAL_S = 30.0
TAIL_GOAL_MS = 250.0
WRITES = 500


def _read_every_row_seconds(path: Path) -> float:
    with open_read_only(path) as store:
        started = time.perf_counter()
        for table in CLINICAL_TABLES:
            for _ in store.connection.execute(f"SELECT * FROM [{table}]"):
                pass
        return time.perf_counter() - started


def test_verify_of_the_whole_demo_and_of_its_newest_changes(demo_database, record_figure):
    baseline = _read_every_row_seconds(demo_database.path)
    with open_read_only(demo_database.path) as store:
        started = time.perf_counter()
        whole = verify_store(store)
        whole_s = time.perf_counter() - started
        started = time.perf_counter()
        recent = verify_recent(store)
        tail_ms = (time.perf_counter() - started) * 1000
    assert whole.intact, whole.lines()
    assert recent.intact and recent.audit_rows == min(START_UP_TAIL, whole.audit_rows)
    record_figure(
        Figure(
            name="verify, whole file",
            measured=(
                f"{whole_s:.1f} s: {whole.audit_rows:,} audit rows, "
                f"{whole.records_checked:,} records"
            ),
            baseline=f"{baseline:.1f} s reading every record once",
            ratio=f"{whole_s / baseline:.1f}x",
            goal=f"under {WHOLE_GOAL_S:g} s, off the GUI thread",
            met=whole_s < WHOLE_GOAL_S,
        )
    )
    record_figure(
        Figure(
            name="verify on opening",
            measured=f"{tail_ms:.0f} ms for the newest {recent.audit_rows:,} audit rows",
            baseline=f"{whole_s * 1000:.0f} ms for the whole file",
            ratio=f"{tail_ms / (whole_s * 1000):.3f}x",
            goal=f"under {TAIL_GOAL_MS:g} ms",
            met=tail_ms < TAIL_GOAL_MS,
        )
    )


def test_the_hash_on_an_audited_write(tmp_path: Path, record_figure, monkeypatch):
    """Writes with and without the hash alternate, each in a file of its own, and the medians
    are compared: a shared machine's drift falls on both alike."""
    chained = open_database(tmp_path / "chained.sqlite", staff="BM")
    unchained = open_database(tmp_path / "unchained.sqlite", staff="BM")
    times: dict[str, list[float]] = {"with": [], "without": []}
    try:
        patients = {
            "with": (chained, add_patient(chained, mrn="W-1", name="Written, Often")),
            "without": (unchained, add_patient(unchained, mrn="W-2", name="Written, Often")),
        }
        real_hash = audit_chain.audit_hash
        for number in range(WRITES):
            for variant, (store, patient) in patients.items():
                hashing = real_hash if variant == "with" else (lambda _previous, _row: "0" * 64)
                monkeypatch.setattr(audit_chain, "audit_hash", hashing)
                started = time.perf_counter()
                update_patient(store, patient, reason="benchmark", weight_kg=50.0 + number / 10)
                times[variant].append(time.perf_counter() - started)
    finally:
        monkeypatch.undo()
        chained.close()
        unchained.close()
    with_hash, without = statistics.median(times["with"]), statistics.median(times["without"])
    row = {column: "x" * 300 for column in audit_chain.HASHED_COLUMNS}
    hash_alone = timeit.timeit(lambda: audit_chain.audit_hash("0" * 64, row), number=2000) / 2000
    record_figure(
        Figure(
            name="hash on an audited write",
            measured=(
                f"{with_hash * 1000:.2f} ms per committed update with its chained audit row "
                f"(the hash alone {hash_alone * 1e6:.0f} µs)"
            ),
            baseline=f"{without * 1000:.2f} ms the same write without the hash (medians)",
            ratio=f"{with_hash / without:.2f}x",
            goal="under 1.10x",
            met=with_hash / without < 1.10,
        )
    )
