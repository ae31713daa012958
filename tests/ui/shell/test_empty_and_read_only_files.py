"""The application never takes an empty file for a new database, and a database opened only
to read (the smoke test's way) refuses changes in one clear message."""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import FIXED_TODAY
from tracker.storage.database import open_database
from tracker.storage.operations.patients import add_patient
from tracker.ui.app import open_at_start
from tracker.ui.common.context import AppContext
from tracker.ui.shell.main_window import MainWindow


def test_opening_an_empty_file_is_refused_and_the_open_database_stays(
    window, context, store, tmp_path, messages
):
    empty = tmp_path / "truncated.sqlite"
    empty.write_bytes(b"")
    assert window.open_database(empty) is False
    assert "empty file: not a tracker database" in messages[0]
    assert empty.read_bytes() == b"" and context.store is store


def test_an_empty_file_at_start_up_opens_nothing(qtbot, settings, tmp_path, messages):
    empty = tmp_path / "tracker.sqlite"
    empty.write_bytes(b"")
    context = AppContext()
    context.report_error = lambda _parent, message: messages.append(message)
    window = MainWindow(context, settings)
    qtbot.addWidget(window)
    assert open_at_start(window, empty) is False
    assert not context.has_store
    assert "empty file: not a tracker database" in messages[0]
    assert "File > New database" in messages[0]
    assert empty.read_bytes() == b""


def test_file_new_still_makes_a_database_where_there_is_no_file(window, context, tmp_path):
    assert window.new_database(tmp_path / "ward-c.sqlite") is True
    assert context.store.path == tmp_path / "ward-c.sqlite"


def test_a_database_opened_to_read_refuses_a_change_clearly(qtbot, settings, tmp_path, messages):
    path = tmp_path / "clinic.sqlite"
    with open_database(path, clock=lambda: FIXED_TODAY) as store:
        add_patient(store, mrn="RO-1", name="Read, Only")
    before = path.read_bytes()
    context = AppContext()
    context.report_error = lambda _parent, message: messages.append(message)
    window = MainWindow(context, settings)
    qtbot.addWidget(window)
    assert open_at_start(window, path, read_only=True) is True
    assert context.run(add_patient, mrn="RO-2", name="Not, Saved") is None
    assert "open for reading only; nothing was changed" in messages[0]
    context.replace_store(None)
    assert path.read_bytes() == before
    assert sorted(entry.name for entry in Path(tmp_path).iterdir() if "clinic" in entry.name) == [
        "clinic.sqlite"
    ]
