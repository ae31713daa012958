"""File menu work: open another database, create one, back one up.

A file that cannot be opened is reported in a dialog and the database already open stays
open; nothing here ever swaps the store before the new one has opened cleanly.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from tracker.storage.connections import all_errors, is_encrypted
from tracker.storage.database import Store, open_database
from tracker.storage.errors import StorageError
from tracker.ui.common.context import AppContext

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
) -> tuple[Store | None, str | None]:
    """(store, None) or (None, message fit for a dialog). Never raises for a bad file.

    ``check_in_background`` suits start-up, when there is no other database to fall back on:
    the screens fill while the whole-file check runs, and AppContext reports its verdict.
    An encrypted file is opened by ``sign_in`` (which asks who is working).
    """
    try:
        if sign_in is not None and is_encrypted(path):
            store = sign_in(path, clock=clock, check_in_background=check_in_background)
            if store is None:
                return None, f"{path} is encrypted and nobody signed in to open it."
            return store, None
        store = open_database(
            path, staff=staff, clock=clock, check_in_background=check_in_background
        )
        return store, None
    except StorageError as error:
        return None, str(error)
    except (*all_errors(), OSError) as error:
        return None, f"Cannot open {path}: {error}"


def open_existing(
    context: AppContext,
    path: Path | str,
    *,
    staff: str | None,
    parent: QWidget | None,
    sign_in: SignIn | None = None,
) -> bool:
    """Switch to the database at ``path``; on failure say why and keep the current one."""
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
    context: AppContext, destination: Path | str, *, parent: QWidget | None
) -> Path | None:
    """Copy the open database to ``destination`` (replacing a file the user chose to replace)."""
    if storage_backup is None:
        context.report_error(parent, "Backups are not available in this version.")
        return None
    return context.run(_backup, Path(destination), parent=parent)


def _backup(store: Store, destination: Path) -> Path:
    return storage_backup.backup_database(store.path, destination, overwrite=True)


def automatic_backup(store: Store, backup_dir: Path | None) -> Path | None:
    """The rotating backup taken on close when anything changed; StorageError if it fails."""
    if storage_backup is None:
        return None
    return storage_backup.automatic_backup(store, backup_dir)


def choose_database_to_open(parent: QWidget | None, start: Path | None) -> Path | None:
    chosen, _ = QFileDialog.getOpenFileName(
        parent, "Open database", str(start.parent if start else Path.home()), DATABASE_FILTER
    )
    return Path(chosen) if chosen else None


def choose_new_database(parent: QWidget | None, start: Path | None) -> Path | None:
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
    suggested = store.path.with_name(f"{store.path.stem}-backup-{date.today().isoformat()}.sqlite")
    chosen, _ = QFileDialog.getSaveFileName(
        parent, "Back up database", str(suggested), DATABASE_FILTER
    )
    return Path(chosen) if chosen else None
