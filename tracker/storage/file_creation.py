"""Making a new database file whole, and finishing a stopped program's recovery.

A new database is built under a temporary name and linked into place, so an interrupted
first start leaves no empty or half-made file under the database's name (an empty file is
refused, never taken for a new database).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from tracker.storage.connections import Connection, connect, database_errors, key_file_path
from tracker.storage.errors import NotADatabaseError
from tracker.storage.failures import sqlite_write_failure, write_failed
from tracker.storage.file_checks import BUSY_TIMEOUT_MS
from tracker.storage.private_files import create_private_file, private_folder
from tracker.storage.schema import apply_migrations


def create_database_file(path: Path, configure: Callable[[Connection], None]) -> None:
    """Make a new tracker database at ``path`` (which must not exist), whole or not at all;
    ``configure`` sets the PRAGMAs every connection of the application has. With a key file
    beside ``path`` (a sign-in unlocked its data key) the new file is encrypted."""
    from sqlite_utils import Database

    from tracker.storage.crypto import unlocked_key
    from tracker.storage.output_files import remove_leftovers, temporary_beside

    try:
        private_folder(path.parent)
    except OSError as error:
        raise write_failed(error, path) from None
    key = unlocked_key(path) if key_file_path(path).is_file() else None
    remove_leftovers(path.parent)
    temporary = temporary_beside(path, tag="creating")
    try:
        # Made 0600 before SQLite writes a byte; its -wal and -shm files take that mode.
        create_private_file(temporary)
        connection = connect(temporary, key=key)
        try:
            configure(connection)
            # Built with a rollback journal, then switched to WAL: a WAL's last checkpoint
            # happens in close(), which cannot report a full disk, and the file would be
            # linked into place without the pages still in its log.
            connection.execute("PRAGMA journal_mode = DELETE")
            apply_migrations(Database(connection, execute_plugins=False))
            connection.execute("PRAGMA journal_mode = WAL")
        finally:
            connection.close()
        _link_into_place(temporary, path)
    except database_errors() as error:
        failure = sqlite_write_failure(error, path, left="no database was made")
        raise failure or NotADatabaseError(f"cannot make a database at {path}: {error}") from None
    except OSError as error:
        raise write_failed(error, path, left="no database was made") from None
    finally:
        for leftover in ("", "-wal", "-shm"):
            Path(f"{temporary}{leftover}").unlink(missing_ok=True)


def _link_into_place(temporary: Path, path: Path) -> None:
    try:
        # A link never replaces a file another program made there meanwhile.
        os.link(temporary, path)
    except FileExistsError:
        return
    except OSError:
        # File systems without hard links (FAT, some network drives).
        if not path.exists():
            os.replace(temporary, path)


def complete_recovery(path: Path) -> None:
    """Let SQLite roll back the change a stopped program left in a rollback journal, as any
    connection that may write does on its first read; the file then holds its last committed
    state, and the checks that follow see that."""
    try:
        connection = connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        finally:
            connection.close()
    except database_errors() as error:
        failure = sqlite_write_failure(error, path, left="the file was not changed")
        raise failure or NotADatabaseError(
            f"{path} has an unfinished change that could not be rolled back ({error})"
        ) from None
