"""Start the Qt application: pick the database, show the window, catch what nobody caught."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from tracker.storage.database import default_database_path
from tracker.storage.private_files import (
    create_private_file,
    make_private,
    private_folder,
    use_private_umask,
)
from tracker.ui.common.context import AppContext, show_error
from tracker.ui.common.settings import APPLICATION, ORGANIZATION, AppSettings
from tracker.ui.shell import database_actions
from tracker.ui.shell.app_icon import DESKTOP_FILE_ID, application_icon
from tracker.ui.shell.main_window import MainWindow

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
    private_folder(path.parent)
    rotate_log(path)
    create_private_file(path)
    make_private(path)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(PrivateFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)


class PrivateFormatter(logging.Formatter):
    """Tracebacks without their exceptions' messages: a message may name a patient or an
    MRN (a refused duplicate MRN, a patient's name in a refusal); the frames, the kinds of
    error and the record ids in the log's own lines never do."""

    def formatException(self, exc_info) -> str:  # type: ignore[override]
        _kind, error, _trace = exc_info
        chain: list[BaseException] = []
        while error is not None and error not in chain:
            chain.append(error)
            error = error.__cause__ or error.__context__
        parts = []
        for each in reversed(chain):
            frames = "".join(traceback.format_tb(each.__traceback__))
            kind = f"{type(each).__module__}.{type(each).__qualname__}"
            parts.append(f"Traceback (most recent call last):\n{frames}{kind}: (message withheld)")
        return "\n\nwhich led to\n\n".join(parts)


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


def startup_database(
    cli_path: Path | str | None, settings: AppSettings
) -> tuple[Path | str, str | None]:
    """The database to open at start, and a note for the status bar when it is a fallback.

    ``--db`` wins; then the database used last time (a file if it is still there, or a
    server); then the default.
    """
    if isinstance(cli_path, str):
        return cli_path, None
    if cli_path is not None:
        return cli_path.expanduser(), None
    last = settings.last_database()
    if isinstance(last, str):
        return last, None
    if last is not None:
        if last.is_file():
            return last, None
        return default_database_path(), f"{last} was not found; opened the default database"
    return default_database_path(), None


def open_at_start(
    window: MainWindow,
    path: Path | str,
    *,
    clock: Callable[[], date] = date.today,
    read_only: bool = False,
) -> bool:
    """Open (creating if new) the start-up database; a refused file leaves no database open.

    ``read_only`` opens an existing file only to read it, leaving it byte for byte as it was.
    """
    store, message = database_actions.try_open(
        path,
        staff=window.staff_initials,
        clock=clock,
        check_in_background=True,
        sign_in=window.session.sign_in_to,
        read_only=read_only,
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
    db_path: Path | str | None,
    settings: AppSettings,
    *,
    ask_staff: bool = True,
    clock: Callable[[], date] = date.today,
    report_error: ErrorReport | None = None,
    sign_in_as: tuple[str, str] | None = None,
    read_only: bool = False,
) -> MainWindow:
    """Show the main window at once, then open the database into it.

    Opening checks the whole file (seconds for a large clinic), so the window comes first and
    says what it is doing; the staff prompt follows once the database is open. Refusals go to
    ``report_error`` (a dialog unless given). With ``ask_staff`` a missing database is the
    first run: it asks the clinic's name and first administrator and makes it encrypted; an
    encrypted one asks who signs in (``sign_in_as`` answers instead, for the smoke test).
    """
    window = MainWindow(AppContext(), settings)
    if report_error is not None:
        window.context.report_error = report_error
    window.setWindowIcon(application_icon())
    window.session.preset = sign_in_as
    window.session.interactive = ask_staff
    path, note = startup_database(db_path, settings)
    window.today_view.no_database_text = f"Opening {path}…"
    window.statusBar().showMessage(f"Opening {path}…")
    window.show()

    def open_database() -> None:
        window.statusBar().clearMessage()
        if ask_staff and not path.exists():
            if not window.session.files.create_encrypted(path, first_run=True, clock=clock):
                window.today_view.no_database_text = "No database is open."
                window.today_view.reload()
        elif open_at_start(window, path, clock=clock, read_only=read_only) and note:
            window.statusBar().showMessage(note, 15000)
        if ask_staff:
            QTimer.singleShot(0, window.ask_staff_initials_once)

    call_when_exposed(window, open_database)
    return window


def application() -> QApplication:
    """The QApplication, made once, named and given the icon."""
    app = QApplication.instance() or QApplication(sys.argv)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    # Wayland desktops match the window to its desktop entry, and take its icon from there.
    app.setDesktopFileName(DESKTOP_FILE_ID)
    # Dialogs opened without a parent window show the icon too.
    app.setWindowIcon(application_icon())
    return app


def run_app(db_path: Path | str | None = None) -> int:
    use_private_umask()
    log_path: Path | None = log_file_path()
    try:
        configure_logging(log_path)
    except OSError:
        log_path = None
    app = application()
    install_exception_hook(
        lambda message: show_error(QApplication.activeWindow(), message, "Unexpected error"),
        log_path,
    )
    window = launch(db_path, AppSettings())
    code = app.exec()
    if window.context.has_store:
        window.context.store.close()
    return code
