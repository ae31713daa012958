"""A patient opens with today's cycle in view, and the day numbers stay over the columns."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt

from tests.ui.patient_fixtures import add_test_patient, make_view, seed_course, seed_long_course
from tracker.ui.patient.cycle_calendar import ROW_LABEL_WIDTH


def visible_in_scroll(view, rect: QRect) -> bool:
    """Whether ``rect`` (calendar pixels) lies wholly inside the scroll area's viewport."""
    scroll = view.calendar_page.scroll
    top_left = view.calendar.mapTo(scroll.viewport(), rect.topLeft())
    shown = QRect(top_left, rect.size())
    return scroll.viewport().rect().contains(shown)


def test_a_course_in_cycle_18_opens_at_cycle_18(qtbot, store, context):
    seeded = seed_long_course(store, cycles=18)
    view = make_view(qtbot, context, seeded.patient_id)
    today = store.today()
    assert view.calendar.cell_for_date(today).planned.cycle == 18
    assert "Cycle 18, day 10" in view.header.text()

    qtbot.waitUntil(lambda: visible_in_scroll(view, view.calendar.cell_rect_for_date(today)))
    assert not visible_in_scroll(view, view.calendar.cell_rect(1, 1))
    # The cycle before today's shows above it, for context.
    assert visible_in_scroll(view, view.calendar.cell_rect(17, 1))
    assert view.calendar_page.scroll.verticalScrollBar().value() > 0


def test_opening_through_the_main_window_at_1024_pixels(qtbot, window, store):
    seeded = seed_long_course(store, cycles=18, day_of_cycle=27)
    window.resize(1024, 768)
    window.show()
    qtbot.waitExposed(window)
    window.open_patient(seeded.patient_id)
    view = window.patient_view
    qtbot.waitUntil(lambda: not view.loading)
    qtbot.waitUntil(lambda: visible_in_scroll(view, view.calendar.cell_rect(18, 27)))
    assert not visible_in_scroll(view, view.calendar.cell_rect(2, 1))

    # Another patient, early in treatment, opens at the top again.
    early = seed_course(store, days_ago=3, patient_id=add_test_patient(store, mrn="MRN-2"))
    window.open_patient(early.patient_id)
    qtbot.waitUntil(lambda: not view.loading)
    qtbot.waitUntil(lambda: view.calendar_page.scroll.verticalScrollBar().value() == 0)
    assert visible_in_scroll(view, view.calendar.cell_rect_for_date(store.today()))


def test_a_user_scroll_is_kept_when_the_data_changes(qtbot, store, context):
    seeded = seed_long_course(store, cycles=18)
    view = make_view(qtbot, context, seeded.patient_id)
    bar = view.calendar_page.scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.value() > 0)
    bar.triggerAction(bar.SliderAction.SliderToMinimum)
    assert bar.value() == 0
    context.data_changed.emit()
    view.resize(view.width(), view.height() - 40)
    qtbot.wait(20)
    assert bar.value() == 0


def test_the_day_numbers_stay_above_their_columns(qtbot, store, context):
    seeded = seed_long_course(store, cycles=18)
    view = make_view(qtbot, context, seeded.patient_id)
    page = view.calendar_page
    numbers = page.day_numbers
    qtbot.waitUntil(lambda: page.scroll.verticalScrollBar().value() > 0)
    assert numbers.isVisible()
    # Day 1's number is drawn where day 1's cells are, at any scroll position.
    first_cell = view.calendar.mapTo(page, view.calendar.cell_rect(18, 1).topLeft()).x()
    first_number = numbers.mapTo(page, QPoint(numbers.offset + ROW_LABEL_WIDTH, 0)).x()
    assert first_number == first_cell
    assert numbers.geometry().bottom() < page.scroll.geometry().top()


def test_arrow_keys_bring_the_picked_day_into_view(qtbot, store, context):
    seeded = seed_long_course(store, cycles=18)
    view = make_view(qtbot, context, seeded.patient_id)
    view.calendar.setFocus()
    qtbot.waitUntil(view.calendar.hasFocus)
    qtbot.keyClick(view.calendar, Qt.Key.Key_Right)  # the first arrow lands on today
    assert view.calendar.cursor_cell().planned.date == store.today()
    for _ in range(17):
        qtbot.keyClick(view.calendar, Qt.Key.Key_Up)
    assert view.calendar.cursor_cycle() == 1
    assert visible_in_scroll(view, view.calendar.cursor_rect())
