"""Recording labs: live CTCAE grades, offered events, and advice accepted only by a click."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from tests.ui.patient_fixtures import add_test_patient, make_view, seed_course
from tracker.domain import advice, grading
from tracker.storage import queries
from tracker.storage.operations.doses import record_dose
from tracker.storage.operations.labs import record_labs
from tracker.ui.labs_dialog import LabsDialog


def click_save(qtbot, dialog) -> None:
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
    )


def open_labs(qtbot, context, patient_id: int) -> tuple:
    view = make_view(qtbot, context, patient_id)
    dialog = view.record_labs()
    assert isinstance(dialog, LabsDialog) and dialog.isVisible()
    return view, dialog


def test_grade_shows_live_as_you_type_in_either_unit(qtbot, store, context):
    patient_id = add_test_patient(store)
    _view, dialog = open_labs(qtbot, context, patient_id)
    qtbot.keyClicks(dialog.anc.edit, "1.2")
    assert dialog.anc.grade_label.text() == f"grade {grading.grade_anc(1.2, '10^9/L')}" == "grade 2"
    for _character in "1.2":
        qtbot.keyClick(dialog.anc.edit, Qt.Key.Key_Backspace)
    assert dialog.anc.grade_label.text() == ""
    qtbot.keyClicks(dialog.anc.edit, "0.45")
    assert dialog.anc.grade_label.text() == "grade 4"
    dialog.anc.edit.setText("800")
    dialog.anc.unit_combo.setCurrentIndex(dialog.anc.unit_combo.findData("/mm3"))
    assert dialog.anc.grade_label.text() == "grade 3"
    qtbot.keyClicks(dialog.platelets.edit, "20,5")
    assert dialog.platelets.grade_label.text() == "grade 4"
    dialog.platelets.edit.setText("lots")
    assert "not a number" in dialog.platelets.grade_label.text()


def test_grade_4_neutropenia_with_the_hold_accepted(qtbot, store, context, messages):
    seeded = seed_course(store, days_ago=10)
    view, dialog = open_labs(qtbot, context, seeded.patient_id)
    qtbot.keyClicks(dialog.anc.edit, "0.4")
    qtbot.keyClicks(dialog.platelets.edit, "140")
    check = dialog.event_checks["neutropenia"]
    assert not dialog.event_box.isHidden() and not check.isHidden() and check.isChecked()
    assert check.text() == "Log neutropenia, grade 4, linked to this result"
    assert dialog.event_checks["thrombocytopenia"].isHidden()
    assert not dialog.advice_box.isHidden()
    advice = dialog.advice_label.text()
    assert "ANC 0.4 ×10⁹/L, below 1.0" in advice and "x10^9" not in advice  # units as chosen
    # Advice is offered, never pre-accepted.
    assert not dialog.accept_hold_check.isHidden() and not dialog.accept_hold_check.isChecked()
    qtbot.mouseClick(dialog.accept_hold_check, Qt.MouseButton.LeftButton)
    assert dialog.accept_hold_check.isChecked()
    click_save(qtbot, dialog)

    assert messages == [] and not dialog.isVisible()
    [lab] = queries.labs_of(store, seeded.patient_id)
    assert (lab.date, lab.anc, lab.anc_unit, lab.platelets) == (store.today(), 0.4, "10^9/L", 140)
    [dose] = queries.dose_records_of(store, seeded.course_id)
    assert (dose.date, dose.drug, dose.status) == (store.today(), "lenalidomide", "held")
    [event] = queries.events_of(store, seeded.patient_id)
    assert (event.event_type, event.grade, event.lab_id, event.course_id) == (
        "neutropenia",
        4,
        lab.id,
        seeded.course_id,
    )
    assert (event.action, event.onset_date, event.ctcae_version) == (
        "held",
        store.today(),
        grading.CTCAE_VERSION,
    )
    assert "Lenalidomide on hold since" in view.header.text()
    today_cell = view.calendar.cell_for_date(store.today())
    assert today_cell.status("lenalidomide") == "held"
    assert view.events_view.model.rowCount() == 1


def test_without_a_click_nothing_about_dosing_changes(qtbot, store, context, messages):
    seeded = seed_course(store, days_ago=10)
    _view, dialog = open_labs(qtbot, context, seeded.patient_id)
    qtbot.keyClicks(dialog.platelets.edit, "18000")
    dialog.platelets.unit_combo.setCurrentIndex(dialog.platelets.unit_combo.findData("/mm3"))
    assert dialog.platelets.grade_label.text() == "grade 4"
    dialog.event_checks["thrombocytopenia"].setChecked(False)
    click_save(qtbot, dialog)

    assert messages == []
    [lab] = queries.labs_of(store, seeded.patient_id)
    assert (lab.platelets, lab.platelets_unit) == (18000, "/mm3")
    assert queries.dose_records_of(store, seeded.course_id) == []
    assert queries.events_of(store, seeded.patient_id) == []
    assert queries.level_changes_of(store, seeded.course_id) == []


def test_unreadable_input_is_refused_and_kept(qtbot, store, context, messages):
    seeded = seed_course(store, days_ago=4)
    _view, dialog = open_labs(qtbot, context, seeded.patient_id)
    click_save(qtbot, dialog)
    assert messages == ["Enter at least one of ANC, platelets or creatinine"]
    qtbot.keyClicks(dialog.anc.edit, "0.4x")
    click_save(qtbot, dialog)
    assert messages[1] == "ANC: '0.4x' is not a number"
    assert dialog.isVisible() and dialog.anc.edit.text() == "0.4x"
    dialog.anc.edit.setText("250")
    click_save(qtbot, dialog)
    assert "implausibly high" in messages[2]
    assert dialog.isVisible() and queries.labs_of(store, seeded.patient_id) == []


def test_labs_without_a_course_record_just_the_counts(qtbot, store, context, messages):
    patient_id = add_test_patient(store)
    _view, dialog = open_labs(qtbot, context, patient_id)
    qtbot.keyClicks(dialog.anc.edit, "0.3")
    assert dialog.advice_box.isHidden()
    click_save(qtbot, dialog)
    assert messages == []
    [event] = queries.events_of(store, patient_id)
    assert (event.grade, event.course_id, event.action) == (4, None, "none")


def test_recovered_platelets_offer_to_resume_one_level_lower(qtbot, store, context, messages):
    seeded = seed_course(store, days_ago=14)
    low_day = store.today() - timedelta(days=3)
    record_labs(store, seeded.patient_id, low_day, platelets=22)
    for offset in (3, 2, 1):
        record_dose(
            store, seeded.course_id, store.today() - timedelta(days=offset), "lenalidomide", "held"
        )
    view, dialog = open_labs(qtbot, context, seeded.patient_id)
    assert "on hold since" in view.header.text()
    qtbot.keyClicks(dialog.platelets.edit, "60")
    assert dialog.advice.action == advice.RESUME and dialog.advice.level == 1
    # The label's reasoning is shown as the rules word it, dose included, units as chosen.
    assert dialog.advice_label.text() == dialog.advice.text.replace("x10^9/L", "×10⁹/L")
    assert "20 mg" in dialog.advice.text and "US label" in dialog.advice.text
    assert dialog.accept_hold_check.isHidden()
    resume = dialog.accept_resume_check
    assert not resume.isHidden() and not resume.isChecked()
    assert "20 mg (now 25 mg)" in resume.text()
    qtbot.mouseClick(resume, Qt.MouseButton.LeftButton)
    click_save(qtbot, dialog)

    assert messages == []
    [change] = queries.level_changes_of(store, seeded.course_id)
    assert (change.drug, change.level, change.effective_date) == (
        "lenalidomide",
        1,
        store.today(),
    )
    assert view.calendar.cell_for_date(store.today()).planned.lenalidomide_mg == 20
    assert "Lenalidomide 20 mg" in view.header.text()


def test_low_count_on_a_rest_day_explains_there_is_no_dose_to_hold(qtbot, store, context):
    seeded = seed_course(store, days_ago=23)  # cycle 1 day 24: a rest day
    _view, dialog = open_labs(qtbot, context, seeded.patient_id)
    qtbot.keyClicks(dialog.anc.edit, "0.8")
    assert dialog.advice.action == advice.INTERRUPT
    assert dialog.accept_hold_check.isHidden()
    assert "no dose to hold" in dialog.advice_label.text()
    dialog.reject()
