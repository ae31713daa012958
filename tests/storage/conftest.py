"""Fixtures for the storage tests: a real SQLite file in tmp_path and a fixed clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.starts import start_course
from tracker.storage.database import Store
from tracker.storage.errors import ValidationError
from tracker.storage.operations.patients import add_patient
from tracker.storage.server import open_store

TODAY = date(2027, 6, 1)
COURSE_START = date(2027, 3, 1)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "clinic.sqlite"


@pytest.fixture
def store(db_target: Path | str) -> Iterator[Store]:
    """The test's database, on each engine (``engine`` in tests/conftest.py)."""
    opened = open_store(db_target, staff="JD", clock=lambda: TODAY)
    yield opened
    opened.close()


@pytest.fixture
def patient_id(store: Store) -> int:
    return add_patient(
        store,
        mrn="MRN-001",
        name="Ada Lovelace",
        date_of_birth=date(1950, 12, 10),
        sex="F",
        weight_kg=61.5,
        creatinine=0.9,
        # Past the menopause: the REMS category every female patient needs to be treated.
        rems_category="female_not_reproductive",
        rems_category_reason="natural_menopause",
    )


@pytest.fixture
def course_id(store: Store, patient_id: int) -> int:
    """An active course started three months before TODAY, still in cycle 1."""
    return start_course(store, patient_id, COURSE_START, thromboprophylaxis="aspirin")


def database_contents(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, for comparing before and after a refused change."""
    return {
        table: list(store.db.query(f"SELECT * FROM [{table}] ORDER BY {_order(table)}"))
        for table in store.db.table_names()
    }


def _order(table: str) -> str:
    return {"settings": "key", "_sqlite_migrations": "name", "tracker_migrations": "name"}.get(
        table, "id"
    )


@pytest.fixture
def assert_refused(store: Store) -> Callable[..., ValidationError]:
    """Call ``change``; it must raise ValidationError matching ``match`` and write nothing."""

    def check(change: Callable[[], object], match: str) -> ValidationError:
        before = database_contents(store)
        changed_before = store.changed
        with pytest.raises(ValidationError, match=match) as raised:
            change()
        assert database_contents(store) == before
        assert store.changed == changed_before
        return raised.value

    return check
