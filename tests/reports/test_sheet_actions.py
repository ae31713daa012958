"""Print, preview and save actions with real Qt dialogs and a real database."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QPageSize
from PySide6.QtPrintSupport import QPrintPreviewWidget
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit

from tests.reports.sheet_data import TODAY, page_lines, page_text
from tracker.reports.sheet_load import load_cycle_sheet
from tracker.reports.sheet_settings import sheet_page_size
from tracker.storage.database import open_database
from tracker.storage.operations.settings import set_setting
from tracker.ui.common.context import AppContext
from tracker.ui.common.settings import AppSettings
from tracker.ui.common.sheet_actions import (
    LAST_FOLDER_KEY,
    preview_sheets,
    print_sheets,
    save_sheets_pdf,
    sheet_preview_dialog,
)

# Showing a dialog on the offscreen platform logs this; it says nothing about the sheets.
shown_dialog = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@pytest.fixture
def context(clinic_database: Path, tmp_path: Path) -> Iterator[AppContext]:
    """A private copy of the clinic database, since these tests change its settings."""
    copy = tmp_path / "db" / "clinic.sqlite"
    copy.parent.mkdir()
    shutil.copy(clinic_database, copy)
    made = AppContext(open_database(copy, clock=lambda: TODAY))
    made.messages = []
    made.report_error = lambda parent, message: made.messages.append(message)
    yield made
    made.store.close()


@pytest.fixture
def settings(tmp_path: Path) -> AppSettings:
    return AppSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def sheets(context: AppContext):
    return [load_cycle_sheet(context.store, "A1001", number) for number in (4, 5)]


@shown_dialog
def test_preview_renders_one_page_per_sheet(qtbot, context, sheets):
    dialog = sheet_preview_dialog(None, sheets, context=context)
    qtbot.addWidget(dialog)
    preview = dialog.findChild(QPrintPreviewWidget)
    preview.updatePreview()
    assert preview.pageCount() == 2
    assert dialog.printer().pageLayout().pageSize().id() == QPageSize.PageSizeId.A4
    assert dialog.windowTitle() == "Preview 2 cycle sheets"
    dialog.resize(700, 900)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert not preview.grab().toImage().isNull()
    assert context.messages == []


@shown_dialog
def test_preview_uses_and_remembers_the_paper_size(qtbot, context, sheets):
    set_setting(context.store, "sheet_page_size", "Letter")
    dialog = sheet_preview_dialog(None, sheets[:1], context=context)
    qtbot.addWidget(dialog)
    assert dialog.printer().pageLayout().pageSize().id() == QPageSize.PageSizeId.Letter

    def switch_to_a4_and_close():
        shown = QApplication.activeModalWidget()
        shown.printer().setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        shown.reject()

    changes = []
    context.data_changed.connect(lambda: changes.append(True))
    QTimer.singleShot(0, switch_to_a4_and_close)
    preview_sheets(None, sheets[:1], context=context)
    assert sheet_page_size(context.store) == "A4"
    assert changes == [True]


def test_save_writes_the_pdf_and_remembers_the_folder(
    qtbot, context, sheets, settings, tmp_path, monkeypatch
):
    set_setting(context.store, "sheet_page_size", "Letter")
    offered = []

    def choose(parent, caption, suggested, filters):
        offered.append(suggested)
        return str(tmp_path / "out" / "ada"), filters

    (tmp_path / "out").mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(choose))
    saved = save_sheets_pdf(None, sheets[:1], settings, context=context)
    assert saved == tmp_path / "out" / "ada.pdf"
    assert Path(offered[0]).name == "cycle-4-A1001.pdf"
    [lines] = page_lines(saved)
    assert "Cycle 4" in page_text(lines) and "Printed 2027-07-01" in page_text(lines)
    assert settings.qsettings.value(LAST_FOLDER_KEY) == str(tmp_path / "out")

    save_sheets_pdf(None, sheets, settings, context=context)
    assert Path(offered[1]) == tmp_path / "out" / "cycle-sheets-2027-07-01.pdf"
    assert recorded_actions(context) == [
        ("sheets_pdf", [{"mrn": "A1001", "cycle": 4}], str(saved)),
        ("sheets_pdf", [{"mrn": "A1001", "cycle": 4}, {"mrn": "A1001", "cycle": 5}],
         str(tmp_path / "out" / "ada.pdf")),
    ]


def recorded_actions(context: AppContext) -> list[tuple[str, list, str | None]]:
    """The printed and saved sheets recorded in the audit trail, oldest first."""
    rows = context.store.execute(
        "SELECT action, after_json FROM audit_log WHERE table_name = 'actions' ORDER BY id"
    ).fetchall()
    return [
        (action, json.loads(detail)["sheets"], json.loads(detail)["file"])
        for action, detail in rows
    ]


def test_save_cancelled_or_refused_writes_nothing(
    qtbot, context, sheets, settings, tmp_path, monkeypatch
):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args: ("", "")))
    assert save_sheets_pdf(None, sheets, settings, context=context) is None
    target = tmp_path / "missing-folder" / "x.pdf"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *args: (str(target), ""))
    )
    assert save_sheets_pdf(None, sheets, settings, context=context) is None
    assert len(context.messages) == 1 and context.messages[0].startswith("Could not save x.pdf")
    assert not target.parent.exists()


def test_nothing_to_print_is_reported(qtbot, context, settings):
    assert print_sheets(None, [], context=context) is False
    preview_sheets(None, [], context=context)
    assert save_sheets_pdf(None, [], settings, context=context) is None
    assert context.messages == ["There are no cycle sheets to print."] * 3


@shown_dialog
def test_print_through_the_print_dialog_to_a_pdf_printer(qtbot, context, sheets, tmp_path):
    target = tmp_path / "printed.pdf"
    seen = []

    def print_to_file():
        dialog = QApplication.activeModalWidget()
        seen.append(dialog.windowTitle())
        # Without a system printer Qt's own dialog offers printing to a PDF file.
        dialog.findChild(QLineEdit, "filename").setText(str(target))
        dialog.accept()

    QTimer.singleShot(0, print_to_file)
    assert print_sheets(None, sheets, context=context) is True
    assert seen == ["Print 2 cycle sheets"]
    pages = page_lines(target)
    assert ["Cycle 4" in page_text(lines) for lines in pages] == [True, False]
    assert "Cycle 5" in page_text(pages[1])
    assert recorded_actions(context) == [
        ("print", [{"mrn": "A1001", "cycle": 4}, {"mrn": "A1001", "cycle": 5}], None)
    ]


@shown_dialog
def test_cancelled_print_prints_nothing(qtbot, context, sheets):
    QTimer.singleShot(0, lambda: QApplication.activeModalWidget().reject())
    assert print_sheets(None, sheets, context=context) is False
    assert recorded_actions(context) == []
