"""Correcting a saved record: the form asks why, and a save made from an outdated copy (a
second window, a form left open) is refused with who changed the record and when, and the
form shows the record as it is now."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from tests.ui.patient_fixtures import seed_course
from tracker.storage import queries
from tracker.storage.database import open_database
from tracker.storage.operations import events
from tracker.storage.operations.patients import add_patient, update_patient
from tracker.ui.common.context import error_box
from tracker.ui.common.reason_prompt import COMMON_REASONS, ReasonDialog
from tracker.ui.forms.event_dialog import EventDialog
from tracker.ui.forms.patient_dialog import PatientDialog


def _render(widget, path: str) -> None:
    widget.show()
    for _ in range(5):
        QApplication.processEvents()
    widget.grab().save(path)


def _save(qtbot, dialog) -> None:
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
    )


def test_the_reason_prompt_offers_the_usual_reasons_and_needs_one(qtbot) -> None:
    dialog = ReasonDialog(None, "Clear the dose record", "Clear the lenalidomide record of Monday 2 March?")
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()
    assert [dialog.reason_edit.itemText(i) for i in range(dialog.reason_edit.count())] == list(
        COMMON_REASONS
    )
    qtbot.keyClicks(dialog.reason_edit, "   ")
    assert not dialog.ok_button.isEnabled()
    dialog.reason_edit.setCurrentText("")
    qtbot.keyClicks(dialog.reason_edit, "Recorded on the wrong day")
    assert dialog.ok_button.isEnabled() and dialog.reason() == "Recorded on the wrong day"
    _render(dialog, "/tmp/audit-reason-prompt.png")


def test_a_patient_edited_in_another_window_is_not_overwritten(
    qtbot, store, context, messages
) -> None:
    """The issue's case: a weight of 70 saved elsewhere must not silently become 65."""
    patient_id = add_patient(store, mrn="S-1", name="Stale, Form", weight_kg=68.0)
    dialog = PatientDialog(context, queries.get_patient(store, patient_id))
    qtbot.addWidget(dialog)
    dialog.show()
    with open_database(store.path, staff="AB") as elsewhere:
        update_patient(elsewhere, patient_id, reason="Weighed on the ward scale", weight_kg=70.0)
    dialog.weight_edit.setText("65")
    dialog.reason_edit.setCurrentText("Typing mistake corrected")
    _save(qtbot, dialog)

    assert len(messages) == 1
    assert messages[0].startswith("the patient's record was changed by ")
    assert " (staff AB) on " in messages[0] and "since it was read; nothing was saved" in messages[0]
    assert messages[0].endswith(
        "The form now shows the record as saved; make your change again if it is still needed."
    )
    assert queries.get_patient(store, patient_id).weight_kg == 70.0
    assert dialog.isVisible() and dialog.weight_edit.text() == "70"
    assert not dialog.has_unsaved_input() or dialog.reason_edit.currentText()
    box = error_box(dialog, messages[0])
    qtbot.addWidget(box)
    _render(box, "/tmp/audit-stale-save.png")

    # Made again on what is stored now, the change is saved.
    dialog.weight_edit.setText("65")
    _save(qtbot, dialog)
    assert len(messages) == 1 and not dialog.isVisible()
    assert queries.get_patient(store, patient_id).weight_kg == 65.0


def test_a_grade_changed_meanwhile_is_not_overwritten(qtbot, store, context, messages) -> None:
    seeded = seed_course(store, days_ago=20)
    onset = store.today() - timedelta(days=9)
    event_id = events.log_event(store, seeded.patient_id, "neutropenia", 4, onset)
    dialog = EventDialog(
        context, seeded.patient_id, event=queries.get_event(store, event_id), parent=None
    )
    qtbot.addWidget(dialog)
    dialog.show()
    events.update_event(store, event_id, reason="Graded again", grade=3)
    dialog.grade_spin.setValue(2)
    dialog.reason_edit.setCurrentText("Corrected from the source record")
    _save(qtbot, dialog)

    assert len(messages) == 1 and messages[0].startswith("the adverse event was changed by ")
    assert queries.get_event(store, event_id).grade == 3
    assert dialog.isVisible() and dialog.grade_spin.value() == 3


def test_an_unchanged_form_saves_nothing_and_needs_no_reason(qtbot, store, context, messages):
    patient_id = add_patient(store, mrn="U-1", name="Unchanged, Form", date_of_birth=date(1950, 1, 1))
    dialog = PatientDialog(context, queries.get_patient(store, patient_id))
    qtbot.addWidget(dialog)
    dialog.show()
    _save(qtbot, dialog)
    assert messages == [] and not dialog.isVisible()
    assert queries.get_patient(store, patient_id).version == 1
