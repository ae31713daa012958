"""The patient screen through real widgets on a real database file."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialogButtonBox, QScrollArea, QToolButton

from tests import starts
from tests.ui.patient_fixtures import (
    add_test_patient,
    choose,
    click_day,
    make_view,
    seed_course,
    seed_rich_course,
)
from tracker.storage import queries
from tracker.storage.database import open_database
from tracker.storage.operations import courses
from tracker.ui.course_dialogs import NextCycleDialog, ReduceDoseDialog, StartCourseDialog
from tracker.ui.dates import long_date, weekday_date
from tracker.ui.record_dialog import clearance_text


def qdate(day) -> QDate:
    return QDate(day.year, day.month, day.day)


def click_save(qtbot, dialog) -> None:
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_start_a_course_through_the_dialog(qtbot, store, context, messages):
    patient_id = add_test_patient(store)
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
    click_save(qtbot, dialog)

    assert messages == [
        f"course start {store.today() + timedelta(days=5)} is in the future "
        f"(today is {store.today()})"
    ]
    assert dialog.isVisible()
    assert dialog.start_edit.date() == qdate(store.today() + timedelta(days=5))
    assert queries.current_course(store, patient_id) is None


def test_clicking_a_day_cell_records_a_missed_dose(qtbot, store, context, messages):
    seeded = seed_course(store, days_ago=6)
    view = make_view(qtbot, context, seeded.patient_id)
    day = seeded.start + timedelta(days=2)

    menu = click_day(qtbot, view, day)
    names = [action.objectName() for action in menu.actions() if action.objectName()]
    assert "lenalidomide-missed" in names and "dexamethasone-taken" in names
    choose(qtbot, menu, "lenalidomide-missed")

    assert messages == []
    records = queries.dose_records_of(store, seeded.course_id)
    assert [(record.date, record.drug, record.status) for record in records] == [
        (day, "lenalidomide", "missed")
    ]
    assert records[0].dose_mg == 25
    assert view.calendar.cell_for_date(day).status("lenalidomide") == "missed"
    assert view.calendar.cell_for_date(day).status("dexamethasone") is None


def test_a_mistaken_dose_record_is_cleared_from_the_day_menu(qtbot, store, context, messages):
    seeded = seed_course(store, days_ago=6)
    view = make_view(qtbot, context, seeded.patient_id)
    day = seeded.start + timedelta(days=3)
    menu = click_day(qtbot, view, day)
    assert "lenalidomide-clear" not in [action.objectName() for action in menu.actions()]
    choose(qtbot, menu, "lenalidomide-held")
    assert view.calendar.cell_for_date(day).planned.lenalidomide_mg == 0

    choose(qtbot, click_day(qtbot, view, day), "lenalidomide-clear")

    assert messages == []
    assert queries.dose_records_of(store, seeded.course_id) == []
    cell = view.calendar.cell_for_date(day)
    assert cell.status("lenalidomide") is None and cell.planned.lenalidomide_mg == 25
    (archived,) = store.db.query("SELECT archived, status FROM dose_records")
    assert archived == {"archived": 1, "status": "held"}


def test_both_drugs_recorded_from_one_click_and_rest_days_offer_nothing(
    qtbot, store, context, messages
):
    seeded = seed_course(store, days_ago=24)
    view = make_view(qtbot, context, seeded.patient_id)
    choose(qtbot, click_day(qtbot, view, seeded.start), "both-taken")
    statuses = {
        (record.drug, record.status) for record in queries.dose_records_of(store, seeded.course_id)
    }
    assert statuses == {("lenalidomide", "taken"), ("dexamethasone", "taken")}

    rest_day = seeded.start + timedelta(days=22)
    menu = click_day(qtbot, view, rest_day)
    assert not [action for action in menu.actions() if action.objectName()]
    assert any("Rest day" in action.text() for action in menu.actions())
    menu.close()


def test_delaying_cycle_2_shifts_the_calendar(qtbot, store, context, messages):
    seeded = seed_course(store, days_ago=33)
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


def test_rich_course_shows_holds_reduction_and_header(qtbot, store, context, messages):
    seeded = seed_rich_course(store)
    view = make_view(qtbot, context, seeded.patient_id)
    second = seeded.start + timedelta(days=31)
    held = view.calendar.cell_for_date(second + timedelta(days=15))
    assert held.status("lenalidomide") == "held" and held.planned.lenalidomide_mg == 0
    after = view.calendar.cell_for_date(second + timedelta(days=18))
    assert after.planned.lenalidomide_mg == 20
    assert view.calendar.cell_for_date(seeded.start + timedelta(days=5)).status("lenalidomide") == (
        "missed"
    )
    assert "Cycle 3, day 17" in view.header.text()
    assert "Lenalidomide 20 mg" in view.header.text()
    assert "on hold" not in view.header.text()


def test_start_course_suggests_the_renal_dose_from_cockcroft_gault(qtbot, store, context, messages):
    # 71-year-old woman, 68 kg, creatinine 2.0 mg/dL: CrCl = 69 * 68 / 144 * 0.85 = 27.7 mL/min.
    patient_id = add_test_patient(store, creatinine=2.0)
    view = make_view(qtbot, context, patient_id)
    dialog = view.start_course()
    assert "CrCl 27.7 mL/min" in dialog.renal_label.text()
    assert dialog.len_combo.currentText() == "15 mg"
    assert dialog.schedule_combo.currentData() == 2
    dialog.start_edit.setDate(qdate(store.today() - timedelta(days=2)))
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
        "Cockcroft-Gault CrCl 29.8 mL/min: label start 15 mg"
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


def test_keyboard_reaches_a_day_and_records_a_dose(qtbot, store, context, messages):
    seeded = seed_course(store, days_ago=2)
    view = make_view(qtbot, context, seeded.patient_id)
    view.calendar.setFocus()
    qtbot.keyClick(view.calendar, Qt.Key.Key_Right)  # the first arrow lands on today
    qtbot.keyClick(view.calendar, Qt.Key.Key_Left)
    qtbot.keyClick(view.calendar, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.dose_menu is not None and view.dose_menu.isVisible())
    yesterday = store.today() - timedelta(days=1)
    assert view.dose_menu.title() == "" and weekday_date(yesterday) in (
        view.dose_menu.actions()[0].text()
    )
    choose(qtbot, view.dose_menu, "dexamethasone-taken")
    [record] = queries.dose_records_of(store, seeded.course_id)
    assert (record.date, record.drug, record.status, record.dose_mg) == (
        yesterday,
        "dexamethasone",
        "taken",
        40,
    )


def test_future_days_and_unstarted_cycles_cannot_be_recorded(qtbot, store, context):
    seeded = seed_course(store, days_ago=5)
    view = make_view(qtbot, context, seeded.patient_id)

    def choices(menu) -> list[str]:
        return [action.text() for action in menu.actions() if not action.isSeparator()]

    def enabled(menu) -> list[str]:
        return [a.text() for a in menu.actions() if a.isEnabled() and not a.isSeparator()]

    tomorrow = click_day(qtbot, view, store.today() + timedelta(days=1))
    assert "A future day: record doses on or after the day" in choices(tomorrow)
    assert "Missed" in choices(tomorrow) and enabled(tomorrow) == []
    tomorrow.close()
    planned = click_day(qtbot, view, seeded.start + timedelta(days=29))
    assert choices(planned) == ["Cycle 2 has not started yet"] and enabled(planned) == []
    planned.close()


def test_an_earlier_course_can_be_chosen_after_a_new_one_starts(qtbot, store, context, messages):
    seeded = seed_course(store, days_ago=40)
    first_end = store.today() - timedelta(days=12)
    courses.end_course(store, seeded.course_id, first_end, "toxicity")
    second_start = store.today() - timedelta(days=5)
    second_id = starts.start_course(store, seeded.patient_id, second_start, len_level=1)
    view = make_view(qtbot, context, seeded.patient_id)
    assert not view.course_combo.isHidden() and view.course_combo.count() == 2
    assert view.course_combo.itemText(0) == f"Started {long_date(second_start)} (active)"
    assert view.course.id == second_id
    assert view.calendar.cell(1, 1).planned.date == second_start
    assert view.calendar.cell(1, 1).planned.lenalidomide_mg == 20

    view.course_combo.setCurrentIndex(view.course_combo.findData(seeded.course_id))
    view.course_combo.activated.emit(view.course_combo.currentIndex())
    assert view.course.id == seeded.course_id
    assert view.calendar.cell(1, 1).planned.date == seeded.start
    assert view.calendar.cycle_count == 1
    assert f"Course ended {long_date(first_end)} (toxicity)" in view.header.text()
    assert (
        not view.patient_actions.next_cycle.isEnabled()
        and not view.patient_actions.start_course.isEnabled()
    )


def test_shortcuts_open_the_patient_dialogs(qtbot, store, context):
    seeded = seed_course(store, days_ago=5)
    view = make_view(qtbot, context, seeded.patient_id)
    view.activateWindow()
    view.calendar.setFocus()
    qtbot.waitUntil(view.calendar.hasFocus)
    opened = []
    for key, expected in (
        ("Ctrl+L", "labsDialog"),
        ("Ctrl+E", "eventDialog"),
        ("Ctrl+Shift+D", "reduceDoseDialog"),
        ("Ctrl+Shift+N", "nextCycleDialog"),
    ):
        sequence = QKeySequence(key)[0]
        qtbot.keyClick(view.calendar, sequence.key(), sequence.keyboardModifiers())
        qtbot.waitUntil(lambda name=expected: view.active_dialog.objectName() == name)
        opened.append(view.active_dialog.objectName())
        view.active_dialog.reject()
        view.calendar.setFocus()
    assert opened == ["labsDialog", "eventDialog", "reduceDoseDialog", "nextCycleDialog"]


def test_opening_another_database_clears_the_screen(qtbot, store, context, tmp_path):
    seeded = seed_course(store, days_ago=5)
    view = make_view(qtbot, context, seeded.patient_id)
    assert view.calendar.cycle_count == 2
    other = open_database(tmp_path / "other.sqlite", clock=store.today)
    context.replace_store(other)
    assert view.patient is None and view.calendar.cycle_count == 0
    assert view.header.text() == ""
    assert not view.patient_actions.record_labs.isEnabled()
    assert view.history_view.model.rowCount() == 0
    other.close()


@pytest.mark.parametrize(
    ("crcl", "shown"),
    [(29.96, "29.9"), (29.75, "29.8"), (59.95, "59.9"), (60.0, "60.0"), (44.04, "44.0")],
)
def test_clearance_is_never_rounded_up_onto_a_band_edge(crcl, shown):
    assert clearance_text(crcl) == shown


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1920, 1080)])
def test_all_28_days_of_a_cycle_show_without_scrolling_sideways(
    qtbot, window, store, width, height
):
    seeded = seed_rich_course(store)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    window.open_patient(seeded.patient_id)
    calendar = window.patient_view.calendar
    scroll = window.patient_view.findChild(QScrollArea, "calendarScroll")
    qtbot.waitUntil(lambda: calendar.width() == scroll.viewport().width())
    qtbot.waitUntil(lambda: not scroll.horizontalScrollBar().isVisible())

    last_day = calendar.cell_rect(1, 28)
    assert last_day.right() < scroll.viewport().width()
    # Wider screens get wider, easier cells.
    assert calendar.cell_width == (28 if width == 1024 else 44)


def test_at_1024_pixels_every_command_of_a_patient_with_two_courses_is_on_the_toolbar(
    qtbot, window, store
):
    seeded = seed_course(store, days_ago=40)
    courses.end_course(store, seeded.course_id, store.today() - timedelta(days=5), "toxicity")
    starts.start_course(store, seeded.patient_id, store.today() - timedelta(days=2))
    window.resize(1024, 768)
    window.show()
    qtbot.waitExposed(window)
    window.open_patient(seeded.patient_id)
    view = window.patient_view
    assert view.course_combo.isVisible()

    sheet_button = view.findChild(QToolButton, "sheetButton")
    qtbot.waitUntil(sheet_button.isVisible)  # not pushed into the toolbar's overflow menu
    for action in view.patient_actions.all():
        assert view.toolbar.widgetForAction(action).isVisible(), action.text()
