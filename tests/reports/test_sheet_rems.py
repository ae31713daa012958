"""The cycle sheet's pregnancy-prevention band (Lenalidomide REMS), read back from the PDF:
the category, the cycle's authorization number, the contraception reminder, and the tests
due in the cycle with boxes for their results; a male's sheet has no test lines."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.rems_seed import add_woman, negative_test, start_tested_course
from tests.reports.sheet_data import grid_rows, page_lines, page_text
from tracker.domain.rems_rules import rems_rules
from tracker.reports.sheet_export import write_sheets_pdf
from tracker.reports.sheet_load import load_cycle_sheet
from tracker.storage.database import open_database
from tracker.storage.operations import courses, rems
from tracker.storage.operations.patients import add_patient

TODAY = date(2026, 3, 2)
START = TODAY - timedelta(days=12)


@pytest.fixture
def store(tmp_path: Path):
    with open_database(tmp_path / "clinic.sqlite", clock=lambda: TODAY) as opened:
        yield opened


def printed(store, tmp_path: Path, mrn: str, cycle: int = 1) -> list[str]:
    sheet = load_cycle_sheet(store, mrn, cycle)
    [lines] = page_lines(write_sheets_pdf(tmp_path / f"{mrn}.pdf", [sheet], print_date=TODAY))
    # The PDF sets "fi" as one ligature glyph ("refills"); read it back as two letters.
    return [unicodedata.normalize("NFKC", line) for line in lines]


def test_the_sheet_of_a_woman_of_reproductive_potential(qapp, store, tmp_path) -> None:
    woman = add_woman(store, "R-1")
    start_tested_course(store, woman, START, number="48213377")
    negative_test(store, woman, START + timedelta(days=7))
    lines = printed(store, tmp_path, "R-1")
    text = page_text(lines)
    assert "REMS category Adult female of reproductive potential" in text
    assert f"authorization no. 48213377 of {START} · 21 capsules, 28-day supply; no refills" in text
    assert rems_rules().reminder("female_reproductive") in text
    # The tests of the cycle: the two recorded with their results, the two still due with
    # boxes to tick.
    assert f"{START} (day 1) negative (serum): recorded" in text
    assert f"{START + timedelta(days=7)} (day 8) negative (urine): recorded" in text
    for day in (15, 22):
        due = START + timedelta(days=day - 1)
        assert f"{due} (day {day}) negative positive initials" in text
    # The grid says so on those days too.
    rows = {row.day: row for row in grid_rows(lines)}
    assert [day for day, row in rows.items() if row.pregnancy_test_due] == [15, 22]
    assert rows[15].counts_due and rows[15].pregnancy_test_due


def test_a_planned_cycle_leaves_the_authorization_to_be_written_in(qapp, store, tmp_path) -> None:
    woman = add_woman(store, "R-2")
    start_tested_course(store, woman, START - timedelta(days=20))
    text = page_text(printed(store, tmp_path, "R-2", cycle=2))
    assert "authorization no. ______________ (record it with the cycle start)" in text
    assert "at most 28 days' supply, no refills" in text


def test_a_mans_sheet_has_his_authorization_and_reminder_and_no_tests(
    qapp, store, tmp_path
) -> None:
    male = add_patient(store, mrn="M-1", name="Osei, Kwame", sex="M", rems_category="male_adult")
    courses.start_course(
        store, male, START, override_reason="counts are not the subject",
        prescription=rems.Prescription("70011002", START, capsules=21, days_supply=28),
    )  # fmt: skip
    text = page_text(printed(store, tmp_path, "M-1"))
    assert "REMS category Adult male" in text
    assert "authorization no. 70011002" in text
    assert rems_rules().reminder("male_adult") in text
    assert "Pregnancy tests" not in text and "pregnancy test due" not in text


def test_tracker_sheet_prints_the_rems_band(store, tmp_path) -> None:
    from tests.helpers import run_tracker

    woman = add_woman(store, "R-9")
    start_tested_course(store, woman, START, number="31415926")
    store.close()
    output = tmp_path / "r9.pdf"
    result = run_tracker(
        "sheet", "--db", store.path, "--mrn", "R-9", "--cycle", "1", "-o", output
    )
    assert result.returncode == 0, result.stderr
    [lines] = page_lines(output)
    text = unicodedata.normalize("NFKC", page_text(lines))
    assert "authorization no. 31415926" in text and "Pregnancy tests" in text
