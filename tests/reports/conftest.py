"""Fixtures for the cycle sheet tests: a real clinic database file, built once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reports.sheet_data import TODAY, build_clinic_database
from tracker.storage.database import Store, open_database


@pytest.fixture(scope="session")
def clinic_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six patients: four treated in the batch week, one ended course, one archived."""
    return build_clinic_database(tmp_path_factory.mktemp("clinic") / "tracker.sqlite")


@pytest.fixture
def clinic(clinic_database: Path) -> Iterator[Store]:
    with open_database(clinic_database, clock=lambda: TODAY) as store:
        yield store
