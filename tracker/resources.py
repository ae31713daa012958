"""Where the data files under ``resources/`` live, and reading them."""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path
from typing import Any

_ENV_OVERRIDE = "RD_TRACKER_RESOURCES"


def resources_dir() -> Path:
    """The ``resources/`` folder: set by the environment, beside the package in a checkout,
    or under ``<prefix>/share`` in an installed copy."""
    override = os.environ.get(_ENV_OVERRIDE)
    if override:
        return Path(override)
    checkout = Path(__file__).resolve().parent.parent / "resources"
    if checkout.is_dir():
        return checkout
    return Path(sys.prefix) / "share" / "rd-cycle-tracker" / "resources"


def resource_path(*parts: str) -> Path:
    path = resources_dir().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"missing data file: {path}")
    return path


def read_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def load_toml(*parts: str) -> dict[str, Any]:
    """The data file ``resources/<parts>``, parsed; FileNotFoundError when it is missing."""
    return read_toml(resource_path(*parts))
