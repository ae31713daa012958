"""Sheets built from a real database: which cycle, which patients, which settings."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from tests.reports import held_courses
from tests.reports.sheet_data import BATCH_NAMES, BATCH_WEEK_OF, CLINIC, TODAY
from tests.starts import start_next_cycle
from tracker.reports.sheet_load import (
    load_current_cycle_sheet,
    load_cycle_sheet,
    load_week_sheets,
    week_bounds,
)
from tracker.reports.sheet_model import DoseMark
from tracker.reports.sheet_settings import clinic_name, sheet_page_size
from tracker.storage.database import open_database
from tracker.storage.errors import NotFoundError
from tracker.storage.operations.settings import set_setting
from tracker.storage.queries import current_course, patient_by_mrn


def test_sheet_of_a_started_cycle(clinic):
    sheet = load_cycle_sheet(clinic, " A1001 ", 3)
    assert (sheet.patient_name, sheet.mrn, sheet.cycle_number) == ("Ada Lovelace", "A1001", 3)
    assert sheet.clinic_name == CLINIC
    assert sheet.cycle_start == date(2027, 3, 29) and not sheet.start_is_planned
    assert sheet.thromboprophylaxis_text == "aspirin, tick each day it is taken"
    assert sheet.lenalidomide.dose_mg == 15 and sheet.lenalidomide.level == 2


def test_the_next_cycle_of_an_active_course_prints_as_planned(clinic):
    sheet = load_cycle_sheet(clinic, "A1001", 6)
    assert sheet.start_is_planned and sheet.cycle_start == date(2027, 6, 21)


@pytest.mark.parametrize(
    ("mrn", "cycle", "message"),
    [
        ("Z9999", 1, "unknown MRN"),
        ("A1001", 7, "no cycle 7: cycles 1 to 6"),
        ("E5005", 2, "no cycle 2: cycles 1 to 1"),  # ended course: nothing ahead
        ("F6006", 1, "unknown MRN"),  # archived
    ],
)
def test_unknown_patient_or_cycle_is_refused(clinic, mrn, cycle, message):
    with pytest.raises(NotFoundError, match=message):
        load_cycle_sheet(clinic, mrn, cycle)


def test_week_sheets_cover_active_patients_treated_that_week(clinic):
    sheets = load_week_sheets(clinic, BATCH_WEEK_OF)
    assert [sheet.patient_name for sheet in sheets] == BATCH_NAMES
    assert [sheet.cycle_number for sheet in sheets] == [6, 1, 1, 1]
    monday, sunday = week_bounds(BATCH_WEEK_OF)
    assert (monday, sunday) == (date(2027, 6, 28), date(2027, 7, 4))
    for sheet in sheets:
        assert sheet.cycle_start <= sunday and sheet.cycle_end >= monday


def test_a_week_when_one_cycle_ends_and_the_next_begins_prints_the_new_one(clinic):
    # Ada's cycle 4 runs to Sunday 2027-05-23 and cycle 5 starts Monday 2027-05-24.
    ada = [s for s in load_week_sheets(clinic, date(2027, 5, 20)) if s.mrn == "A1001"]
    assert [sheet.cycle_number for sheet in ada] == [4]
    ada = [s for s in load_week_sheets(clinic, date(2027, 5, 26)) if s.mrn == "A1001"]
    assert [sheet.cycle_number for sheet in ada] == [5]


def test_a_week_before_any_course_has_no_sheets(clinic):
    assert load_week_sheets(clinic, date(2026, 1, 7)) == []


def test_the_last_week_of_the_calendar_ends_on_its_last_day(clinic):
    assert week_bounds(date(9999, 12, 31)) == (date(9999, 12, 27), date(9999, 12, 31))
    assert week_bounds(date(2027, 7, 4)) == (date(2027, 6, 28), date(2027, 7, 4))
    assert load_week_sheets(clinic, date(9999, 12, 31)) == []


def test_settings_defaults_and_stored_values(tmp_path):
    with open_database(tmp_path / "new.sqlite", clock=lambda: TODAY) as store:
        assert clinic_name(store) == "Clinic"
        assert sheet_page_size(store) == "A4"
        set_setting(store, "clinic_name", "  North Ward  ")
        set_setting(store, "sheet_page_size", "letter")
        assert clinic_name(store) == "North Ward"
        assert sheet_page_size(store) == "Letter"
        set_setting(store, "sheet_page_size", "Tabloid")
        assert sheet_page_size(store) == "A4"


@pytest.mark.parametrize(
    ("mrn", "on", "cycle", "planned"),
    [
        ("A1001", date(2027, 4, 30), 4, False),
        ("A1001", date(2027, 5, 24), 5, False),
        ("A1001", date(2027, 7, 1), 6, True),  # cycle 5 ran out on 2027-06-20
        ("A1001", date(2027, 1, 1), 1, False),  # before the course
        ("E5005", date(2027, 7, 1), 1, False),  # ended course: its last cycle
    ],
)
def test_current_cycle_sheet(clinic, mrn, on, cycle, planned):
    sheet = load_current_cycle_sheet(clinic, mrn, on)
    assert (sheet.cycle_number, sheet.start_is_planned) == (cycle, planned)


def test_a_patient_on_hold_gets_the_next_cycle_ahead_with_its_days_held(held):
    # Cycle 1 of H1001 ran out on 2027-01-31 with lenalidomide interrupted since day 10.
    sheet = load_current_cycle_sheet(held, "H1001", date(2027, 2, 3))
    assert (sheet.cycle_number, sheet.start_is_planned) == (2, True)
    assert sheet.cycle_start == date(2027, 2, 1)
    assert {row.lenalidomide.mark for row in sheet.rows[:21]} == {DoseMark.HELD}
    assert sheet.lenalidomide.held_from == date(2027, 1, 13)
    with pytest.raises(NotFoundError, match="no cycle 3: cycles 1 to 2"):
        load_cycle_sheet(held, "H1001", 3)


def test_a_resume_recorded_through_the_cycle_start_ends_the_held_days(held_database, tmp_path):
    """Starting cycle 2 with a resume level records the resume: nothing is held any more."""
    copy = tmp_path / "copy.sqlite"
    shutil.copy(held_database, copy)
    with open_database(copy, clock=lambda: held_courses.TODAY) as store:
        course = current_course(store, patient_by_mrn(store, "H1001").id)
        start_next_cycle(store, course.id, date(2027, 2, 8), resume_level=1)
        sheet = load_cycle_sheet(store, "H1001", 2)
    assert not sheet.start_is_planned and sheet.cycle_start == date(2027, 2, 8)
    assert {row.lenalidomide.text for row in sheet.rows[:21]} == {"20 mg"}
    assert sheet.lenalidomide.held_from is None and not sheet.has_held_days
