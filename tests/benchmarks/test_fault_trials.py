"""The fault suite at full size, with its figures (``tests/faults`` runs a few of each).

* SIGKILL at random points of writes, backups, restores and exports: 20 trials of each
  (``FAULT_TRIALS`` to change); faults injected / survived / rows lost.
* Bit flips in random pages: 50 (``FLIP_TRIALS``); found by the whole-file check, found by
  verification (which also meets values that cannot be read), changed a value only (what the
  audit chain's hashes are for), harmless (no stored value changed).
* Malformed input: every command line of the CLI fuzz (plus the smoke test's, each in a
  process of its own) and every bad value given to every storage operation; inputs tried /
  answered cleanly / tracebacks / files changed.

The baseline of a fault figure is what the same faults did before these checks, as measured
and reported when the problems were found; the goal is all survived, nothing lost.
"""

from __future__ import annotations

import os
import signal

import pytest

from tests.benchmarks.conftest import Figure
from tests.faults.api_values import try_every_value
from tests.faults.bit_flips import run_flips
from tests.faults.cli_inputs import (
    answer_in_process,
    answer_in_subprocess,
    cases,
    make_inputs,
    smoke_test_cases,
)
from tests.faults.conftest import make_clinic
from tests.faults.kills import prepare_sources, run_trials

FAULT_TRIALS = int(os.environ.get("FAULT_TRIALS", "20"))
FLIP_TRIALS = int(os.environ.get("FLIP_TRIALS", "50"))
KILL_PATIENTS = 300


@pytest.fixture(scope="module")
def clinic(tmp_path_factory):
    return make_clinic(tmp_path_factory.mktemp("fault-clinic") / "clinic.sqlite")


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kill-sources")
    return prepare_sources(folder, make_clinic(folder / "clinic.sqlite", KILL_PATIENTS).path)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("kind", ["write", "backup", "restore", "export"])
def test_sigkill_trials(kind, sources, tmp_path, record_figure):
    trials = run_trials(kind, FAULT_TRIALS, tmp_path, sources, seed=1000 + len(kind))
    survived = sum(trial.survived for trial in trials)
    lost = sum(trial.rows_lost for trial in trials)
    during = sum("during" in trial.detail for trial in trials)
    for trial in trials:
        if not trial.survived:
            print(f"\n{kind} trial failed: {trial.detail}")
    record_figure(
        Figure(
            f"SIGKILL {kind}",
            f"{len(trials)} faults injected, {survived} survived, {lost} rows lost"
            + (f" ({during} killed mid-work)" if kind in ("restore", "export") else "")
            + (
                f" of {sum(trial.acknowledged for trial in trials):,} acknowledged commits"
                if kind == "write"
                else ""
            ),
            "-",
            "-",
            "all survive, 0 rows lost",
            survived == len(trials) and lost == 0,
        )
    )
    assert survived == len(trials) and lost == 0


def test_bit_flips(qapp, clinic, tmp_path, record_figure):
    flips = run_flips(FLIP_TRIALS, tmp_path, clinic.path, clinic.mrn, seed=77)
    structural = sum(flip.structural for flip in flips)
    detected = sum(flip.detected for flip in flips)
    value_only = sum(flip.content_changed and not flip.detected for flip in flips)
    harmless = sum(not flip.content_changed and not flip.detected for flip in flips)
    clean = sum(flip.answered_cleanly for flip in flips)
    pushed_out = sum(flip.structural and flip.rotated_out for flip in flips)
    record_figure(
        Figure(
            "bit flips",
            f"{len(flips)} flipped: {structural} found by integrity_check, {detected} by "
            f"verification, {value_only} changed a value only, {harmless} harmless; "
            f"{clean} answered cleanly; {pushed_out} good backups pushed out",
            "-",
            "-",
            "every structural flip found, no traceback, no good backup lost",
            clean == len(flips) and pushed_out == 0 and detected >= structural,
        )
    )
    assert clean == len(flips) and pushed_out == 0


def test_malformed_command_lines(qapp, clinic, tmp_path, record_figure):
    folder = tmp_path / "inputs"
    make_inputs(folder, clinic.path)
    answers = [answer_in_process(case, folder) for case in cases(folder, clinic.mrn, clinic.week)]
    answers += [answer_in_subprocess(case, folder) for case in smoke_test_cases(folder)]
    clean = sum(answer.clean for answer in answers)
    tracebacks = sum(answer.traceback is not None for answer in answers)
    changed = sum(bool(answer.changed) for answer in answers)
    for answer in answers:
        if not answer.clean:
            print(f"\n{answer.case.name}: {answer.status} {answer.stderr[:300]!r} {answer.changed}")
    record_figure(
        Figure(
            "CLI fuzz",
            f"{len(answers)} inputs tried, {clean} answered cleanly, {tracebacks} tracebacks, "
            f"{changed} files changed",
            "-",
            "-",
            "all clean",
            clean == len(answers),
        )
    )
    assert clean == len(answers)


def test_malformed_api_values(tmp_path, record_figure):
    calls = try_every_value(tmp_path / "api.sqlite")
    clean = sum(call.outcome == "clean" for call in calls)
    changed = sum(call.changed for call in calls)
    functions = len({call.function for call in calls})
    record_figure(
        Figure(
            "API fuzz",
            f"{len(calls)} values tried on {functions} operations, {clean} answered cleanly, "
            f"{len(calls) - clean} tracebacks, {changed} refused calls changed the file",
            "-",
            "-",
            "all clean",
            clean == len(calls) and changed == 0,
        )
    )
    assert clean == len(calls) and changed == 0
