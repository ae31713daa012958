"""The course commands of the patient screen: start a course (with its renal dose
suggestion), start the next cycle, reduce a dose, record the response, end the course."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialogButtonBox

from tests.ui.patient_fixtures import add_test_patient, make_view, record_counts, seed_course
from tracker.domain.renal import clearance_text
from tracker.storage import queries
from tracker.ui.forms.next_cycle_dialog import NextCycleDialog
from tracker.ui.forms.reduce_dose_dialog import ReduceDoseDialog
from tracker.ui.forms.start_course_dialog import StartCourseDialog


def qdate(day) -> QDate:
    return QDate(day.year, day.month, day.day)


def click_save(qtbot, dialog) -> None:
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_start_a_course_through_the_dialog(qtbot, store, context, messages):
    patient_id = add_test_patient(store)
    record_counts(store, patient_id, store.today() - timedelta(days=4))
    view = make_view(qtbot, context, patient_id)
    assert view.patient_actions.start_course.isEnabled()
    assert not view.patient_actions.next_cycle.isEnabled()

    dialog = view.start_course()
    assert isinstance(dialog, StartCourseDialog) and dialog.isVisible()
    start = store.today() - timedelta(days=3)
    dialog.start_edit.setDate(qdate(start))
    dialog.prophylaxis_combo.setCurrentText("LMWH")
    click_save(qtbot, dialog)

    assert messages == []
    course = queries.current_course(store, patient_id)
    assert course is not None and course.start_date == start
    assert (course.len_start_level, course.len_every_days, course.thromboprophylaxis) == (
        0,
        1,
        "LMWH",
    )
    assert [cycle.number for cycle in queries.cycles_of(store, course.id)] == [1]
    # The view refreshed by itself: cycle 1 plus the next one as planned.
    assert view.calendar.cycle_count == 2
    assert view.calendar.cell(1, 1).planned.date == start
    assert "Cycle 1, day 4" in view.header.text()
    assert "Lenalidomide 25 mg daily" in view.header.text()
    assert not view.patient_actions.start_course.isEnabled()
    assert view.patient_actions.next_cycle.isEnabled()


def test_a_refused_course_start_keeps_the_dialog_open_with_its_input(
    qtbot, store, context, messages
):
    patient_id = add_test_patient(store)
    view = make_view(qtbot, context, patient_id)
    dialog = view.start_course()
    dialog.start_edit.setDate(qdate(store.today() + timedelta(days=5)))
    dialog.prophylaxis_combo.setCurrentText("aspirin")
    click_save(qtbot, dialog)

    assert messages == [
        f"course start {store.today() + timedelta(days=5)} is in the future "
        f"(today is {store.today()})"
    ]
    assert dialog.isVisible()
    assert dialog.start_edit.date() == qdate(store.today() + timedelta(days=5))
    assert queries.current_course(store, patient_id) is None


def test_delaying_cycle_2_shifts_the_calendar(qtbot, store, context, messages):
    seeded = seed_course(store, days_ago=33)
    record_counts(store, seeded.patient_id, store.today() - timedelta(days=1))
    view = make_view(qtbot, context, seeded.patient_id)
    planned = seeded.start + timedelta(days=28)
    assert view.calendar.cell(2, 1).planned.date == planned
    assert not view.calendar.cell(2, 1).started

    dialog = view.start_next_cycle()
    assert isinstance(dialog, NextCycleDialog)
    delayed = planned + timedelta(days=4)
    dialog.start_edit.setDate(qdate(delayed))
    assert dialog.reason_edit.isEnabled() and "4 days later" in dialog.delay_label.text()
    click_save(qtbot, dialog)
    assert dialog.isVisible() and messages == ["Cycle 2 starts 4 days late: give a delay reason"]

    qtbot.keyClicks(dialog.reason_edit, "neutropenia")
    click_save(qtbot, dialog)
    assert messages[1:] == []
    cycle = queries.cycle_of(store, seeded.course_id, 2)
    assert (cycle.actual_start, cycle.planned_start, cycle.delay_reason) == (
        delayed,
        planned,
        "neutropenia",
    )
    assert view.calendar.cell(2, 1).planned.date == delayed
    assert view.calendar.delay_of(2) == 4
    assert view.calendar.cell(2, 1).started
    assert view.calendar.cell(2, 28).planned.date == delayed + timedelta(days=27)
    assert view.calendar.cell(3, 1).planned.date == delayed + timedelta(days=28)
    assert view.calendar.cell_for_date(planned) is None  # the gap belongs to no cycle


def test_reduce_dose_shows_the_next_rung_and_stops_at_the_last(qtbot, store, context, messages):
    seeded = seed_course(store, days_ago=5)
    view = make_view(qtbot, context, seeded.patient_id)
    dialog = view.reduce_dose()
    assert isinstance(dialog, ReduceDoseDialog)
    assert dialog.change_label.text() == "Lenalidomide: 25 mg → 20 mg"
    dialog.reason_combo.setCurrentText("neutropenia")
    click_save(qtbot, dialog)
    assert messages == []
    changes = queries.level_changes_of(store, seeded.course_id)
    assert [(change.drug, change.level, change.reason) for change in changes] == [
        ("lenalidomide", 1, "neutropenia")
    ]
    assert "Lenalidomide 20 mg" in view.header.text()

    dexamethasone = view.reduce_dose()
    dexamethasone.drug_combo.setCurrentIndex(dexamethasone.drug_combo.findData("dexamethasone"))
    assert dexamethasone.change_label.text() == "Dexamethasone: 40 mg → 20 mg"
    dexamethasone.reason_combo.setCurrentText("steroid toxicity")
    click_save(qtbot, dexamethasone)
    lowest = view.reduce_dose()
    lowest.drug_combo.setCurrentIndex(lowest.drug_combo.findData("dexamethasone"))
    assert "already at the lowest dose (20 mg)" in lowest.change_label.text()
    assert not lowest.save_button.isEnabled()
    lowest.reject()


def test_end_course_and_record_response(qtbot, store, context, messages):
    seeded = seed_course(store, days_ago=20)
    view = make_view(qtbot, context, seeded.patient_id)
    response = view.record_response()
    response.response_combo.setCurrentIndex(response.response_combo.findData("PD"))
    assert response.progression_edit.isEnabled()
    progression = store.today() - timedelta(days=1)
    response.progression_edit.setDate(qdate(progression))
    click_save(qtbot, response)
    recorded = queries.responses_of(store, seeded.course_id)
    assert [(row.response, row.progression_date) for row in recorded] == [("PD", progression)]

    ending = view.end_course()
    ending.reason_combo.setCurrentIndex(ending.reason_combo.findData("progression"))
    click_save(qtbot, ending)
    assert messages == []
    course = queries.current_course(store, seeded.patient_id)
    assert (course.status, course.end_date, course.end_reason) == (
        "ended",
        store.today(),
        "progression",
    )
    assert "Course ended" in view.header.text() and "(progression)" in view.header.text()
    assert (
        view.patient_actions.start_course.isEnabled()
        and not view.patient_actions.next_cycle.isEnabled()
    )
    assert view.calendar.cycle_count == 1  # no planned next cycle after the end


def test_start_course_suggests_the_renal_dose_from_cockcroft_gault(qtbot, store, context, messages):
    # 71-year-old woman, 68 kg, creatinine 2.0 mg/dL: CrCl = 69 * 68 / 144 * 0.85 = 27.7 mL/min.
    patient_id = add_test_patient(store, creatinine=2.0)
    record_counts(store, patient_id, store.today() - timedelta(days=3))
    view = make_view(qtbot, context, patient_id)
    dialog = view.start_course()
    assert "CrCl 27.7 mL/min" in dialog.renal_label.text()
    assert dialog.len_combo.currentText() == "15 mg"
    assert dialog.schedule_combo.currentData() == 2
    dialog.start_edit.setDate(qdate(store.today() - timedelta(days=2)))
    dialog.prophylaxis_combo.setCurrentText("LMWH")
    click_save(qtbot, dialog)

    assert messages == []
    course = queries.current_course(store, patient_id)
    assert (course.len_start_level, course.len_every_days, course.renal_band) == (2, 2, "<30")
    first_week = [view.calendar.cell(1, day).planned.lenalidomide_mg for day in range(1, 8)]
    assert first_week == [15, 0, 15, 0, 15, 0, 15]
    assert "Lenalidomide 15 mg every 48 h" in view.header.text()


def test_a_clearance_just_under_a_band_edge_is_not_rounded_onto_it(qtbot, store, context):
    # 70-year-old woman, 72 kg, creatinine 2.0 mg/dL: CrCl = 70 * 72 / 144 * 0.85 = 29.75,
    # under 30, so 15 mg every 48 hours; "CrCl 30" beside that would contradict the band.
    patient_id = add_test_patient(
        store, date_of_birth=date(1956, 3, 2), weight_kg=72.0, creatinine=2.0
    )
    view = make_view(qtbot, context, patient_id)
    dialog = view.start_course()
    assert dialog.renal_label.text().startswith(
        "Cockcroft-Gault CrCl 29.8 mL/min: renal starting dose 15 mg"
    )
    dialog.reject()


def test_start_course_without_renal_data_says_what_is_missing(qtbot, store, context):
    patient_id = add_test_patient(store, weight_kg=None, creatinine=None)
    view = make_view(qtbot, context, patient_id)
    dialog = view.start_course()
    assert dialog.renal_label.text() == (
        "No renal dose suggestion: the patient record has no weight, creatinine."
    )
    assert dialog.len_combo.currentText() == "25 mg"
    dialog.reject()


@pytest.mark.parametrize(
    ("crcl", "shown"),
    [(29.96, "29.9"), (29.75, "29.8"), (59.95, "59.9"), (60.0, "60.0"), (44.04, "44.0")],
)
def test_clearance_is_never_rounded_up_onto_a_band_edge(crcl, shown):
    assert clearance_text(crcl) == shown
