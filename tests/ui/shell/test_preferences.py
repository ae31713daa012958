"""File > Settings: clinic name, sheet paper size and the age limit of the latest counts at a
start, stored in the database with an audit row."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from tests.ui.conftest import activate
from tests.ui.patient_fixtures import seed_course
from tracker.reports.sheet_settings import clinic_name, sheet_page_size
from tracker.storage import queries
from tracker.storage.operations.labs import record_labs
from tracker.storage.operations.settings import (
    CLINIC_NAME_MAX_LENGTH,
    START_COUNTS_MAX_AGE_KEY,
    get_setting,
    save_settings,
    set_setting,
)
from tracker.storage.operations.start_checks import start_check_for_cycle
from tracker.ui.shell.preferences_dialog import PreferencesDialog

LETTER_POINTS = (612, 792)


def settings_audit(store) -> list[dict]:
    rows = store.db.query("SELECT * FROM audit_log WHERE table_name = 'settings' ORDER BY id")
    return [json.loads(row["after_json"]) for row in rows]


def click(qtbot, dialog, which: QDialogButtonBox.StandardButton) -> None:
    qtbot.mouseClick(dialog.buttons.button(which), Qt.MouseButton.LeftButton)


def test_settings_are_saved_audited_and_printed_on_the_sheet(
    qtbot, window, store, messages, tmp_path
):
    seeded = seed_course(store, days_ago=10)
    window.set_staff_initials("KM")
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialog = QApplication.activeModalWidget()
    assert dialog.objectName() == "preferencesDialog"
    assert dialog.clinic_edit.text() == "" and dialog.page_size_combo.currentText() == "A4"
    assert dialog.counts_age_edit.text() == "7"  # the shipped default

    qtbot.keyClicks(dialog.clinic_edit, "Riverside  Haematology ")
    dialog.page_size_combo.setCurrentText("Letter")
    assert dialog.has_unsaved_input()
    click(qtbot, dialog, QDialogButtonBox.StandardButton.Save)

    assert messages == [] and not dialog.isVisible()
    assert clinic_name(store) == "Riverside Haematology"
    assert sheet_page_size(store) == "Letter"
    assert settings_audit(store) == [
        {"key": "clinic_name", "value": "Riverside Haematology"},
        {"key": "sheet_page_size", "value": "Letter"},
    ]
    staff = store.db.execute("SELECT DISTINCT staff FROM audit_log WHERE table_name = 'settings'")
    assert staff.fetchall() == [("KM",)]

    window.open_patient(seeded.patient_id)
    written = window.patient_view.sheets.save_pdf(tmp_path / "sheet.pdf")
    [page] = PdfReader(written).pages
    assert "Riverside Haematology" in " ".join(page.extract_text().split())
    assert tuple(round(value) for value in page.mediabox[2:]) == LETTER_POINTS

    again = window.show_preferences()
    assert again.clinic_edit.text() == "Riverside Haematology"
    assert again.page_size_combo.currentText() == "Letter"
    again.reject()


def test_cancel_writes_nothing(qtbot, window, store):
    set_setting(store, "clinic_name", "Old Name")
    window.show()
    dialog = window.show_preferences()
    dialog.clinic_edit.setText("New Name")
    click(qtbot, dialog, QDialogButtonBox.StandardButton.Cancel)
    assert get_setting(store, "clinic_name") == "Old Name"
    assert len(settings_audit(store)) == 1


def test_a_clinic_name_too_long_for_the_sheet_is_refused(qtbot, window, context, store, messages):
    window.show()
    dialog = window.show_preferences()
    qtbot.keyClicks(dialog.clinic_edit, "x" * (CLINIC_NAME_MAX_LENGTH + 10))
    assert len(dialog.clinic_edit.text()) == CLINIC_NAME_MAX_LENGTH  # the field stops there
    dialog.reject()

    # The operation refuses it too, whoever calls it, and writes nothing.
    too_long = "y" * (CLINIC_NAME_MAX_LENGTH + 1)
    assert context.run(save_settings, too_long, "A4", "7") is None
    assert messages == [
        f"the clinic name is {CLINIC_NAME_MAX_LENGTH + 1} characters long; "
        f"at most {CLINIC_NAME_MAX_LENGTH} fit on a cycle sheet"
    ]
    assert context.run(save_settings, "Fine", "Legal", "7") is None
    assert "the paper size must be A4 or Letter, not 'Legal'" in messages[1]
    assert get_setting(store, "clinic_name") is None and settings_audit(store) == []


def test_settings_need_an_open_database(qtbot, settings):
    from tracker.ui.common.context import AppContext
    from tracker.ui.shell.main_window import MainWindow

    window = MainWindow(AppContext(), settings)
    qtbot.addWidget(window)
    assert not window.commands.preferences.isEnabled()
    assert window.show_preferences() is None


def open_preferences(qtbot, context) -> PreferencesDialog:
    dialog = PreferencesDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def start_check_problems(store, seeded) -> tuple[str, ...]:
    course = queries.get_course(store, seeded.course_id)
    return start_check_for_cycle(store, course, store.today()).problems


def test_the_age_limit_of_the_latest_counts_decides_when_a_start_needs_an_override(
    qtbot, context, store, messages
):
    seeded = seed_course(store, days_ago=28)  # cycle 2 is due today
    record_labs(store, seeded.patient_id, store.today() - timedelta(days=9), anc=2, platelets=150)
    assert start_check_problems(store, seeded) == (
        "the latest ANC is 9 days old (more than 7)",
        "the latest platelet count is 9 days old (more than 7)",
    )
    dialog = open_preferences(qtbot, context)
    dialog.counts_age_edit.clear()
    qtbot.keyClicks(dialog.counts_age_edit, "10")
    click(qtbot, dialog, QDialogButtonBox.StandardButton.Save)

    assert messages == [] and not dialog.isVisible()
    assert get_setting(store, START_COUNTS_MAX_AGE_KEY) == "10"
    assert settings_audit(store)[-1] == {"key": START_COUNTS_MAX_AGE_KEY, "value": "10"}
    assert start_check_problems(store, seeded) == ()
    assert open_preferences(qtbot, context).counts_age_edit.text() == "10"


@pytest.mark.parametrize("typed", ["ten", "-1", "29", "1.5", ""])
def test_an_unusable_age_limit_is_refused_and_nothing_is_saved(
    qtbot, context, store, messages, typed
):
    dialog = open_preferences(qtbot, context)
    qtbot.keyClicks(dialog.clinic_edit, "Riverside")
    dialog.counts_age_edit.setText(typed)
    click(qtbot, dialog, QDialogButtonBox.StandardButton.Save)

    assert messages == [
        f"the latest counts' age limit must be a whole number of days from 0 to 28, not {typed!r}"
    ]
    assert dialog.isVisible() and dialog.counts_age_edit.text() == typed
    assert settings_audit(store) == []  # the clinic name was not saved either
    assert get_setting(store, START_COUNTS_MAX_AGE_KEY) is None
    dialog.reject()
