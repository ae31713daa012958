"""The clinical figures a sheet prints, read from the data files under ``resources/``."""

from __future__ import annotations

from tracker.domain.label_rules import load_label_rules
from tracker.reports.sheet_model import HoldThresholds


def hold_thresholds() -> HoldThresholds:
    """The label's hold thresholds (``resources/advice/lenalidomide-label.toml``), x10^9/L."""
    return HoldThresholds.of(load_label_rules())
