"""A tracker database whose bytes are damaged in the middle of a page of patient rows."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from tracker.storage.database import open_database
from tracker.storage.operations.patients import add_patient


def _full_patient_page(path: Path) -> tuple[int, int]:
    """The page size and the number of a leaf page of the patients table packed with rows."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        page = connection.execute(
            "SELECT pageno FROM dbstat WHERE name = 'patients' AND pagetype = 'leaf' "
            "ORDER BY unused LIMIT 1"
        ).fetchone()[0]
    finally:
        connection.close()
    return page_size, page


def write_damaged_database(path: Path, today: date) -> None:
    """300 patients, then 200 bytes of 0xFF over the middle of a full patients page."""
    with open_database(path, clock=lambda: today) as store:
        for number in range(300):
            add_patient(store, mrn=f"MRN-{number:04d}", name=f"Patient {number}")
    page_size, page = _full_patient_page(path)
    data = bytearray(path.read_bytes())
    middle = (page - 1) * page_size + page_size // 2
    data[middle - 100 : middle + 100] = b"\xff" * 200
    path.write_bytes(bytes(data))
