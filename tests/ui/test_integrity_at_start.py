"""At start-up the screens fill while the whole-file check runs; damage closes the database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.damaged_files import write_damaged_database
from tracker.storage.database import open_database
from tracker.storage.operations.patients import add_patient
from tracker.ui.common.context import AppContext


def _context(messages: list[str]) -> AppContext:
    context = AppContext()
    context.report_error = lambda parent, message: messages.append(message)
    return context


def test_damage_found_after_opening_closes_the_database_and_says_so(qtbot, tmp_path: Path):
    path = tmp_path / "clinic.sqlite"
    write_damaged_database(path, date.today())
    before = path.read_bytes()
    messages: list[str] = []
    context = _context(messages)

    context.replace_store(open_database(path, check_in_background=True))

    qtbot.waitUntil(lambda: not context.has_store, timeout=15000)
    assert len(messages) == 1
    assert "damaged" in messages[0]
    assert "File > Open database" in messages[0]
    assert path.read_bytes() == before


def test_an_intact_database_stays_open_after_the_check(qtbot, tmp_path: Path):
    path = tmp_path / "clinic.sqlite"
    with open_database(path) as store:
        add_patient(store, mrn="MRN-1", name="Patient 1")
    messages: list[str] = []
    context = _context(messages)
    store = open_database(path, check_in_background=True)

    context.replace_store(store)

    qtbot.waitUntil(lambda: not store.integrity_pending, timeout=15000)
    qtbot.wait(150)
    assert context.has_store
    assert context.store is store
    assert messages == []
    context.replace_store(None)


def test_a_damaged_page_met_by_the_first_screen_reads_is_one_clear_message(
    qtbot, tmp_path: Path
):
    from tracker.ui.app import launch
    from tracker.ui.common.settings import AppSettings

    path = tmp_path / "clinic.sqlite"
    write_damaged_database(path, date.today())
    messages: list[str] = []
    window = launch(
        path,
        AppSettings.in_file(str(tmp_path / "settings.ini")),
        ask_staff=False,
        report_error=lambda parent, message: messages.append(message),
    )
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: bool(messages) and not window.context.has_store, timeout=10000)
    window.commands.show_patients.trigger()
    qtbot.wait(200)
    assert len(messages) == 1, messages
    assert "damaged" in messages[0]
    assert "File > Open database" in messages[0]
