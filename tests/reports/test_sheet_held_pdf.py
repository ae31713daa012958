"""Held days, resumes and the blood count schedule on sheets written to PDF and read back.

The courses are recorded through the storage operations (``held_courses``); what the page
says is read back with pypdf."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reports.held_courses import TODAY, cycle_date
from tests.reports.sheet_data import (
    counts_due_days,
    footnotes,
    grid_rows,
    lab_table_days,
    page_lines,
    page_text,
)
from tracker.reports.sheet_export import write_sheets_pdf
from tracker.reports.sheet_load import load_cycle_sheet, load_week_sheets

WORDING = "held: give only on the clinician's order to resume"


def printed(store, tmp_path: Path, *wanted: tuple[str, int]) -> list[list[str]]:
    sheets = [load_cycle_sheet(store, mrn, cycle) for mrn, cycle in wanted]
    return page_lines(write_sheets_pdf(tmp_path / "sheets.pdf", sheets, print_date=TODAY))


def test_an_interruption_never_resumed_prints_no_dose_from_its_first_day(qapp, held, tmp_path):
    [lines] = printed(held, tmp_path, ("H1001", 1))
    rows = grid_rows(lines)
    assert [row.day for row in rows] == list(range(1, 29))
    assert {row.lenalidomide for row in rows[:9]} == {"25 mg"}
    held_days = rows[9:21]
    assert [row.day for row in held_days] == list(range(10, 22))
    assert {row.lenalidomide for row in held_days} == {"HELD *"}
    assert not any("25 mg" in row.lenalidomide for row in held_days)
    assert {row.lenalidomide for row in rows[21:]} == {"rest"}
    notes = footnotes(lines)
    assert notes[0] == f"* {WORDING}."
    assert notes[1] == "Lenalidomide interrupted from 2027-01-13 (ANC 0.8): no resume recorded."
    assert "days 1-21; HELD from 2027-01-13 *" in page_text(lines)


def test_the_next_cycle_printed_ahead_shows_its_days_held(qapp, held, tmp_path):
    [lines] = printed(held, tmp_path, ("H1001", 2))
    text = page_text(lines)
    assert "Cycle 2" in text and "Cycle start (planned)" in text
    rows = grid_rows(lines)
    assert rows[0].date == cycle_date(2, 1).isoformat()
    assert {row.lenalidomide for row in rows[:21]} == {"HELD *"}
    assert not any("mg" in row.lenalidomide for row in rows)
    assert "days 1-21; HELD from 2027-01-13 *" in text
    assert WORDING in text
    # Dexamethasone was not interrupted: its days still print a dose.
    assert [row.day for row in rows if row.dexamethasone == "40 mg"] == [
        1,
        2,
        3,
        4,
        9,
        10,
        11,
        12,
        17,
        18,
        19,
        20,
    ]
    # Counts weekly while interrupted for the low ANC, a week apart from day 10 of cycle 1.
    assert counts_due_days(lines) == [3, 10, 17, 24]


def test_a_resume_on_day_17_one_level_lower_prints_that_dose_from_day_17(qapp, held, tmp_path):
    [lines] = printed(held, tmp_path, ("H2002", 1))
    rows = {row.day: row.lenalidomide for row in grid_rows(lines)}
    assert {rows[day] for day in range(1, 10)} == {"25 mg"}
    assert {rows[day] for day in range(10, 17)} == {"HELD *"}
    assert {rows[day] for day in range(17, 22)} == {"20 mg"}
    text = page_text(lines)
    assert "25 mg (level 0, standard dose); 20 mg (level 1) from 2027-01-20, days 1-21" in text
    assert "HELD from" not in text
    assert footnotes(lines)[1] == (
        "Lenalidomide interrupted from 2027-01-13 (ANC 0.8): resumed 2027-01-20 at 20 mg (level 1)."
    )
    # The low count and the recovery are on the counts table, the low one flagged.
    assert "0.8 140 ANC < 1.0" in text and "1.4 150" in text


def test_a_dexamethasone_interruption_holds_only_dexamethasone(qapp, held, tmp_path):
    [lines] = printed(held, tmp_path, ("H4004", 1))
    rows = {row.day: row for row in grid_rows(lines)}
    assert [rows[day].dexamethasone for day in (4, 9, 12, 17)] == [
        "40 mg",
        "HELD *",
        "HELD *",
        "40 mg",
    ]
    assert {rows[day].lenalidomide for day in range(1, 22)} == {"25 mg"}
    assert footnotes(lines) == [
        f"* {WORDING}.",
        "Dexamethasone interrupted from 2027-01-12 (insomnia): resumed 2027-01-20 at 40 mg "
        "(level 0).",
    ]


@pytest.mark.parametrize(("cycle", "days"), [(1, [1, 8, 15, 22]), (3, [1, 15]), (5, [1])])
def test_blood_count_rows_on_the_schedule_days(qapp, held, tmp_path, cycle, days):
    [lines] = printed(held, tmp_path, ("H3003", cycle))
    assert counts_due_days(lines) == days
    assert lab_table_days(lines) == days
    assert footnotes(lines) == []


def test_blood_counts_weekly_from_a_low_count_in_cycle_3(qapp, held, tmp_path):
    cycle_3, cycle_4 = printed(held, tmp_path, ("H5005", 3), ("H5005", 4))
    assert counts_due_days(cycle_3) == [1, 17, 24]
    assert lab_table_days(cycle_3) == [1, 10, 17, 24]  # day 10: the count recorded
    assert counts_due_days(cycle_4) == [3, 10, 17, 24]
    assert {row.lenalidomide for row in grid_rows(cycle_4)[:21]} == {"HELD *"}


def test_ended_course_prints_nothing_to_give_after_its_end(qapp, clinic, tmp_path):
    # Edith's course ended on 2027-06-20, day 20 of cycle 1.
    [lines] = printed(clinic, tmp_path, ("E5005", 1))
    rows = {row.day: row for row in grid_rows(lines)}
    assert rows[20].lenalidomide == "25 mg"
    assert rows[21].lenalidomide == "stopped"
    assert rows[20].dexamethasone == "40 mg" and rows[22].lenalidomide == "rest"
    assert footnotes(lines) == [
        "Course ended 2027-06-20 (toxicity): nothing is given from 2027-06-21 on."
    ]
    assert counts_due_days(lines) == [1, 8, 15]
    assert "Next cycle due none: course stopped" in page_text(lines)


def test_the_week_batch_prints_held_days_of_a_patient_on_hold(qapp, held, tmp_path):
    # The week cycle 2 of Nora (never resumed) would begin.
    sheets = load_week_sheets(held, cycle_date(2, 3))
    by_mrn = {sheet.mrn: sheet for sheet in sheets}
    assert by_mrn["H1001"].cycle_number == 2 and by_mrn["H1001"].start_is_planned
    path = write_sheets_pdf(tmp_path / "week.pdf", sheets, print_date=TODAY)
    pages = {page_lines_mrn(lines): lines for lines in page_lines(path)}
    assert {row.lenalidomide for row in grid_rows(pages["H1001"])[:21]} == {"HELD *"}
    assert WORDING in page_text(pages["H1001"])


def page_lines_mrn(lines: list[str]) -> str:
    return next(line.split(" · MRN ")[1].split(" ")[0] for line in lines if " · MRN " in line)
