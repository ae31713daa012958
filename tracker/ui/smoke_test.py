"""``tracker gui --smoke-test``: check that an installation starts, opens a database and
draws its screens, answering nothing and exiting with a status a build can test.

A run that passes also prints, as its last line, one JSON object with how long the steps a
user waits for took, in seconds from the start of the process: ``window_shown_s`` (the
window on screen), ``today_filled_s`` (Today listing everyone on treatment) and
``report_drawn_s`` (the cohort report drawn), so anyone can measure a build on their machine.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import (
    QEvent,
    QMessageLogContext,
    QObject,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QGuiApplication

from tracker.storage.accounts import PASSWORD_VARIABLE, USER_VARIABLE
from tracker.storage.errors import StorageError
from tracker.ui.app import application, launch
from tracker.ui.common.reads import wait_for_background_reads
from tracker.ui.common.settings import AppSettings
from tracker.ui.shell.app_icon import ICON_FILE
from tracker.ui.shell.main_window import MainWindow

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


def seconds_since_process_start() -> float | None:
    """How long this process has been running, from the system's record of its start (Linux:
    ``/proc/self/stat``, in clock ticks since boot); None where that is not available."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            # The program name, in brackets, may hold spaces: the fields follow its end.
            fields = stat.read().rsplit(")", 1)[1].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")
        return time.clock_gettime(time.CLOCK_BOOTTIME) - started
    except (OSError, ValueError, IndexError, AttributeError):
        return None


class StepClock(QObject):
    """When the window was shown, Today filled and the report drawn, in seconds from the
    start of the process (from the start of the smoke test where the system does not say
    when the process started)."""

    def __init__(self) -> None:
        super().__init__()
        age = seconds_since_process_start()
        self._origin = time.perf_counter() - (age if age is not None else 0.0)
        self.steps: dict[str, float] = {}

    def mark(self, step: str) -> None:
        self.steps.setdefault(step, round(time.perf_counter() - self._origin, 3))

    def watch_window(self, window: MainWindow) -> None:
        handle = window.windowHandle()
        if handle is not None and handle.isExposed():
            self.mark("window_shown_s")
        elif handle is not None:
            handle.installEventFilter(self)
        today = window.today_view

        def filled() -> None:
            if window.context.has_store and today.shown_date is not None:
                self.mark("today_filled_s")

        today.filled.connect(filled)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Expose and watched.isExposed():
            self.mark("window_shown_s")
            watched.removeEventFilter(self)
        return False

    def json_line(self) -> str:
        keys = ("window_shown_s", "today_filled_s", "report_drawn_s")
        return json.dumps({key: self.steps.get(key) for key in keys})


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


def _credentials() -> tuple[str, str] | None:
    """Who signs in to an encrypted database: ``$RD_TRACKER_USER`` with
    ``$RD_TRACKER_PASSWORD`` (a smoke test asks nothing)."""
    name, password = os.environ.get(USER_VARIABLE), os.environ.get(PASSWORD_VARIABLE)
    return (name, password) if name and password is not None else None


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
    clock = StepClock()
    watchdog = _start_watchdog(timeout_s)
    _drop_offscreen_notices()
    app = application()
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
            # Only reading: the file is left byte for byte as it was, no -wal or -shm made.
            read_only=True,
            report_error=lambda _parent, message: fail(
                SMOKE_REFUSED, f"error: {_one_line(message)}"
            ),
            sign_in_as=_credentials(),
        )
        clock.watch_window(window)
        rendered: list[tuple[int, int]] = []

        def uncaught(
            kind: type[BaseException], error: BaseException, trace: TracebackType | None
        ) -> None:
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
                # of the application a bundle most easily leaves out; it reads them, and the
                # report, off the GUI thread.
                window.show_cohort()
                cohort_poll.start()

        def draw_cohort_and_close() -> None:
            cohort = window.cohort_view
            if failure or (cohort is not None and cohort.loading):
                return
            cohort_poll.stop()
            if cohort is None or cohort.report is None:
                reason = cohort.status_label.text() if cohort is not None else "not shown"
                fail(SMOKE_BROKEN, f"smoke test failed: no cohort report: {reason}")
                return
            if draw("the cohort report"):
                clock.mark("report_drawn_s")
                window.close()
                app.exit(SMOKE_PASSED)

        poll = QTimer(interval=_SMOKE_POLL_MS)
        poll.timeout.connect(finish_when_ready)
        poll.start()
        cohort_poll = QTimer(interval=_SMOKE_POLL_MS)
        cohort_poll.timeout.connect(draw_cohort_and_close)
        try:
            app.exec()
        finally:
            poll.stop()
            cohort_poll.stop()
            sys.excepthook = previous_hook
            today_rows = window.today_view.model.rowCount()
            # Reads still running hold connections of their own (see ``reads``).
            wait_for_background_reads()
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
    print(clock.json_line(), flush=True)
    return SMOKE_PASSED
