"""Fixtures for the cycle sheet tests: real clinic database files, built once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reports import held_courses
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


@pytest.fixture(scope="session")
def held_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Courses with interruptions (``held_courses.build_held_database``)."""
    return held_courses.build_held_database(tmp_path_factory.mktemp("held") / "tracker.sqlite")


@pytest.fixture
def held(held_database: Path) -> Iterator[Store]:
    with open_database(held_database, clock=lambda: held_courses.TODAY) as store:
        yield store
