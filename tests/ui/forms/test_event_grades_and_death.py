"""The event form offers only the grades CTCAE defines, and says what a grade 5 does."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialogButtonBox

from tests.ui.patient_fixtures import seed_course
from tracker.storage import queries
from tracker.ui.forms.event_dialog import EventDialog


def _dialog(qtbot, context, patient_id: int, course_id: int) -> EventDialog:
    dialog = EventDialog(context, patient_id, course_id=course_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_count_terms_stop_at_grade_4_and_vte_reaches_grade_5(qtbot, store, context) -> None:
    seeded = seed_course(store, days_ago=12)
    dialog = _dialog(qtbot, context, seeded.patient_id, seeded.course_id)
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("neutropenia"))
    assert (dialog.grade_spin.minimum(), dialog.grade_spin.maximum()) == (1, 4)
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("vte"))
    assert dialog.grade_spin.maximum() == 5


def test_grade_5_warns_before_saving_and_saving_ends_the_course(
    qtbot, store, context, messages
) -> None:
    seeded = seed_course(store, days_ago=12)
    dialog = _dialog(qtbot, context, seeded.patient_id, seeded.course_id)
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("vte"))
    dialog.grade_spin.setValue(4)
    assert dialog.death_label.isHidden()
    dialog.grade_spin.setValue(5)
    assert dialog.death_label.isVisible()
    assert "ends the treatment course (reason: death)" in dialog.death_label.text()
    died = store.today() - timedelta(days=1)
    dialog.onset_edit.setDate(QDate(died.year, died.month, died.day))
    path = dialog.grab()
    path.save("/tmp/event-grade5.png")
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
    )
    assert messages == []
    course = queries.get_course(store, seeded.course_id)
    assert (course.status, course.end_reason, course.end_date) == ("ended", "death", died)
    assert queries.get_patient(store, seeded.patient_id).date_of_death == died
