"""The hold thresholds a sheet prints come from the label data file."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tracker.domain.label_rules import load_label_rules
from tracker.reports.sheet_model import HoldThresholds
from tracker.reports.sheet_rules import hold_thresholds
from tracker.resources import resource_path


@pytest.fixture
def label_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the label data file in a private resources folder, free to edit."""
    copy = tmp_path / "advice" / "lenalidomide-label.toml"
    copy.parent.mkdir()
    shutil.copy(resource_path("advice", "lenalidomide-label.toml"), copy)
    monkeypatch.setenv("RD_TRACKER_RESOURCES", str(tmp_path))
    load_label_rules.cache_clear()
    yield copy
    load_label_rules.cache_clear()


def test_the_shipped_label_thresholds():
    assert hold_thresholds() == HoldThresholds(anc_below=1.0, platelets_below=30.0)
    assert hold_thresholds().describe() == (
        "Hold lenalidomide if ANC < 1.0 x10^9/L or platelets < 30 x10^9/L"
    )


def test_thresholds_follow_the_data_file(label_file):
    text = label_file.read_text()
    text = text.replace("anc_below = 1.0", "anc_below = 0.75")
    text = text.replace("platelets_below = 30", "platelets_below = 25")
    label_file.write_text(text)
    assert hold_thresholds() == HoldThresholds(anc_below=0.75, platelets_below=25.0)
    assert hold_thresholds().describe() == (
        "Hold lenalidomide if ANC < 0.75 x10^9/L or platelets < 25 x10^9/L"
    )
