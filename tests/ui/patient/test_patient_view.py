"""The patient screen through real widgets on a real database file."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QScrollArea, QToolButton

from tests import starts
from tests.ui.patient_fixtures import (
    choose,
    click_day,
    make_view,
    seed_course,
    seed_rich_course,
)
from tracker.storage import queries
from tracker.storage.database import open_database
from tracker.storage.operations import courses
from tracker.ui.common.dates import long_date, weekday_date


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
    choose(qtbot, menu, "lenalidomide-missed")
    assert view.calendar.cell_for_date(day).status("lenalidomide") == "missed"
    asked: list[str] = []
    reasons: list[str | None] = [None, "Recorded on the wrong day"]

    def ask_reason(_parent, _title, question):
        asked.append(question)
        return reasons.pop(0)

    view.days.ask_reason = ask_reason
    choose(qtbot, click_day(qtbot, view, day), "lenalidomide-clear")  # and cancel
    assert view.calendar.cell_for_date(day).status("lenalidomide") == "missed"
    choose(qtbot, click_day(qtbot, view, day), "lenalidomide-clear")

    assert asked[0].startswith(f"Clear the lenalidomide record of {weekday_date(day)}?")
    assert messages == []
    assert queries.dose_records_of(store, seeded.course_id) == []
    cell = view.calendar.cell_for_date(day)
    assert cell.status("lenalidomide") is None and cell.planned.lenalidomide_mg == 25
    (archived,) = store.db.query("SELECT archived, status FROM dose_records")
    assert archived == {"archived": 1, "status": "missed"}
    (withdrawn,) = [e for e in queries.audit_of_patient(store, seeded.patient_id) if e.action == "archive"]
    assert withdrawn.reason == "Recorded on the wrong day"


def test_recording_another_status_over_a_record_asks_why(qtbot, store, context, messages):
    seeded = seed_course(store, days_ago=6)
    view = make_view(qtbot, context, seeded.patient_id)
    day = seeded.start + timedelta(days=3)
    choose(qtbot, click_day(qtbot, view, day), "lenalidomide-missed")
    asked: list[str] = []
    view.days.ask_reason = lambda _parent, _title, question: asked.append(question) or "Found it"
    choose(qtbot, click_day(qtbot, view, day), "lenalidomide-missed")  # the same again
    assert asked == []
    choose(qtbot, click_day(qtbot, view, day), "lenalidomide-taken")

    assert asked == [
        f"Lenalidomide is recorded otherwise on {weekday_date(day)}. Record it as taken instead?"
    ]
    assert messages == []
    assert view.calendar.cell_for_date(day).status("lenalidomide") == "taken"
    (latest, *_) = queries.audit_of_patient(store, seeded.patient_id)
    assert (latest.action, latest.reason) == ("update", "Found it")


def test_the_day_menu_offers_no_held_status(qtbot, store, context, messages):
    seeded = seed_course(store, days_ago=6)
    view = make_view(qtbot, context, seeded.patient_id)
    menu = click_day(qtbot, view, seeded.start + timedelta(days=1))
    names = [action.objectName() for action in menu.actions() if action.objectName()]
    assert names == [
        "lenalidomide-taken",
        "lenalidomide-missed",
        "dexamethasone-taken",
        "dexamethasone-missed",
        "both-taken",
        "both-missed",
        "interrupt",
    ]
    assert not [action for action in menu.actions() if "held" in action.text().lower()]
    menu.close()


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
    # No dose to record; lenalidomide can still be interrupted from the day.
    assert [action.objectName() for action in menu.actions() if action.objectName()] == [
        "interrupt"
    ]
    assert any("Rest day" in action.text() for action in menu.actions())
    menu.close()


def test_rich_course_shows_the_interruption_resume_level_and_header(
    qtbot, store, context, messages
):
    seeded = seed_rich_course(store)
    view = make_view(qtbot, context, seeded.patient_id)
    second = seeded.start + timedelta(days=31)
    for offset in (14, 15, 16):
        held = view.calendar.cell_for_date(second + timedelta(days=offset))
        assert held.status("lenalidomide") == "held" and held.planned.lenalidomide_mg == 0
        assert held.status("dexamethasone") is None  # dexamethasone is not interrupted
    resumed = view.calendar.cell_for_date(second + timedelta(days=17))
    assert resumed.status("lenalidomide") is None and resumed.planned.lenalidomide_mg == 20
    assert view.calendar.cell_for_date(second + timedelta(days=13)).planned.lenalidomide_mg == 25
    assert view.calendar.cell_for_date(seeded.start + timedelta(days=5)).status("lenalidomide") == (
        "missed"
    )
    assert "Cycle 3, day 17" in view.header.text()
    assert "Lenalidomide 20 mg" in view.header.text()
    assert "interrupted" not in view.header.text()


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
