"""The application icon on the window, and ``tracker gui --smoke-test`` in a fresh process."""

from __future__ import annotations

import json
import os
import shutil
import time
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QIcon, QImageReader

from tests.damaged_files import write_damaged_database
from tests.helpers import python_output, run_tracker
from tracker.resources import resource_path
from tracker.storage import queries
from tracker.storage.database import open_database
from tracker.storage.demo import fill_demo_database
from tracker.ui.app import launch
from tracker.ui.common.settings import AppSettings
from tracker.ui.shell.app_icon import ICON_FILE, application_icon


def test_qt_reads_svg_images_and_icons(qapp):
    # PySide6-Essentials carries the svg image format and icon engine plugins; without them
    # every window would fall back to a blank icon.
    assert b"svg" in [bytes(name) for name in QImageReader.supportedImageFormats()]
    icon = QIcon(str(resource_path("icons", ICON_FILE)))
    assert not icon.isNull()
    for size in (16, 32, 256):
        assert not icon.pixmap(size, size).isNull()


def test_the_icon_draws_a_28_day_page_with_21_dosing_days(qapp):
    image = application_icon().pixmap(256, 256).toImage()
    assert (image.width(), image.height()) == (256, 256)
    header = image.pixelColor(128, 60)
    first_dosing_day = image.pixelColor(50, 116)  # row 1, column 1
    last_dosing_day = image.pixelColor(206, 174)  # row 3, column 7: day 21
    rest_day = image.pixelColor(50, 203)  # row 4: the week without lenalidomide
    corner = image.pixelColor(2, 2)
    assert header == QColor("#c0392b")
    assert first_dosing_day == QColor("#1f6f8b")
    assert last_dosing_day == QColor("#1f6f8b")
    assert rest_day == QColor("#ffffff")
    assert corner.alpha() == 0


def test_the_main_window_shows_the_application_icon(qtbot, tmp_path: Path):
    window = launch(
        tmp_path / "clinic.sqlite", AppSettings.in_file(tmp_path / "s.ini"), ask_staff=False
    )
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.context.has_store, timeout=5000)

    shown = window.windowIcon()
    expected = QIcon(str(resource_path("icons", ICON_FILE)))
    assert not shown.isNull()
    assert shown.pixmap(64, 64).toImage() == expected.pixmap(64, 64).toImage()
    window.context.store.close()


def test_a_data_folder_without_the_icon_gives_a_plain_frame_rather_than_a_failure(
    qapp, tmp_path: Path, monkeypatch
):
    # RD_TRACKER_RESOURCES may name a folder holding only the clinical files.
    monkeypatch.setenv("RD_TRACKER_RESOURCES", str(tmp_path / "clinical-files-only"))

    assert application_icon().isNull()


# --- tracker gui --smoke-test, in a fresh process as a build or a packager runs it -----------

# Far above the few seconds a smoke test takes: only a hang reaches it.
PROCESS_LIMIT_S = 120


def smoke_test(*arguments: str | Path, env: dict[str, str] | None = None):
    return run_tracker(*arguments, env=env, timeout=PROCESS_LIMIT_S)


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    with open_database(path) as store:
        fill_demo_database(store, 40, seed=3)
    return path


def on_treatment_today(path: Path) -> int:
    with open_database(path) as store:
        return len(queries.today_rows(store, date.today()))


@pytest.mark.slow
def test_smoke_test_opens_the_database_fills_today_draws_and_exits_0(
    demo_database: Path, tmp_path: Path
):
    # Without a command, as the bundle is started; `tracker gui --smoke-test` is the same
    # command (the refusals below use both forms).
    before = demo_database.read_bytes()
    home = tmp_path / "home"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(home / "cache"),
    }

    result = smoke_test("--db", demo_database, "--smoke-test", env=env)

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    expected_rows = on_treatment_today(demo_database)
    assert expected_rows > 0
    passed, timings = result.stdout.splitlines()
    assert passed.startswith("smoke test passed in ")
    assert passed.endswith(" on the offscreen platform")
    assert (
        f"opened {demo_database}, {expected_rows} on Today, drew Today and the cohort report at "
        in passed
    )
    assert_step_times(timings, took=float(passed.split()[4]))
    # Closed cleanly: SQLite folded its write-ahead log back and removed it, and opening
    # wrote nothing to the file.
    assert not Path(f"{demo_database}-wal").exists()
    assert demo_database.read_bytes() == before
    # No preferences, log or default database of the user were written; only matplotlib
    # keeps its font cache, as in any session that draws a chart.
    written = [
        path.relative_to(home)
        for path in home.rglob("*")
        if path.is_file() and "matplotlib" not in path.relative_to(home).parts
    ]
    assert written == []


def assert_step_times(line: str, took: float) -> None:
    """The JSON line: the three steps in seconds from the start of the process, in the order
    a user sees them, the last no later than the process ran."""
    steps = json.loads(line)
    assert list(steps) == ["window_shown_s", "today_filled_s", "report_drawn_s"]
    shown, filled, drawn = steps.values()
    assert all(isinstance(value, float) for value in steps.values())
    # The interpreter and Qt start before the window can show: not zero, not after the end.
    assert 0 < shown <= filled <= drawn
    assert drawn - shown <= took


@pytest.mark.slow
def test_the_step_times_count_from_the_start_of_the_process(demo_database: Path, tmp_path: Path):
    # Started by a parent that notes the time first: the process cannot have drawn the report
    # later than the parent saw it end, nor shown its window before the parent started it.
    started = time.monotonic()
    result = smoke_test("--db", demo_database, "--smoke-test")
    elapsed = time.monotonic() - started

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line for line in lines if line.startswith("{")] == [lines[-1]]
    steps = json.loads(lines[-1])
    assert steps["report_drawn_s"] < elapsed
    # Python, PySide6 and the application's modules load before any window: a clock that
    # started with the smoke test instead of the process would read far less.
    assert steps["window_shown_s"] > 0.05


def test_seconds_since_the_process_started_are_those_of_the_process_asking():
    from tracker.ui.smoke_test import seconds_since_process_start

    here = seconds_since_process_start()
    if here is None:
        pytest.skip("this system does not say when a process started")
    assert 0 < here <= seconds_since_process_start()
    # A child process asking is younger than the time its parent waited for its answer.
    started = time.monotonic()
    child = python_output(
        "from tracker.ui.smoke_test import seconds_since_process_start as s; print(s())"
    )
    waited = time.monotonic() - started
    assert 0 < float(child) < waited


def test_a_damaged_database_fails_the_smoke_test_with_one_line_and_no_dialog(tmp_path: Path):
    # The damage sits inside a page only the whole-file check reads, after the window opened.
    path = tmp_path / "damaged.sqlite"
    write_damaged_database(path, date.today())
    before = path.read_bytes()

    result = smoke_test("--db", path, "--smoke-test")

    assert result.returncode == 2, result
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(f"tracker: error: {path} is damaged")
    assert "File > Open database" not in result.stderr
    assert path.read_bytes() == before


def test_a_file_that_is_no_database_fails_the_smoke_test_with_one_line(tmp_path: Path):
    path = tmp_path / "notes.sqlite"
    path.write_text("appointments for Tuesday\n" * 200, encoding="utf-8")

    result = smoke_test("gui", "--smoke-test", "--db", path)

    assert result.returncode == 2, result
    assert result.stderr.splitlines() == [
        f"tracker: error: {path} is not an Rd Cycle Tracker database or is damaged "
        "(file is not a database); it was left unchanged"
    ]


def test_a_data_file_missing_from_the_installation_fails_the_smoke_test(
    demo_database: Path, tmp_path: Path
):
    # As a bundle built without one of its data files: Today cannot work out who has labs due.
    partial = tmp_path / "resources"
    shutil.copytree(resource_path(), partial)
    (partial / "monitoring.toml").unlink()
    env = {**os.environ, "RD_TRACKER_RESOURCES": str(partial)}

    result = smoke_test("--db", demo_database, "--smoke-test", env=env)

    assert result.returncode == 1
    assert result.stdout == ""
    last_line = result.stderr.splitlines()[-1]
    assert last_line == (
        "tracker: smoke test failed: FileNotFoundError: missing data file: "
        f"{partial / 'monitoring.toml'}"
    )
    assert "Traceback" in result.stderr  # where it failed, for the build log


def test_a_bundle_without_its_icon_fails_the_smoke_test(demo_database: Path, tmp_path: Path):
    partial = tmp_path / "resources"
    shutil.copytree(resource_path(), partial)
    shutil.rmtree(partial / "icons")
    env = {**os.environ, "RD_TRACKER_RESOURCES": str(partial)}

    result = smoke_test("--db", demo_database, "--smoke-test", env=env)

    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        f"tracker: smoke test failed: the application icon {ICON_FILE} is missing"
    )


def test_the_smoke_test_never_creates_a_database(tmp_path: Path):
    path = tmp_path / "typo.sqlite"

    result = smoke_test("--db", path, "--smoke-test")

    assert result.returncode == 2
    assert result.stderr == f"tracker: error: there is no database file at {path}\n"
    assert not path.exists()


def test_a_smoke_test_that_does_not_finish_in_time_fails(demo_database: Path):
    result = smoke_test("--db", demo_database, "--smoke-test", "--smoke-test-timeout", "0.05")

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == "tracker: smoke test failed: not finished within 0.05 s\n"


def test_the_smoke_test_timeout_must_be_positive(demo_database: Path):
    result = smoke_test("--db", demo_database, "--smoke-test", "--smoke-test-timeout", "0")

    assert result.returncode == 2
    assert result.stderr == (
        "tracker: error: --smoke-test-timeout must be a positive number of seconds\n"
    )


def test_options_without_a_command_go_to_the_application_and_help_stays_general():
    unknown = smoke_test("--no-such-option")
    general_help = smoke_test("--help")

    assert unknown.returncode == 2
    assert unknown.stderr == "tracker: error: unrecognized arguments: --no-such-option\n"
    assert general_help.returncode == 0
    assert "options of 'gui'" in general_help.stdout
    assert "demo" in general_help.stdout
