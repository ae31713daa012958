"""``tracker sheet`` and ``tracker sheets`` run as the user runs them."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.helpers import assert_cli_refusal, python_output, run_tracker
from tests.reports.sheet_data import BATCH_NAMES, dexamethasone_days, page_lines, page_text
from tracker.storage.database import open_database
from tracker.storage.operations.settings import set_setting


def tracker(
    *arguments: str | Path, default_database: Path | None = None
) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "QT_QPA_PLATFORM"}
    environment.pop("DISPLAY", None)
    environment.pop("WAYLAND_DISPLAY", None)
    if default_database is not None:
        environment["RD_TRACKER_DATABASE"] = str(default_database)
    return run_tracker(*arguments, env=environment)


def test_sheet_writes_one_page(clinic_database, tmp_path):
    output = tmp_path / "ada-5.pdf"
    result = tracker(
        "sheet", "--db", clinic_database, "--mrn", "A1001", "--cycle", "5", "-o", output
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.strip() == f"wrote {output} (1 page, A4)"
    [lines] = page_lines(output)
    assert "Ada Lovelace" in page_text(lines) and "A1001" in page_text(lines)
    assert "Cycle 5" in page_text(lines)
    assert dexamethasone_days(lines) == [1, 2, 3, 4]


def test_sheets_writes_one_page_per_patient_of_the_week(clinic_database, tmp_path):
    output = tmp_path / "week.pdf"
    result = tracker(
        "sheets",
        "--db",
        clinic_database,
        "--week-of",
        "2027-07-02",
        "-o",
        output,
        "--page-size",
        "Letter",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"wrote {output} (4 pages, Letter)"
    pages = page_lines(output)
    assert len(pages) == len(BATCH_NAMES)
    assert [
        name for name in BATCH_NAMES for lines in pages if name in page_text(lines)
    ] == BATCH_NAMES
    assert round(float(PdfReader(output).pages[0].mediabox.height)) == 792


def test_without_page_size_the_remembered_paper_size_is_used(clinic_database, tmp_path):
    database = tmp_path / "copy.sqlite"
    shutil.copy(clinic_database, database)
    with open_database(database) as store:
        set_setting(store, "sheet_page_size", "Letter")
    output = tmp_path / "ada-1.pdf"
    result = tracker("sheet", "--db", database, "--mrn", "A1001", "--cycle", "1", "-o", output)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"wrote {output} (1 page, Letter)"
    assert round(float(PdfReader(output).pages[0].mediabox.height)) == 792


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["sheet", "--mrn", "Z9999", "--cycle", "1"], "unknown MRN 'Z9999'"),
        (["sheet", "--mrn", "A1001", "--cycle", "9"], "has no cycle 9"),
        (["sheet", "--mrn", "A1001", "--cycle", "0"], "'0' must be 1 or more"),
        (["sheet", "--mrn", "A1001", "--cycle", "two"], "'two' is not a whole number"),
        (["sheets", "--week-of", "2027-02-30"], "'2027-02-30' is not a date"),
        (["sheets", "--week-of", "2026-01-07"], "no active patient has a cycle running"),
        (["sheets", "--week-of", "9999-12-31"], "from 9999-12-27 to 9999-12-31"),
        (["sheet", "--mrn", "A1001", "--cycle", "1", "--page-size", "Legal"], "invalid choice"),
    ],
)
def test_refusals_give_one_line_exit_two_and_no_file(clinic_database, tmp_path, arguments, message):
    output = tmp_path / "out.pdf"
    result = tracker(arguments[0], "--db", clinic_database, *arguments[1:], "-o", output)
    assert_cli_refusal(result, message)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("database", "output", "message"),
    [
        ("missing.sqlite", "out.pdf", "there is no database file"),
        (None, "out.txt", "must end in .pdf"),
        (None, "no-folder/out.pdf", "there is no folder"),
    ],
)
def test_bad_database_or_output_path(clinic_database, tmp_path, database, output, message):
    db = tmp_path / database if database else clinic_database
    result = tracker("sheet", "--db", db, "--mrn", "A1001", "--cycle", "1", "-o", tmp_path / output)
    assert_cli_refusal(result, message)
    assert list(tmp_path.iterdir()) == []


def test_without_db_the_default_database_is_read(clinic_database, tmp_path):
    output = tmp_path / "ada-5.pdf"
    result = tracker(
        "sheet", "--mrn", "A1001", "--cycle", "5", "-o", output, default_database=clinic_database
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"wrote {output} (1 page, A4)"
    [lines] = page_lines(output)
    assert "Ada Lovelace" in page_text(lines) and "Cycle 5" in page_text(lines)


def test_without_db_a_missing_default_database_is_refused_not_created(tmp_path):
    default = tmp_path / "data" / "tracker.sqlite"
    result = tracker(
        "sheets", "--week-of", "2027-07-02", "-o", tmp_path / "week.pdf", default_database=default
    )
    assert result.returncode == 2
    assert result.stderr.strip() == f"tracker: error: there is no database file at {default}"
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path):
    notes = tmp_path / "notes.sqlite"
    notes.write_text("shopping list")
    result = tracker(
        "sheet", "--db", notes, "--mrn", "A1001", "--cycle", "1", "-o", tmp_path / "x.pdf"
    )
    assert_cli_refusal(result)
    assert notes.read_text() == "shopping list"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.sqlite"]


def test_command_line_parsing_does_not_load_qt():
    code = (
        "import sys\n"
        "from tracker.cli.main import build_parser\n"
        "build_parser().parse_args(['schedule', '--start', '2027-02-01', '--cycles', '1'])\n"
        "print(any(name.startswith('PySide6') for name in sys.modules))"
    )
    assert python_output(code).strip() == "False"
