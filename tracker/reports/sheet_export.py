"""Write cycle sheets to a PDF file, all or nothing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter

from tracker.reports.output_checks import BrokenOutputError, check_pdf
from tracker.reports.sheet_model import CycleSheet
from tracker.reports.sheet_render import APP_NAME, SheetRenderError, render_sheets
from tracker.storage.output_files import written_atomically

PAGE_SIZES = {"A4": QPageSize.PageSizeId.A4, "Letter": QPageSize.PageSizeId.Letter}
DEFAULT_PAGE_SIZE = "A4"
PDF_RESOLUTION = 300


def write_sheets_pdf(
    path: Path | str,
    sheets: Sequence[CycleSheet],
    page_size: str = DEFAULT_PAGE_SIZE,
    *,
    print_date: date | None = None,
    overwrite: bool = False,
    guarded: Iterable[Path] = (),
) -> Path:
    """Write one page per sheet to ``path``; on any failure no file is left behind.

    The PDF is written beside ``path``, its pages counted back, and only then renamed into
    place. An existing file is replaced only with ``overwrite`` (and never a database, the
    ``guarded`` files or anything but a regular file): StorageError otherwise.
    """
    if page_size not in PAGE_SIZES:
        raise ValueError(f"page size must be one of {', '.join(PAGE_SIZES)}, not {page_size!r}")
    if not sheets:
        raise ValueError("there are no sheets to print")
    target = Path(path)
    with written_atomically(
        target, overwrite=overwrite, guarded=guarded, what="PDF"
    ) as temporary:
        writer = QPdfWriter(str(temporary))
        writer.setResolution(PDF_RESOLUTION)
        writer.setCreator(APP_NAME)
        writer.setTitle(_title(sheets))
        writer.setPageLayout(
            QPageLayout(
                QPageSize(PAGE_SIZES[page_size]),
                QPageLayout.Orientation.Portrait,
                QMarginsF(0, 0, 0, 0),
            )
        )
        render_sheets(writer, sheets, print_date=print_date or date.today())
        del writer  # the file is complete only once the writer is gone
        try:
            check_pdf(temporary, len(sheets))
        except BrokenOutputError as error:
            raise SheetRenderError(f"{error}; nothing was written") from None
    return target


def _title(sheets: Sequence[CycleSheet]) -> str:
    if len(sheets) == 1:
        sheet = sheets[0]
        return f"Cycle {sheet.cycle_number} sheet: {sheet.patient_name} ({sheet.mrn})"
    return f"{len(sheets)} cycle sheets"
