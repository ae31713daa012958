"""SIGKILL at random points of writes, backups, restores and exports: nothing committed is
lost, nothing half-written is left under a final name, and the next run cleans up.

A few trials of each here; ``make bench`` runs at least 20 of each and reports the figures
(tests/benchmarks/test_fault_trials.py).
"""

from __future__ import annotations

import signal

import pytest

from tests.faults.conftest import make_clinic
from tests.faults.kills import prepare_sources, run_trials

TRIALS = 3

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"),
]


# Enough rows that a backup, restore or export takes long enough to be killed part-way.
PATIENTS = 300


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kill-sources")
    return prepare_sources(folder, make_clinic(folder / "clinic.sqlite", PATIENTS).path)


@pytest.mark.parametrize("kind", ["write", "backup", "restore", "export"])
def test_a_killed_process_leaves_everything_whole(kind, sources, tmp_path):
    trials = run_trials(kind, TRIALS, tmp_path, sources, seed=hash(kind) % 1000)
    failed = [trial.detail for trial in trials if not trial.survived]
    assert failed == []
    assert sum(trial.rows_lost for trial in trials) == 0
