"""Start the Qt application: pick the database, show the window, catch what nobody caught;
and the smoke test that checks an installation starts and draws its screens."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QMessageLogContext, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from tracker.storage.database import default_database_path
from tracker.storage.errors import StorageError
from tracker.ui import database_actions
from tracker.ui.app_icon import DESKTOP_FILE_ID, ICON_FILE, application_icon
from tracker.ui.context import AppContext, show_error
from tracker.ui.main_window import MainWindow
from tracker.ui.settings import APPLICATION, ORGANIZATION, AppSettings

LOG_NAME = "tracker"
log = logging.getLogger(LOG_NAME)
_EXPOSE_POLL_MS = 10

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]
ErrorReport = Callable[[QWidget | None, str], None]


def log_file_path() -> Path:
    from platformdirs import user_log_path

    return user_log_path("rd-cycle-tracker", appauthor=False) / "tracker.log"


LOG_LIMIT_BYTES = 1_000_000
LOG_KEEP = 3


def rotate_log(path: Path, limit_bytes: int = LOG_LIMIT_BYTES, keep: int = LOG_KEEP) -> None:
    """Once ``path`` has grown past ``limit_bytes``, shift it to ``path.1`` (``path.1`` to
    ``path.2``, …), keeping ``keep`` old logs."""
    if not path.is_file() or path.stat().st_size < limit_bytes:
        return
    for number in range(keep - 1, 0, -1):
        older = path.with_name(f"{path.name}.{number}")
        if older.exists():
            older.replace(path.with_name(f"{path.name}.{number + 1}"))
    path.replace(path.with_name(f"{path.name}.1"))


def configure_logging(path: Path) -> None:
    """Append to ``path``, rotated at start once past 1 MB; the folder is created if needed.

    Rotating at start rather than with ``logging.handlers`` keeps that module (and the socket
    and pickle modules it imports) out of the start-up; the log holds only errors and notices,
    so one session never fills it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    rotate_log(path)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)


def install_exception_hook(report: Callable[[str], None], log_path: Path | None) -> ExceptHook:
    """Route uncaught exceptions to the log and a dialog instead of a traceback on stderr.

    Returns the hook it replaced.
    """
    previous = sys.excepthook

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, error, trace)
            return
        log.error("unexpected error", exc_info=(kind, error, trace))
        where = f"\n\nDetails were written to {log_path}." if log_path else ""
        try:
            report(
                f"Something went wrong: {error or kind.__name__}.{where}\n\n"
                "Changes saved before this are safe in the database."
            )
        except Exception:
            previous(kind, error, trace)

    sys.excepthook = hook
    return previous


def startup_database(cli_path: Path | None, settings: AppSettings) -> tuple[Path, str | None]:
    """The database to open at start, and a note for the status bar when it is a fallback.

    ``--db`` wins; then the database used last time, if it is still there; then the default.
    """
    if cli_path is not None:
        return cli_path.expanduser(), None
    last = settings.last_database()
    if last is not None:
        if last.is_file():
            return last, None
        return default_database_path(), f"{last} was not found; opened the default database"
    return default_database_path(), None


def open_at_start(
    window: MainWindow, path: Path, *, clock: Callable[[], date] = date.today
) -> bool:
    """Open (creating if new) the start-up database; a refused file leaves no database open."""
    store, message = database_actions.try_open(
        path, staff=window.staff_initials, clock=clock, check_in_background=True
    )
    window.today_view.no_database_text = "No database is open."
    if store is None:
        window.context.report_error(
            window, f"{message}\n\nUse File > Open database… or File > New database…."
        )
        window.today_view.reload()
        return False
    window.context.replace_store(store)
    return True


def call_when_exposed(widget: QWidget, call: Callable[[], None]) -> None:
    """Run ``call`` once ``widget``'s window is on screen (and so painted once)."""

    def attempt() -> None:
        handle = widget.windowHandle()
        if handle is not None and not handle.isExposed() and widget.isVisible():
            QTimer.singleShot(_EXPOSE_POLL_MS, attempt)
            return
        # One more turn of the event loop, so the first paint reaches the screen first.
        QTimer.singleShot(0, call)

    QTimer.singleShot(0, attempt)


def launch(
    db_path: Path | None,
    settings: AppSettings,
    *,
    ask_staff: bool = True,
    clock: Callable[[], date] = date.today,
    report_error: ErrorReport | None = None,
) -> MainWindow:
    """Show the main window at once, then open the database into it.

    Opening checks the whole file (seconds for a large clinic), so the window comes first and
    says what it is doing; the staff prompt follows once the database is open. Refusals go to
    ``report_error`` (a dialog unless given).
    """
    window = MainWindow(AppContext(), settings)
    if report_error is not None:
        window.context.report_error = report_error
    window.setWindowIcon(application_icon())
    path, note = startup_database(db_path, settings)
    window.today_view.no_database_text = f"Opening {path}…"
    window.statusBar().showMessage(f"Opening {path}…")
    window.show()

    def open_database() -> None:
        window.statusBar().clearMessage()
        if open_at_start(window, path, clock=clock) and note:
            window.statusBar().showMessage(note, 15000)
        if ask_staff:
            QTimer.singleShot(0, window.ask_staff_initials_once)

    call_when_exposed(window, open_database)
    return window


def _application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    # Wayland desktops match the window to its desktop entry, and take its icon from there.
    app.setDesktopFileName(DESKTOP_FILE_ID)
    # Dialogs opened without a parent window show the icon too.
    app.setWindowIcon(application_icon())
    return app


def run_app(db_path: Path | None = None) -> int:
    log_path: Path | None = log_file_path()
    try:
        configure_logging(log_path)
    except OSError:
        log_path = None
    app = _application()
    install_exception_hook(
        lambda message: show_error(QApplication.activeWindow(), message, "Unexpected error"),
        log_path,
    )
    window = launch(db_path, AppSettings())
    code = app.exec()
    if window.context.has_store:
        window.context.store.close()
    return code


# --- smoke test ---------------------------------------------------------------------------

SMOKE_PASSED = 0
SMOKE_BROKEN = 1  # the program failed: an uncaught error, no picture, no window in time
SMOKE_REFUSED = 2  # the database given was refused, as every other command refuses bad input
_SMOKE_POLL_MS = 20
_OFFSCREEN_NOTICE = "This plugin does not support"


def _one_line(message: str) -> str:
    """The first paragraph of a message, on one line: what went wrong, without a dialog's
    advice on which menu to use next (or the pages of advice some libraries' errors carry)."""
    paragraphs = (" ".join(part.split()) for part in message.split("\n\n"))
    return next((paragraph for paragraph in paragraphs if paragraph), "")


def _today_filled(window: MainWindow) -> bool:
    today = window.today_view
    return window.context.has_store and not today.loading and today.shown_date is not None


def _damage_found(window: MainWindow) -> str | None:
    """What the start-up integrity check found wrong with the open database, once it is done;
    None for an intact file or none open."""
    if not window.context.has_store:
        return None
    try:
        window.context.store.wait_for_integrity()
    except StorageError as error:
        return _one_line(str(error))
    return None


def _start_watchdog(timeout_s: float) -> threading.Timer:
    """End the process after ``timeout_s`` whatever the main thread is doing, so a start-up
    stuck in a loop or behind a window nobody answers cannot hang a build."""

    def expire() -> None:
        print(
            f"tracker: smoke test failed: not finished within {timeout_s:g} s",
            file=sys.stderr,
            flush=True,
        )
        os._exit(SMOKE_BROKEN)

    watchdog = threading.Timer(timeout_s, expire)
    watchdog.daemon = True
    watchdog.start()
    return watchdog


def _drop_offscreen_notices() -> None:
    """On the offscreen platform (a build machine without a display) Qt notes that it cannot
    pass size hints on to a window system; that is no fault, and it would make a second line
    on stderr. Every other Qt message still goes to stderr."""

    def handler(_kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        if QGuiApplication.platformName() == "offscreen" and message.startswith(_OFFSCREEN_NOTICE):
            return
        print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def run_smoke_test(db_path: Path, *, timeout_s: float) -> int:
    """Start as ``tracker gui --db`` does, wait for the database to open and Today to fill,
    draw the window, then once more on the cohort report, close it and the database, and
    return 0.

    Nothing waits for an answer: there is no staff prompt, a refused database ends the run
    with one line on stderr and status 2, and an uncaught error with its traceback, one line
    and status 1. Preferences go to a throwaway file, so the user's window layout and last
    database stay as they were.
    """
    started = time.perf_counter()
    watchdog = _start_watchdog(timeout_s)
    _drop_offscreen_notices()
    app = _application()
    failure: list[tuple[int, str]] = []

    def fail(status: int, message: str) -> None:
        if not failure:
            failure.append((status, message))
        app.exit(status)

    with tempfile.TemporaryDirectory(prefix="tracker-smoke-test-") as folder:
        window = launch(
            db_path,
            AppSettings.in_file(Path(folder) / "settings.ini"),
            ask_staff=False,
            report_error=lambda _parent, message: fail(
                SMOKE_REFUSED, f"error: {_one_line(message)}"
            ),
        )
        rendered: list[tuple[int, int]] = []

        def uncaught(
            kind: type[BaseException], error: BaseException, trace: TracebackType | None
        ) -> None:
            # A read that failed on a file the whole-file check then finds damaged is
            # explained by the damage: that is the one line worth printing.
            damage = _damage_found(window)
            if damage is not None:
                fail(SMOKE_REFUSED, f"error: {damage}")
                return
            traceback.print_exception(kind, error, trace, file=sys.stderr)
            fail(SMOKE_BROKEN, f"smoke test failed: {kind.__name__}: {_one_line(str(error))}")

        previous_hook = sys.excepthook
        sys.excepthook = uncaught

        def finish_when_ready() -> None:
            if failure or not _today_filled(window) or window.context.store.integrity_pending:
                return
            poll.stop()
            damage = _damage_found(window)
            if damage is not None:
                fail(SMOKE_REFUSED, f"error: {damage}")
                return
            # One more turn of the event loop first, so the layout settles around the rows.
            QTimer.singleShot(0, draw_today)

        def draw(screen: str) -> bool:
            picture = window.grab()
            if picture.isNull():
                fail(SMOKE_BROKEN, f"smoke test failed: {screen} could not be drawn")
                return False
            rendered.append((picture.width(), picture.height()))
            return True

        def draw_today() -> None:
            # The icon is a data file drawn by Qt's SVG plugin: both must have come along.
            if window.windowIcon().pixmap(32, 32).isNull():
                fail(
                    SMOKE_BROKEN, f"smoke test failed: the application icon {ICON_FILE} is missing"
                )
                return
            if draw("Today"):
                # The cohort report loads matplotlib's Qt canvas and scipy.stats, the parts
                # of the application a bundle most easily leaves out.
                window.show_cohort()
                QTimer.singleShot(0, draw_cohort_and_close)

        def draw_cohort_and_close() -> None:
            cohort = window.cohort_view
            if cohort is None or cohort.report is None:
                reason = cohort.status_label.text() if cohort is not None else "not shown"
                fail(SMOKE_BROKEN, f"smoke test failed: no cohort report: {reason}")
                return
            if draw("the cohort report"):
                window.close()
                app.exit(SMOKE_PASSED)

        poll = QTimer(interval=_SMOKE_POLL_MS)
        poll.timeout.connect(finish_when_ready)
        poll.start()
        try:
            app.exec()
        finally:
            poll.stop()
            sys.excepthook = previous_hook
            today_rows = window.today_view.model.rowCount()
            if window.context.has_store:
                window.context.store.close()
            window.deleteLater()
    watchdog.cancel()
    if not failure and len(rendered) < 2:
        failure.append((SMOKE_BROKEN, "smoke test failed: the window closed before it was drawn"))
    if failure:
        print(f"tracker: {failure[0][1]}", file=sys.stderr)
        return failure[0][0]
    width, height = rendered[-1]
    print(
        f"smoke test passed in {time.perf_counter() - started:.2f} s: opened {db_path}, "
        f"{today_rows} on Today, drew Today and the cohort report at {width}x{height} "
        f"on the {QGuiApplication.platformName()} platform"
    )
    return SMOKE_PASSED
