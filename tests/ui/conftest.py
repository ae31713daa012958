"""Fixtures for the Qt screens: a real database file and isolated settings in tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QThreadPool

from tracker.storage.database import Store, open_database
from tracker.ui.common.context import AppContext
from tracker.ui.common.settings import AppSettings

FIXED_TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def isolated_user_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the real preferences, default database or backups."""
    user_settings = tmp_path / "user-settings"
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(user_settings))
    monkeypatch.setenv("RD_TRACKER_DATABASE", str(tmp_path / "default" / "tracker.sqlite"))


def activate(qtbot, widget) -> None:
    """Show ``widget`` as the active window, so keyboard shortcuts reach it."""
    widget.show()
    qtbot.waitExposed(widget)
    widget.windowHandle().requestActivate()
    qtbot.waitUntil(widget.isActiveWindow, timeout=2000)


def close_window(qtbot, window) -> None:
    """Close the main window; after changes it first backs up off the GUI thread, and closes
    itself once that is done."""
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)


def cancel_print_dialog_when_shown() -> list[str]:
    """Cancel the next print dialog as soon as it is shown; its title lands in the list."""
    from PySide6.QtCore import QTimer
    from PySide6.QtPrintSupport import QPrintDialog
    from PySide6.QtWidgets import QApplication

    titles: list[str] = []

    def cancel() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QPrintDialog):
            titles.append(dialog.windowTitle())
            dialog.reject()
        else:
            QTimer.singleShot(20, cancel)

    QTimer.singleShot(0, cancel)
    return titles


def show_loaded(qtbot, window) -> None:
    """Show the main window and wait for the Today screen to read its rows."""
    window.show()
    qtbot.waitUntil(lambda: not window.today_view.loading, timeout=5000)


@pytest.fixture
def settings(tmp_path: Path) -> AppSettings:
    return AppSettings.in_file(tmp_path / "settings.ini")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_database(tmp_path / "clinic.sqlite", clock=lambda: FIXED_TODAY)
    yield opened
    opened.close()


@pytest.fixture
def messages() -> list[str]:
    """Every error message a screen showed, in order."""
    return []


@pytest.fixture
def context(store: Store, messages: list[str]) -> AppContext:
    made = AppContext(store)
    made.report_error = lambda parent, message: messages.append(message)
    return made


@pytest.fixture
def answers() -> list[bool]:
    """Answers given, in order, to the yes/no questions screens ask; questions land in .asked."""
    return []


@pytest.fixture
def window(qtbot, context: AppContext, settings: AppSettings, tmp_path: Path, answers: list[bool]):
    from tracker.ui.shell.main_window import MainWindow

    made = MainWindow(context, settings, automatic_backup_dir=tmp_path / "backups")
    qtbot.addWidget(made)
    asked: list[str] = []

    def confirm(parent, title: str, question: str) -> bool:
        asked.append(question)
        return answers.pop(0) if answers else False

    made.confirm = confirm
    made.patients_view.confirm = confirm
    made.asked = asked
    yield made
    # Closed by now (pytest-qt closes widgets first): a backup it started on closing after
    # changes finishes here, not under the next test's feet.
    QThreadPool.globalInstance().waitForDone()


# What the offscreen platform logs because it has no window system: it cannot pass size
# hints on, raise a popup or let a popup grab the keyboard. None of it is a fault. A test
# that adds its own qt_log_ignore mark replaces this list (pytest-qt reads the closest mark
# only), so add patterns here instead.
OFFSCREEN_NOISE = (
    r"This plugin does not support propagateSizeHints",
    r"This plugin does not support raise",
    r"This plugin does not support grabbing the keyboard",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE))
