"""At start-up the screens fill while the whole-file check runs; damage closes the database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tracker.storage.database import open_database
from tracker.storage.operations.patients import add_patient
from tracker.ui.context import AppContext


def _database_with_patients(path: Path) -> None:
    with open_database(path) as store:
        for number in range(300):
            add_patient(store, mrn=f"MRN-{number:04d}", name=f"Patient {number}")


def _damage_a_patients_page(path: Path) -> None:
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
    data = bytearray(path.read_bytes())
    middle = (page - 1) * page_size + page_size // 2
    data[middle - 100 : middle + 100] = b"\xff" * 200
    path.write_bytes(bytes(data))


def _context(messages: list[str]) -> AppContext:
    context = AppContext()
    context.report_error = lambda parent, message: messages.append(message)
    return context


def test_damage_found_after_opening_closes_the_database_and_says_so(qtbot, tmp_path: Path):
    path = tmp_path / "clinic.sqlite"
    _database_with_patients(path)
    _damage_a_patients_page(path)
    before = path.read_bytes()
    messages: list[str] = []
    context = _context(messages)

    context.replace_store(open_database(path, check_in_background=True))

    qtbot.waitUntil(lambda: not context.has_store, timeout=5000)
    assert len(messages) == 1
    assert "damaged" in messages[0]
    assert "File > Open database" in messages[0]
    assert path.read_bytes() == before


def test_an_intact_database_stays_open_after_the_check(qtbot, tmp_path: Path):
    path = tmp_path / "clinic.sqlite"
    _database_with_patients(path)
    messages: list[str] = []
    context = _context(messages)
    store = open_database(path, check_in_background=True)

    context.replace_store(store)

    qtbot.waitUntil(lambda: not store.integrity_pending, timeout=5000)
    qtbot.wait(150)
    assert context.has_store
    assert context.store is store
    assert messages == []
    context.replace_store(None)
