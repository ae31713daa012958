"""File menu work: open another database (a file or a server), create one, back one up.

A file that cannot be opened is reported in a dialog and the database already open stays
open; nothing here ever swaps the store before the new one has opened cleanly.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtWidgets import QFileDialog, QWidget

from tracker.storage.connections import all_errors, is_encrypted
from tracker.storage.copy import copy_database
from tracker.storage.database import Store, open_database
from tracker.storage.downtime import DowntimeCopy, latest_downtime_copy, open_downtime_copy
from tracker.storage.engines import is_server_address
from tracker.storage.errors import ServerUnreachableError, StorageError
from tracker.storage.operations.actions import record_backup
from tracker.storage.server import open_server
from tracker.storage.server_accounts import has_server_passwords
from tracker.ui.common.context import AppContext
from tracker.ui.common.reads import work_in_background

if TYPE_CHECKING:
    from tracker.ui.shell.main_window import MainWindow

try:
    from tracker.storage import backup as storage_backup
except ImportError:  # backups ship in their own module; the menu entry is disabled without it
    storage_backup = None

# Opens an encrypted database file signed in (``Session.sign_in_to``); None when nobody did.
SignIn = Callable[..., "Store | None"]
DATABASE_FILTER = "Tracker databases (*.sqlite *.db);;All files (*)"
DATABASE_SUFFIX = ".sqlite"


def backups_available() -> bool:
    return storage_backup is not None


def try_open(
    path: Path,
    *,
    staff: str | None,
    clock: Callable[[], date] = date.today,
    check_in_background: bool = False,
    sign_in: SignIn | None = None,
    read_only: bool = False,
) -> tuple[Store | None, str | None]:
    """(store, None) or (None, message fit for a dialog). Never raises for a bad file.

    ``check_in_background`` suits start-up, when there is no other database to fall back on:
    the screens fill while the whole-file check runs, and AppContext reports its verdict.
    An encrypted file is opened by ``sign_in`` (which asks who is working).
    ``read_only`` opens an existing file without changing a byte of it (the smoke test).
    """
    if is_server_address(path):
        return try_server(
            str(path), staff=staff, clock=clock, read_only=read_only, sign_in=sign_in
        )
    try:
        if sign_in is not None and is_encrypted(path):
            store = sign_in(
                path, clock=clock, check_in_background=check_in_background, read_only=read_only
            )
            if store is None:
                return None, f"{path} is encrypted and nobody signed in to open it."
            return store, None
        store = open_database(
            path,
            staff=staff,
            clock=clock,
            check_in_background=check_in_background,
            read_only=read_only,
        )
        return store, None
    except StorageError as error:
        return None, str(error)
    except (*all_errors(), OSError) as error:
        return None, f"Cannot open {path}: {error}"


def try_server(
    address: str,
    *,
    staff: str | None,
    clock: Callable[[], date] = date.today,
    read_only: bool = False,
    sign_in: SignIn | None = None,
) -> tuple[Store | None, str | None]:
    """The server database at ``address``, signed in by ``sign_in`` when it has staff
    accounts; when it cannot be reached, this workstation's latest downtime copy of it,
    read-only (``store.downtime`` says how old)."""
    from tracker.storage.roles import has_accounts

    try:
        store = open_server(address, staff=staff, clock=clock, read_only=read_only)
        if not has_accounts(store):
            return store, None
        store.close()
        if sign_in is None:
            return None, f"{store.path.name} has staff accounts: sign in to open it."
        signed = sign_in(address, clock=clock, read_only=read_only)
        if signed is None:
            return None, f"{store.path.name} has staff accounts and nobody signed in to open it."
        return signed, None
    except ServerUnreachableError as error:
        copy = latest_downtime_copy(address)
        if copy is None:
            return None, f"{error}. This workstation has no downtime copy of it yet."
        try:
            return _open_copy(copy, staff=staff, clock=clock, sign_in=sign_in), None
        except StorageError as refused:
            return None, f"{error}; its downtime copy cannot be read either ({refused})"
    except StorageError as error:
        return None, str(error)


def open_existing(
    context: AppContext,
    path: Path | str,
    *,
    staff: str | None,
    parent: QWidget | None,
    sign_in: SignIn | None = None,
) -> bool:
    """Switch to the database at ``path`` (a file or a server address); on failure say why
    and keep the current one."""
    if is_server_address(path):
        store, message = try_server(str(path), staff=staff, sign_in=sign_in)
        if store is None:
            context.report_error(parent, f"{message}\n\nThe database already open stays open.")
            return False
        context.replace_store(store)
        return True
    path = Path(path)
    if not path.is_file():
        context.report_error(parent, f"{path} does not exist or is not a file.")
        return False
    store, message = try_open(path, staff=staff, sign_in=sign_in)
    if store is None:
        context.report_error(parent, f"{message}\n\nThe database already open stays open.")
        return False
    context.replace_store(store)
    return True


def create_new(
    context: AppContext, path: Path | str, *, staff: str | None, parent: QWidget | None
) -> bool:
    """Create an empty database at ``path`` (which must not exist yet) and switch to it."""
    path = Path(path)
    if path.suffix == "":
        path = path.with_suffix(DATABASE_SUFFIX)
    if path.exists():
        context.report_error(
            parent, f"{path} already exists. Use File > Open database… to open it."
        )
        return False
    store, message = try_open(path, staff=staff)
    if store is None:
        context.report_error(parent, message or f"Cannot create {path}")
        return False
    context.replace_store(store)
    return True


def backup_to(
    context: AppContext,
    destination: Path | str,
    *,
    parent: QWidget | None,
    on_done: Callable[[Path | None], None],
) -> bool:
    """Start copying the open database to ``destination`` off the GUI thread (the database
    and the copy are checked whole: seconds for a large clinic). ``on_done(written)``
    follows on the GUI thread, with None after a refusal was shown. False when nothing was
    started."""
    if storage_backup is None:
        context.report_error(parent, "Backups are not available in this version.")
        return False
    store = context.store
    source, target = Path(store.path), Path(destination)

    def done(written: Path | None, error: BaseException | None) -> None:
        if error is not None or written is None:
            reason = str(error) if isinstance(error, StorageError) else repr(error)
            context.report_error(parent, f"The backup was not written: {reason}")
            on_done(None)
            return
        if context.has_store and context.store is store:
            try:
                record_backup(store, written)
            except StorageError as refused:
                context.report_error(parent, f"The backup was written but not recorded: {refused}")
        on_done(written)

    if store.is_server:
        # A server database is backed up as a copy into a new file (``tracker copy``
        # restores it); the save dialog has asked before replacing one.
        address = store.engine.address.url

        def copy_from_server() -> Path:
            target.unlink(missing_ok=True)
            copy_database(address, target)
            return target

        work_in_background(copy_from_server, done)
        return True
    # The save dialog has asked before replacing a file.
    work_in_background(
        lambda: storage_backup.backup_database(source, target, overwrite=True), done
    )
    return True


def back_up_in_background(
    database: Path,
    backup_dir: Path | None,
    on_done: Callable[[Path | None, BaseException | None], None],
) -> bool:
    """Start the rotating backup taken on close off the GUI thread (the source and each copy
    are checked whole, seconds for a large clinic); ``on_done(written, error)`` follows on
    the GUI thread. False (and nothing started) without backups in this version."""
    if storage_backup is None:
        return False
    path = Path(database)
    work_in_background(lambda: storage_backup.rotate_backups(path, backup_dir), on_done)
    return True


def record_automatic_backup(context: AppContext, written: Path) -> None:
    """Note the closing backup in the audit trail; a refusal is only shown."""
    if not context.has_store:
        return
    try:
        record_backup(context.store, written, automatic=True)
    except StorageError as error:
        context.report_error(None, f"The backup was written but not recorded: {error}")


def _folder_start(start: Path | str | None) -> Path | None:
    """Where a file dialog opens: beside the database in use, unless that is a server."""
    return None if start is None or is_server_address(str(start)) else Path(start)


def choose_database_to_open(parent: QWidget | None, start: Path | str | None) -> Path | None:
    start = _folder_start(start)
    chosen, _ = QFileDialog.getOpenFileName(
        parent, "Open database", str(start.parent if start else Path.home()), DATABASE_FILTER
    )
    return Path(chosen) if chosen else None


def choose_new_database(parent: QWidget | None, start: Path | str | None) -> Path | None:
    start = _folder_start(start)
    folder = start.parent if start else Path.home()
    chosen, _ = QFileDialog.getSaveFileName(
        parent,
        "New database",
        str(folder / f"tracker{DATABASE_SUFFIX}"),
        DATABASE_FILTER,
        options=QFileDialog.Option.DontConfirmOverwrite,
    )
    return Path(chosen) if chosen else None


def choose_backup_file(parent: QWidget | None, store: Store) -> Path | None:
    if store.is_server:
        suggested = Path.home() / f"tracker-server-backup-{date.today().isoformat()}.sqlite"
    else:
        suggested = store.path.with_name(
            f"{store.path.stem}-backup-{date.today().isoformat()}.sqlite"
        )
    chosen, _ = QFileDialog.getSaveFileName(
        parent, "Back up database", str(suggested), DATABASE_FILTER
    )
    return Path(chosen) if chosen else None


def start_backup(window: MainWindow, destination: Path | str | None) -> bool:
    """File > Back up: asks where unless told; True once a backup has started (off the GUI
    thread). The action waits, disabled, until it is done."""
    if not window.context.has_store:
        return False
    if destination is None:
        destination = choose_backup_file(window, window.context.store)
        if destination is None:
            return False

    def done(written: Path | None) -> None:
        if not shiboken6.isValid(window):
            return
        window.commands.backup.setEnabled(window.context.has_store)
        if written is not None:
            window.statusBar().showMessage(f"Backup written to {written}", 8000)

    started = backup_to(window.context, destination, parent=window, on_done=done)
    if started:
        window.commands.backup.setEnabled(False)
        window.statusBar().showMessage(f"Backing up to {destination}…")
    return started


def _open_copy(
    copy: DowntimeCopy, *, staff: str | None, clock: Callable[[], date], sign_in: SignIn | None
) -> Store | None:
    """The server's downtime copy, read-only; with staff accounts, signed in (the passwords
    are checked against the server's as last copied), so the day's sheets can be printed."""
    store = open_downtime_copy(copy, staff=staff, clock=clock)
    if sign_in is None or not has_server_passwords(store):
        return store
    store.close()
    signed = sign_in(
        copy.path,
        clock=clock,
        read_only=True,
        intro=f"The server cannot be reached: this is its downtime copy ({copy.age_text()}), "
        "for reading and printing only. Sign in with your own account.",
    )
    if signed is None:
        raise StorageError("nobody signed in to open it")
    signed.downtime = copy
    return signed
