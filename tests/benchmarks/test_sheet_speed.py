"""How long 100 cycle sheets take to print into one PDF, per sheet.

The sheets are those of the first 100 patients of a demo cohort, each for the cycle running
on the demo's today (or the next one due), so they carry real holds, reductions and counts.
Reading them from the database and painting them are timed apart. Run with ``make bench``;
the figures are printed with ``-s``.
"""

from __future__ import annotations

import time
from datetime import date

from pypdf import PdfReader

from tracker.reports.sheet_export import write_sheets_pdf
from tracker.reports.sheet_load import load_current_cycle_sheet
from tracker.storage.database import open_database
from tracker.storage.demo import fill_demo_database

SHEETS = 100
TODAY = date(2026, 3, 2)
# Generous: a sheet is one page of text and lines.
LIMIT_SECONDS_PER_SHEET = 0.5


def test_one_hundred_sheets_into_one_pdf(qapp, tmp_path):
    with open_database(tmp_path / "demo.sqlite", clock=lambda: TODAY) as store:
        fill_demo_database(store, SHEETS, seed=1)
        mrns = [row["mrn"] for row in store.db.query("SELECT mrn FROM patients ORDER BY id")]
        started = time.perf_counter()
        sheets = [load_current_cycle_sheet(store, mrn, TODAY) for mrn in mrns]
        load_seconds = time.perf_counter() - started

    output = tmp_path / "sheets.pdf"
    started = time.perf_counter()
    write_sheets_pdf(output, sheets, print_date=TODAY)
    render_seconds = time.perf_counter() - started

    assert len(PdfReader(output).pages) == SHEETS
    per_sheet = (load_seconds + render_seconds) / SHEETS
    print(
        f"\nsheets: {SHEETS} into one PDF ({output.stat().st_size / 1e6:.1f} MB): reading "
        f"{load_seconds:.2f} s, painting {render_seconds:.2f} s; "
        f"{1000 * per_sheet:.1f} ms per sheet ({1000 * render_seconds / SHEETS:.1f} ms painting)"
    )
    assert per_sheet < LIMIT_SECONDS_PER_SHEET
