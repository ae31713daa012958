"""A value no rule allows, met by a screen, is one clear message naming the table and the
row, never a traceback: Today, and the smoke test a build runs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.helpers import run_tracker
from tests.older_files import write_older_file
from tracker.storage.database import open_database
from tracker.ui.common.context import AppContext
from tracker.ui.today.today_view import TodayView

BAD_EVENT = "adverse_events row 1 holds a value the program cannot use: grade 9 is not a whole"


def test_today_says_which_row_holds_the_bad_value(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "older.sqlite"
    write_older_file(path, course_start="2026-02-02")
    messages: list[str] = []
    context = AppContext(open_database(path, clock=lambda: date(2026, 3, 2)))
    context.report_error = lambda _parent, message: messages.append(message)
    view = TodayView(context)
    qtbot.addWidget(view)
    view.show()
    view.reload()
    qtbot.waitUntil(lambda: not view.loading, timeout=5000)
    assert len(messages) == 1 and messages[0].startswith(BAD_EVENT)
    assert "'tracker verify' lists every such value" in messages[0]
    context.replace_store(None)


def test_the_smoke_test_fails_with_one_line_naming_the_row(tmp_path: Path) -> None:
    path = tmp_path / "older.sqlite"
    write_older_file(path, course_start=date.today().replace(day=1).isoformat())
    open_database(path).close()
    result = run_tracker("--db", path, "--smoke-test", timeout=120)
    assert result.returncode == 2, result
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(f"tracker: error: {BAD_EVENT}")
    assert "Traceback" not in result.stderr
