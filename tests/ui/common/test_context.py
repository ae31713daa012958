"""The shared context: a closed database counts as no database for every screen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.ui.patient_fixtures import seed_course
from tracker.storage.errors import StorageError
from tracker.storage.operations.patients import add_patient
from tracker.ui.common.context import show_error


def test_a_closed_database_is_no_database(context, store, messages):
    assert context.has_store
    store.close()

    assert not context.has_store
    with pytest.raises(StorageError, match="no database is open"):
        _ = context.store
    # A write refused for want of a database is reported, not raised.
    assert context.run(add_patient, mrn="MRN-9", name="Late, Write") is None
    assert messages == ["no database is open"]


def test_every_screen_reads_nothing_from_a_closed_database(qtbot, window, store, messages):
    seeded = seed_course(store, days_ago=3)
    window.show()
    qtbot.waitUntil(lambda: not window.today_view.loading, timeout=5000)
    assert window.today_view.model.rowCount() == 1
    store.close()

    window.today_view.reload()
    window.patients_view.reload()
    window.open_patient(seeded.patient_id)

    assert window.today_view.model.rowCount() == 0
    assert window.today_view.summary.text() == "No database is open."
    assert window.patients_view.model.rowCount() == 0
    assert not window.patients_view.new_button.isEnabled()
    assert window.patient_view.patient is None
    assert messages == []


def test_an_error_dialog_shows_a_lower_case_message_as_a_sentence(qtbot):
    shown = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            shown.append((box.windowTitle(), box.text()))
            box.accept()
        else:
            QTimer.singleShot(20, read_and_close)

    QTimer.singleShot(0, read_and_close)
    show_error(None, "course start 2027-01-05 is in the future (today is 2026-11-27)")
    assert shown == [
        ("Cannot do that", "Course start 2027-01-05 is in the future (today is 2026-11-27)")
    ]
