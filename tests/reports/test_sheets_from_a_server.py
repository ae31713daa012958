"""Sheets printed from a server database say what the same records in a file say."""

from __future__ import annotations

from pathlib import Path

from tests.reports.sheet_data import page_lines, page_text
from tests.reports.test_sheet_cli import tracker
from tracker.storage.copy import copy_database


def test_the_week_sheets_from_a_server_match_the_files(
    clinic_database: Path, server_database: str, tmp_path: Path
) -> None:
    copy_database(clinic_database, server_database)
    pages = {}
    for name, database in (("file", clinic_database), ("server", server_database)):
        output = tmp_path / f"{name}.pdf"
        result = tracker("sheets", "--db", database, "--week-of", "2027-07-02", "-o", output)
        assert result.returncode == 0, result.stderr
        pages[name] = [page_text(lines) for lines in page_lines(output)]
    assert len(pages["server"]) == len(pages["file"]) > 1
    assert pages["server"] == pages["file"]
