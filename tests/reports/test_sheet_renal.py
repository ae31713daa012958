"""Renal starting doses print as starting doses, never as reductions; a dialysis patient's
sheet says when to take the dose."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.reports.held_courses import START, TODAY
from tests.reports.sheet_data import page_lines, page_text
from tests.starts import start_course
from tracker.reports.sheet_export import write_sheets_pdf
from tracker.reports.sheet_load import load_cycle_sheet
from tracker.storage.database import open_database
from tracker.storage.operations.courses import change_dose_level
from tracker.storage.operations.patients import add_patient


@pytest.fixture
def renal_clinic(tmp_path: Path):
    store = open_database(tmp_path / "renal.sqlite", clock=lambda: TODAY)
    dialysis = add_patient(store, mrn="R-DIAL", name="On Dialysis", on_dialysis=True)
    start_course(store, dialysis, START, len_level=4, renal_band="dialysis")
    moderate = add_patient(store, mrn="R-MOD", name="Moderate Renal")
    course = start_course(store, moderate, START, len_level=3, renal_band="30-60")
    change_dose_level(store, course, "lenalidomide", 4, date(2027, 1, 15), "platelets 22")
    normal = add_patient(store, mrn="R-OK", name="Normal Renal")
    start_course(store, normal, START, renal_band=">=60")
    yield store
    store.close()


def _text(store, tmp_path: Path, mrn: str) -> str:
    sheet = load_cycle_sheet(store, mrn, 1)
    [lines] = page_lines(write_sheets_pdf(tmp_path / f"{mrn}.pdf", [sheet], print_date=TODAY))
    return page_text(lines)


def test_a_dialysis_patient_sheet_says_after_dialysis(qapp, renal_clinic, tmp_path):
    text = _text(renal_clinic, tmp_path, "R-DIAL")
    assert "5 mg (renal starting dose, on dialysis; after dialysis on dialysis days)" in text
    assert "reduced" not in text


def test_a_renal_start_is_not_a_reduction_and_a_later_reduction_says_from_what(
    qapp, renal_clinic, tmp_path
):
    text = _text(renal_clinic, tmp_path, "R-MOD")
    assert "10 mg (renal starting dose, CrCl 30 to under 60 mL/min)" in text
    assert "reduced from 25 mg" not in text
    assert "5 mg (level 4) from 2027-01-15" in text


def test_a_normal_renal_start_prints_the_standard_dose(qapp, renal_clinic, tmp_path):
    assert "25 mg (level 0, standard dose)" in _text(renal_clinic, tmp_path, "R-OK")
