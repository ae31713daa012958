"""Sheets and charts are written beside their target, read back, then renamed into place:
never over a file without --force, never over a database, never cut off."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from matplotlib.figure import Figure
from pypdf import PdfReader

from tests.helpers import assert_cli_refusal
from tests.helpers import run_tracker_here as run_tracker
from tests.reports.sheet_data import TODAY
from tracker.reports import charts, output_checks, sheet_export
from tracker.reports.errors import ReportError
from tracker.reports.sheet_export import write_sheets_pdf
from tracker.reports.sheet_load import load_cycle_sheet, load_week_sheets
from tracker.reports.sheet_render import SheetRenderError
from tracker.storage.errors import StorageError

WEEK = "2027-07-02"


def sheet_command(database: Path, output: Path, *extra: str):
    return run_tracker(
        "sheet", "--db", database, "--mrn", "A1001", "--cycle", "5", "-o", output, *extra
    )


def test_a_sheet_replaces_a_file_only_with_force(qapp, clinic_database, tmp_path):
    output = tmp_path / "sheet.pdf"
    output.write_bytes(b"%PDF an earlier sheet")
    assert_cli_refusal(sheet_command(clinic_database, output), "already exists (use --force")
    assert output.read_bytes() == b"%PDF an earlier sheet"
    result = sheet_command(clinic_database, output, "--force")
    assert result.returncode == 0, result.stderr
    assert len(PdfReader(output).pages) == 1
    assert sorted(path.name for path in tmp_path.iterdir()) == ["sheet.pdf"]


def test_a_chart_replaces_a_file_only_with_force(qapp, clinic_database, tmp_path):
    output = tmp_path / "chart.svg"
    output.write_text("<svg>an earlier chart</svg>")
    assert_cli_refusal(run_tracker("chart", "--db", clinic_database, "-o", output), "--force")
    assert output.read_text() == "<svg>an earlier chart</svg>"
    result = run_tracker("chart", "--db", clinic_database, "-o", output, "--force")
    assert result.returncode == 0, result.stderr
    assert output.read_text().rstrip().endswith("</svg>") and "earlier" not in output.read_text()


def test_a_chart_is_never_written_over_the_database_it_reads(qapp, clinic_database, tmp_path):
    """``tracker chart --db db.png -o db.png`` once replaced the database with a picture."""
    database = tmp_path / "db.png"
    shutil.copyfile(clinic_database, database)
    before = database.read_bytes()
    for extra in ((), ("--force",)):
        result = run_tracker("chart", "--db", database, "-o", database, *extra)
        assert_cli_refusal(result)
        assert database.read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["db.png"]


@pytest.mark.parametrize("name", ["copy.pdf", "copy.png"])
def test_no_output_is_written_over_any_database(qapp, clinic_database, tmp_path, name):
    other = tmp_path / name
    shutil.copyfile(clinic_database, other)
    command = (
        ("sheet", "--mrn", "A1001", "--cycle", "5") if name.endswith(".pdf") else ("chart",)
    )
    result = run_tracker(command[0], "--db", clinic_database, *command[1:], "-o", other,
                         "--force")
    assert_cli_refusal(result, "is a database")
    assert other.read_bytes() == Path(clinic_database).read_bytes()


def test_a_pdf_missing_a_page_is_not_put_in_place(qapp, clinic, tmp_path, monkeypatch):
    sheets = load_week_sheets(clinic, TODAY)
    assert len(sheets) > 1
    real_render = sheet_export.render_sheets
    monkeypatch.setattr(
        sheet_export, "render_sheets",
        lambda device, pages, *, print_date: real_render(device, pages[:-1], print_date=print_date),
    )
    with pytest.raises(SheetRenderError, match=f"read back with {len(sheets) - 1} pages instead of {len(sheets)}"):
        write_sheets_pdf(tmp_path / "week.pdf", sheets, print_date=TODAY)
    assert list(tmp_path.iterdir()) == []


def _cutting_off(real_check):
    def cut_then_check(path: Path, *arguments):
        data = path.read_bytes()
        path.write_bytes(data[: len(data) * 2 // 3])
        return real_check(path, *arguments)

    return cut_then_check


def test_a_pdf_cut_off_while_written_is_not_put_in_place(qapp, clinic, tmp_path, monkeypatch):
    """What Qt's PDF writer leaves on a full disk, reporting no error: a cut-off file."""
    previous = tmp_path / "sheet.pdf"
    previous.write_bytes(b"%PDF the sheet printed last week")
    monkeypatch.setattr(sheet_export, "check_pdf", _cutting_off(output_checks.check_pdf))
    with pytest.raises(SheetRenderError, match="cut off; nothing was written"):
        write_sheets_pdf(previous, [load_cycle_sheet(clinic, "A1001", 5)], overwrite=True)
    assert previous.read_bytes() == b"%PDF the sheet printed last week"
    assert list(tmp_path.iterdir()) == [previous]


@pytest.mark.parametrize("name", ["chart.png", "chart.svg", "chart.pdf"])
def test_a_chart_cut_off_while_written_is_not_put_in_place(tmp_path, monkeypatch, name):
    monkeypatch.setattr(output_checks, "check_image", _cutting_off(output_checks.check_image))
    figure = Figure()
    figure.add_subplot().plot([1, 2, 3])
    with pytest.raises(ReportError, match=f"could not write .*{name}: the file came out cut off"):
        charts.save_figure(figure, tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_outputs_get_the_permissions_a_new_file_gets(qapp, clinic, tmp_path):
    mask = os.umask(0o022)
    os.umask(mask)
    figure = Figure()
    figure.add_subplot().plot([1, 2])
    written = [
        charts.save_figure(figure, tmp_path / "chart.png"),
        write_sheets_pdf(tmp_path / "sheet.pdf", [load_cycle_sheet(clinic, "A1001", 5)]),
    ]
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask


def test_refusals_come_before_any_work(qapp, clinic, tmp_path):
    sheet = load_cycle_sheet(clinic, "A1001", 5)
    device = tmp_path / "device"  # a named pipe: the real /dev/null is never a target
    os.mkfifo(device)
    with pytest.raises(StorageError, match="is the database being read"):
        write_sheets_pdf(Path(f"{clinic.path}-wal"), [sheet], guarded=[Path(f"{clinic.path}-wal")])
    with pytest.raises(StorageError, match="not a regular file"):
        write_sheets_pdf(device, [sheet], overwrite=True)
