"""Fixtures for the backup, restore, export and demo tests: real database files in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.storage_extras.helpers import FIXED_TODAY, add_plain_patient
from tracker.storage.database import open_database


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """A tracker database holding three patients, closed."""
    path = tmp_path / "clinic" / "tracker.sqlite"
    with open_database(path, clock=lambda: FIXED_TODAY) as store:
        for number in range(1, 4):
            add_plain_patient(store, f"MRN{number:03d}")
    return path
