"""The clinical figures a sheet prints, read from the data files under ``resources/``."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from functools import cache
from typing import Any

from tracker.reports.sheet_model import HoldThresholds
from tracker.resources import resource_path
from tracker.storage.monitoring import MonitoringCadence, monitoring_cadence

LABEL_FILE = ("advice", "lenalidomide-label.toml")
# The US label's interruption thresholds (ANC < 1,000/mcL, platelets < 30,000/mcL), used only
# while the label data file is missing so a sheet can still be printed.
LABEL_HOLD_THRESHOLDS = HoldThresholds(anc_below=1.0, platelets_below=30.0)


@cache
def hold_thresholds() -> HoldThresholds:
    """The hold thresholds from the lenalidomide label data file, in x10^9/L."""
    try:
        path = resource_path(*LABEL_FILE)
    except FileNotFoundError:
        return LABEL_HOLD_THRESHOLDS
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    anc = _first_number(data, ("anc", "neutrophil"))
    platelets = _first_number(data, ("platelet",))
    return HoldThresholds(
        anc_below=_as_per_litre(anc) if anc is not None else LABEL_HOLD_THRESHOLDS.anc_below,
        platelets_below=(
            _as_per_litre(platelets)
            if platelets is not None
            else LABEL_HOLD_THRESHOLDS.platelets_below
        ),
    )


def blood_count_cadence() -> MonitoringCadence:
    return monitoring_cadence()


def _numbers(data: Any, path: str = "") -> Iterator[tuple[str, float]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _numbers(value, f"{path}.{key}".lower())
    elif isinstance(data, list):
        for item in data:
            yield from _numbers(item, path)
    elif isinstance(data, int | float) and not isinstance(data, bool):
        yield path, float(data)


def _first_number(data: dict, names: tuple[str, ...]) -> float | None:
    """The first number whose key path names the count and a lower limit (hold/below/min)."""
    for path, value in _numbers(data):
        last = path.rsplit(".", 1)[-1]
        if any(name in path for name in names) and any(
            word in path for word in ("hold", "below", "threshold", "interrupt", "min")
        ):
            if "resume" in last or "grade" in path:
                continue
            return value
    return None


def _as_per_litre(value: float) -> float:
    """A count written per microlitre (1000, 30000) as x10^9/L (1.0, 30)."""
    return value / 1000.0 if value >= 500 else value
