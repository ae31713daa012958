"""Print, preview and save cycle sheets from the application.

All three paint through ``render_sheets``, so paper, screen and PDF show the same page. The
paper size comes from the database setting the command line also reads, and a size picked in
the print dialog is remembered there.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from tracker.reports.sheet_export import PAGE_SIZES, write_sheets_pdf
from tracker.reports.sheet_model import CycleSheet
from tracker.reports.sheet_render import SheetRenderError, render_sheets
from tracker.reports.sheet_settings import DEFAULT_PAGE_SIZE, PAGE_SIZE_KEY, sheet_page_size
from tracker.storage.errors import StorageError
from tracker.storage.operations.actions import record_sheets
from tracker.storage.operations.settings import set_setting
from tracker.storage.roles import RECORD_CARE
from tracker.ui.common.context import AppContext, show_error
from tracker.ui.common.role_access import may
from tracker.ui.common.settings import AppSettings
from tracker.ui.common.store_state import open_database_files

LAST_FOLDER_KEY = "sheets/last_folder"


def print_sheets(
    parent: QWidget | None, sheets: Sequence[CycleSheet], *, context: AppContext | None = None
) -> bool:
    """Ask for a printer and print one page per sheet; False when the user cancels."""
    if not _have_sheets(parent, sheets, context):
        return False
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    _set_page_size(printer, _page_size(context))
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_title("Print", sheets))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    if not _paint(parent, printer, sheets, context):
        return False
    _remember_page_size(context, printer)
    _record(parent, context, sheets)
    return True


def sheet_preview_dialog(
    parent: QWidget | None, sheets: Sequence[CycleSheet], *, context: AppContext | None = None
) -> QPrintPreviewDialog:
    """A print preview of the sheets, not yet shown; printing from it prints the same pages."""
    dialog = QPrintPreviewDialog(parent)
    dialog.setObjectName("sheetPreviewDialog")
    dialog.setWindowTitle(_title("Preview", sheets))
    _set_page_size(dialog.printer(), _page_size(context))
    pages = list(sheets)
    dialog.paintRequested.connect(lambda printer: _paint(dialog, printer, pages, context))
    return dialog


def preview_sheets(
    parent: QWidget | None, sheets: Sequence[CycleSheet], *, context: AppContext | None = None
) -> None:
    """Show the preview and wait until it is closed."""
    if not _have_sheets(parent, sheets, context):
        return
    dialog = sheet_preview_dialog(parent, sheets, context=context)
    _fit_to_screen(dialog)
    dialog.exec()
    _remember_page_size(context, dialog.printer())
    dialog.deleteLater()


def open_sheet_preview(
    parent: QWidget | None, sheets: Sequence[CycleSheet], *, context: AppContext | None = None
) -> QPrintPreviewDialog | None:
    """Show the preview window-modal and return it at once; None when there is nothing to show.

    The paper picked in it is remembered when it closes, and it deletes itself then.
    """
    if not _have_sheets(parent, sheets, context):
        return None
    dialog = sheet_preview_dialog(parent, sheets, context=context)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.finished.connect(lambda _result: _remember_page_size(context, dialog.printer()))
    _fit_to_screen(dialog)
    dialog.open()
    return dialog


def _fit_to_screen(dialog: QDialog) -> None:
    """A page-shaped window, no larger than the screen it opens on."""
    width, height = 900, 1000
    screen = dialog.screen()
    if screen is not None:
        available = screen.availableGeometry()
        width = min(width, int(available.width() * 0.9))
        height = min(height, int(available.height() * 0.9))
    dialog.resize(width, height)


def save_sheets_pdf(
    parent: QWidget | None,
    sheets: Sequence[CycleSheet],
    settings: AppSettings,
    *,
    context: AppContext | None = None,
    path: Path | str | None = None,
) -> Path | None:
    """Write the sheets as one PDF; None when cancelled or refused.

    Without ``path`` the user is asked where to save, starting in the folder used last.
    """
    if not _have_sheets(parent, sheets, context):
        return None
    chosen = str(path) if path is not None else _ask_pdf_path(parent, sheets, settings, context)
    if not chosen:
        return None
    target = Path(chosen)
    if target.suffix.lower() != ".pdf":
        target = target.with_name(target.name + ".pdf")
    try:
        # The save dialog has asked before replacing a file.
        write_sheets_pdf(
            target,
            sheets,
            _page_size(context),
            print_date=_today(context),
            overwrite=True,
            guarded=open_database_files(context),
        )
    except (OSError, SheetRenderError, StorageError) as error:
        _report(parent, context, f"Could not save {target.name}: {error}")
        return None
    settings.qsettings.setValue(LAST_FOLDER_KEY, str(target.parent))
    _record(parent, context, sheets, target)
    return target


def _record(
    parent: QWidget | None,
    context: AppContext | None,
    sheets: Sequence[CycleSheet],
    file: Path | None = None,
) -> None:
    """Printed or saved sheets go into the audit trail; a refusal there is only shown."""
    if context is None or not context.has_store:
        return
    try:
        record_sheets(
            context.store, [(sheet.mrn, sheet.cycle_number) for sheet in sheets], file=file
        )
    except StorageError as error:
        _report(parent, context, f"The sheets were made but not recorded: {error}")


def _ask_pdf_path(
    parent: QWidget | None,
    sheets: Sequence[CycleSheet],
    settings: AppSettings,
    context: AppContext | None,
) -> str:
    folder = Path(str(settings.qsettings.value(LAST_FOLDER_KEY, "") or Path.home()))
    chosen, _ = QFileDialog.getSaveFileName(
        parent,
        _title("Save", sheets) + " as PDF",
        str(folder / _suggested_name(sheets, _today(context))),
        "PDF files (*.pdf)",
    )
    return chosen


def _paint(
    parent: QWidget | None,
    printer: QPrinter,
    sheets: Sequence[CycleSheet],
    context: AppContext | None,
) -> bool:
    try:
        render_sheets(printer, sheets, print_date=_today(context))
    except SheetRenderError as error:
        _report(parent, context, f"Could not print the sheets: {error}")
        return False
    return True


def _have_sheets(
    parent: QWidget | None, sheets: Sequence[CycleSheet], context: AppContext | None
) -> bool:
    if sheets:
        return True
    _report(parent, context, "There are no cycle sheets to print.")
    return False


def _report(parent: QWidget | None, context: AppContext | None, message: str) -> None:
    if context is not None:
        context.report_error(parent, message)
    else:
        show_error(parent, message)


def _page_size(context: AppContext | None) -> str:
    if context is None or not context.has_store:
        return DEFAULT_PAGE_SIZE
    return sheet_page_size(context.store)


def _today(context: AppContext | None) -> date:
    if context is None or not context.has_store:
        return date.today()
    return context.store.today()


def _set_page_size(printer: QPrinter, name: str) -> None:
    printer.setPageSize(QPageSize(PAGE_SIZES[name]))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)


def _remember_page_size(context: AppContext | None, printer: QPrinter) -> None:
    """Keep the paper the user picked (A4 or Letter) for the next sheet (a viewer, who
    changes nothing, prints on it without it being kept)."""
    if context is None or not context.has_store or not may(context, RECORD_CARE):
        return
    chosen = printer.pageLayout().pageSize().id()
    for name, size_id in PAGE_SIZES.items():
        if size_id == chosen and name != sheet_page_size(context.store):
            context.run(set_setting, PAGE_SIZE_KEY, name)


def _title(action: str, sheets: Sequence[CycleSheet]) -> str:
    if len(sheets) == 1:
        sheet = sheets[0]
        return f"{action} cycle {sheet.cycle_number} sheet: {sheet.patient_name}"
    return f"{action} {len(sheets)} cycle sheets"


def _suggested_name(sheets: Sequence[CycleSheet], today: date) -> str:
    if len(sheets) == 1:
        sheet = sheets[0]
        safe_mrn = "".join(char if char.isalnum() else "-" for char in sheet.mrn)
        return f"cycle-{sheet.cycle_number}-{safe_mrn}.pdf"
    return f"cycle-sheets-{today.isoformat()}.pdf"
