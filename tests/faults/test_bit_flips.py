"""Bit flips in random pages: found by the whole-file check where SQLite can see them, never
a traceback, and never a good backup pushed out by a damaged file.

A few trials here; ``make bench`` runs more and reports how many flips were detected.
"""

from __future__ import annotations

import pytest

from tests.faults.bit_flips import run_flips

TRIALS = 10


@pytest.mark.slow
def test_bit_flips_are_caught_or_harmless_and_never_crash_a_command(qapp, clinic, tmp_path):
    flips = run_flips(TRIALS, tmp_path, clinic.path, clinic.mrn, seed=11)
    assert [flip.detail for flip in flips if not flip.answered_cleanly] == []
    assert [flip.detail for flip in flips if flip.structural and flip.rotated_out] == []
    assert any(flip.structural for flip in flips)
    # What the whole-file check finds, verification finds too.
    assert all(flip.detected for flip in flips if flip.structural)
