"""A small clinic database for the fault suite, made once per run with the demo generator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from tracker.storage.database import open_database
from tracker.storage.demo import fill_demo_database

PATIENTS = 12


@dataclass(frozen=True)
class Clinic:
    path: Path
    mrn: str  # a patient on treatment this week
    week: date


def make_clinic(path: Path, patients: int = PATIENTS) -> Clinic:
    today = date.today()
    with open_database(path, clock=lambda: today) as store:
        fill_demo_database(store, patients, seed=3)
        mrn = store.execute(
            "SELECT p.mrn FROM patients p JOIN courses c ON c.patient_id = p.id "
            "WHERE c.status = 'active' AND p.archived = 0 ORDER BY p.id LIMIT 1"
        ).fetchone()[0]
    return Clinic(path, mrn, today)


@pytest.fixture(scope="session")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Clinic:
    return make_clinic(tmp_path_factory.mktemp("clinic") / "clinic.sqlite")
