"""What comes before the window is on screen, and what waits until it is needed.

The window is shown before the database is opened (``tracker.ui.app.launch``), so the
database library is imported with the first database, and the screens that are not shown at
start are built, with their modules, the first time they are asked for.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tracker.storage.database import open_database
from tracker.storage.schema import MIGRATION_SET, known_migration_names

LATER = ("sqlite_utils", "numpy", "scipy", "matplotlib")


def _run(script: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    return result.stdout.split()


def test_the_main_window_is_built_before_any_database_or_statistics_library_loads(tmp_path):
    loaded = _run(
        f"""
        import sys
        from PySide6.QtWidgets import QApplication
        from tracker.ui.app import launch
        from tracker.ui.common.settings import AppSettings

        app = QApplication([])
        window = launch(None, AppSettings.in_file({str(tmp_path / "s.ini")!r}), ask_staff=False)
        print(" ".join(sorted(sys.modules)))
        """
    )
    assert [name for name in LATER if name in loaded] == []
    assert "tracker.ui.patients.patients_view" not in loaded
    assert "tracker.ui.today_advice" not in loaded
    assert "tracker.storage.queries" not in loaded
    assert "tracker.domain.regimen" not in loaded


def test_opening_the_first_database_loads_the_database_library(tmp_path):
    loaded = _run(
        f"""
        import sys
        from tracker.storage.database import open_database

        print("before:", "sqlite_utils" in sys.modules)
        open_database({str(tmp_path / "clinic.sqlite")!r}).close()
        print("after:", "sqlite_utils" in sys.modules)
        """
    )
    assert loaded == ["before:", "False", "after:", "True"]


def test_a_new_database_records_its_schema_changes_under_their_released_names(tmp_path):
    # The names are in every clinic's file: a version that recorded others would take its
    # own schema for a newer program's.
    open_database(tmp_path / "clinic.sqlite").close()
    with sqlite3.connect(tmp_path / "clinic.sqlite") as connection:
        recorded = connection.execute(
            "SELECT migration_set, name FROM _sqlite_migrations ORDER BY id"
        ).fetchall()
    released = [
        "m001_initial",
        "m002_interruptions",
        "m003_date_of_death",
        "m004_mrn_key",
        "m005_vte_risk_factors",
        "m006_rems",
        "m007_row_versions",
        "m008_audit_chain",
        "m009_value_rules",
        "m010_accounts",
    ]
    assert recorded == [(MIGRATION_SET, name) for name in released]
    assert known_migration_names() == set(released)


def test_an_installed_sqlite_utils_plugin_does_not_reach_the_clinic_database(tmp_path: Path):
    from sqlite_utils import hookimpl
    from sqlite_utils.plugins import pm

    class Plugin:
        __name__ = "stranger"

        @hookimpl
        def prepare_connection(self, conn: sqlite3.Connection) -> None:
            conn.create_function("stranger", 0, lambda: "was here")

    plugin = Plugin()
    pm.register(plugin, name="stranger")
    try:
        with (
            open_database(tmp_path / "clinic.sqlite") as store,
            pytest.raises(sqlite3.OperationalError, match="no such function: stranger"),
        ):
            store.db.execute("SELECT stranger()")
    finally:
        pm.unregister(plugin)


def test_the_gui_command_line_builds_only_the_gui_parser():
    loaded = _run(
        """
        import sys
        from tracker.cli.main import build_parser

        arguments = build_parser("gui").parse_args(["gui", "--db", "x.sqlite"])
        print(arguments.command, " ".join(sorted(sys.modules)))
        """
    )
    assert loaded[0] == "gui"
    assert "logging.handlers" not in loaded
    for other in ("schedule", "sheet_commands", "data_commands", "report_commands"):
        assert f"tracker.cli.{other}" not in loaded


def test_every_command_is_registered_when_none_is_asked_for():
    from tracker.cli.main import build_parser

    subcommands = build_parser()._subparsers._group_actions[0].choices
    assert {"gui", "schedule", "sheet", "report", "demo"} <= set(subcommands)
