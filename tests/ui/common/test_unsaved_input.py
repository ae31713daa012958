"""Closing the window while a patient form holds unsaved input asks first."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import activate, close_window
from tests.ui.patient_fixtures import seed_course
from tracker.storage import queries
from tracker.ui.common.unsaved_input import editor_values, has_unsaved_input
from tracker.ui.forms.event_dialog import EventDialog


def open_labs(qtbot, window, store):
    seeded = seed_course(store, days_ago=5)
    activate(qtbot, window)
    window.open_patient(seeded.patient_id)
    dialog = window.patient_view.record_labs()
    qtbot.waitExposed(dialog)
    return seeded, dialog


def test_a_value_typed_into_the_labs_dialog_is_not_lost_without_asking(
    qtbot, window, store, answers
):
    seeded, dialog = open_labs(qtbot, window, store)
    qtbot.keyClicks(dialog.anc.edit, "0.8")

    answers.append(False)
    window.close()
    assert window.isVisible() and dialog.isVisible()
    assert window.asked == [
        f"{dialog.windowTitle()} has input that is not saved. Close anyway and lose it?"
    ]
    assert dialog.anc.edit.text() == "0.8"

    answers.append(True)
    close_window(qtbot, window)
    assert queries.labs_of(store, seeded.patient_id) == []  # closing saved nothing


def test_an_untouched_or_restored_labs_dialog_closes_without_asking(qtbot, window, store):
    _, dialog = open_labs(qtbot, window, store)
    qtbot.keyClicks(dialog.anc.edit, "12")
    assert window.dialogs_with_unsaved_input() == [dialog]
    for _ in range(2):
        qtbot.keyClick(dialog.anc.edit, Qt.Key.Key_Backspace)
    assert window.dialogs_with_unsaved_input() == []  # back to what it opened with

    close_window(qtbot, window)
    assert window.asked == []


def test_a_choice_made_with_the_keyboard_counts_as_input(qtbot, window, store, answers):
    seeded = seed_course(store, days_ago=5)
    activate(qtbot, window)
    window.open_patient(seeded.patient_id)
    dialog = window.patient_view.log_event()
    qtbot.waitExposed(dialog)
    assert not has_unsaved_input(dialog)
    dialog.grade_spin.setFocus()
    qtbot.keyClick(dialog.grade_spin, Qt.Key.Key_Up)  # grade 1 -> 2, nothing typed
    assert dialog.grade_spin.value() == 2 and has_unsaved_input(dialog)

    answers.append(False)
    window.close()
    assert window.isVisible() and "Log an adverse event has input" in window.asked[0]
    dialog.reject()


def test_a_form_opened_by_any_screen_is_watched_from_when_it_takes_focus(
    qtbot, window, context, store
):
    seeded = seed_course(store, days_ago=5)
    activate(qtbot, window)
    window.open_patient(seeded.patient_id)
    # Opened without the patient screen's help, as another screen might.
    dialog = EventDialog(
        context, seeded.patient_id, course_id=seeded.course_id, parent=window.patient_view
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    qtbot.waitUntil(
        lambda: (
            QApplication.focusWidget() is not None
            and dialog.isAncestorOf(QApplication.focusWidget())
        )
    )
    opened_with = editor_values(dialog)
    dialog.type_combo.setFocus()
    qtbot.keyClick(dialog.type_combo, Qt.Key.Key_Down)
    assert editor_values(dialog) != opened_with
    assert window.dialogs_with_unsaved_input() == [dialog]
    dialog.reject()


def test_a_print_preview_is_not_a_form(qtbot, window, store):
    seeded = seed_course(store, days_ago=5)
    activate(qtbot, window)
    window.open_patient(seeded.patient_id)
    preview = window.patient_view.sheets.preview_sheet()
    qtbot.waitExposed(preview)
    assert not has_unsaved_input(preview)
    close_window(qtbot, window)
    assert window.asked == []
