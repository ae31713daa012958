"""``tracker sheet`` and ``tracker sheets``: printable cycle sheets as PDF files.

Qt and the database are imported inside the handlers so other commands start quickly.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from tracker.cli.arguments import iso_date, positive_int
from tracker.cli.database_option import (
    add_database_option,
    database_path,
    open_existing_store,
)
from tracker.cli.errors import CommandError

PAGE_SIZE_CHOICES = ("A4", "Letter")


def register(commands: argparse._SubParsersAction) -> None:
    sheet = commands.add_parser("sheet", help="write one patient's cycle sheet as a PDF")
    add_database_option(sheet)
    sheet.add_argument("--mrn", required=True, help="the patient's medical record number")
    sheet.add_argument("--cycle", type=positive_int, required=True, help="cycle number")
    _output_arguments(sheet)
    sheet.set_defaults(handler=run_sheet)

    sheets = commands.add_parser(
        "sheets", help="write the sheets of every patient treated in a week as one PDF"
    )
    add_database_option(sheets)
    sheets.add_argument(
        "--week-of",
        type=iso_date,
        required=True,
        help="any day of the week (Monday to Sunday), YYYY-MM-DD",
    )
    _output_arguments(sheets)
    sheets.set_defaults(handler=run_sheets)


def _output_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", type=Path, required=True, help="PDF file to write")
    parser.add_argument("--force", action="store_true", help="replace an existing PDF file")
    parser.add_argument(
        "--page-size",
        choices=PAGE_SIZE_CHOICES,
        help="paper size (default: the one last chosen in the application, else A4)",
    )


def run_sheet(args: argparse.Namespace) -> int:
    from tracker.reports.sheet_load import load_cycle_sheet

    return _write(args, lambda store: [load_cycle_sheet(store, args.mrn, args.cycle)])


def run_sheets(args: argparse.Namespace) -> int:
    from tracker.reports.sheet_load import load_week_sheets, week_bounds

    def sheets_of_week(store):
        sheets = load_week_sheets(store, args.week_of)
        if not sheets:
            monday, sunday = week_bounds(args.week_of)
            raise CommandError(
                f"no active patient has a cycle running from {monday.isoformat()} "
                f"to {sunday.isoformat()}"
            )
        return sheets

    return _write(args, sheets_of_week)


def _write(args: argparse.Namespace, load) -> int:
    from tracker.reports.sheet_settings import sheet_page_size

    output = _checked_output(args)
    with open_existing_store(args) as store:
        sheets = load(store)
        page_size = args.page_size or sheet_page_size(store)
        print_date = store.today()

    _ensure_gui_application()
    from tracker.reports.sheet_export import write_sheets_pdf
    from tracker.reports.sheet_render import SheetRenderError
    from tracker.storage.errors import StorageError
    from tracker.storage.output_files import database_files

    try:
        write_sheets_pdf(
            output,
            sheets,
            page_size,
            print_date=print_date,
            overwrite=args.force,
            guarded=database_files(database_path(args)),
        )
    except StorageError as error:
        raise CommandError(str(error)) from error
    except (OSError, SheetRenderError) as error:
        raise CommandError(f"could not write {output}: {error}") from error
    pages = "1 page" if len(sheets) == 1 else f"{len(sheets)} pages"
    print(f"wrote {output} ({pages}, {page_size})")
    return 0


def _checked_output(args: argparse.Namespace) -> Path:
    """The -o file, refused before any work when it could not or must not be written."""
    from tracker.cli.output_option import checked_output

    path: Path = args.output
    if path.suffix.lower() != ".pdf":
        raise CommandError(f"the output file must end in .pdf: {path}")
    return checked_output(args, what="PDF")


def _ensure_gui_application() -> None:
    """Qt needs an application object to lay out text, even when nothing is shown."""
    # Without a display server on Linux the default platform plugin cannot start; the
    # offscreen one renders fonts just the same. Windows and macOS always have a display.
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        # Kept on the module so the application outlives this call.
        global _APPLICATION
        _APPLICATION = QGuiApplication([sys.argv[0]])


_APPLICATION = None
