"""Small helpers shared by the backup, restore, export and demo tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tracker.cli.signing_in import DEMO_PASSWORD, DEMO_USER
from tracker.storage.accounts import sign_in
from tracker.storage.audit import insert_row
from tracker.storage.database import Store

FIXED_TODAY = date(2026, 3, 2)


def add_plain_patient(store: Store, mrn: str, name: str | None = None) -> int:
    """A patient row written the audited way, without the patient rules on top."""
    return insert_row(
        store, "patients", {"mrn": mrn, "name": name or f"Test {mrn}"}, patient_id=None
    )


def patient_mrns(path: Path) -> list[str]:
    # ``tracker demo`` makes a new file encrypted, its administrator the documented default.
    with sign_in(path, DEMO_USER, DEMO_PASSWORD) as store:
        return [row["mrn"] for row in store.db.query("SELECT mrn FROM patients ORDER BY id")]
