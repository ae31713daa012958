"""Cycle sheets written to PDF and read back with pypdf."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.reports.sheet_data import (
    BATCH_NAMES,
    BATCH_WEEK_OF,
    CLINIC,
    TODAY,
    dexamethasone_days,
    grid_rows,
    page_lines,
    page_text,
)
from tracker.reports import sheet_export
from tracker.reports.sheet_export import write_sheets_pdf
from tracker.reports.sheet_load import load_cycle_sheet, load_week_sheets
from tracker.storage.errors import StorageError

PRINTED = date(2027, 7, 1)
POINTS_PER_MM = 72 / 25.4


def test_cycle_one_sheet_prints_patient_dates_days_doses_and_thresholds(qapp, clinic, tmp_path):
    path = write_sheets_pdf(
        tmp_path / "one.pdf", [load_cycle_sheet(clinic, "A1001", 1)], print_date=PRINTED
    )
    [lines] = page_lines(path)
    text = page_text(lines)
    for expected in (
        CLINIC,
        "Ada Lovelace",
        "A1001",
        "1950-12-10",
        "Cycle 1",
        "Hold lenalidomide if ANC < 1.0 x10^9/L or platelets < 30 x10^9/L",
        "aspirin",
        "Clinician signature",
        "Last day (day 28)",
        "Printed 2027-07-01",
        "Page 1 of 1",
    ):
        assert expected in text
    rows = grid_rows(lines)
    assert [row.day for row in rows] == list(range(1, 29))
    assert rows[0].date == "2027-02-01" and rows[0].weekday == "Mon"
    assert rows[8].date == "2027-02-09" and rows[8].weekday == "Tue"
    assert rows[27].date == "2027-02-28"
    # Interrupted on day 9, resumed on day 12 to 15 mg from day 12, rest from day 22.
    held = ["HELD *"] * 3
    assert [row.lenalidomide for row in rows[7:12]] == ["25 mg", *held, "15 mg"]
    assert {row.lenalidomide for row in rows[21:]} == {"rest"}
    assert dexamethasone_days(lines) == [1, 2, 3, 4, 9, 10, 11, 12, 17, 18, 19, 20]
    assert "15 mg (level 2) from 2027-02-12" in text
    # Recorded counts, the per-mm3 one converted, and the one under the threshold flagged.
    assert "0.8 95 ANC < 1.0" in text
    assert "1.4 120" in text


def test_dexamethasone_days_in_cycles_4_and_5(qapp, clinic, tmp_path):
    sheets = [load_cycle_sheet(clinic, "A1001", number) for number in (4, 5)]
    path = write_sheets_pdf(tmp_path / "taper.pdf", sheets, print_date=PRINTED)
    cycle_4, cycle_5 = page_lines(path)
    assert "Cycle 4" in page_text(cycle_4) and "Cycle 5" in page_text(cycle_5)
    assert dexamethasone_days(cycle_4) == [1, 2, 3, 4, 9, 10, 11, 12, 17, 18, 19, 20]
    assert dexamethasone_days(cycle_5) == [1, 2, 3, 4]
    assert "days 1-4 (taper from cycle 5)" in page_text(cycle_5)
    assert grid_rows(cycle_4)[0].date == "2027-04-26"
    assert grid_rows(cycle_5)[0].date == "2027-05-24"
    assert {row.dexamethasone for row in grid_rows(cycle_5) if row.dexamethasone} == {"40 mg"}
    assert "15 mg (level 2, reduced from 25 mg)" in page_text(cycle_5)
    assert "Page 2 of 2" in page_text(cycle_5)


def test_week_batch_has_one_page_per_treated_patient(qapp, clinic, tmp_path):
    sheets = load_week_sheets(clinic, BATCH_WEEK_OF)
    path = write_sheets_pdf(tmp_path / "week.pdf", sheets, print_date=PRINTED)
    pages = page_lines(path)
    assert len(pages) == len(BATCH_NAMES) == 4
    for number, (name, lines) in enumerate(zip(BATCH_NAMES, pages, strict=True), start=1):
        assert name in page_text(lines)
        assert f"Page {number} of 4" in page_text(lines)
    # Ada's cycle 5 ended on 2027-06-20: her page is the planned cycle 6.
    assert "Cycle 6" in page_text(pages[0]) and "Cycle start (planned)" in page_text(pages[0])


@pytest.mark.parametrize(
    ("size", "width_mm", "height_mm"), [("A4", 210, 297), ("Letter", 215.9, 279.4)]
)
def test_page_size(qapp, clinic, tmp_path, size, width_mm, height_mm):
    path = write_sheets_pdf(
        tmp_path / "sized.pdf", [load_cycle_sheet(clinic, "A1001", 1)], size, print_date=TODAY
    )
    box = PdfReader(path).pages[0].mediabox
    assert float(box.width) == pytest.approx(width_mm * POINTS_PER_MM, abs=1.0)
    assert float(box.height) == pytest.approx(height_mm * POINTS_PER_MM, abs=1.0)
    assert "2027-02-28" in page_text(page_lines(path)[0])


def test_failed_write_leaves_the_old_file_and_no_temporary(qapp, clinic, tmp_path, monkeypatch):
    target = tmp_path / "sheet.pdf"
    target.write_bytes(b"previous")
    sheet = load_cycle_sheet(clinic, "A1001", 1)

    def broken(device, sheets, *, print_date):
        raise RuntimeError("printer on fire")

    monkeypatch.setattr(sheet_export, "render_sheets", broken)
    with pytest.raises(RuntimeError, match="printer on fire"):
        write_sheets_pdf(target, [sheet], overwrite=True)
    assert target.read_bytes() == b"previous"
    assert os.listdir(tmp_path) == ["sheet.pdf"]


def test_refuses_nothing_to_print_and_unknown_page_size(qapp, clinic, tmp_path):
    with pytest.raises(ValueError, match="no sheets"):
        write_sheets_pdf(tmp_path / "empty.pdf", [])
    with pytest.raises(ValueError, match="page size"):
        write_sheets_pdf(tmp_path / "legal.pdf", [load_cycle_sheet(clinic, "A1001", 1)], "Legal")
    assert list(tmp_path.iterdir()) == []


def test_a_long_batch_renders_without_exhausting_python(qapp, clinic, tmp_path):
    # PySide6 6.12 on Python 3.11 drops a reference to None per void call; unguarded, about
    # ten pages were enough to abort the interpreter.
    sheet = load_cycle_sheet(clinic, "A1001", 1)
    path = write_sheets_pdf(tmp_path / "long.pdf", [sheet] * 40, print_date=PRINTED)
    assert len(PdfReader(path).pages) == 40


def test_no_file_written_into_a_missing_folder(qapp, clinic, tmp_path: Path):
    with pytest.raises(StorageError, match="there is no folder"):
        write_sheets_pdf(tmp_path / "missing" / "x.pdf", [load_cycle_sheet(clinic, "A1001", 1)])
    assert not (tmp_path / "missing").exists()
