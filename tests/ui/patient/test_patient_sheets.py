"""Cycle sheets from the patient screen: real sheets, real PDFs read back, real previews."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtPrintSupport import QPrintPreviewWidget
from PySide6.QtWidgets import QToolButton

from tests import starts
from tests.ui.conftest import cancel_print_dialog_when_shown
from tests.ui.patient_fixtures import add_test_patient, click_day, make_view, seed_rich_course
from tracker.storage.operations import courses


def pdf_pages(path: Path) -> list[str]:
    # The PDF text separates words with tabs as often as spaces.
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


def press(qtbot, view, key: str) -> None:
    sequence = QKeySequence(key)[0]
    qtbot.keyClick(view.calendar, sequence.key(), sequence.keyboardModifiers())


def test_save_as_pdf_writes_the_current_cycle_sheet(qtbot, store, context, messages, tmp_path):
    seeded = seed_rich_course(store)  # today is in cycle 3
    view = make_view(qtbot, context, seeded.patient_id)
    action = view.sheet_actions.save_pdf
    assert action.isEnabled() and action.text() == "Save current cycle sheet as P&DF…"

    written = view.sheets.save_pdf(tmp_path / "sheet")

    assert written == tmp_path / "sheet.pdf" and messages == []
    [page] = pdf_pages(written)
    assert "Adeyemi, Ruth" in page and "MRN-1001" in page
    assert "Cycle 3" in page and "Cycle 1 " not in page
    assert "1954-05-17" in page  # date of birth


def test_a_cycle_picked_on_the_calendar_is_the_one_printed(
    qtbot, store, context, messages, tmp_path
):
    seeded = seed_rich_course(store)
    view = make_view(qtbot, context, seeded.patient_id)
    menu = click_day(qtbot, view, seeded.start + timedelta(days=2))  # a day of cycle 1
    menu.close()
    assert view.sheet_cycle == 1
    assert view.sheet_actions.print_sheet.text() == "Pr&int cycle 1 sheet…"

    [page] = pdf_pages(view.sheets.save_pdf(tmp_path / "first.pdf"))
    assert "Cycle 1" in page and "Adeyemi, Ruth" in page
    assert seeded.start.isoformat() in page  # cycle 1 started on the course start
    assert messages == []

    view.show_patient(seeded.patient_id)  # opening the patient again starts from today
    assert view.sheet_cycle is None
    assert view.sheet_actions.print_sheet.text() == "Pr&int current cycle sheet…"


def test_moving_the_calendar_cursor_with_the_arrow_keys_picks_the_sheet(
    qtbot, store, context, messages, tmp_path
):
    seeded = seed_rich_course(store)  # today is in cycle 3
    view = make_view(qtbot, context, seeded.patient_id)
    view.activateWindow()
    view.calendar.setFocus()
    qtbot.waitUntil(view.calendar.hasFocus)

    qtbot.keyClick(view.calendar, Qt.Key.Key_Right)  # the cursor starts on today
    assert view.calendar.cursor_cycle() == 3
    qtbot.keyClick(view.calendar, Qt.Key.Key_Up)
    qtbot.keyClick(view.calendar, Qt.Key.Key_Up)

    assert view.calendar.cursor_cycle() == 1
    assert view.sheet_actions.print_sheet.text() == "Pr&int cycle 1 sheet…"
    [page] = pdf_pages(view.sheets.save_pdf(tmp_path / "moved.pdf"))
    assert "Cycle 1" in page and seeded.start.isoformat() in page
    assert view.dose_menu is None  # moving only moves; Enter or a click opens the menu
    assert messages == []

    view.show_patient(seeded.patient_id)  # another visit starts again from today
    assert view.calendar.cursor_cycle() is None
    assert view.sheet_actions.print_sheet.text() == "Pr&int current cycle sheet…"


def test_preview_shows_one_page_of_the_shown_patient(qtbot, store, context, messages):
    seeded = seed_rich_course(store)
    view = make_view(qtbot, context, seeded.patient_id)
    view.activateWindow()
    view.calendar.setFocus()
    qtbot.waitUntil(view.calendar.hasFocus)

    press(qtbot, view, "Ctrl+Shift+P")
    dialog = view.sheets.preview_dialog
    qtbot.waitUntil(lambda: dialog.isVisible())
    assert dialog.windowTitle() == "Preview cycle 3 sheet: Adeyemi, Ruth"
    preview = dialog.findChild(QPrintPreviewWidget)
    preview.updatePreview()
    assert preview.pageCount() == 1
    assert not preview.grab().toImage().isNull()
    dialog.reject()
    assert messages == []


def test_ctrl_p_opens_the_print_dialog_for_the_sheet(qtbot, store, context, messages):
    seeded = seed_rich_course(store)
    view = make_view(qtbot, context, seeded.patient_id)
    view.activateWindow()
    view.calendar.setFocus()
    qtbot.waitUntil(view.calendar.hasFocus)
    titles = cancel_print_dialog_when_shown()
    press(qtbot, view, "Ctrl+P")
    qtbot.waitUntil(lambda: titles != [])
    assert titles == ["Print cycle 3 sheet: Adeyemi, Ruth"]
    assert messages == []


def test_sheet_button_prints_and_offers_preview_and_save(qtbot, store, context):
    seeded = seed_rich_course(store)
    view = make_view(qtbot, context, seeded.patient_id)
    button = view.findChild(QToolButton, "sheetButton")
    assert button.defaultAction() is view.sheet_actions.print_sheet
    assert button.menu().actions() == view.sheet_actions.all()
    assert view.sheet_actions.print_sheet.toolTip() == "Print the current cycle sheet (Ctrl+P)"
    assert view.sheet_actions.save_pdf.toolTip() == "Save the current cycle sheet as PDF"


def test_no_sheet_without_a_course_or_for_an_earlier_course(qtbot, store, context, messages):
    patient_id = add_test_patient(store)
    view = make_view(qtbot, context, patient_id)
    assert not any(action.isEnabled() for action in view.sheet_actions.all())
    assert "No treatment course" in view.sheet_actions.print_sheet.toolTip()

    first = starts.start_course(store, patient_id, store.today() - timedelta(days=40))
    courses.end_course(store, first, store.today() - timedelta(days=12), "toxicity")
    starts.start_course(store, patient_id, store.today() - timedelta(days=5))
    view.refresh()
    assert all(action.isEnabled() for action in view.sheet_actions.all())

    view.course_combo.setCurrentIndex(view.course_combo.findData(first))
    view.course_combo.activated.emit(view.course_combo.currentIndex())
    assert not any(action.isEnabled() for action in view.sheet_actions.all())
    assert "current course" in view.sheet_actions.print_sheet.toolTip()
    assert messages == []
