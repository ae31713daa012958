"""The hold thresholds a sheet prints come from the label data file when it is there."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tracker.reports.sheet_model import HoldThresholds
from tracker.reports.sheet_rules import LABEL_HOLD_THRESHOLDS, hold_thresholds


@pytest.fixture
def resources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("RD_TRACKER_RESOURCES", str(tmp_path))
    hold_thresholds.cache_clear()
    yield tmp_path
    hold_thresholds.cache_clear()


def write_label(resources: Path, text: str) -> None:
    (resources / "advice").mkdir()
    (resources / "advice" / "lenalidomide-label.toml").write_text(text)


def test_without_the_label_file_the_label_figures_are_used(resources):
    assert hold_thresholds() == LABEL_HOLD_THRESHOLDS == HoldThresholds(1.0, 30.0)


def test_thresholds_in_x10_9_per_litre(resources):
    write_label(resources, "[hold]\nanc_below = 0.75\nplatelets_below = 25\n")
    assert hold_thresholds() == HoldThresholds(0.75, 25.0)


def test_thresholds_per_microlitre_are_converted(resources):
    write_label(
        resources,
        '[[rules]]\nfinding = "platelets"\nresume_at = 30000\n'
        "[thresholds]\ninterrupt_anc_per_mcl = 1000\ninterrupt_platelets_per_mcl = 30000\n",
    )
    assert hold_thresholds() == HoldThresholds(1.0, 30.0)
