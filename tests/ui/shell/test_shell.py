"""The main window: menus, screens, databases, settings, closing, and the ``tracker gui`` start."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QInputDialog

from tests.ui.conftest import FIXED_TODAY, activate, cancel_print_dialog_when_shown, show_loaded
from tracker.storage import queries
from tracker.storage.database import open_database
from tracker.storage.operations.patients import add_patient
from tracker.ui import app as app_module
from tracker.ui.common.context import AppContext
from tracker.ui.common.settings import AppSettings
from tracker.ui.shell.main_window import MainWindow


def make_database(path: Path, *mrns: str) -> Path:
    with open_database(path, clock=lambda: FIXED_TODAY) as store:
        for mrn in mrns:
            add_patient(store, mrn=mrn, name=f"Patient {mrn}")
    return path


def menu_entries(window: MainWindow) -> dict[str, list[tuple[str, str]]]:
    entries = {}
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        entries[menu.title().replace("&", "")] = [
            (action.text().replace("&", ""), action.shortcut().toString())
            for action in menu.actions()
            if not action.isSeparator()
        ]
    return entries


def test_menus_and_their_shortcuts(window):
    entries = menu_entries(window)
    assert list(entries) == ["File", "Patient", "View", "Tools", "Help"]
    assert [text for text, _ in entries["File"]] == [
        "New database…",
        "Open database…",
        "Connect to server…",
        "Backup…",
        "Print week's sheets…",
        "Settings…",
        "Set staff initials…",
        "Quit",
    ]
    assert ("Settings…", "Ctrl+,") in entries["File"]
    # Where the platform names no Quit key (Windows, the offscreen test platform), Ctrl+Q.
    platform_quit = QKeySequence(QKeySequence.StandardKey.Quit).toString()
    assert entries["File"][-1] == ("Quit", platform_quit or "Ctrl+Q")
    assert entries["Patient"] == [("New patient…", "Ctrl+N"), ("Find patient", "Ctrl+F")]
    assert entries["View"] == [
        ("Today", "Ctrl+1"),
        ("Patients", "Ctrl+2"),
        ("Cohort report", "Ctrl+3"),
    ]
    assert entries["Tools"] == [("Verify records…", "")]
    assert [text for text, _ in entries["Help"]] == ["About Rd Cycle Tracker"]
    toolbar_texts = [a.text().replace("&", "") for a in window.toolbar.actions() if a.text()]
    assert toolbar_texts == ["Today", "Patients", "Cohort report", "New patient…", "Find patient"]


def test_keyboard_switches_screens_and_starts_a_new_patient(qtbot, window):
    activate(qtbot, window)
    assert window.stack.currentWidget() is window.today_view
    assert window.commands.show_today.isChecked()
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.patients_view
    assert window.commands.show_patients.isChecked() and not window.commands.show_today.isChecked()
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.today_view

    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = QApplication.activeModalWidget()
    assert form.objectName() == "patientDialog" and form.windowTitle() == "New patient"
    assert window.stack.currentWidget() is window.patients_view
    form.reject()


def test_window_layout_and_last_database_are_remembered(qtbot, context, settings, store, tmp_path):
    first = MainWindow(context, settings, automatic_backup_dir=tmp_path / "backups")
    qtbot.addWidget(first)
    first.resize(720, 530)
    first.show()
    qtbot.waitExposed(first)
    first.close()

    assert settings.last_database() == store.path.resolve()
    reread = AppSettings.in_file(tmp_path / "settings.ini")
    second = MainWindow(AppContext(), reread)
    qtbot.addWidget(second)
    assert second.size() == QSize(720, 530)
    assert app_module.startup_database(None, reread) == (store.path.resolve(), None)


def test_opening_a_file_that_is_not_a_database_keeps_the_open_one(
    window, context, store, tmp_path, messages
):
    add_patient(store, mrn="KEEP-1", name="Still, Here")
    not_a_database = tmp_path / "letter.sqlite"
    not_a_database.write_text("Dear colleague, this is not a database.")

    assert window.open_database(not_a_database) is False

    assert len(messages) == 1 and "letter.sqlite" in messages[0]
    assert "stays open" in messages[0]
    assert not_a_database.read_text() == "Dear colleague, this is not a database."
    assert context.store is store and not store.closed
    assert queries.patient_by_mrn(store, "KEEP-1").name == "Still, Here"
    assert window.windowTitle().startswith("clinic.sqlite")


def test_opening_a_database_from_a_newer_version_keeps_the_open_one(
    window, context, store, tmp_path, messages
):
    newer = make_database(tmp_path / "newer.sqlite", "N-1")
    with open_database(newer) as other:
        other.db["_sqlite_migrations"].insert(
            {"migration_set": "tracker", "name": "m999_from_the_future", "applied_at": "2030-01-01"}
        )
    assert window.open_database(newer) is False
    assert "newer version" in messages[0]
    assert context.store is store


def test_opening_another_database_switches_every_screen(qtbot, window, context, store, tmp_path):
    other = make_database(tmp_path / "other.sqlite", "O-1", "O-2")
    window.show()
    window.show_patients()
    assert window.patients_view.visible_patient_ids() == []

    assert window.open_database(other) is True

    assert context.store.path == other and store.closed
    assert window.patients_view.count_label.text() == "2 patients"
    assert window.windowTitle().startswith("other.sqlite")
    assert window.settings.last_database() == other.resolve()


def test_a_missing_file_is_not_created_by_open(window, context, store, tmp_path, messages):
    missing = tmp_path / "typo.sqlite"
    assert window.open_database(missing) is False
    assert not missing.exists() and context.store is store
    assert "does not exist" in messages[0]


def test_new_database_is_created_and_an_existing_file_refused(window, context, tmp_path, messages):
    assert window.new_database(tmp_path / "ward-b") is True
    created = tmp_path / "ward-b.sqlite"
    assert context.store.path == created and created.is_file()
    assert queries.count_patients(context.store) == 0

    assert window.new_database(created) is False
    assert "already exists" in messages[0]
    assert context.store.path == created


def test_backup_writes_a_copy_that_opens(qtbot, window, store, tmp_path):
    add_patient(store, mrn="B-1", name="Backed, Up")
    written = tmp_path / "copy.sqlite"
    assert window.backup_database(written) is True
    assert window.statusBar().currentMessage() == f"Backing up to {written}…"
    assert not window.commands.backup.isEnabled()
    qtbot.waitUntil(lambda: window.commands.backup.isEnabled(), timeout=10_000)
    assert window.statusBar().currentMessage() == f"Backup written to {written}"
    with open_database(written) as copy:
        assert queries.patient_by_mrn(copy, "B-1").name == "Backed, Up"
    recorded = store.execute(
        "SELECT after_json FROM audit_log WHERE table_name = 'actions' AND action = 'backup'"
    ).fetchall()
    assert len(recorded) == 1 and str(written) in recorded[0][0]


def test_a_refused_backup_is_said_and_nothing_is_written(qtbot, window, tmp_path, messages):
    assert window.backup_database(tmp_path / "no-such-folder" / "copy.sqlite") is True
    qtbot.waitUntil(lambda: window.commands.backup.isEnabled(), timeout=10_000)
    assert messages and messages[0].startswith("The backup was not written: there is no folder")
    assert not (tmp_path / "no-such-folder").exists()


def test_closing_with_unsaved_form_input_asks_first(qtbot, window, answers):
    window.show()
    dialog = window.new_patient()
    qtbot.keyClicks(dialog.mrn_edit, "HALF-TYPED")

    answers.append(False)
    window.close()
    assert window.isVisible() and dialog.isVisible()
    assert "New patient has input that is not saved" in window.asked[0]
    assert dialog.mrn_edit.text() == "HALF-TYPED"

    answers.append(True)
    window.close()
    assert not window.isVisible() and not dialog.isVisible()


def test_closing_with_an_untouched_form_does_not_ask(window):
    window.show()
    window.new_patient()
    window.close()
    assert not window.isVisible() and window.asked == []


def test_closing_after_a_change_backs_up_off_the_gui_thread_then_closes(
    qtbot, window, context, store, tmp_path
):
    window.show()
    context.run(add_patient, mrn="AB-1", name="Auto, Backup")
    started = time.perf_counter()
    assert window.close() is False  # it waits for the backup, without blocking
    assert time.perf_counter() - started < 0.5
    assert window.isVisible()
    assert window.statusBar().currentMessage() == "Backing up the database before closing…"
    assert not window.centralWidget().isEnabled()  # no change can slip past the copy
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)
    backups = list((tmp_path / "backups").glob("clinic-*.sqlite"))
    assert len(backups) == 1
    assert window.statusBar().currentMessage() == f"Backup written to {backups[0]}"
    with open_database(backups[0]) as copy:
        assert queries.patient_by_mrn(copy, "AB-1").name == "Auto, Backup"
    recorded = store.execute(
        "SELECT after_json FROM audit_log WHERE table_name = 'actions' AND action = 'backup'"
    ).fetchall()
    assert len(recorded) == 1 and str(backups[0]) in recorded[0][0]


def test_a_failed_closing_backup_is_said_and_the_window_still_closes(
    qtbot, window, context, store, tmp_path, messages
):
    window.show()
    context.run(add_patient, mrn="AB-2", name="Backup, Fails")
    (tmp_path / "backups").write_text("a file where the backup folder should be")
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)
    assert len(messages) == 1 and messages[0].startswith("The automatic backup failed")


def test_closing_without_changes_takes_no_backup(window, tmp_path):
    window.show()
    window.close()
    assert not list((tmp_path / "backups").glob("*.sqlite"))


def test_staff_initials_go_into_the_audit_log(window, context, store, tmp_path, messages):
    assert window.set_staff_initials(" jd ") is True
    assert store.staff == "JD"
    assert "JD" in window.statusBar().findChild(type(window._staff_label), "staffLabel").text()
    patient_id = context.run(add_patient, mrn="S-1", name="Staff, Test")
    assert [entry.staff for entry in queries.audit_of_patient(store, patient_id)] == ["JD"]

    assert window.set_staff_initials("1234") is False
    assert "not initials" in messages[0] and store.staff == "JD"

    window.open_database(make_database(tmp_path / "second.sqlite"))
    assert context.store.staff == "JD"


def test_staff_initials_are_asked_once_per_session(qtbot, window):
    asked = []

    def answer():
        dialog = QApplication.activeModalWidget()
        asked.append(dialog.labelText())
        dialog.setTextValue("ab")
        dialog.accept()

    window.show()
    QTimer.singleShot(0, answer)
    window.ask_staff_initials_once()
    assert window.staff_initials == "AB" and len(asked) == 1
    window.ask_staff_initials_once()
    assert len(asked) == 1


def test_a_window_closed_before_today_is_read_does_not_read_after_the_database_closed(
    qtbot, window, store
):
    # Showing the window defers the Today read to the next turn of the event loop; a window
    # closed before then (and a database closed after it, as at the end of a session) must
    # not be read by that deferred call.
    window.show()
    window.close()
    store.close()
    qtbot.wait(50)
    assert window.today_view.model.rowCount() == 0 and not window.today_view.loading


def test_start_up_database_order(tmp_path, settings):
    default = tmp_path / "default" / "tracker.sqlite"  # RD_TRACKER_DATABASE in conftest
    given = tmp_path / "given.sqlite"
    assert app_module.startup_database(None, settings) == (default, None)
    assert app_module.startup_database(given, settings) == (given, None)

    last = make_database(tmp_path / "last.sqlite")
    settings.set_last_database(last)
    assert app_module.startup_database(None, settings) == (last.resolve(), None)
    assert app_module.startup_database(given, settings) == (given, None)

    last.unlink()
    path, note = app_module.startup_database(None, settings)
    assert path == default and "last.sqlite was not found" in note


def test_a_refused_start_up_database_leaves_the_window_usable(qtbot, settings, tmp_path):
    messages: list[str] = []
    context = AppContext()
    context.report_error = lambda parent, message: messages.append(message)
    window = MainWindow(context, settings)
    qtbot.addWidget(window)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"\x00" * 100)

    assert app_module.open_at_start(window, junk) is False

    assert "File > Open database" in messages[0]
    assert not context.has_store and window.windowTitle() == "Rd Cycle Tracker"
    assert not window.commands.new_patient.isEnabled()
    assert not window.commands.print_week_sheets.isEnabled()
    assert window.commands.open_database.isEnabled()
    show_loaded(qtbot, window)
    assert window.today_view.summary.text() == "No database is open."
    assert not any(button.isEnabled() for button in window.today_view.sheet_buttons)


def test_uncaught_errors_are_logged_and_shown(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    log_path = tmp_path / "logs" / "tracker.log"
    app_module.configure_logging(log_path)
    shown: list[str] = []
    try:
        app_module.install_exception_hook(shown.append, log_path)
        try:
            raise RuntimeError("the printer caught fire")
        except RuntimeError as error:
            sys.excepthook(type(error), error, error.__traceback__)
    finally:
        for handler in list(app_module.log.handlers):
            app_module.log.removeHandler(handler)
            handler.close()
    assert len(shown) == 1
    assert shown[0].startswith("Something went wrong: the printer caught fire.")
    assert str(log_path) in shown[0]
    logged = log_path.read_text()
    # The log keeps where it happened, never the message, which may name a patient.
    assert "Traceback" in logged and "RuntimeError: (message withheld)" in logged
    assert "printer caught fire" not in logged.split("Traceback")[1].splitlines()[-1]


def test_the_shown_window_has_not_loaded_matplotlib(tmp_path):
    script = textwrap.dedent(
        f"""
        import sys
        from PySide6.QtWidgets import QApplication
        from tracker.storage.database import open_database
        from tracker.ui.common.context import AppContext
        from tracker.ui.shell.main_window import MainWindow
        from tracker.ui.common.settings import AppSettings

        app = QApplication([])
        context = AppContext(open_database({str(tmp_path / "db.sqlite")!r}))
        window = MainWindow(context, AppSettings.in_file({str(tmp_path / "s.ini")!r}))
        window.show()
        app.processEvents()
        window.show_patients()
        app.processEvents()
        print("matplotlib" in sys.modules)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={**_environment(), "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.stdout.strip() == "False"


def _environment() -> dict[str, str]:
    import os

    return dict(os.environ)


def test_gui_command_opens_the_database_given(qtbot, tmp_path, monkeypatch):
    from tracker.cli.main import main

    database = make_database(tmp_path / "given.sqlite", "G-1")
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(app_module, "log_file_path", lambda: tmp_path / "logs" / "tracker.log")
    seen: dict[str, object] = {}

    def look_and_quit() -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, QInputDialog):
            seen["staff_prompt"] = modal.windowTitle()
            modal.reject()
            return
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        if windows and "staff_prompt" in seen:
            window = windows[-1]
            seen["path"] = window.context.store.path
            seen["patients"] = queries.count_patients(window.context.store)
            timer.stop()
            qtbot.addWidget(window)  # deleted with the test, like every other window
            window.close()

    timer = QTimer()
    timer.timeout.connect(look_and_quit)
    timer.start(20)
    give_up = QTimer(singleShot=True, interval=10_000)  # never hang the test run
    give_up.timeout.connect(QApplication.quit)
    give_up.start()
    try:
        assert main(["gui", "--db", str(database)]) == 0
    finally:
        timer.stop()
        give_up.stop()
        for handler in list(app_module.log.handlers):
            app_module.log.removeHandler(handler)
            handler.close()
    assert seen == {"staff_prompt": "Staff initials", "path": database, "patients": 1}


def test_patient_menu_lists_the_patient_screen_commands_while_a_patient_is_shown(
    qtbot, window, store
):
    from tests.ui.patient_fixtures import seed_course

    seeded = seed_course(store, days_ago=5)
    window.show()
    assert window.patient_view is None  # the screen is built when first needed
    window.patient_menu.aboutToShow.emit()  # as when the menu opens
    view = window.patient_view
    listed = [action for action in window.patient_menu.actions() if not action.isSeparator()]
    assert listed[2:] == view.patient_actions.all() + view.sheet_actions.all()
    assert not any(action.isEnabled() for action in listed[2:])

    window.open_patient(seeded.patient_id)
    enabled = [action.text().replace("&", "") for action in listed if action.isEnabled()]
    assert enabled == [
        "New patient…",
        "Find patient",
        "Next cycle…",
        "Reduce dose…",
        "Record labs…",
        "Log event…",
        "REMS…",
        "Response…",
        "End course…",
        "Print current cycle sheet…",
        "Preview current cycle sheet…",
        "Save current cycle sheet as PDF…",
    ]

    window.show_today()
    assert not any(action.isEnabled() for action in listed[2:])
    window.open_patient(seeded.patient_id)
    view.patient_actions.log_event.trigger()  # as from the menu
    assert view.active_dialog.objectName() == "eventDialog" and view.active_dialog.isVisible()
    view.active_dialog.reject()

    # The screen's shortcuts reach it inside the window, menus and all.
    activate(qtbot, window)
    window.open_patient(seeded.patient_id)
    qtbot.waitUntil(view.calendar.hasFocus)
    qtbot.keyClick(view.calendar, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert view.active_dialog.objectName() == "labsDialog" and view.active_dialog.isVisible()
    view.active_dialog.reject()


def test_file_menu_prints_the_week_sheets(qtbot, window, store):

    from tests.ui.patient_fixtures import seed_course

    seed_course(store, days_ago=5)
    show_loaded(qtbot, window)
    assert window.commands.print_week_sheets.isEnabled()
    titles = cancel_print_dialog_when_shown()
    window.commands.print_week_sheets.trigger()
    assert titles == ["Print cycle 1 sheet: Adeyemi, Ruth"]


def test_screens_refreshed_after_the_database_closed_read_nothing(
    qtbot, window, context, store, messages
):
    from tests.ui.patient_fixtures import seed_course

    seeded = seed_course(store, days_ago=5)
    window.show()
    window.show_cohort()
    qtbot.waitUntil(lambda: window.cohort_view.report is not None)
    window.open_patient(seeded.patient_id)
    store.close()  # as at the end of a session, with a late signal still to come

    context.data_changed.emit()
    window.show_cohort()
    assert window.cohort_view.status_label.text() == "No database open"
    window.open_patient(seeded.patient_id)
    assert window.patient_view.patient is None
    assert not window.patient_view.patient_actions.record_labs.isEnabled()
    window.close()  # no automatic backup of a closed database is attempted
    assert not window.isVisible() and messages == []


def test_a_full_log_is_rotated_at_start_keeping_three(tmp_path):
    log_path = tmp_path / "tracker.log"
    for number, text in ((3, "oldest"), (2, "older"), (1, "old")):
        log_path.with_name(f"tracker.log.{number}").write_text(text)
    log_path.write_text("x" * 20)
    app_module.rotate_log(log_path, limit_bytes=10, keep=3)
    assert not log_path.exists()
    assert [log_path.with_name(f"tracker.log.{n}").read_text() for n in (1, 2, 3)] == [
        "x" * 20,
        "old",
        "older",
    ]
    log_path.write_text("short")
    app_module.rotate_log(log_path, limit_bytes=10, keep=3)
    assert log_path.read_text() == "short"
