"""Where the data files under ``resources/`` live."""

from __future__ import annotations

import os
from pathlib import Path

_ENV_OVERRIDE = "RD_TRACKER_RESOURCES"


def resources_dir() -> Path:
    """The ``resources/`` folder: beside the package in a checkout, or set by the environment."""
    override = os.environ.get(_ENV_OVERRIDE)
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    path = resources_dir().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"missing data file: {path}")
    return path
