"""Tools > Verify records…, and the check of the newest changes made on opening a database."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QApplication

from tests.storage.tampering import raw
from tracker.storage import verify as verify_module
from tracker.storage.database import open_database
from tracker.storage.operations.patients import add_patient, update_patient
from tracker.ui.common.context import AppContext
from tracker.ui.shell.main_window import MainWindow
from tracker.ui.shell.verify_dialog import VerifyDialog


def _clinic(store) -> int:
    patient = add_patient(store, mrn="V-1", name="Verify, Me", weight_kg=70.0)
    update_patient(store, patient, reason="Weighed on the ward scale", weight_kg=68.5)
    return patient


def _render(widget, path: str) -> None:
    widget.show()
    for _ in range(5):
        QApplication.processEvents()
    widget.grab().save(path)


def test_verify_records_runs_off_the_gui_thread_and_says_all_is_intact(
    qtbot, window: MainWindow, store, monkeypatch
) -> None:
    _clinic(store)
    threads: list[str] = []
    checked = verify_module.verify_store

    def watched(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return checked(*args, **kwargs)

    monkeypatch.setattr("tracker.ui.shell.verify_dialog.verify_store", watched)
    window.show()
    window.commands.verify_records.trigger()
    dialog = window.findChild(VerifyDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=10000)
    assert threads and threads[0] != threading.main_thread().name
    assert dialog.headline.text().startswith("✔ All intact")
    assert "records: 1 row compared with the audit trail, all match" in dialog.details.toPlainText()
    assert not dialog.progress.isVisible()
    _render(dialog, "/tmp/audit-verify-intact.png")


def test_verify_records_names_the_first_broken_link(qtbot, window: MainWindow, store) -> None:
    patient = _clinic(store)
    raw(
        store.path,
        f"UPDATE patients SET weight_kg = 75, version = version + 1 WHERE id = {patient}",
    )
    dialog = window.verify_records()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=10000)
    assert dialog.headline.text().startswith(
        f"✘ Not intact. First broken link: patients row {patient} differs from its latest audit "
        "row 2 (weight_kg: stored 75.0, audited 68.5; version: stored 3, audited 2)"
    )
    _render(dialog, "/tmp/audit-verify-broken.png")


def test_opening_a_database_checks_its_newest_changes(
    qtbot, tmp_path: Path, settings, store
) -> None:
    patient = _clinic(store)
    messages: list[str] = []
    context = AppContext()
    context.report_error = lambda _parent, message: messages.append(message)
    window = MainWindow(context, settings)
    qtbot.addWidget(window)
    context.replace_store(store)
    qtbot.waitUntil(lambda: "Records checked" in window.statusBar().currentMessage(), timeout=5000)
    assert window.statusBar().currentMessage().startswith(
        "Records checked: the newest 2 changes are intact"
    )
    assert messages == []

    raw(store.path, f"UPDATE patients SET name = 'X', version = version + 1 WHERE id = {patient}")
    context.replace_store(None)
    context.replace_store(open_database(store.path, clock=lambda: date(2026, 3, 2)))
    qtbot.waitUntil(lambda: bool(messages), timeout=5000)
    assert messages[0].startswith(
        f"The audit trail does not check out: patients row {patient} differs from its latest "
        "audit row 2"
    )
    assert "Tools > Verify records" in messages[0]
    context.replace_store(None)
